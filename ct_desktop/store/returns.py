"""Returns, their values and their history; field edits and what an edit does to the lifecycle.

Every edit is one transaction: the values, one history row per changed field and any lifecycle
step (withdrawing a queued return, starting a new revision) are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ct_desktop.forms.correction import SeenQuestionSet
from ct_desktop.forms.model import FormDefinition
from ct_desktop.history_detail import submission_reference, with_reference
from ct_desktop.models import (
    NOT_KNOWN,
    EditResult,
    FieldChange,
    HistoryAction,
    HistoryEntry,
    Location,
    ReturnDraft,
    ReturnState,
    same_answer,
)
from ct_desktop.period import Period
from ct_desktop.store.codec import from_json, parse_time, shown, to_json, utc_text
from ct_desktop.store.database import Database, reading, writing
from ct_desktop.store.errors import StoreError, ValuesRefused

EDITABLE_STATES = (ReturnState.DRAFT, ReturnState.READY, ReturnState.REJECTED, ReturnState.CONFLICT)


def find_return_row(db: Database, location_id: str, period: Period) -> dict[str, Any] | None:
    """The returns row of a location and month, or None when the month has not been started."""
    rows = list(db.query("SELECT * FROM returns WHERE location_id = ? AND period = ?", [location_id, str(period)]))
    return rows[0] if rows else None


def load_return(db: Database, location_id: str, period: Period) -> ReturnDraft | None:
    """The saved return of a location and month, or None when it has not been started."""
    with reading(db):
        row = find_return_row(db, location_id, period)
        return None if row is None else draft_from_row(db, row)


def load_states(db: Database, keys: Iterable[tuple[str, Period]]) -> dict[tuple[str, Period], ReturnState]:
    """The state of each started return among ``keys`` (location id, month), from one query.

    A return not started has no entry. Only the states are read, not the answers: for the status bar and
    lists that ask about many returns at once.
    """
    wanted = {(location_id, str(period)): (location_id, period) for location_id, period in keys}
    periods = sorted({period for _, period in wanted})
    if not periods:
        return {}
    # Asked by month (a handful of months, however many locations); the pairs asked for are picked out here.
    marks = ", ".join("?" * len(periods))
    rows = db.execute(f"SELECT location_id, period, state FROM returns WHERE period IN ({marks})", periods)
    states = {}
    for location_id, period, state in rows.fetchall():
        key = wanted.get((location_id, period))
        if key is not None:
            states[key] = ReturnState(state)
    return states


def draft_from_row(db: Database, row: dict[str, Any]) -> ReturnDraft:
    """A ReturnDraft from its returns row and its values."""
    values, not_known = read_answers(db, row["id"])
    return ReturnDraft(
        location_id=row["location_id"],
        period=Period.parse(row["period"]),
        state=ReturnState(row["state"]),
        form_version=row["form_version"],
        base_revision=row["base_revision"],
        values=values,
        not_known=frozenset(not_known),
        no_changes=bool(row["no_changes"]),
        reviewed_by=row["reviewed_by"],
        reviewed_at=row["reviewed_at"],
        submission_id=row["submission_id"],
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
        tracker_messages=from_json(row["tracker_messages"]) or {},
        server_copy=from_json(row["server_copy"]),
    )


def read_answers(db: Database, return_id: int) -> tuple[dict[str, Any], set[str]]:
    """The values and the not-known keys of a return."""
    values: dict[str, Any] = {}
    not_known: set[str] = set()
    for row in db.query("SELECT key, value, not_known FROM field_values WHERE return_id = ?", [return_id]):
        if row["not_known"]:
            not_known.add(row["key"])
        else:
            values[row["key"]] = from_json(row["value"])
    return values, not_known


def write_answer(db: Database, return_id: int, key: str, answer: Any) -> None:
    """Save one answer: a value, NOT_KNOWN, or None (blank: the row goes)."""
    if answer is None:
        db.execute("DELETE FROM field_values WHERE return_id = ? AND key = ?", [return_id, key])
        return
    row = {"return_id": return_id, "key": key, "value": None, "not_known": 1}
    if answer is not NOT_KNOWN:
        row.update(value=to_json(answer), not_known=0)
    db.upsert("field_values", row, ("return_id", "key"))


def load_history(db: Database, location_id: str, period: Period) -> list[HistoryEntry]:
    """Who did what to a return and when, oldest first."""
    with reading(db):
        row = find_return_row(db, location_id, period)
        if row is None:
            return []
        return [
            HistoryEntry(
                at=parse_time(entry["at"]),  # type: ignore[arg-type]
                by=entry["by"],
                action=HistoryAction(entry["action"]),
                key=entry["key"],
                old=entry["old"],
                new=entry["new"],
                detail=entry["detail"] or "",
            )
            for entry in db.query("SELECT * FROM history WHERE return_id = ? ORDER BY id", [row["id"]])
        ]


def returns_in_states(
    db: Database, states: Iterable[ReturnState], periods: Iterable[Period]
) -> dict[tuple[str, Period], ReturnState]:
    """The returns of ``periods`` that are in one of ``states``, by (location id, month), from one query.

    Only the few rows that match come back, however many locations there are.
    """
    wanted_states, wanted_periods = [state.value for state in states], sorted({str(p) for p in periods})
    if not wanted_states or not wanted_periods:
        return {}
    sql = (f"SELECT location_id, period, state FROM returns WHERE period IN ({', '.join('?' * len(wanted_periods))})"
           f" AND state IN ({', '.join('?' * len(wanted_states))})")
    with reading(db):
        rows = db.execute(sql, [*wanted_periods, *wanted_states]).fetchall()
    return {(location_id, Period.parse(period)): ReturnState(state) for location_id, period, state in rows}


def last_editor(db: Database, location_id: str, period: Period) -> str | None:
    """Who made the latest field edit of a return; None when nobody has edited it."""
    with reading(db):
        row = find_return_row(db, location_id, period)
        if row is None:
            return None
        rows = list(db.query("SELECT by FROM history WHERE return_id = ? AND action = ? ORDER BY id DESC LIMIT 1",
                             [row["id"], HistoryAction.EDIT.value]))
    return rows[0]["by"] if rows else None


def add_history(
    db: Database,
    return_id: int,
    at: dt.datetime,
    by: str,
    action: HistoryAction,
    detail: str = "",
    change: FieldChange | None = None,
) -> None:
    """Record one step in a return's history."""
    db.insert("history", {
        "return_id": return_id,
        "at": utc_text(at),
        "by": by,
        "action": str(action),
        "key": change.key if change else None,
        "old": change.old if change else None,
        "new": change.new if change else None,
        "detail": detail,
    })


