"""A month at a glance for every location, in a handful of queries whatever the size of the group.

``status`` and lists of a whole care group ask the same few things of every location: the state of
the month's return, the last accepted month, what waits in the outbox. Asked location by location,
with every answer and every queued payload decoded, that grows with locations times history times queue; here
it is one query per kind of fact, through the indexes, and nothing is decoded that is not shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ct_desktop.models import ReturnState
from ct_desktop.period import Period
from ct_desktop.store.codec import parse_time
from ct_desktop.store.database import Database, reading


@dataclasses.dataclass(frozen=True)
class LocationMonth:
    """What one location's line of a month's overview shows."""

    location_id: str
    state: ReturnState | None  # None: the month is not started
    updated_at: dt.datetime | None
    last_accepted: Period | None
    last_accepted_revision: int | None
    outbox: int  # items waiting, set-aside ones included
    set_aside: int
    last_error: str | None  # of the newest item that has one
    accepted_at: tuple[str, ...] = ()  # the tracker's accepted time of each revision of the month

    @classmethod
    def nothing_yet(cls, location_id: str) -> LocationMonth:
        """The line of a location with no return, no accepted month and nothing queued."""
        return cls(location_id, None, None, None, None, 0, 0, None)


def month_overview(db: Database, period: Period) -> dict[str, LocationMonth]:
    """Every location's line for ``period``, by location id (locations with nothing yet included)."""
    with reading(db):
        ids = [row[0] for row in db.execute("SELECT id FROM locations")]
        returns = {row[0]: (ReturnState(row[1]), parse_time(row[2])) for row in db.execute(
            "SELECT location_id, state, updated_at FROM returns WHERE period = ?", [str(period)])}
        accepted = {row[0]: (Period.parse(row[1]), int(row[2])) for row in db.execute(
            "SELECT location_id, period, max(revision) FROM receipts AS r "
            "WHERE period = (SELECT max(period) FROM receipts WHERE location_id = r.location_id) "
            "GROUP BY location_id")}
        queued: dict[str, list[int]] = {}
        errors: dict[str, str] = {}
        for location_id, set_aside, error in db.execute(
                "SELECT r.location_id, o.set_aside_reason IS NOT NULL, o.last_error "
                "FROM outbox AS o JOIN returns AS r ON r.id = o.return_id ORDER BY o.id"):
            counts = queued.setdefault(location_id, [0, 0])
            counts[0] += 1
            counts[1] += int(set_aside)
            if error:
                errors[location_id] = error
        accepted_at: dict[str, list[str]] = {}
        for location_id, when in db.execute("SELECT location_id, accepted_at FROM receipts WHERE period = ?",
                                            [str(period)]):
            accepted_at.setdefault(location_id, []).append(when)
    lines = {}
    for location_id in ids:
        state, updated = returns.get(location_id, (None, None))
        last_period, last_revision = accepted.get(location_id, (None, None))
        waiting, set_aside = queued.get(location_id, (0, 0))
        lines[location_id] = LocationMonth(location_id, state, updated, last_period, last_revision, waiting,
                                           set_aside, errors.get(location_id),
                                           tuple(accepted_at.get(location_id, ())))
    return lines
