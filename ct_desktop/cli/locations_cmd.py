"""``ct-desktop locations [--json]`` and ``ct-desktop locations add ID --name NAME --service-type T``.

Adding a location by hand lets a provider work offline before the tracker is connected.
"""

from __future__ import annotations

import argparse

from ct_desktop.cli.common import SERVICE_TYPE_HELP, print_json
from ct_desktop.cli.store_session import opened_store
from ct_desktop.models import Location


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
