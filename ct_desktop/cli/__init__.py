"""The ``ct-desktop`` command line: the same core as the app, one module per command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ct_desktop import __version__
from ct_desktop.cli import (
    connect_cmd,
    csv_cmd,
    doctor_cmd,
    draft_cmd,
    locations_cmd,
    no_changes_cmd,
    start_cmd,
    status_cmd,
    submit_cmd,
    sync_cmd,
    validate_cmd,
    window_cmd,
)
from ct_desktop.cli.common import CliError, data_dir_parent

# Each command module offers register(subparsers, parent) and sets its handler with set_defaults(run=...).
# The order is the order of --help.
COMMANDS = (
    window_cmd, validate_cmd, locations_cmd, draft_cmd, submit_cmd, no_changes_cmd, status_cmd,
    connect_cmd, sync_cmd, csv_cmd, doctor_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    """The whole argument parser, every command taking --data-dir."""
    parent = data_dir_parent()
    parser = argparse.ArgumentParser(
        prog="ct-desktop",
        description="Prepare and send the monthly Capacity Tracker return. With no command, starts the app.",
        parents=[parent],
    )
    parser.add_argument("--version", action="version", version=f"ct-desktop {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers, parent)
    parser.set_defaults(run=start_cmd.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the return value is the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except CliError as exc:
        print(f"ct-desktop: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ct-desktop: interrupted; everything saved so far is kept", file=sys.stderr)
        return 130
