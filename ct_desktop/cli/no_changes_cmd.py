"""``ct-desktop no-changes LOCATION [YYYY-MM] [--by NAME]``: "no changes — save page", offline.

Queues this month's return as a copy of the last accepted one, recording who reviewed it and when.
It is checked against this month's form, so it cannot pass when the month asks something new (the
flu questions in September).
"""

from __future__ import annotations

import argparse

from ct_desktop.cli.common import parse_period
from ct_desktop.cli.store_session import (
    add_by_option,
    opened_store,
    report_refusal,
    this_month,
    who_is_working,
)
from ct_desktop.forms.findings import warnings
from ct_desktop.forms.model import count_text
from ct_desktop.store import LifecycleError, lifecycle


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "no-changes",
        parents=[parent],
        help="submit this month unchanged from the last accepted return",
        description="Record that the last accepted return is still true and queue it as this month's "
        "return, with who reviewed it and when. Works offline. Exit 0: queued; 1: refused (no accepted "
        "return to copy, this month already started or sent, or this month's form asks for more); "
        "2: bad input or unreadable data.",
    )
    parser.add_argument("location", metavar="LOCATION", help="the location id")
    parser.add_argument("period", metavar="YYYY-MM", nargs="?", help="the month (default: this month)")
    add_by_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Queue the unchanged return, or say why not."""
    period = parse_period(args.period) if args.period else this_month()
    by = who_is_working(args)
    with opened_store(args) as store:
        location = store.location(args.location)
        try:
            submission = store.no_changes(location.id, period, by)
        except LifecycleError as exc:
            return report_refusal(exc, hint(exc, location.id, str(period)))
    base = submission.copied_from
    source = f"{base.period.label} (revision {base.revision})" if base else "the last accepted return"
    print(f"Queued {location.name} ({location.id}), {period.label}, unchanged from {source}, "
          f"reviewed by {by} at {submission.draft.reviewed_at}.")
    if submission.dropped:
        print(f"Left out as not asked in {period.label}: {', '.join(submission.dropped)}.")
    found = warnings(submission.findings)
    if found:
        print(f"Note {count_text(len(found), 'warning')}, as when it was last accepted:")
        for finding in found:
            print(f"  {finding.field}: {finding.message}")
    print("It is sent when the network allows (ct-desktop sync).")
    return 0


def hint(exc: LifecycleError, location_id: str, period: str) -> str:
    """The next step to suggest after a refusal."""
    fill_in = (f"fill it in with: ct-desktop draft set {location_id} {period} KEY=VALUE ..., then "
               f"ct-desktop submit {location_id} {period}")
    return {
        lifecycle.NO_PREVIOUS: fill_in,
        lifecycle.FORM_NEEDS_MORE: fill_in,
        lifecycle.DRAFT_IN_PROGRESS: f"see it with ct-desktop draft show {location_id} {period}; when it is "
                                     f"complete: ct-desktop submit {location_id} {period}",
        lifecycle.ALREADY_QUEUED: "see where it is with: ct-desktop status",
    }.get(exc.reason, "")
