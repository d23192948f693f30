"""Whether the desktop app has a data folder open, as seen from the core (no Qt).

The app takes ``ct-desktop.lock`` in the data folder with Qt's QLockFile (ct_desktop/ui/single_instance.py)
for as long as it runs: a second start finds it and brings the first window forward instead. The
command line never takes the lock, so its commands keep working beside the app; only ``restore``,
which replaces the database under the app's feet, asks here and refuses while the app runs.

QLockFile writes the holder's process id on the first line. On POSIX it also holds an flock() on the
file, which ends with the process however it ends (a SIGKILL included), so that is what is asked; on
Windows the process id is looked up.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import IO

LOCK_FILENAME = "ct-desktop.lock"


def lock_path(data_dir: Path) -> Path:
    """Where the app's lock of a data folder is."""
    return Path(data_dir) / LOCK_FILENAME


def app_holding(data_dir: Path) -> int | None:
    """The process id of the app that has this data folder open, or None (0 when it cannot be told)."""
    path = lock_path(data_dir)
    try:
        with open(path, "rb") as handle:
            if not _held(handle):
                return None
            first = handle.read(64).split(b"\n", 1)[0]
    except FileNotFoundError:
        return None
    except OSError:
        return 0  # the holder keeps it from being read: Windows, while the app runs
    try:
        pid = int(first)
    except ValueError:
        return 0
    if sys.platform.startswith("win") and not _windows_process_running(pid):
        return None  # left by an app that was killed: the next start takes it over
    return pid


def _held(handle: IO[bytes]) -> bool:
    if sys.platform.startswith("win"):
        return True  # told by the process id instead
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    with contextlib.suppress(OSError):
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


def _windows_process_running(pid: int) -> bool:
    import ctypes

    synchronize, wait_timeout = 0x00100000, 0x102
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(synchronize, False, pid)
    if not handle:
        return False
    try:
        return bool(kernel32.WaitForSingleObject(handle, 0) == wait_timeout)
    finally:
        kernel32.CloseHandle(handle)

