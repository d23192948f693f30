"""``ct-desktop locations [--json]``, ``ct-desktop locations add ID --name NAME --service-type T`` and
``ct-desktop locations close ID --from DATE [--to DATE]`` and ``ct-desktop locations reopen ID --on DATE``.

Adding a location by hand lets a provider work offline before the tracker is connected. Recording a
temporary closure excuses the windows whose due day it covers (``ct-desktop compliance``).
"""

from __future__ import annotations

import argparse
import datetime as dt

from ct_desktop.cli.common import SERVICE_TYPE_HELP, CliError, print_json
from ct_desktop.cli.store_session import add_by_option, opened_store, who_is_working
from ct_desktop.models import Location
from ct_desktop.period import describe_day


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "locations",
        parents=[parent],
        help="list the locations you submit for, or add one",
        description="List the locations whose returns are prepared here. 'locations add' adds one by hand, "
        "so that you can work before connecting to the tracker.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run_list)
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    add = actions.add_parser(
        "add",
        parents=[parent],
        help="add a location by hand",
        description="Add a location: its CQC location id, name and service type.",
    )
    add.add_argument("id", metavar="ID", help="the CQC location id, e.g. 1-123456789")
    add.add_argument("--name", required=True, help="the location's name")
    add.add_argument("--service-type", required=True, metavar="T", help=SERVICE_TYPE_HELP)
    add.add_argument("--local-authority", metavar="LA", help="the local authority it is in")
    add.set_defaults(run=run_add)
    close = actions.add_parser(
        "close",
        parents=[parent],
        help="record that a location is temporarily closed from a day (to a day, or until further notice)",
        description="Record a temporary closure: the windows whose due day it covers need no return and are "
        "shown as excused by 'ct-desktop compliance'. Who recorded it, and when, is kept with it.",
    )
    close.add_argument("id", metavar="ID", help="the location id")
    close.add_argument("--from", dest="closed_from", required=True, metavar="DATE",
                       help="the first day closed, YYYY-MM-DD")
    close.add_argument("--to", dest="closed_until", metavar="DATE",
                       help="the last day closed, YYYY-MM-DD (leave out while it is still closed)")
    add_by_option(close)
    close.set_defaults(run=run_close)
    reopen = actions.add_parser(
        "reopen",
        parents=[parent],
        help="end a closure recorded until further notice: the location reopens on a day",
        description="The location reopens on DATE: its closure recorded until further notice ends the day "
        "before, and windows due from DATE need a return again.",
    )
    reopen.add_argument("id", metavar="ID", help="the location id")
    reopen.add_argument("--on", dest="reopened_on", required=True, metavar="DATE",
                        help="the first day open again, YYYY-MM-DD")
    reopen.set_defaults(run=run_reopen)


def run_list(args: argparse.Namespace) -> int:
    """Print the locations."""
    with opened_store(args) as store:
        found = store.locations()
    if args.json:
        print_json([location.as_dict() for location in found])
        return 0
    if not found:
        print("No locations yet. Add one with: ct-desktop locations add ID --name NAME --service-type care_home")
        return 0
    for location in found:
        where = f"  {location.local_authority}" if location.local_authority else ""
        print(f"{location.id}  {location.name}  ({location.service_type}){where}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Add the location and say so."""
    location = Location(
        id=args.id.strip(),
        name=args.name.strip(),
        service_type=args.service_type.strip(),
        local_authority=(args.local_authority or "").strip() or None,
    )
    with opened_store(args) as store:
        store.add_location(location)
    print(f"Added {location.id} {location.name} ({location.service_type})")
    return 0


def run_close(args: argparse.Namespace) -> int:
    """Record the closure and say so."""
    closed_from = _day(args.closed_from, "--from")
    closed_until = _day(args.closed_until, "--to") if args.closed_until else None
    by = who_is_working(args)
    with opened_store(args) as store:
        location = store.location(args.id)
        store.record_closure(location.id, closed_from, closed_until, by)
    until = f" to {describe_day(closed_until)}" if closed_until else " until further notice"
    print(f"Recorded: {location.name} ({location.id}) temporarily closed from {describe_day(closed_from)}{until}, "
          f"by {by}. Windows whose due day falls in it are excused (ct-desktop compliance {location.id}).")
    return 0


def run_reopen(args: argparse.Namespace) -> int:
    """End the open closure and say so."""
    reopened_on = _day(args.reopened_on, "--on")
    with opened_store(args) as store:
        location = store.location(args.id)
        closure = store.end_open_closure(location.id, reopened_on)
    print(f"Recorded: {location.name} ({location.id}) reopens on {describe_day(reopened_on)}; closed from "
          f"{describe_day(closure.closed_from)} to {describe_day(closure.closed_until or reopened_on)}. Windows due "
          "from then on need a return again.")
    return 0


def _day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{option} '{text}' is not a day: write it as YYYY-MM-DD, e.g. 2026-09-01") from None
