"""``ct-desktop compliance [LOCATION] [--json]``: each window met, late, missed or excused, and the trigger.

What counts is the tracker's accepted time of what it holds: returns accepted here, and those the
tracker listed when last synced. ``ct_desktop.compliance`` works it out; this prints it.
"""

from __future__ import annotations

import argparse

from ct_desktop.cli.common import print_json
from ct_desktop.cli.store_session import opened_store
from ct_desktop.collection_window import now_london
from ct_desktop.compliance import EnforcementRecord, Outcome, record_for_location


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "compliance",
        parents=[parent],
        help="each month's window of every location (or one): met, late, missed or excused; the trigger",
        description="The enforcement record: every collection window since the location was added (and "
        "those the tracker knows of), met (accepted inside the window, by the tracker's accepted time), late "
        "(accepted after it closed), missed, or excused (temporarily closed on the due day), and whether the "
        "trigger for a notice of intent (3 missed in a row, or 4 of the last 12) is near.",
    )
    parser.add_argument("location", metavar="LOCATION", nargs="?", help="only this location")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the record of each location."""
    moment = now_london()
    with opened_store(args) as store:
        ids = [store.location(args.location).id] if args.location else [loc.id for loc in store.locations()]
        records = [record_for_location(store, location_id, moment) for location_id in ids]
    if args.json:
        print_json({"at": moment.isoformat(), "locations": [record.as_dict() for record in records]})
        return 0
    if not records:
        print("No locations yet. Add one with: ct-desktop locations add ID --name NAME --service-type care_home")
    for number, record in enumerate(records):
        if number:
            print()
        print("\n".join(record_lines(record)))
    return 0


def record_lines(record: EnforcementRecord) -> list[str]:
    """One location's record as text: the trigger first, then each window, newest first."""
    location = record.location
    since = f", since {record.windows[-1].period.label}" if record.windows else ""
    lines = [f"{location.name} ({location.id}){since}"]
    counted = {outcome: sum(1 for w in record.windows if w.outcome is outcome) for outcome in Outcome}
    lines.append("  " + ", ".join(f"{count} {outcome}" for outcome, count in counted.items() if count)
                 if record.windows else "  no window yet")
    if record.trigger.notice_of_intent_possible:
        lines.append("  NOTICE OF INTENT POSSIBLE: keep the evidence of each month (ct-desktop evidence)")
    lines += [f"  {word}" for word in record.trigger.words]
    for window in record.windows:
        lines.append(f"  {window.period}  {str(window.outcome).upper():8} {window.detail()}")
    return lines
