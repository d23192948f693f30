"""``ct-desktop`` with no command: start the app.

Until the desktop window exists this prints where things stand: the data folder and this month's
collection window.
"""

from __future__ import annotations

import argparse

from ct_desktop import __version__
from ct_desktop.cli.common import CliError
from ct_desktop.cli.window_cmd import status_text
from ct_desktop.collection_window import collection_window, now_london
from ct_desktop.paths import DataDirError, ensure_data_dir, resolve_data_dir
from ct_desktop.period import Period, describe_day


def run(args: argparse.Namespace) -> int:
    """Show the status; exit 0."""
    try:
        folder = ensure_data_dir(resolve_data_dir(getattr(args, "data_dir", None)))
    except DataDirError as exc:
        raise CliError(str(exc)) from exc
    moment = now_london()
    window = collection_window(Period.of(moment.date()))
    print(f"ct-desktop {__version__}")
    print(f"Data folder: {folder}")
    print(f"This month's return ({window.period.label}): due by the end of "
          f"{describe_day(window.due)}; {status_text(window, moment)}")
    print("Run 'ct-desktop --help' for the commands.")
    return 0
