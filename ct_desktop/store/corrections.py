"""The question set a return was started under, and what a correction of it since then changed.

A return remembers the version, fingerprint and questions of the question set it was started under
(``seen_form_*`` in the returns table) until a person acknowledges a correction, which records in the
history every figure kept for a question no longer asked and every new question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from ct_desktop.forms.correction import (
    QuestionSetChange,
    SeenQuestionSet,
    acknowledgement_text,
    compare,
)
from ct_desktop.forms.model import FormDefinition
from ct_desktop.models import NOT_KNOWN, HistoryAction, ReturnState
from ct_desktop.period import Period
from ct_desktop.store.codec import from_json, parse_time, shown
from ct_desktop.store.database import Database, reading, writing
from ct_desktop.store.returns import add_history, find_return_row, read_answers, seen_columns

# A return being worked on is compared with the question set in force; a queued or accepted one is
# what it was when it was sent (editing it makes it a draft again, and then it is compared).
COMPARED_STATES = (ReturnState.DRAFT, ReturnState.READY, ReturnState.REJECTED, ReturnState.CONFLICT)

QuestionsOf = Callable[[str], Mapping[str, str] | None]  # a version's questions that month, if it is known


def question_set_change(db: Database, location_id: str, period: Period, form: FormDefinition,
                        questions_of: QuestionsOf, labels: Mapping[str, str]) -> QuestionSetChange | None:
    """How ``form`` differs from the question set the return was started under; None when not at all."""
    with reading(db):
        row = find_return_row(db, location_id, period)
        return None if row is None else _change(db, row, form, period, questions_of, labels)


def acknowledge(db: Database, location_id: str, period: Period, form: FormDefinition, questions_of: QuestionsOf,
                labels: Mapping[str, str], by: str, now: dt.datetime) -> QuestionSetChange | None:
    """Record that ``by`` has seen the correction: history keeps what changed, and the form in force is the one seen.

    Returns the change acknowledged (None when there was nothing to acknowledge, and nothing is written).
    """
    with writing(db):
        row = find_return_row(db, location_id, period)
        change = None if row is None else _change(db, row, form, period, questions_of, labels)
        if row is None or change is None or not change.corrected:
            return None
        db.update("returns", row["id"], seen_columns(form, period))
        add_history(db, row["id"], now, by, HistoryAction.QUESTIONS_SEEN, acknowledgement_text(change, by))
    return change


def _change(db: Database, row: dict[str, Any], form: FormDefinition, period: Period,
            questions_of: QuestionsOf, labels: Mapping[str, str]) -> QuestionSetChange | None:
    values, not_known = read_answers(db, row["id"])
    answered = {key: shown(form.field(key) if form.has_field(key) else None, value) for key, value in values.items()}
    answered.update({key: shown(None, NOT_KNOWN) for key in not_known})
    seen = _seen(row, form, period, questions_of)
    if ReturnState(row["state"]) not in COMPARED_STATES:
        seen = SeenQuestionSet(form.version, None, seen.questions)  # only answers kept are listed
    return compare(seen, form, period, answered, _typed(db, row["id"]), labels)


def _seen(row: dict[str, Any], form: FormDefinition, period: Period, questions_of: QuestionsOf) -> SeenQuestionSet:
    version = row["seen_form_version"] or row["form_version"]
    questions = from_json(row["seen_form_questions"])
    if questions is None:
        # Started before the questions were recorded: the version's own, if it is still known here.
        questions = questions_of(version)
    if questions is None:
        # A version no longer known at all: what it asked cannot be told, only the answers it left.
        questions = {item.key: item.label for item in form.asked_fields(period)}
    return SeenQuestionSet(version, row["seen_form_hash"], dict(questions))


def _typed(db: Database, return_id: int) -> dict[str, tuple[str, dt.datetime]]:
    # Who typed each answer as it stands, and when: the latest edit of each question.
    typed: dict[str, tuple[str, dt.datetime]] = {}
    for entry in db.query("SELECT key, by, at FROM history WHERE return_id = ? AND action = ? ORDER BY id",
                          [return_id, str(HistoryAction.EDIT)]):
        typed[entry["key"]] = (entry["by"], parse_time(entry["at"]))  # type: ignore[assignment]
    return typed
