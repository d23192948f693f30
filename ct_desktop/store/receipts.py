"""Accepted revisions: what the tracker accepted, kept exactly as it was sent."""

from __future__ import annotations

from typing import Any

from ct_desktop.forms.findings import PreviousReturn
from ct_desktop.models import AcceptedRevision
from ct_desktop.period import Period
from ct_desktop.store.codec import from_json
from ct_desktop.store.database import Database, reading


def last_accepted(db: Database, location_id: str, before: Period | None = None) -> AcceptedRevision | None:
    """The latest accepted revision of the latest accepted month (before ``before``, if given)."""
    sql = "SELECT * FROM receipts WHERE location_id = ?"
    params: list[Any] = [location_id]
    if before is not None:
        sql += " AND period < ?"
        params.append(str(before))
    with reading(db):
        rows = list(db.query(sql + " ORDER BY period DESC, revision DESC LIMIT 1", params))
    return _revision(rows[0]) if rows else None


def accepted_revisions(
    db: Database, location_id: str, period: Period | None = None
) -> list[AcceptedRevision]:
    """Every accepted revision of a location (of one month, if given), oldest first."""
    sql = "SELECT * FROM receipts WHERE location_id = ?"
    params: list[Any] = [location_id]
    if period is not None:
        sql += " AND period = ?"
        params.append(str(period))
    with reading(db):
        return [_revision(row) for row in db.query(sql + " ORDER BY period, revision", params)]


def find_receipt(db: Database, submission_id: str) -> AcceptedRevision | None:
    """The accepted revision a submission became, or None."""
    rows = list(db.query("SELECT * FROM receipts WHERE submission_id = ?", [submission_id]))
    return _revision(rows[0]) if rows else None


def as_previous(revision: AcceptedRevision | None) -> PreviousReturn | None:
    """An accepted revision in the shape month-on-month validation compares with."""
    if revision is None:
        return None
    return PreviousReturn(period=revision.period, values=revision.values, not_known=revision.not_known)


def _revision(row: dict[str, Any]) -> AcceptedRevision:
    return AcceptedRevision(
        location_id=row["location_id"],
        period=Period.parse(row["period"]),
        revision=row["revision"],
        submission_id=row["submission_id"],
        accepted_at=row["accepted_at"],
        receipt=row["receipt"],
        payload=from_json(row["payload"]),
    )