def seen_columns(form: FormDefinition, period: Period) -> dict[str, Any]:
    """The returns columns that record the question set a person sees: its version, fingerprint and questions."""
    seen = SeenQuestionSet.of(form, period)
    return {"seen_form_version": seen.version, "seen_form_hash": seen.fingerprint,
            "seen_form_questions": to_json(dict(seen.questions))}


def start_return(
    db: Database, location: Location, period: Period, form: FormDefinition, now: dt.datetime
) -> dict[str, Any]:
    """The returns row of the month, created as an empty draft if there is none (inside a write transaction).

    A month that was accepted before (its row is kept) is not created again; a new one builds on nothing.
    """
    row = find_return_row(db, location.id, period)
    if row is not None:
        return row
    stamp = utc_text(now)
    db.insert("returns", {
        "location_id": location.id,
        "period": str(period),
        "state": str(ReturnState.DRAFT),
        "form_version": form.version,
        "base_revision": None,
        "no_changes": 0,
        "created_at": stamp,
        "updated_at": stamp,
        **seen_columns(form, period),
    })
    return find_return_row(db, location.id, period)  # type: ignore[return-value]


def check_answers(form: FormDefinition, changes: Mapping[str, Any]) -> list[str]:
    """Why each change cannot be saved (unknown field, wrong type, out of range); empty when all fit."""
    problems = []
    for key, answer in changes.items():
        if not form.has_field(key):
            problems.append(f"'{key}' is not a question of the {form.title.lower()} return")
            continue
        if answer is None or answer is NOT_KNOWN:
            continue
        problem = form.field(key).check(answer)
        if problem:
            problems.append(problem)
    return problems


