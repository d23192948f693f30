"""The ``ct-desktop`` command line: the same core as the app, one module per command.

With no command (``ct-desktop`` or ``ct-desktop --data-dir DIR``) the app starts, and the command
modules are not even imported: a person waits for that window, and every module loaded is time.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Sequence

from ct_desktop import __version__
from ct_desktop.cli import start_cmd
from ct_desktop.cli.common import EXIT_BAD_INPUT, CliError, choose_data_folder, data_dir_parent, is_reader_gone

# Each command module offers register(subparsers, parent) and sets its handler with set_defaults(run=...).
# The order is the order of --help.
COMMANDS = (
    "window_cmd", "validate_cmd", "locations_cmd", "draft_cmd", "submit_cmd", "no_changes_cmd", "status_cmd",
    "connect_cmd", "sync_cmd", "outbox_cmd", "question_sets_cmd", "csv_cmd", "backup_cmd", "profiles_cmd",
    "doctor_cmd", "compliance_cmd", "evidence_cmd",
)
DESCRIPTION = "Prepare and send the monthly Capacity Tracker return. With no command, starts the app."


def build_parser() -> argparse.ArgumentParser:
    """The whole argument parser, every command taking --data-dir and --profile."""
    parent = data_dir_parent()
    parser = _top_parser(parent)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"ct_desktop.cli.{name}").register(subparsers, parent)
    return parser


def _top_parser(parent: argparse.ArgumentParser, add_help: bool = True) -> argparse.ArgumentParser:
    # Without help, the quick look of _start_only: a mistake raises instead of exiting, for the whole
    # parser to report.
    parser = argparse.ArgumentParser(prog="ct-desktop", description=DESCRIPTION, parents=[parent],
                                     add_help=add_help, exit_on_error=add_help)
    parser.add_argument("--version", action="version", version=f"ct-desktop {__version__}")
    parser.add_argument("--minimised", "--minimized", action="store_true",
                        help="start the app in the tray (where the desktop has one; minimised otherwise), as a "
                        "start with the computer does")
    parser.set_defaults(run=start_cmd.run)
    return parser


def _start_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when they only start the app (no command, no help); None for anything else."""
    try:
        args, rest = _top_parser(data_dir_parent(), add_help=False).parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return None if rest else args


def main_windowed(argv: Sequence[str] | None = None) -> int:
    """``main`` for a start with no console: the ``ct-desktop-app`` entry point (a gui-script).

    On Windows pip makes it an executable that opens no console window, the one for a shortcut; it starts
    with no standard output or error at all (``sys.stdout is None``), so they go to the null device, where
    a message or ``--help`` would otherwise crash with AttributeError. Elsewhere it is ``ct-desktop``.
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the app)
    return main(argv)


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a program whose reader went away


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the return value is the process exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _start_only(argv) or build_parser().parse_args(argv)
    try:
        if getattr(args, "uses_data_folder", True) and args.run is not start_cmd.run:
            choose_data_folder(args)  # the app chooses its own (it may ask which profile)
        code = int(args.run(args) or 0)
        # Written out here, not at exit, so that a failed write is reported (and changes the exit code).
        sys.stdout.flush()
        return code
    except CliError as exc:
        print(f"ct-desktop: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ct-desktop: interrupted; everything saved so far is kept", file=sys.stderr)
        return 130
    except OSError as exc:
        if is_reader_gone(exc):
            return _reader_went_away()
        if not _is_stdout_error(exc):
            raise
        print(f"ct-desktop: the output could not be written: {exc.strerror or exc}; what was written is "
              "incomplete (everything saved here is kept)", file=sys.stderr)
        _discard_stdout()
        return EXIT_BAD_INPUT


def _reader_went_away() -> int:
    """``ct-desktop ... | head -1``: the reader stopped reading. Stop quietly, as Unix tools do."""
    _discard_stdout()
    return EXIT_BROKEN_PIPE


def _discard_stdout() -> None:
    # What is still buffered would fail again when Python flushes standard output at exit, printing
    # "Exception ignored": point the descriptor at the null device so that the flush goes nowhere.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # no real descriptor (a test's captured output): nothing is flushed at exit anyway


def _is_stdout_error(exc: OSError) -> bool:
    """Whether an OSError is a failed write of the output (a full disk behind ``> file``): the store and the
    files a command writes report their own errors, so one of these reaching here is standard output's."""
    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)
