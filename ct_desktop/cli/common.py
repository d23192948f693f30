"""What every command shares: the --data-dir and --profile options, errors with exit codes, JSON output."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from typing import Any

from ct_desktop.period import Period, PeriodError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
# Service types are the question sets' (one definition file each), so the help names none as the only ones.
SERVICE_TYPE_HELP = "a service type with a question set, e.g. care_home (one not known is refused, with the list)"


def is_reader_gone(exc: BaseException) -> bool:
    """Whether a failed write means that standard output's reader stopped reading (``... | head -1``).

    BrokenPipeError on POSIX; on Windows a write to a pipe closed at the other end fails with "Invalid
    argument" (ERROR_NO_DATA becomes EINVAL), with no file name, unlike a path Windows cannot take.
    """
    if isinstance(exc, BrokenPipeError):
        return True
    return os.name == "nt" and isinstance(exc, OSError) and exc.errno == errno.EINVAL and exc.filename is None


class CliError(Exception):
    """A problem to report in one line, with the exit code the command ends with."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.exit_code = exit_code


def data_dir_parent() -> argparse.ArgumentParser:
    """A parent parser that gives a command the --data-dir and --profile options."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="data folder to use (default: $CT_DESKTOP_DATA_DIR, else your user data folder)",
    )
    parent.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="the profile to use, such as Training (default: Live, the data folder itself; "
        "ct-desktop profiles lists them)",
    )
    return parent


def choose_data_folder(args: argparse.Namespace) -> None:
    """Put the data folder that --profile or --data-dir chooses in ``args.data_dir``; a CliError (exit 2) if none.

    Every command then reads ``args.data_dir`` alone.
    """
    from ct_desktop.profiles import ProfileError, choose_folder

    try:
        args.data_dir = str(choose_folder(getattr(args, "data_dir", None), getattr(args, "profile", None)))
    except ProfileError as exc:
        raise CliError(str(exc)) from exc


def parse_period(text: str) -> Period:
    """A YYYY-MM argument, or a CliError saying how to write it."""
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise CliError(str(exc)) from exc


def print_json(data: Any) -> None:
    """Write JSON to standard output, one document, readable."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
