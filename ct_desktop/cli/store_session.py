"""What the commands that use the local store share: opening it, "who is working", reporting refusals."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Iterator

from ct_desktop.cli.common import EXIT_BAD_INPUT, EXIT_FINDINGS, CliError
from ct_desktop.collection_window import now_london
from ct_desktop.forms.findings import Finding
from ct_desktop.period import Period
from ct_desktop.store import LifecycleError, Store, StoreError, lifecycle, open_store, who

USER_ENV = "CT_DESKTOP_USER"


def add_return_arguments(parser: argparse.ArgumentParser) -> None:
    """LOCATION and YYYY-MM: which return a command works on."""
    parser.add_argument("location", metavar="LOCATION", help="the location id")
    parser.add_argument("period", metavar="YYYY-MM", help="the month of the return")


def add_by_option(parser: argparse.ArgumentParser) -> None:
    """The --by option of every command that changes a return."""
    parser.add_argument(
        "--by",
        metavar="NAME",
        help=f"your name or initials, recorded with each change (default: ${USER_ENV}, else your login name)",
    )


def who_is_working(args: argparse.Namespace) -> str:
    """The person to record: --by, else $CT_DESKTOP_USER, else the login name; never empty."""
    name = getattr(args, "by", None) or os.environ.get(USER_ENV, "").strip()
    if not name:
        # getuser() looks at LOGNAME/USER/... and then the password database, which may have no entry.
        with contextlib.suppress(Exception):
            name = getpass.getuser()
    try:
        return who(name)
    except StoreError as exc:
        raise CliError(f"{exc}: pass --by NAME or set {USER_ENV}") from exc


@contextlib.contextmanager
def opened_store(args: argparse.Namespace) -> Iterator[Store]:
    """The store of the data folder, closed afterwards; a StoreError becomes a one-line CliError (exit 2).

    A LifecycleError passes through: the command reports it with its list of findings (exit 1).
    """
    try:
        store = open_store(getattr(args, "data_dir", None))
    except StoreError as exc:
        raise CliError(str(exc), EXIT_BAD_INPUT) from exc
    try:
        yield store
    except LifecycleError:
        raise
    except StoreError as exc:
        raise CliError(str(exc), EXIT_BAD_INPUT) from exc
    finally:
        store.close()


def report_refusal(exc: LifecycleError, hint: str = "") -> int:
    """Print a refusal and its findings to standard error, one line each; the exit code is 1.

    A month that can never be sent (after this one, before July 2022) is unusable input: one line, exit 2.
    """
    print(f"ct-desktop: {exc}", file=sys.stderr)
    if exc.reason == lifecycle.MONTH_NOT_SENDABLE:
        return EXIT_BAD_INPUT
    for finding in exc.findings:
        print(f"ct-desktop:   {finding_line(finding)}", file=sys.stderr)
    if hint:
        print(f"ct-desktop: {hint}", file=sys.stderr)
    return EXIT_FINDINGS


def finding_line(finding: Finding) -> str:
    """One finding as one line: severity, field, message and code."""
    return f"{finding.severity} {finding.field}: {finding.message} [{finding.code}]"


def this_month() -> Period:
    """The current month, London time."""
    return Period.of(now_london().date())
