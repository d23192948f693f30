"""Where ct-desktop keeps its data: one folder, chosen once and passed around.

Order of choice: the ``--data-dir`` option, then ``CT_DESKTOP_DATA_DIR``, then the user's data folder
as the operating system defines it (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ct-desktop"
DATA_DIR_ENV = "CT_DESKTOP_DATA_DIR"


class DataDirError(OSError):
    """The data folder cannot be created or written; the message says which folder and why."""


def default_data_dir() -> Path:
    """The operating system's per-user data folder for ct-desktop."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use, from the option, the environment or the platform default."""
    chosen = option or os.environ.get(DATA_DIR_ENV) or default_data_dir()
    return Path(chosen).expanduser().resolve()


def ensure_data_dir(path: Path) -> Path:
    """Create the folder (private to the user where the platform allows) and return it."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise DataDirError(f"cannot use the data folder {path}: {exc.strerror or exc}") from exc
    if not os.access(path, os.W_OK):
        raise DataDirError(f"cannot use the data folder {path}: it is not writable")
    return path
