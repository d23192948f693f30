"""``ct-desktop sync [--json] [--retry-now]``: send what is queued now, in one run of the outbox.

Exit 0: everything sent and accepted; 3: something is left (waiting for the network or its next try,
set aside, refused or in conflict: each is listed with why); 2: not connected, the token was refused,
or the data folder cannot be used. The sync engine (requests, keyring) is imported when the command
runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
import sys

from ct_desktop.cli.common import EXIT_BAD_INPUT, CliError, print_json
from ct_desktop.cli.store_session import opened_store
from ct_desktop.period import Period
from ct_desktop.settings import SettingsError
from ct_desktop.store import Store, StoreError
from ct_desktop.sync.report import SyncReport

EXIT_LEFT_QUEUED = 3


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "sync",
        parents=[parent],
        help="send the returns waiting in the outbox to the tracker",
        description="Send every queued return that is due, once, and fetch the tracker's recent returns. "
        "Exit 0: all sent and accepted; 3: some left (why is listed); 2: not connected or data folder unusable.",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--retry-now", action="store_true",
                        help="also send submissions waiting for their next try (after the network came back)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """One run of the outbox; the report, and an exit code that says whether anything is left."""
    from ct_desktop.credentials import CredentialsUnavailable
    from ct_desktop.sync.connection import CONNECT_HINT, NotConnected
    from ct_desktop.sync.engine import sync_data_folder

    try:
        report = sync_data_folder(getattr(args, "data_dir", None), include_waiting=args.retry_now)
    except (NotConnected, CredentialsUnavailable, SettingsError, StoreError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(report.as_dict())
    else:
        print(report.summary())
        with opened_store(args) as store:
            for line in detail_lines(report, store):
                print(f"  {line}")
    if report.unauthorized:
        print(f"ct-desktop: the tracker refused the token: connect again ({CONNECT_HINT})", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0 if report.all_sent else EXIT_LEFT_QUEUED


def detail_lines(report: SyncReport, store: Store) -> list[str]:
    """One line per return the run touched or left, saying what happened and what to do."""
    lines = [f"accepted: {loc} {_label(period)}, revision {revision}, receipt {receipt}"
             for loc, period, revision, receipt in report.accepted]
    for loc, period in report.rejected:
        draft = store.get_return(loc, Period.parse(period))
        lines.append(f"refused: {loc} {_label(period)}: fix it with ct-desktop draft set {loc} {period} "
                     "KEY=VALUE ..., then submit again; the tracker said:")
        for key, texts in (draft.tracker_messages if draft else {}).items():
            lines += [f"  {key}: {text}" for text in texts]
    for loc, period in report.conflicts:
        draft = store.get_return(loc, Period.parse(period))
        revision = (draft.server_copy or {}).get("revision") if draft else None
        lines.append(f"conflict: {loc} {_label(period)}: the tracker's copy changed (now revision {revision}); "
                     f"compare with ct-desktop draft show {loc} {period} and submit what is right")
    lines += [f"set aside: {loc} {_label(period)}: {reason}" for loc, period, reason in report.set_aside]
    lines += [f"new question set: {kind} {version}, in force from {_label(month)} (ct-desktop question-sets)"
              for kind, version, month in report.question_sets_added]
    lines += [f"question set refused, not used: {reason}" for _, _, reason in report.question_sets_refused]
    if report.still_queued and not report.unauthorized:
        lines.append(f"waiting: {report.still_queued} submission{'s' if report.still_queued != 1 else ''}; "
                     "to try at once when the network is back: ct-desktop sync --retry-now")
    return lines


def _label(period: str) -> str:
    return Period.parse(period).label
