"""Putting a finished file in place of another in one step, on Windows as elsewhere.

``os.replace`` is atomic everywhere, but on Windows it fails with PermissionError while another
program has the target open (Python, and most programs, open files without the share mode that
allows it): the app reading ``settings.json`` just as a command saves it, a virus scanner looking at
a new backup. Such a hold lasts milliseconds, so the replace is tried again for a short while before
the error is let through.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

WINDOWS_RETRY_S = 2.0  # how long a file held open on Windows is waited for
_PAUSE_S = 0.05


def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """``os.replace(source, target)``; on Windows a target held open by another program is waited for."""
    if os.name != "nt":
        os.replace(source, target)
        return
    deadline = time.monotonic() + WINDOWS_RETRY_S
    while True:
        try:
            os.replace(source, target)
            return
        except PermissionError:
            # Also what a read-only target or a folder gives: those do not change, and fail after the wait.
            if time.monotonic() >= deadline or not Path(source).exists():
                raise
            time.sleep(_PAUSE_S)
