"""Question sets fetched from the tracker: each definition's text as the tracker served it, and its hash.

A copy is kept for good (a draft or an accepted return may name its version); a later copy of the
same version from the tracker takes its place, since the tracker's copy is the one it checks returns
against. The text is checked again each time it is read, exactly as a built-in definition is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ct_desktop.store.codec import utc_text
from ct_desktop.store.database import Database, reading, writing


@dataclass(frozen=True)
class StoredQuestionSet:
    """One version of one service type's question set, as fetched from the tracker."""

    service_type: str
    version: str
    effective_from: str  # YYYY-MM-DD
    content_sha256: str
    text: str
    tracker_url: str
    fetched_at: str  # ISO 8601, UTC


def stored_question_sets(db: Database) -> list[StoredQuestionSet]:
    """Every fetched question set, by service type and date."""
    with reading(db):
        rows = list(db.query("SELECT * FROM question_sets ORDER BY service_type, effective_from, version"))
    return [StoredQuestionSet(**row) for row in rows]


def stamp(db: Database) -> str:
    """Changes whenever a question set with other content is kept: how a store sees one that another
    connection fetched (the sync runs on its own). A few dozen hashes at most: cheap to read. One
    statement, so it sees one state of the table without a transaction of its own: it is read before
    every edit."""
    [(hashes,)] = db.execute("SELECT coalesce(group_concat(content_sha256, ','), '') FROM "
                             "(SELECT content_sha256 FROM question_sets ORDER BY service_type, version)").fetchall()
    return str(hashes)


def keep_question_set(db: Database, service_type: str, version: str, effective_from: str, content_sha256: str,
                      text: str, tracker_url: str, now: dt.datetime) -> None:
    """Keep a checked definition; it replaces an earlier copy of the same service type and version."""
    with writing(db):
        db["question_sets"].upsert({
            "service_type": service_type, "version": version, "effective_from": effective_from,
            "content_sha256": content_sha256, "text": text, "tracker_url": tracker_url,
            "fetched_at": utc_text(now),
        }, pk=("service_type", "version"))


def versions_in_use(db: Database) -> dict[tuple[str, str], int]:
    """How many returns (drafts, queued, accepted) name each (service type, version)."""
    with reading(db):
        rows = db.query(
            "SELECT l.service_type AS service_type, r.form_version AS version, count(*) AS n FROM returns r "
            "JOIN locations l ON l.id = r.location_id GROUP BY l.service_type, r.form_version")
        return {(row["service_type"], row["version"]): int(row["n"]) for row in rows}
