"""``python -m ct_tracker``: the same as the ``ct-tracker`` command."""

import sys

from ct_tracker.cli import main

sys.exit(main())
