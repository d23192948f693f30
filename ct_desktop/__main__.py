import sys

from ct_desktop.cli import main

sys.exit(main())
