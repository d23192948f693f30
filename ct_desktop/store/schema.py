"""The database schema as an ordered list of migrations; ``PRAGMA user_version`` says how many are applied.

A migration is never edited once released: a change to the schema is a new function appended to
MIGRATIONS. Each one runs in its own transaction together with the version bump, so a crash leaves
the file at the old version or the new one, never between. A file made by a newer ct-desktop (a
higher version than this code knows) is refused rather than guessed at.

Tables (version 1):
  locations     the locations this installation submits for
  returns       one row per location and month: state, base revision, form version, review, tracker answers
  field_values  one row per answered field: JSON value, or not_known = 1 (a blank field has no row)
  history       who did what and when: field edits (key, old, new as shown) and lifecycle steps
  outbox        submissions waiting to be sent: frozen PUT body, attempts, next attempt, last error
  receipts      revisions the tracker accepted, with what was sent; never updated or deleted

Later migrations:
  _outbox_tracker_answers_and_tracker   outbox.tracker_answers (failed attempts the tracker itself answered,
                the count that sets an item aside), outbox.tracker_url and receipts.tracker_url (the tracker a
                submission is for, or was accepted by; NULL in rows made before)
  _returns_seen_question_set   returns.seen_form_version, seen_form_hash, seen_form_questions: the question set a
                return was started under, or that a person last acknowledged (its version, fingerprint and the
                questions it asked that month, JSON {key: label}); what a correction since then is compared with.
                Rows made before keep their form_version as the version seen, with no fingerprint or questions.
  _outbox_by_return   an index of the outbox by (return_id, id): the next item of a return, a location's items
  _question_sets_from_tracker   question_sets: definitions fetched from the tracker (service type, version,
                effective date, text, its SHA-256, the tracker and when); one row per service type and version
  _closures_and_send_attempts   closures (a location temporarily closed from a day, to a day or for now:
                who recorded it and when) and send_attempts (each attempt to send a submission: when it
                began and ended and its outcome; kept after the submission leaves the outbox, as evidence)
  _returns_by_state   an index of the returns by (state, period): the returns handed back, without reading
                every location's
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ct_desktop.store.database import Database, writing
from ct_desktop.store.errors import StoreError, StoreUnreadable


def _v1_initial(db: Database) -> None:
    db["locations"].create(
        {"id": str, "name": str, "service_type": str, "local_authority": str, "region": str, "added_at": str},
        pk="id",
        not_null=["name", "service_type", "added_at"],
    )
    db["returns"].create(
        {
            "id": int,
            "location_id": str,
            "period": str,  # YYYY-MM: text order is month order
            "state": str,
            "form_version": str,
            "base_revision": int,  # the accepted tracker revision this one builds on; NULL for the first
            "no_changes": int,
            "reviewed_by": str,
            "reviewed_at": str,  # ISO 8601 with the London offset, as sent
            "submission_id": str,  # the outbox item holding this return's content while queued
            "tracker_messages": str,  # JSON {key: [message]} from a rejection
            "server_copy": str,  # JSON: the tracker's copy after a conflict
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("location_id", "locations", "id")],
        not_null=["location_id", "period", "state", "form_version", "no_changes", "created_at", "updated_at"],
        defaults={"no_changes": 0},
    )
    db["returns"].create_index(["location_id", "period"], unique=True)
    db["field_values"].create(
        {"return_id": int, "key": str, "value": str, "not_known": int},
        pk=("return_id", "key"),
        foreign_keys=[("return_id", "returns", "id")],
        not_null=["not_known"],
        defaults={"not_known": 0},
    )
    db["history"].create(
        {"id": int, "return_id": int, "at": str, "by": str, "action": str, "key": str, "old": str, "new": str,
         "detail": str},
        pk="id",
        foreign_keys=[("return_id", "returns", "id")],
        not_null=["return_id", "at", "by", "action"],
    )
    db["history"].create_index(["return_id", "id"])
    db["outbox"].create(
        {
            "id": int,  # queue order
            "submission_id": str,
            "return_id": int,
            "payload": str,  # JSON: exactly the PUT body; never changed once attempted
            "queued_at": str,
            "queued_by": str,
            "attempts": int,
            "in_flight": int,  # an attempt has begun and has no outcome yet
            "next_attempt_at": str,
            "last_attempt_at": str,
            "last_error": str,
            "set_aside_reason": str,
            "set_aside_at": str,
        },
        pk="id",
        foreign_keys=[("return_id", "returns", "id")],
        not_null=["submission_id", "return_id", "payload", "queued_at", "queued_by", "attempts", "in_flight",
                  "next_attempt_at"],
        defaults={"attempts": 0, "in_flight": 0},
    )
    db["outbox"].create_index(["submission_id"], unique=True)
    db["receipts"].create(
        {"id": int, "location_id": str, "period": str, "revision": int, "submission_id": str, "accepted_at": str,
         "receipt": str, "payload": str, "recorded_at": str},
        pk="id",
        foreign_keys=[("location_id", "locations", "id")],
        not_null=["location_id", "period", "revision", "submission_id", "accepted_at", "receipt", "payload",
                  "recorded_at"],
    )
    db["receipts"].create_index(["submission_id"], unique=True)
    db["receipts"].create_index(["location_id", "period", "revision"], unique=True)
    # An accepted revision is a record of what the tracker holds: the database itself refuses to change it.
    # (A later migration that must reshape this table drops these triggers and creates them again.)
    db.execute(
        "CREATE TRIGGER receipts_never_updated BEFORE UPDATE ON receipts "
        "BEGIN SELECT RAISE(ABORT, 'an accepted revision is never changed'); END"
    )
    db.execute(
        "CREATE TRIGGER receipts_never_deleted BEFORE DELETE ON receipts "
        "BEGIN SELECT RAISE(ABORT, 'an accepted revision is never deleted'); END"
    )


def _outbox_tracker_answers_and_tracker(db: Database) -> None:
    # Only the tracker's own answers count towards setting an item aside: the old attempt counts
    # included the times the network was down, so every waiting item starts again from none.
    db.execute("ALTER TABLE outbox ADD COLUMN tracker_answers INTEGER NOT NULL DEFAULT 0")
    # A submission belongs to one tracker (its normalised root address); NULL: the data folder's own,
    # bound to the tracker connected when it is first sent.
    db.execute("ALTER TABLE outbox ADD COLUMN tracker_url TEXT")
    db.execute("ALTER TABLE receipts ADD COLUMN tracker_url TEXT")


def _returns_seen_question_set(db: Database) -> None:
    db.execute("ALTER TABLE returns ADD COLUMN seen_form_version TEXT")
    db.execute("ALTER TABLE returns ADD COLUMN seen_form_hash TEXT")
    db.execute("ALTER TABLE returns ADD COLUMN seen_form_questions TEXT")
    db.execute("UPDATE returns SET seen_form_version = form_version")


def _outbox_by_return(db: Database) -> None:
    # Which item of a return goes next (``outbox.next_due``) and a location's items (``list_items``) are
    # found through the return: without this index each of them read the whole outbox, per item.
    db.execute("CREATE INDEX idx_outbox_return_id_id ON outbox (return_id, id)")
def _question_sets_from_tracker(db: Database) -> None:
    # The text exactly as the tracker served it: it is checked again, as a built-in file is, each time
    # it is read, and its hash says whether a listed version is new.
    db["question_sets"].create(
        {"service_type": str, "version": str, "effective_from": str, "content_sha256": str, "text": str,
         "tracker_url": str, "fetched_at": str},
        pk=("service_type", "version"),
        not_null=["effective_from", "content_sha256", "text", "tracker_url", "fetched_at"],
    )


def _closures_and_send_attempts(db: Database) -> None:
    # Both are records a provider may show the enforcement team: added to, never rewritten in place.
    db["closures"].create(
        {"id": int, "location_id": str, "closed_from": str, "closed_until": str, "recorded_by": str,
         "recorded_at": str},
        pk="id",
        foreign_keys=[("location_id", "locations", "id")],
        not_null=["location_id", "closed_from", "recorded_by", "recorded_at"],
    )
    db["closures"].create_index(["location_id", "closed_from"])
    db["send_attempts"].create(
        {"id": int, "submission_id": str, "return_id": int, "started_at": str, "finished_at": str,
         "outcome": str, "detail": str, "tracker_url": str},
        pk="id",
        foreign_keys=[("return_id", "returns", "id")],
        not_null=["submission_id", "return_id", "started_at", "outcome"],
    )
    db["send_attempts"].create_index(["return_id", "id"])
    db["send_attempts"].create_index(["submission_id", "id"])


def _returns_by_state(db: Database) -> None:
    # The returns handed back (refused, in conflict) of a month or two are found through the index, as
    # the few rows they are: the status bar asks after every saved answer, whatever the size of the group.
    db.execute("CREATE INDEX idx_returns_state_period ON returns (state, period)")


# Append only. The position in the list is the version the migration brings the file to, minus one.
MIGRATIONS: list[Callable[[Database], None]] = [_v1_initial, _outbox_tracker_answers_and_tracker,
                                                _returns_seen_question_set, _outbox_by_return,
                                                _question_sets_from_tracker, _closures_and_send_attempts,
                                                _returns_by_state]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    """The number of migrations applied to the file."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database, target: int = SCHEMA_VERSION, path: Path | None = None) -> None:
    """Bring the file up to ``target`` (tests pass a lower one to build an older file).

    ``path`` only names the file in error messages.
    """
    name = f"the database {path}" if path else "the database"
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{name} was made by a newer ct-desktop (schema version {version}; this one knows up to "
            f"{SCHEMA_VERSION}): install that newer ct-desktop again; the file was left as it is"
        )
    if version == 0 and db.table_names():
        raise StoreUnreadable(
            f"{name} holds tables that are not ct-desktop's: move it away or choose another data folder "
            "(the file was left as it is)",
            path or Path(),
        )
    while version < target:
        with writing(db):
            # Another process may have migrated while this one waited for the write lock.
            version = schema_version(db)
            if version >= target:
                break
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
        version = schema_version(db)
