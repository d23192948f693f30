"""Words the return views show: answers, requirement notes, states and due dates. No Qt here.

Kept apart from the widgets so that the wording can be read and tested in one place; what is valid
is still decided by ct_desktop.forms, never here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ct_desktop.collection_window import LONDON, CollectionWindow, WindowState
from ct_desktop.forms.model import Condition, Field, FormDefinition, is_number, quantity_text
from ct_desktop.models import NOT_KNOWN, ReturnDraft, ReturnState
from ct_desktop.period import MONTH_NAMES, Period, describe_day

NOT_KNOWN_LABEL = "Not known"
BLANK_LABEL = "Blank"


@dataclass(frozen=True)
class Requirement:
    """Whether a question needs an answer this time, in words.

    ``marked`` puts the asterisk on the question; ``asked`` is False for a seasonal question out of
    its season (shown disabled with ``text`` as the reason); ``note`` is False when the asterisk says
    it all (a plain required question), so the text is only read out, not shown.
    """

    text: str
    marked: bool
    asked: bool = True
    note: bool = True


def answer_text(item: Field, answer: Any, unit: bool = True) -> str:
    """An answer as a person reads it: 1,234 beds / Yes / Staffing, Other / Not known / Blank."""
    if answer is NOT_KNOWN:
        return NOT_KNOWN_LABEL
    if answer is None or answer == []:
        return BLANK_LABEL
    if is_number(answer):
        return quantity_text(answer, item.unit if unit else "")
    if item.type == "yesno":
        return str(answer).capitalize()
    if isinstance(answer, list):
        labels = {option.key: option.label for option in item.options}
        return ", ".join(labels.get(key, str(key)) for key in answer)
    return str(answer)


def requirement(form: FormDefinition, period: Period, item: Field, usable: Mapping[str, Any]) -> Requirement:
    """The requirement note under a question, given the usable answers so far (validate.usable_answers)."""
    if item.season is not None and not form.is_asked(item, period):
        season = form.seasons[item.season]
        return Requirement(f"Not asked in {period.label}: asked {season.describe()} only ({season.label}).",
                           marked=False, asked=False)
    condition = item.required_when or item.empty_unless
    if condition is not None:
        return _conditional(form, item, condition, usable)
    if item.mandatory:
        return Requirement("Required.", marked=True, note=False)
    if item.season is not None:
        season = form.seasons[item.season]
        return Requirement(f"Required in {season.label} ({season.describe()}).", marked=True)
    return Requirement("Optional.", marked=False)


def _conditional(form: FormDefinition, item: Field, condition: Condition,
                 usable: Mapping[str, Any]) -> Requirement:
    when = describe_condition(form, condition)
    holds = condition.holds(usable)
    if holds and item.required_when is not None:
        return Requirement(f"Required now, because {when}.", marked=True)
    if holds is False and item.empty_unless is not None:
        return Requirement(f"Only answered when {when}: leave it empty.", marked=False)
    if item.required_when is None:  # optional, and only where its condition holds
        if holds:
            return Requirement(f"Optional: it can be answered, because {when}.", marked=False)
        return Requirement(f"Optional, and only answered when {when}.", marked=False)
    return Requirement(f"Required when {when}.", marked=True)


def describe_condition(form: FormDefinition, condition: Condition) -> str:
    """E.g. '“Vacant beds not available for admission” is more than 0'."""
    label = form.field(condition.field).label
    if isinstance(condition.value, str) and condition.op in ("==", "!="):
        verb = "is" if condition.op == "==" else "is not"
        return f"the answer to “{label}” {verb} {condition.value.capitalize()}"
    return condition.describe(f"“{label}”")


def state_text(draft: ReturnDraft | None) -> str:
    """The state of a return in words."""
    if draft is None:
        return "Not started"
    words = {
        ReturnState.DRAFT: "Draft, not sent",
        ReturnState.READY: "Ready to send",
        ReturnState.QUEUED: "Queued, waiting to be sent",
        ReturnState.ACCEPTED: "Accepted by the tracker",
        ReturnState.REJECTED: "Refused by the tracker: needs changes",
        ReturnState.CONFLICT: "Changed on the tracker: choose answers",
    }[draft.state]
    if draft.state is ReturnState.ACCEPTED and draft.base_revision is not None:
        words += f" (revision {draft.base_revision})"
    return words


def due_text(window: CollectionWindow, moment: dt.datetime) -> str:
    """E.g. 'Due by the end of Monday 14 September 2026: 5 days left'."""
    due = describe_day(window.due)
    state = window.state_at(moment)
    if state is WindowState.NOT_YET_OPEN:
        return f"Opens on {describe_day(window.opens)}; due by the end of {due}"
    if state is WindowState.CLOSED:
        return f"Was due by the end of {due}: the window has closed"
    left = window.days_left(moment)
    if left == 0:
        return f"Due by the end of today, {due}"
    return f"Due by the end of {due}: {left} day{'s' if left != 1 else ''} left"


def short_time(moment: dt.datetime) -> str:
    """E.g. '14:02', London time."""
    return f"{moment.astimezone(LONDON):%H:%M}"


def brief_moment(moment: dt.datetime) -> str:
    """E.g. '14:02 on 9 Sep', London time."""
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} on {local.day} {MONTH_NAMES[local.month - 1][:3]}"


def moment_text(moment: dt.datetime) -> str:
    """E.g. '14:02 on 9 September 2026', London time."""
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} on {local.day} {MONTH_NAMES[local.month - 1]} {local.year}"


def parse_moment(text: Any) -> dt.datetime | None:
    """An ISO 8601 moment from the tracker, or None when it is missing or unreadable."""
    try:
        moment = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
