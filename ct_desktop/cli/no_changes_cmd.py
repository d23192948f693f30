"""``ct-desktop no-changes LOCATION [YYYY-MM] [--by NAME]``: "no changes — save page", offline.

Queues this month's return as a copy of the last accepted one, recording who reviewed it and when.
It is checked against this month's form, so it cannot pass when the month asks something new (the
flu questions in September).

For a care group, ``--all [YYYY-MM]`` (every location whose month can go unchanged) or
``--locations ID,ID,... [YYYY-MM]`` does the same for many locations in one review: one transaction,
each location queued or refused on its own.
"""

from __future__ import annotations

import argparse

from ct_desktop.cli.common import EXIT_FINDINGS, CliError, parse_period
from ct_desktop.cli.store_session import (
    add_by_option,
    opened_store,
    report_refusal,
    this_month,
    who_is_working,
)
from ct_desktop.forms.findings import warnings
from ct_desktop.forms.model import count_text
from ct_desktop.models import Submission
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
    parser.add_argument("location", metavar="LOCATION", nargs="?",
                        help="the location id (with --all or --locations: the month, if given)")
    parser.add_argument("period", metavar="YYYY-MM", nargs="?", help="the month (default: this month)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--all", action="store_true",
                       help="every location whose month can go unchanged (not started, an accepted return "
                       "to copy, nothing new asked); the others are listed and left as they are")
    group.add_argument("--locations", metavar="ID,ID,...",
                       help="these locations, in one review; each is queued or refused on its own")
    add_by_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Queue the unchanged return, or say why not."""
    if args.all or args.locations is not None:
        return run_for_group(args)
    if args.location is None:
        raise CliError("name the location (ct-desktop no-changes LOCATION [YYYY-MM]), or give --all or "
                       "--locations ID,ID,...")
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


def run_for_group(args: argparse.Namespace) -> int:
    """No changes for many locations in one review: what was queued, and each one left as it was, and why.

    Exit 0 when every location asked for was queued (with --all: every one that could be; those already
    sent or started are left as they are, and said); 1 when a location named with --locations was not.
    """
    if args.period is not None:
        raise CliError("with --all or --locations, give only the month (YYYY-MM), not a location")
    period = parse_period(args.location) if args.location else this_month()
    named = _named_locations(args.locations) if args.locations is not None else None
    by = who_is_working(args)
    with opened_store(args) as store:
        ids = named if named is not None else [location.id for location in store.locations()]
        try:
            results = store.no_changes_for_group(ids, period, by)
        except LifecycleError as exc:
            return report_refusal(exc)
    queued = [(location, result) for location, result in results if isinstance(result, Submission)]
    refused = [(location, result) for location, result in results if isinstance(result, LifecycleError)]
    print(f"Queued {count_text(len(queued), 'location')} unchanged for {period.label}, reviewed by {by}"
          + (": they are sent when the network allows (ct-desktop sync)." if queued else "."))
    done_already = [pair for pair in refused if pair[1].reason in _ALREADY_DONE]
    if done_already and named is None:
        print(f"Left as they are: {count_text(len(done_already), 'location')} already queued or accepted "
              f"for {period.label}.")
    for location, refusal in refused:
        if named is None and refusal.reason in _ALREADY_DONE:
            continue
        print(f"Not queued: {location.name} ({location.id}): {refusal}")
    if named is not None and refused:
        return EXIT_FINDINGS
    return 0


_ALREADY_DONE = (lifecycle.ALREADY_QUEUED, lifecycle.ALREADY_ACCEPTED)


def _named_locations(text: str) -> list[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids:
        raise CliError("--locations needs at least one location id, e.g. --locations 1-101,1-202")
    return ids


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
