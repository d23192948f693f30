"""What the form view shows, worked out from the answers and the core's findings. No Qt here.

The core decides (forms.validate); this module only sorts its findings into what each question,
each section and the summary list show, and says whether the return may be sent and why not.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ct_desktop.forms.findings import ERROR, WARNING, Finding, PreviousReturn
from ct_desktop.forms.model import FormDefinition, Grid, Section, count_text, format_number, is_number
from ct_desktop.forms.validate import REQUIRED, usable_answers, validate
from ct_desktop.models import NOT_KNOWN, AcceptedRevision, ReturnState
from ct_desktop.period import Period
from ct_desktop.ui.field_text import answer_text

FIX, CHECK, ANSWER = "fix", "check", "answer"


@dataclass(frozen=True)
class PanelEntry:
    """One line of the summary list: its group (fix, check, answer), the question it jumps to, its text."""

    group: str
    key: str
    text: str


@dataclass(frozen=True)
class Checked:
    """The answers on screen, checked by the core."""

    values: dict[str, Any]
    not_known: frozenset[str]
    findings: list[Finding]
    usable: dict[str, Any]

    @property
    def errors(self) -> list[Finding]:
        """Findings that block sending."""
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """Findings that must be confirmed before sending."""
        return [f for f in self.findings if f.severity == WARNING]


def check(form: FormDefinition, period: Period, answers: Mapping[str, Any],
          previous: PreviousReturn | None) -> Checked:
    """Validate answers (key -> value or NOT_KNOWN) as the store would."""
    values = {key: answer for key, answer in answers.items() if answer is not NOT_KNOWN and answer is not None}
    not_known = frozenset(key for key, answer in answers.items() if answer is NOT_KNOWN)
    findings = validate(form, period, values, sorted(not_known), previous)
    return Checked(values, not_known, findings, usable_answers(form, period, values, not_known))


def previous_return(revision: AcceptedRevision | None) -> PreviousReturn | None:
    """The last accepted return in the shape the month-on-month checks compare with."""
    if revision is None:
        return None
    return PreviousReturn(period=revision.period, values=revision.values, not_known=revision.not_known)


def last_month_text(form: FormDefinition, key: str, revision: AcceptedRevision | None) -> str | None:
    """E.g. 'August 2026: 35 beds' (the last accepted answer), or None when there is no accepted return."""
    if revision is None:
        return None
    item = form.field(key)
    if not form.is_asked(item, revision.period):
        return f"Last accepted ({revision.period.label}): not asked that month"
    answer = NOT_KNOWN if key in revision.not_known else revision.values.get(key)
    return f"Last accepted ({revision.period.label}): {answer_text(item, answer, unit=False)}"


def row_messages(form: FormDefinition, key: str, checked: Checked, refused: Mapping[str, str],
                 tracker: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """(kind, text) for the messages about one question.

    Its own errors and warnings in full. A finding it is only part of is shown once, at the
    finding's own question (the other questions it names are outlined, see related_severity);
    "required" is left to the requirement note and the summary list, so an empty form is not a wall of red.
    """
    return list(dict.fromkeys((kind, text) for _identity, kind, text in row_message_items(key, checked, refused,
                                                                                          tracker)))


def row_message_items(key: str, checked: Checked, refused: Mapping[str, str],
                      tracker: Mapping[str, list[str]]) -> list[tuple[str, str, str]]:
    """(identity, kind, text) for the messages about one question, as row_messages shows them.

    The identity names the problem, not its wording: "beds add up to 354" and, one digit later,
    "beds add up to 3541" are the same error, so it is not heard again on every keystroke.
    """
    items = []
    if key in refused:
        items.append(("not_saved", "not_saved", refused[key]))
    for finding in checked.findings:
        if finding.field == key and finding.code != REQUIRED:
            items.append((f"{finding.severity}:{finding.code}", finding.severity, finding.message))
    items += [(f"tracker:{text}", "tracker", text) for text in tracker.get(key, [])]
    return items


class NewMessages:
    """Which messages about the question with focus appeared since it was last looked at.

    Coming to a question says nothing new (its messages are in what a screen reader reads for the
    focused box); a message that appears while the focus stays there is news, once.
    """

    def __init__(self) -> None:
        self._key: str | None = None
        self._heard: frozenset[str] = frozenset()

    def news(self, key: str | None, items: list[tuple[str, str]]) -> list[str]:
        """The texts of ``items`` ((identity, text) about question ``key``) not there last time."""
        fresh = [text for identity, text in items if identity not in self._heard] if key == self._key else []
        self._key, self._heard = key, frozenset(identity for identity, _text in items)
        return list(dict.fromkeys(fresh))


def related_severity(key: str, checked: Checked) -> str | None:
    """The worst finding shown at another question that this one is part of (error, warning or None)."""
    severities = {finding.severity for finding in checked.findings if key in finding.related}
    return ERROR if ERROR in severities else (WARNING if severities else None)


def shown_to(checked: Checked, passed: Collection[str]) -> Checked:
    """The findings a person is shown, having been at the questions ``passed``.

    A finding that names several questions waits until the person has been at each of them: before
    that they could not have filled them in. Questions not answered yet are always listed.
    """
    findings = [f for f in checked.findings
                if f.code == REQUIRED or all(key in passed for key in (f.field, *f.related))]
    return Checked(checked.values, checked.not_known, findings, checked.usable)


def grid_sums(form: FormDefinition, grid: Grid | None, values: Mapping[str, Any]) -> list[str]:
    """The last row of a grid: per column, the sum of the figures given ('12', '12 so far', '')."""
    if grid is None or not grid.total_label:
        return []
    sums = []
    for column in range(len(grid.columns)):
        keys = grid.column_keys(column)
        given = [values[key] for key in keys if is_number(values.get(key))]
        if not given:
            sums.append("")
            continue
        total = format_number(sum(given))
        sums.append(total if len(given) == len(keys) else f"{total} so far")
    return sums


def panel_entries(form: FormDefinition, checked: Checked, refused: Mapping[str, str]) -> list[PanelEntry]:
    """The summary list: answers that could not be saved and errors, warnings, then questions not answered."""
    entries = [PanelEntry(FIX, key, f"Not saved: {text}") for key, text in refused.items()]
    order = {item.key: index for index, item in enumerate(form.fields)}
    for finding in sorted(checked.findings, key=lambda f: order.get(f.field, len(order))):
        if finding.code == REQUIRED:
            entries.append(PanelEntry(ANSWER, finding.field, form.field(finding.field).label))
        else:
            group = FIX if finding.severity == ERROR else CHECK
            entries.append(PanelEntry(group, finding.field, finding.message))
    return entries


def section_status(section: Section, checked: Checked, refused: Collection[str]) -> str:
    """E.g. 'Beds: 1 error' / 'Workforce: 3 to answer' / 'Visiting: done', for the section list."""
    keys = {item.key for item in section.fields}
    mine = [f for f in checked.findings if f.field in keys]
    errors = sum(1 for f in mine if f.severity == ERROR and f.code != REQUIRED) + len(keys & set(refused))
    warnings = sum(1 for f in mine if f.severity == WARNING)
    unanswered = sum(1 for f in mine if f.code == REQUIRED)
    parts = []
    if errors:
        parts.append(count_text(errors, "error"))
    if warnings:
        parts.append(count_text(warnings, "warning"))
    if unanswered:
        parts.append(f"{unanswered} to answer")
    return f"{section.title}: {', '.join(parts) if parts else 'done'}"


def send_status(state: ReturnState | None, checked: Checked, refused: Collection[str],
                confirmed: bool, questions_changed: bool = False) -> tuple[bool, str]:
    """Whether "Ready to send" is enabled, and what stands in the way, in words.

    ``questions_changed``: the month's question set changed since the return was started and nobody has
    said they have seen it yet.
    """
    if state is ReturnState.QUEUED:
        return False, "Queued: it is sent to the tracker when the network allows."
    if state is ReturnState.ACCEPTED:
        return False, "Accepted by the tracker. Change an answer to start a new revision."
    if state is ReturnState.CONFLICT:
        return False, "Changed on the tracker: press “Compare answers…” and choose which answers to keep first."
    if questions_changed:
        return False, ("Not ready: the questions for this month changed after this return was started. Read what "
                       "changed at the top, then press “I have seen these changes”.")
    if refused:
        return False, f"Not ready: {count_text(len(refused), 'answer')} could not be saved (see the form)."
    blocking = [f for f in checked.errors if f.code != REQUIRED]
    missing = [f for f in checked.errors if f.code == REQUIRED]
    if blocking or missing:
        parts = []
        if blocking:
            parts.append(count_text(len(blocking), "error") + " to fix")
        if missing:
            parts.append(count_text(len(missing), "question") + " to answer")
        return False, "Not ready: " + " and ".join(parts) + "."
    if checked.warnings and not confirmed:
        return False, (f"Almost ready: look at the {count_text(len(checked.warnings), 'warning')} and tick "
                       "“I have checked these figures”.")
    return True, "Ready: every question is answered and there are no errors."
