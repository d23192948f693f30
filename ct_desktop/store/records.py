"""Records kept for the enforcement team: temporary closures of a location, and every attempt to send.

Both are added to and never rewritten: a closure is recorded with who recorded it and when (the one
change it allows is its end, once, when the location reopens: ``end_open_closure``); an
attempt is written in the same transaction as the outbox change it goes with (``outbox.py`` calls
``attempt_began`` and ``attempt_ended``), so that the log and the outbox never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ct_desktop.collection_window import MANDATE_BEGAN
from ct_desktop.models import AttemptOutcome, Closure, SendAttempt
from ct_desktop.period import Period, describe_day
from ct_desktop.store.codec import parse_time, utc_text
from ct_desktop.store.database import Database, reading, writing
from ct_desktop.store.errors import StoreError
from ct_desktop.store.locations import get_location


def record_closure(db: Database, location_id: str, closed_from: dt.date, closed_until: dt.date | None,
                   by: str, now: dt.datetime) -> Closure:
    """Record that a location is (or was) temporarily closed from a day, to a day or until further notice."""
    if closed_until is not None and closed_until < closed_from:
        raise StoreError(f"the closure cannot end ({describe_day(closed_until)}) before it begins "
                         f"({describe_day(closed_from)})")
    if closed_from < MANDATE_BEGAN.first_day:
        raise StoreError(f"a closure from {describe_day(closed_from)} is before the monthly return began "
                         f"({MANDATE_BEGAN.label}): give the day it closed")
    with writing(db):
        get_location(db, location_id)
        db.insert("closures", {"location_id": location_id, "closed_from": closed_from.isoformat(),
                               "closed_until": closed_until.isoformat() if closed_until else None,
                               "recorded_by": by, "recorded_at": utc_text(now)})
    return Closure(location_id, closed_from, closed_until, by, now)


def end_open_closure(db: Database, location_id: str, reopened_on: dt.date) -> Closure:
    """The location reopens on ``reopened_on``: its open-ended closure ends the day before. Refused when no
    closure is open, or when the day is not after the day it closed."""
    with writing(db):
        get_location(db, location_id)
        rows = list(db.query("SELECT * FROM closures WHERE location_id = ? AND closed_until IS NULL ORDER BY id",
                             [location_id]))
        if not rows:
            raise StoreError(f"{location_id} has no closure open to end: record one with 'locations close' first")
        row = rows[-1]
        closed_from = dt.date.fromisoformat(row["closed_from"])
        if reopened_on <= closed_from:
            raise StoreError(f"it cannot reopen on {describe_day(reopened_on)}: it closed on "
                             f"{describe_day(closed_from)}; give a later day")
        last_day = reopened_on - dt.timedelta(days=1)
        db.execute("UPDATE closures SET closed_until = ? WHERE id = ?", [last_day.isoformat(), row["id"]])
    return Closure(location_id, closed_from, last_day, row["recorded_by"], parse_time(row["recorded_at"]))  # type: ignore[arg-type]


def list_closures(db: Database, location_id: str) -> list[Closure]:
    """A location's closures, in the order they begin."""
    with reading(db):
        rows = list(db.query("SELECT * FROM closures WHERE location_id = ? ORDER BY closed_from, id",
                             [location_id]))
    return [Closure(row["location_id"], dt.date.fromisoformat(row["closed_from"]),
                    dt.date.fromisoformat(row["closed_until"]) if row["closed_until"] else None,
                    row["recorded_by"], parse_time(row["recorded_at"])) for row in rows]  # type: ignore[arg-type]


def location_added_at(db: Database, location_id: str) -> dt.datetime:
    """When the location was added to this data folder."""
    with reading(db):
        get_location(db, location_id)
        rows = list(db.query("SELECT added_at FROM locations WHERE id = ?", [location_id]))
    return parse_time(rows[0]["added_at"])  # type: ignore[return-value]


def attempt_began(db: Database, submission_id: str, return_id: int, now: dt.datetime,
                  tracker_url: str | None) -> None:
    """An attempt to send has begun (inside the outbox's transaction)."""
    db.insert("send_attempts", {"submission_id": submission_id, "return_id": return_id, "started_at": utc_text(now),
                                "outcome": str(AttemptOutcome.SENDING), "tracker_url": tracker_url})


def attempt_ended(db: Database, submission_id: str, return_id: int, now: dt.datetime, outcome: AttemptOutcome,
                  detail: str, *, begun_or_not: bool = False) -> None:
    """The outcome of the submission's open attempt (inside the outbox's transaction).

    With ``begun_or_not``, an attempt whose beginning was not recorded is recorded as one that began
    and ended now; otherwise an outcome with no open attempt (a set-aside item never sent) is not one.
    """
    rows = list(db.query("SELECT id FROM send_attempts WHERE submission_id = ? AND outcome = ? "
                         "ORDER BY id DESC LIMIT 1", [submission_id, str(AttemptOutcome.SENDING)]))
    if rows:
        db.update("send_attempts", rows[0]["id"], {"finished_at": utc_text(now), "outcome": str(outcome),
                                                   "detail": detail})
    elif begun_or_not:
        db.insert("send_attempts", {"submission_id": submission_id, "return_id": return_id,
                                    "started_at": utc_text(now), "finished_at": utc_text(now),
                                    "outcome": str(outcome), "detail": detail})


def attempts_of_month(db: Database, location_id: str, period: Period) -> list[SendAttempt]:
    """Every attempt to send a submission of a location's month, oldest first."""
    with reading(db):
        rows = list(db.query(
            "SELECT a.* FROM send_attempts AS a JOIN returns AS r ON r.id = a.return_id "
            "WHERE r.location_id = ? AND r.period = ? ORDER BY a.id", [location_id, str(period)]))
    return [_attempt(row) for row in rows]


def _attempt(row: dict[str, Any]) -> SendAttempt:
    return SendAttempt(
        submission_id=row["submission_id"],
        started_at=parse_time(row["started_at"]),  # type: ignore[arg-type]
        finished_at=parse_time(row["finished_at"]),
        outcome=AttemptOutcome(row["outcome"]),
        detail=row["detail"] or "",
        tracker_url=row["tracker_url"],
    )
