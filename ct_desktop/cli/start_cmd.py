"""``ct-desktop`` with no command: start the app.

With no display to open a window on (a Linux server or SSH session without DISPLAY or
WAYLAND_DISPLAY), it prints where things stand instead, the data folder and this month's collection
window, and says that the window needs a display. Qt is imported only when a window can be shown,
so the command line never loads it otherwise (tests/test_core_has_no_qt.py).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys

from ct_desktop import __version__
from ct_desktop.cli.common import CliError
from ct_desktop.collection_window import collection_window, now_london, status_text
from ct_desktop.paths import DataDirError, ensure_data_dir
from ct_desktop.period import Period, describe_day
from ct_desktop.profiles import ProfileError, choose_folder

# What the main window needs that does not need Qt: the core, the window's Qt-free helpers, and html
# (cards escape names with it).
CORE_BEFORE_QT = ("ct_desktop.settings", "ct_desktop.store", "ct_desktop.forms.catalogue", "ct_desktop.sync.report",
                  "ct_desktop.ui.presentation", "ct_desktop.ui.figures", "ct_desktop.ui.shortcuts_help", "html")
NO_DISPLAY = ("The ct-desktop window needs a display: run it in a desktop session (or set DISPLAY or "
              "WAYLAND_DISPLAY); the commands work without one ('ct-desktop --help').")


def display_available() -> bool:
    """Whether Qt can open a window: always on Windows and macOS; on Linux and other Unix, with a display.

    QT_QPA_PLATFORM (e.g. offscreen, vnc) names a platform that needs no X11 or Wayland display.
    """
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("win") or sys.platform == "darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    """Start the app; without a display, print the status and say why no window opened (exit 0)."""
    data_dir, profile = getattr(args, "data_dir", None), getattr(args, "profile", None)
    try:
        folder = ensure_data_dir(choose_folder(data_dir, profile))
    except (DataDirError, ProfileError) as exc:
        if display_available():
            # Started from an icon or the Start menu there is no terminal to read: say it in a box too.
            with contextlib.suppress(ImportError):
                importlib.import_module("ct_desktop.ui.app").report_unusable_data_folder(exc)
        raise CliError(str(exc)) from exc
    # Neither option: the app opens the profile chosen (it asks which when there is more than one).
    chosen = folder if data_dir is not None or profile is not None else None
    if display_available():
        # This month's due date, which the main window shows, worked out before Qt is loaded. It is
        # usually read from the bank holiday cache; when the holidays package has to be loaded (first
        # start, new year, new release), that is much cheaper before PySide6, which looks through the
        # source of every module imported after it (for ``from __feature__ import``).
        collection_window(Period.of(now_london().date()))
        # The core the window reads with, loaded before Qt for the same reason.
        for core in CORE_BEFORE_QT:
            importlib.import_module(core)
        try:
            app = importlib.import_module("ct_desktop.ui.app")  # Qt is loaded only here
        except ImportError as exc:
            print_status(folder)
            print(f"The ct-desktop window cannot start: {exc}. Reinstall ct-desktop to get PySide6.")
            return 0
        if getattr(args, "minimised", False):
            return int(app.run_app(chosen, minimised=True))
        return int(app.run_app(chosen))
    print_status(folder)
    print(NO_DISPLAY)
    return 0


def print_status(folder: os.PathLike[str]) -> None:
    """The version, the data folder and this month's collection window."""
    moment = now_london()
    window = collection_window(Period.of(moment.date()))
    print(f"ct-desktop {__version__}")
    print(f"Data folder: {folder}")
    print(f"This month's return ({window.period.label}): due by the end of "
          f"{describe_day(window.due)}; {status_text(window, moment)}")
    print("Run 'ct-desktop --help' for the commands.")
