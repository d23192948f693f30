"""Ending a conflict: the person has compared our copy with the tracker's and chosen, answer by answer.

A conflict means the tracker's copy changed after the revision ours builds on. Resolving it writes the
tracker's answers the person took, records the decision in history, and makes the return a draft again
(based on the tracker's revision, so that what is submitted next replaces the tracker's copy knowingly).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ct_desktop.forms.model import FormDefinition
from ct_desktop.models import EditResult, HistoryAction, Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.store.codec import from_json, utc_text
from ct_desktop.store.database import Database, writing
from ct_desktop.store.errors import LifecycleError, ValuesRefused
from ct_desktop.store.returns import (
    add_history,
    check_answers,
    draft_from_row,
    find_return_row,
    pending_edits,
    write_edits,
)

NOT_IN_CONFLICT = "not_in_conflict"


def resolve_conflict(
    db: Database,
    location: Location,
    period: Period,
    form: FormDefinition,
    taken: Mapping[str, Any],
    by: str,
    now: dt.datetime,
) -> EditResult:
    """Take the tracker's answers in ``taken`` (key -> answer), keep ours for the rest, back to draft.

    One transaction: the answers, one history row each, a history row naming the decision, and the
    state. Refused (LifecycleError) when the return is not in conflict; ValuesRefused when an answer
    does not fit its field. Nothing is saved in either case.
    """
    problems = check_answers(form, taken)
    if problems:
        raise ValuesRefused(problems)
    with writing(db):
        row = find_return_row(db, location.id, period)
        if row is None or ReturnState(row["state"]) is not ReturnState.CONFLICT:
            raise LifecycleError(f"{period.label} for {location.name} is not in conflict with the tracker's copy",
                                 reason=NOT_IN_CONFLICT)
        edits = pending_edits(db, row, form, taken)
        write_edits(db, row, form, edits, by, now)
        add_history(db, row["id"], now, by, HistoryAction.RESOLVED, _decision(row, form, [e[0] for e in edits], by))
        db.update("returns", row["id"], {"state": str(ReturnState.DRAFT), "server_copy": None,
                                         "updated_at": utc_text(now)})
        draft = draft_from_row(db, find_return_row(db, location.id, period))  # type: ignore[arg-type]
    return EditResult(draft=draft, changes=tuple(change for _, _, change in edits))


def _decision(row: dict[str, Any], form: FormDefinition, taken: list[str], by: str) -> str:
    copy = from_json(row["server_copy"]) or {}
    revision = copy.get("revision")
    against = f"the tracker's revision {revision}" if revision is not None else "the tracker's copy"
    if not taken:
        return f"conflict with {against} resolved by {by}: kept all our answers"
    labels = ", ".join(form.field(key).label for key in taken)
    return f"conflict with {against} resolved by {by}: took the tracker's answers for {labels}; kept the rest"
