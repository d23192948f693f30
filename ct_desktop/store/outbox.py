"""The outbox: what the sync engine sends, and what it records of the tracker's answers.

Each item must reach the tracker exactly once, so an item that may have been sent (an attempt has
begun) is never withdrawn or changed; an edit of its return starts a new revision instead. Items
of one return go in the order they were queued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ct_desktop.history_detail import submission_reference, with_reference
from ct_desktop.models import AcceptedRevision, AttemptOutcome, HistoryAction, OutboxItem, ReturnDraft, ReturnState
from ct_desktop.period import Period
from ct_desktop.store.codec import from_json, parse_time, to_json, utc_text
from ct_desktop.store.database import Database, reading, writing
from ct_desktop.store.errors import OutboxItemGone, StoreError, WrongTracker
from ct_desktop.store.receipts import find_receipt
from ct_desktop.store.records import attempt_began, attempt_ended
from ct_desktop.store.returns import add_history, draft_from_row

TRACKER = "Capacity Tracker"  # who the history names for the tracker's answers
SYNC = "ct-desktop"  # ... and for the sync engine's own decisions

_SELECT = "SELECT o.*, r.location_id, r.period FROM outbox o JOIN returns r ON r.id = o.return_id"


def item_by_submission(db: Database, submission_id: str | None) -> OutboxItem | None:
    """The outbox item of a submission, or None when it is not (or no longer) in the outbox."""
    rows = list(db.query(_SELECT + " WHERE o.submission_id = ?", [submission_id]))
    return _item(rows[0]) if rows else None


def list_items(db: Database, location_id: str | None = None) -> list[OutboxItem]:
    """Everything in the outbox (of one location, if given), in queue order, set-aside items included."""
    sql, params = _SELECT, []
    if location_id is not None:
        sql += " WHERE r.location_id = ?"
        params.append(location_id)
    with reading(db):
        return [_item(row) for row in db.query(sql + " ORDER BY o.id", params)]


def waiting_count(db: Database) -> int:
    """How many items wait to be sent (set-aside ones left out), counted without reading them."""
    with reading(db):
        return int(db.execute("SELECT count(*) FROM outbox WHERE set_aside_reason IS NULL").fetchone()[0])


def needing_a_person(db: Database) -> list[OutboxItem]:
    """The items set aside, and those the tracker answered with an error, in queue order: only these are read."""
    with reading(db):
        return [_item(row) for row in db.query(
            _SELECT + " WHERE o.set_aside_reason IS NOT NULL OR (o.last_error <> '' AND o.tracker_answers <> 0)"
            " ORDER BY o.id", [])]


def next_due(db: Database, now: dt.datetime, tracker_url: str | None = None) -> list[OutboxItem]:
    """Items to send now: due, not set aside, and each the oldest such item of its return.

    With ``tracker_url``, only the items for that tracker (or not bound to any yet).
    """
    sql = _SELECT + """
        WHERE o.set_aside_reason IS NULL AND o.next_attempt_at <= ?
          AND NOT EXISTS (SELECT 1 FROM outbox e
                          WHERE e.return_id = o.return_id AND e.set_aside_reason IS NULL AND e.id < o.id)"""
    params: list[Any] = [utc_text(now)]
    if tracker_url is not None:
        sql += " AND (o.tracker_url IS NULL OR o.tracker_url = ?)"
        params.append(tracker_url)
    with reading(db):
        return [_item(row) for row in db.query(sql + " ORDER BY o.id", params)]


def bind_tracker(db: Database, submission_id: str, tracker_url: str) -> None:
    """Record the tracker a queued submission is for, unless it is bound already."""
    with writing(db):
        db.execute("UPDATE outbox SET tracker_url = ? WHERE submission_id = ? AND tracker_url IS NULL",
                   [tracker_url, submission_id])


def begin_attempt(db: Database, submission_id: str, now: dt.datetime, tracker_url: str | None = None) -> OutboxItem:
    """Record, before the request leaves, that an attempt has begun; from now on the item is never withdrawn.

    With ``tracker_url`` (the tracker it is about to go to), an item not bound yet is bound to it, and
    WrongTracker is raised for an item bound to another one. OutboxItemGone if an edit withdrew it
    meanwhile (then it must not be sent).
    """
    with writing(db):
        row = _row(db, submission_id)
        if row["set_aside_reason"] is not None:
            raise StoreError(f"submission {submission_id} is set aside ({row['set_aside_reason']}); it is not sent")
        changes: dict[str, Any] = {"attempts": row["attempts"] + 1, "in_flight": 1, "last_attempt_at": utc_text(now)}
        if tracker_url is not None:
            if row["tracker_url"] is not None and row["tracker_url"] != tracker_url:
                raise WrongTracker(f"submission {submission_id} is for the tracker at {row['tracker_url']}, "
                                   f"not {tracker_url}; it is not sent")
            changes["tracker_url"] = tracker_url
        db.update("outbox", row["id"], changes)
        attempt_began(db, submission_id, row["return_id"], now, changes.get("tracker_url", row["tracker_url"]))
        return item_by_submission(db, submission_id)  # type: ignore[return-value]


def record_attempt_failure(
    db: Database, submission_id: str, error: str, next_attempt_at: dt.datetime, *, answered: bool = False,
    now: dt.datetime | None = None,
) -> OutboxItem:
    """Record a failed attempt and when to try again (counting the attempt if begin_attempt was not called).

    ``answered``: the tracker itself answered (not the network, a timeout or a page on the way); only
    those answers count towards setting the item aside. ``now`` (when it failed) ends the attempt in
    the log of attempts; without it, the log is not written.
    """
    with writing(db):
        row = _row(db, submission_id)
        attempts = row["attempts"] if row["in_flight"] else row["attempts"] + 1
        db.update("outbox", row["id"], {"attempts": attempts, "in_flight": 0, "last_error": error,
                                        "next_attempt_at": utc_text(next_attempt_at),
                                        "tracker_answers": row["tracker_answers"] + (1 if answered else 0)})
        if now is not None:
            attempt_ended(db, submission_id, row["return_id"], now, AttemptOutcome.FAILED, error, begun_or_not=True)
        return item_by_submission(db, submission_id)  # type: ignore[return-value]


def find_item(db: Database, outbox_id: int) -> OutboxItem | None:
    """The outbox item with that number (as ``ct-desktop outbox list`` shows it), or None."""
    rows = list(db.query(_SELECT + " WHERE o.id = ?", [outbox_id]))
    return _item(rows[0]) if rows else None


def retry_set_aside(db: Database, submission_id: str, by: str, now: dt.datetime) -> OutboxItem:
    """A person asks to send a set-aside submission again: due now, its count of the tracker's answers from none.

    The same submission id is sent (the tracker answers a resend of what it already has with 200).
    StoreError when it is not set aside.
    """
    with writing(db):
        row = _row(db, submission_id)
        if row["set_aside_reason"] is None:
            raise StoreError("it is not set aside: it is sent with the next sync")
        db.update("outbox", row["id"], {"set_aside_reason": None, "set_aside_at": None, "tracker_answers": 0,
                                        "next_attempt_at": utc_text(now)})
        add_history(db, row["return_id"], now, by, HistoryAction.RETRIED,
                    with_reference("taken back into the outbox, to send again (it had been set aside: "
                                   f"{row['set_aside_reason']})", submission_reference(submission_id)))
        return item_by_submission(db, submission_id)  # type: ignore[return-value]


def dismiss_set_aside(db: Database, submission_id: str, by: str, now: dt.datetime, *,
                      even_if_waiting: bool = False) -> ReturnDraft:
    """A person gives up a submission: it leaves the outbox and its return can be edited and sent again.

    Its values stay, as a draft. StoreError when it is not set aside, unless ``even_if_waiting`` (the
    person confirmed taking back one still waiting to be sent, to connect the folder to another tracker,
    say: it may be on its way, which the history says).
    """
    with writing(db):
        row = _row(db, submission_id)
        reason = row["set_aside_reason"]
        if reason is None and not even_if_waiting:
            raise StoreError("it is not set aside: only a set-aside return can be dismissed")
        ret = _return_row(db, row["return_id"])
        db.execute("DELETE FROM outbox WHERE id = ?", [row["id"]])
        if ret["submission_id"] == submission_id:
            db.update("returns", ret["id"], {"state": str(ReturnState.DRAFT), "submission_id": None,
                                             "updated_at": utc_text(now)})
        reached = (" It may have reached the tracker: if so, the tracker says so when the return is sent again."
                   if row["attempts"] else "")
        was = (f"it had been set aside: {reason}" if reason is not None else
               f"it was waiting to be sent{' to the tracker at ' + row['tracker_url'] if row['tracker_url'] else ''}")
        add_history(db, ret["id"], now, by, HistoryAction.DISMISSED,
                    with_reference(f"dismissed ({was}); the return can be edited and sent again.{reached}",
                                   submission_reference(submission_id)))
        return draft_from_row(db, _return_row(db, ret["id"]))


def set_aside(db: Database, submission_id: str, reason: str, now: dt.datetime) -> OutboxItem:
    """Stop sending an item that cannot succeed as it is; it stays visible with its reason and blocks nothing."""
    with writing(db):
        row = _row(db, submission_id)
        db.update("outbox", row["id"], {"set_aside_reason": reason, "set_aside_at": utc_text(now), "in_flight": 0})
        attempt_ended(db, submission_id, row["return_id"], now, AttemptOutcome.SET_ASIDE, reason)
        add_history(db, row["return_id"], now, SYNC, HistoryAction.SET_ASIDE,
                    with_reference(f"set aside, not sent again: {reason}", submission_reference(submission_id)))
        return item_by_submission(db, submission_id)  # type: ignore[return-value]


def mark_accepted(
    db: Database, submission_id: str, revision: int, accepted_at: str, receipt: str, now: dt.datetime
) -> AcceptedRevision:
    """Keep the accepted revision for good and take the item out of the outbox.

    If the return was edited since this submission (a newer draft or submission), that newer work now
    builds on this revision; otherwise the return becomes accepted. Recording the same answer twice
    is harmless.
    """
    with writing(db):
        done = find_receipt(db, submission_id)
        if done is not None and item_by_submission(db, submission_id) is None:
            if done.revision != revision:
                raise StoreError(f"submission {submission_id} was already accepted as revision {done.revision}, "
                                 f"not {revision}")
            return done
        row = _row(db, submission_id)
        ret = _return_row(db, row["return_id"])
        db.insert("receipts", {
            "location_id": ret["location_id"], "period": ret["period"], "revision": revision,
            "submission_id": submission_id, "accepted_at": accepted_at, "receipt": receipt,
            "payload": row["payload"], "recorded_at": utc_text(now), "tracker_url": row["tracker_url"],
        })
        db.execute("DELETE FROM outbox WHERE id = ?", [row["id"]])
        attempt_ended(db, submission_id, row["return_id"], now, AttemptOutcome.ACCEPTED,
                      f"accepted as revision {revision} at {accepted_at}, receipt {receipt}")
        detail = f"accepted by the tracker as revision {revision} (receipt {receipt})"
        if ret["submission_id"] == submission_id:
            db.update("returns", ret["id"], {"state": str(ReturnState.ACCEPTED), "submission_id": None,
                                             "base_revision": revision, "tracker_messages": None,
                                             "server_copy": None, "updated_at": utc_text(now)})
        else:
            detail += "; this was an earlier submission: the newer edits now build on this revision"
            _rebase(db, ret, revision)
        add_history(db, ret["id"], now, TRACKER, HistoryAction.ACCEPTED, detail)
        return find_receipt(db, submission_id)  # type: ignore[return-value]


def mark_rejected(
    db: Database, submission_id: str, field_messages: Mapping[str, str | Sequence[str]],
    now: dt.datetime,
) -> ReturnDraft:
    """The tracker refused the content (422): keep its per-field messages; the return is edited again."""
    messages = {key: [text] if isinstance(text, str) else list(text) for key, text in field_messages.items()}
    with writing(db):
        row = _row(db, submission_id)
        ret = _return_row(db, row["return_id"])
        db.execute("DELETE FROM outbox WHERE id = ?", [row["id"]])
        if ret["submission_id"] == submission_id:
            db.update("returns", ret["id"], {"state": str(ReturnState.REJECTED), "submission_id": None,
                                             "tracker_messages": to_json(messages), "updated_at": utc_text(now)})
        elif ret["state"] != str(ReturnState.ACCEPTED):
            # An earlier submission: the newer draft or submission grew out of it, so the messages still matter.
            db.update("returns", ret["id"], {"tracker_messages": to_json(messages), "updated_at": utc_text(now)})
        said = "; ".join(f"{key}: {' '.join(texts)}" for key, texts in messages.items()) or "no reason given"
        attempt_ended(db, submission_id, row["return_id"], now, AttemptOutcome.REFUSED, f"refused: {said}")
        add_history(db, ret["id"], now, TRACKER, HistoryAction.REJECTED,
                    with_reference(f"refused by the tracker: {said}", submission_reference(submission_id)))
        return draft_from_row(db, _return_row(db, ret["id"]))


def mark_conflict(
    db: Database, submission_id: str, server_copy: Mapping[str, Any], now: dt.datetime
) -> ReturnDraft:
    """The tracker's copy changed since our base revision (409): keep its copy beside ours for the user to choose.

    The return's base becomes the tracker's revision, so that what the user sends next replaces it.
    A newer submission of the same return that was never attempted would meet the same conflict, so it
    is withdrawn too.
    """
    with writing(db):
        row = _row(db, submission_id)
        ret = _return_row(db, row["return_id"])
        db.execute("DELETE FROM outbox WHERE id = ?", [row["id"]])
        revision = server_copy.get("revision")
        attempt_ended(db, submission_id, row["return_id"], now, AttemptOutcome.CONFLICT,
                      f"not taken: the tracker's copy had changed (now revision {revision})")
        if _conflict_reaches(db, ret, submission_id, now):
            changes: dict[str, Any] = {"state": str(ReturnState.CONFLICT), "submission_id": None,
                                       "server_copy": to_json(dict(server_copy)), "updated_at": utc_text(now)}
            if isinstance(revision, int) and not isinstance(revision, bool):
                changes["base_revision"] = revision
            elif "revision" in server_copy and revision is None:
                # The tracker has no revision of the month at all: what is sent next is its first.
                changes["base_revision"] = None
            db.update("returns", ret["id"], changes)
        add_history(db, ret["id"], now, TRACKER, HistoryAction.CONFLICT,
                    with_reference(f"not taken: the tracker's copy changed since our base revision (now revision "
                                   f"{revision}); compare both and choose", submission_reference(submission_id)))
        return draft_from_row(db, _return_row(db, ret["id"]))


def _conflict_reaches(db: Database, ret: dict[str, Any], submission_id: str, now: dt.datetime) -> bool:
    # Whether a conflict on this submission puts the return into conflict. It does when this is the
    # return's current content or the return is being edited; a newer queued submission built on the
    # same old base would conflict too, so it is withdrawn if nothing of it has been sent. A newer
    # submission already on its way, or already accepted, gets its own answer.
    state = ReturnState(ret["state"])
    if ret["submission_id"] == submission_id or state in (ReturnState.DRAFT, ReturnState.READY,
                                                          ReturnState.REJECTED, ReturnState.CONFLICT):
        return True
    if state is not ReturnState.QUEUED:
        return False
    newer = _row(db, ret["submission_id"])
    if newer["attempts"] or newer["in_flight"]:
        return False
    db.execute("DELETE FROM outbox WHERE id = ?", [newer["id"]])
    add_history(db, ret["id"], now, SYNC, HistoryAction.WITHDRAWN,
                with_reference("a newer submission withdrawn: it builds on the same old revision",
                               submission_reference(newer["submission_id"])))
    return True


def _rebase(db: Database, ret: dict[str, Any], revision: int) -> None:
    # Newer work built on the content just accepted; its base is now that revision. Items never
    # attempted can still be changed safely (nothing of them has left this computer).
    if ret["base_revision"] is None or ret["base_revision"] < revision:
        db.update("returns", ret["id"], {"base_revision": revision})
    for item in db.query("SELECT id, payload FROM outbox WHERE return_id = ? AND attempts = 0 AND in_flight = 0",
                         [ret["id"]]):
        payload = from_json(item["payload"])
        payload["base_revision"] = revision
        db.update("outbox", item["id"], {"payload": to_json(payload)})


def _row(db: Database, submission_id: str) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM outbox WHERE submission_id = ?", [submission_id]))
    if not rows:
        raise OutboxItemGone(f"submission {submission_id} is not in the outbox (withdrawn, or already answered)")
    return rows[0]


def _return_row(db: Database, return_id: int) -> dict[str, Any]:
    return next(iter(db.query("SELECT * FROM returns WHERE id = ?", [return_id])))


def _item(row: dict[str, Any]) -> OutboxItem:
    return OutboxItem(
        submission_id=row["submission_id"],
        location_id=row["location_id"],
        period=Period.parse(row["period"]),
        payload=from_json(row["payload"]),
        queued_at=parse_time(row["queued_at"]),  # type: ignore[arg-type]
        queued_by=row["queued_by"],
        attempts=row["attempts"],
        next_attempt_at=parse_time(row["next_attempt_at"]),
        last_attempt_at=parse_time(row["last_attempt_at"]),
        last_error=row["last_error"],
        set_aside_reason=row["set_aside_reason"],
        outbox_id=row["id"],
        tracker_answers=row["tracker_answers"],
        tracker_url=row["tracker_url"],
    )
