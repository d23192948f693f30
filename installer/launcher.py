"""The script PyInstaller freezes for both executables: the ``ct-desktop`` entry point, unchanged.

A file of its own because PyInstaller needs a script, not a ``module:function`` entry point, and
``ct_desktop/__main__.py`` is for ``python -m ct_desktop``. The windowed Windows and macOS build
starts with no standard output or error at all (``sys.stdout is None``): a command that writes to
them there (``--help``, an error message, ``print_json``) would crash with AttributeError instead
of running, so they go to the null device. ``ct-desktop-cli`` has a console and keeps its streams.
"""

import os
import sys

from ct_desktop.cli import main

if __name__ == "__main__":
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the app)
    sys.exit(main())