def set_answers(
    db: Database,
    location: Location,
    period: Period,
    form: FormDefinition,
    changes: Mapping[str, Any],
    by: str,
    now: dt.datetime,
) -> EditResult:
    """Save answers (value, NOT_KNOWN or None for blank) in one transaction, with history.

    All answers are checked first: if any does not fit, ValuesRefused lists them all and nothing is
    saved. Answers equal to the saved ones change nothing (and do not withdraw a queued return).
    """
    problems = check_answers(form, changes)
    if problems:
        raise ValuesRefused(problems)
    with writing(db):
        row = find_return_row(db, location.id, period)
        edits = pending_edits(db, row, form, changes)
        notice = None
        if edits:
            # A month is started by its first real change, not by clearing what was never there.
            row = row or start_return(db, location, period, form, now)
            notice = reopen_for_edit(db, row, by, now)
            write_edits(db, row, form, edits, by, now)
        row = find_return_row(db, location.id, period)
        draft = draft_from_row(db, row) if row else None
    return EditResult(draft=draft, changes=tuple(change for _, _, change in edits), notice=notice)


def pending_edits(
    db: Database, row: dict[str, Any] | None, form: FormDefinition, changes: Mapping[str, Any]
) -> list[tuple[str, Any, FieldChange]]:
    """The answers that differ from the saved ones, each with its change as shown in history."""
    values, not_known = read_answers(db, row["id"]) if row else ({}, set())
    edits = []
    for key, answer in changes.items():
        old = NOT_KNOWN if key in not_known else values.get(key)
        if same_answer(old, answer):
            continue
        item = form.field(key)
        edits.append((key, answer, FieldChange(key, shown(item, old), shown(item, answer))))
    return edits


def write_edits(
    db: Database,
    row: dict[str, Any],
    form: FormDefinition,
    edits: list[tuple[str, Any, FieldChange]],
    by: str,
    now: dt.datetime,
) -> None:
    """Write answers with one history row each (inside the caller's transaction)."""
    for key, answer, change in edits:
        write_answer(db, row["id"], key, answer)
        add_history(db, row["id"], now, by, HistoryAction.EDIT, change=change)
    db.update("returns", row["id"], {"form_version": form.version, "updated_at": utc_text(now)})


def reopen_for_edit(db: Database, row: dict[str, Any], by: str, now: dt.datetime) -> str | None:
    """Make the return an editable draft before an edit; say what that did to the outbox or the accepted copy.

    Queued and never attempted: withdrawn from the outbox. Queued and attempted (it may already have
    reached the tracker): the item stays, to be delivered exactly once, and the edit starts a new
    revision on top. Accepted: the accepted revision is kept as it is and the edit starts a new one.
    """
    state = ReturnState(row["state"])
    notice = None
    if state is ReturnState.QUEUED:
        notice = _leave_outbox(db, row, by, now)
    elif state is ReturnState.ACCEPTED:
        notice = (f"{Period.parse(row['period']).label} was accepted as revision {row['base_revision']}; that "
                  "revision is kept as it is and these edits start a new one, to be submitted again")
        add_history(db, row["id"], now, by, HistoryAction.NEW_REVISION, notice)
    elif state not in EDITABLE_STATES:
        raise StoreError(f"a return in state '{state}' cannot be edited")
    draft = {"state": str(ReturnState.DRAFT), "submission_id": None, "no_changes": 0, "reviewed_by": None,
             "reviewed_at": None}
    if any(row[column] != value for column, value in draft.items()):  # most edits: a draft already
        db.update("returns", row["id"], draft)
    return notice


def _leave_outbox(db: Database, row: dict[str, Any], by: str, now: dt.datetime) -> str:
    items = list(db.query("SELECT * FROM outbox WHERE submission_id = ?", [row["submission_id"]]))
    reference = submission_reference(str(row["submission_id"]))
    if items and items[0]["attempts"] == 0 and not items[0]["in_flight"]:
        db.execute("DELETE FROM outbox WHERE id = ?", [items[0]["id"]])
        detail = f"withdrawn from the outbox by {by} (it had not been sent)"
        add_history(db, row["id"], now, by, HistoryAction.WITHDRAWN, with_reference(detail, reference))
        return "withdrawn from the outbox: it had not been sent yet; submit it again when it is ready"
    detail = ("the return as queued may already have reached the tracker, so it will still be delivered; "
              "these edits start a new revision on top of it")
    add_history(db, row["id"], now, by, HistoryAction.NEW_REVISION, with_reference(detail, reference))
    return detail

