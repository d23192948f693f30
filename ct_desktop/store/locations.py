"""Locations: the services this installation submits for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ct_desktop.location_id import location_id_problem, location_name_problem, shown
from ct_desktop.models import Location
from ct_desktop.safe_text import has_control_characters, printable
from ct_desktop.store.codec import utc_text
from ct_desktop.store.database import Database, reading, writing
from ct_desktop.store.errors import StoreError, UnknownLocation


def add_location(db: Database, location: Location, now: dt.datetime) -> Location:
    """Add a location; refuse an id that is already there (its returns would change meaning), an id not
    of the location id format, and a name that is blank, too long or holds control characters."""
    problem = location_id_problem(location.id)
    if problem:
        raise StoreError(problem)
    problem = location_name_problem(location.name)
    if not problem and location.local_authority and has_control_characters(location.local_authority):
        problem = f"the local authority {shown(location.local_authority)} holds control characters: type it plainly"
    if problem:
        raise StoreError(f"location {location.id}: {problem}")
    with writing(db):
        existing = find_location(db, location.id)
        if existing is not None:
            raise StoreError(
                f"location {location.id} is already added, as '{existing.name}' ({existing.service_type})"
            )
        db.insert("locations", {**location.as_dict(), "added_at": utc_text(now)})
    return location


ADDED = "added"
UPDATED = "updated"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class LocationUpsert:
    """What upsert_location did: ``outcome`` is added, updated or unchanged; ``location`` is as now stored.

    ``service_type_kept`` holds the tracker's service type when it differs from ours and ours was kept
    (returns of the location were already started under our question set).
    """

    location: Location
    outcome: str
    service_type_kept: str | None = None


def upsert_location(db: Database, location: Location, now: dt.datetime) -> LocationUpsert:
    """Add a location the tracker listed, or bring its name, local authority and region up to date.

    The service type changes only while none of the location's returns has been started: answers
    already typed belong to the question set they were typed into, so they are never reinterpreted.
    An id not of the location id format is refused (StoreError); control characters in the names the
    tracker sent are replaced, so that no terminal or window is ever driven by them.
    """
    problem = location_id_problem(location.id)
    if problem:
        raise StoreError(problem)
    location = Location(id=location.id, name=printable(location.name).strip() or location.id,
                        service_type=location.service_type,
                        local_authority=_shown_or_none(location.local_authority),
                        region=_shown_or_none(location.region))
    with writing(db):
        existing = find_location(db, location.id)
        if existing is None:
            db.insert("locations", {**location.as_dict(), "added_at": utc_text(now)})
            return LocationUpsert(location, ADDED)
        kept = None
        service_type = location.service_type
        if service_type != existing.service_type and _has_returns(db, location.id):
            kept, service_type = location.service_type, existing.service_type
        changes = {"name": location.name, "service_type": service_type,
                   "local_authority": location.local_authority, "region": location.region}
        if all(getattr(existing, key) == value for key, value in changes.items()):
            return LocationUpsert(existing, UNCHANGED, kept)
        db.update("locations", location.id, changes)
        return LocationUpsert(find_location(db, location.id), UPDATED, kept)  # type: ignore[arg-type]


def _has_returns(db: Database, location_id: str) -> bool:
    return bool(list(db.query("SELECT 1 FROM returns WHERE location_id = ? LIMIT 1", [location_id])))


def find_location(db: Database, location_id: str) -> Location | None:
    """The location with this id, or None."""
    rows = list(db.query("SELECT * FROM locations WHERE id = ?", [location_id]))
    return _location(rows[0]) if rows else None


def get_location(db: Database, location_id: str) -> Location:
    """The location with this id; UnknownLocation (naming the ones there are) otherwise."""
    location = find_location(db, location_id)
    if location is None:
        known = [loc.id for loc in list_locations(db)]
        listed = f"the locations added are {', '.join(known)}" if known else "no location has been added yet"
        raise UnknownLocation(f"no location {shown(location_id)}: {listed}")
    return location


def list_locations(db: Database) -> list[Location]:
    """Every location, by name."""
    with reading(db):
        return [_location(row) for row in db.query("SELECT * FROM locations ORDER BY name COLLATE NOCASE, id")]


def _shown_or_none(text: str | None) -> str | None:
    return printable(text) if text is not None else None


def _location(row: dict[str, Any]) -> Location:
    # Names saved before they were checked may hold control characters: never shown as they are.
    return Location(
        id=row["id"],
        name=printable(row["name"]),
        service_type=row["service_type"],
        local_authority=row["local_authority"],
        region=row["region"],
    )
