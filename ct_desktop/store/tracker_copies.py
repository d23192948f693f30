"""Revisions learnt from the tracker's history (GET .../returns?last=12) rather than from our own sending.

A new installation, or a second computer of the same provider, learns in this way what the tracker
already holds: "no changes" and month-on-month checks have a previous return, and an edit of an
accepted month builds on the right base revision, so that it cannot silently overwrite the tracker's
copy. A revision is recorded once and never changed; a return being worked on here is never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ct_desktop.forms.model import FormDefinition
from ct_desktop.models import NOT_KNOWN, AcceptedRevision, HistoryAction, ReturnState
from ct_desktop.period import Period
from ct_desktop.store.codec import to_json, utc_text
from ct_desktop.store.database import Database, writing
from ct_desktop.store.errors import StoreError
from ct_desktop.store.outbox import TRACKER
from ct_desktop.store.receipts import find_receipt
from ct_desktop.store.returns import add_history, find_return_row, write_answer

REQUIRED = ("revision", "submission_id", "accepted_at", "receipt", "values", "form_version")


def check_copy(copy: Mapping[str, Any]) -> None:
    """Raise StoreError unless the copy has what an accepted revision needs (revision, receipt, values...)."""
    missing = [key for key in REQUIRED if key not in copy]
    if missing:
        raise StoreError(f"the tracker's copy lacks {', '.join(missing)}")
    revision = copy["revision"]
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
        raise StoreError(f"the tracker's copy has no usable revision number ({revision!r})")
    if not isinstance(copy["values"], Mapping):
        raise StoreError("the tracker's copy has no values")


def record(
    db: Database, location_id: str, period: Period, copy: Mapping[str, Any],
    form: FormDefinition | None, now: dt.datetime,
) -> AcceptedRevision | None:
    """Keep a revision the tracker accepted, if it is new here; None when it was already known.

    An accepted month with no work in progress here (or not started here at all) then shows the
    tracker's copy and builds on its revision. A month being worked on keeps its answers and its base,
    so sending it meets a conflict that shows both copies rather than overwriting the tracker's.
    Without a question set for the month (``form`` None: a month before any we know) only the
    revision is kept.
    """
    check_copy(copy)
    revision = int(copy["revision"])
    submission_id = str(copy["submission_id"])
    with writing(db):
        if find_receipt(db, submission_id) is not None or _revision_known(db, location_id, period, revision):
            return None
        db.insert("receipts", {
            "location_id": location_id, "period": str(period), "revision": revision,
            "submission_id": submission_id, "accepted_at": str(copy["accepted_at"]),
            "receipt": str(copy["receipt"]), "payload": to_json(_payload(copy)), "recorded_at": utc_text(now),
        })
        if form is not None:
            _bring_return_up_to_date(db, location_id, period, copy, form, now)
        return find_receipt(db, submission_id)


def _revision_known(db: Database, location_id: str, period: Period, revision: int) -> bool:
    # The same number under another submission id would be another tracker's (a training one reset):
    # what is kept here is never replaced.
    return bool(list(db.query("SELECT 1 FROM receipts WHERE location_id = ? AND period = ? AND revision = ?",
                              [location_id, str(period), revision])))


def _payload(copy: Mapping[str, Any]) -> dict[str, Any]:
    # The accepted content in the shape of the PUT body; the base it was sent on is not known here.
    return {
        "submission_id": str(copy["submission_id"]),
        "values": dict(copy["values"]),
        "not_known": list(copy.get("not_known") or []),
        "no_changes": bool(copy.get("no_changes", False)),
        "reviewed_by": copy.get("reviewed_by"),
        "reviewed_at": copy.get("reviewed_at"),
        "form_version": str(copy["form_version"]),
    }


def _bring_return_up_to_date(
    db: Database, location_id: str, period: Period, copy: Mapping[str, Any], form: FormDefinition,
    now: dt.datetime,
) -> None:
    revision = int(copy["revision"])
    row = find_return_row(db, location_id, period)
    made_elsewhere = (f"the tracker holds revision {revision} (receipt {copy['receipt']}, accepted "
                      f"{copy['accepted_at']}, reviewed by {copy.get('reviewed_by') or 'someone'}), made elsewhere")
    if row is not None and row["base_revision"] is not None and row["base_revision"] >= revision:
        return
    if row is not None and ReturnState(row["state"]) is not ReturnState.ACCEPTED:
        add_history(db, row["id"], now, TRACKER, HistoryAction.NEW_REVISION,
                    f"{made_elsewhere}; the work here builds on revision {row['base_revision'] or 'none'}, so "
                    "sending it will show both copies to compare")
        return
    stamp = utc_text(now)
    fields = {"state": str(ReturnState.ACCEPTED), "form_version": str(copy["form_version"]),
              "base_revision": revision, "no_changes": int(bool(copy.get("no_changes"))),
              "reviewed_by": copy.get("reviewed_by"), "reviewed_at": copy.get("reviewed_at"),
              "submission_id": None, "tracker_messages": None, "server_copy": None, "updated_at": stamp,
              # Seen as the tracker holds it: its version (what it asked is that version's, if known here).
              "seen_form_version": str(copy["form_version"]), "seen_form_hash": None, "seen_form_questions": None}
    if row is None:
        db.insert("returns", {"location_id": location_id, "period": str(period), "created_at": stamp, **fields})
        row = find_return_row(db, location_id, period)
    else:
        db.update("returns", row["id"], fields)
        db.execute("DELETE FROM field_values WHERE return_id = ?", [row["id"]])
    for key, answer in _answers(copy, form).items():
        write_answer(db, row["id"], key, answer)  # type: ignore[index]
    add_history(db, row["id"], now, TRACKER, HistoryAction.ACCEPTED,  # type: ignore[index]
                f"{made_elsewhere}; this copy now shows it")


def _answers(copy: Mapping[str, Any], form: FormDefinition) -> dict[str, Any]:
    # Only answers that fit a question of our form are shown as this month's answers (a tracker on
    # another form version may have others); the receipt keeps the copy exactly as it came.
    answers: dict[str, Any] = {}
    for key, value in copy["values"].items():
        if value is not None and form.has_field(key) and form.field(key).check(value) is None:
            answers[key] = value
    for key in copy.get("not_known") or []:
        if form.has_field(key):
            answers[key] = NOT_KNOWN
    return answers
