"""How ``ct-desktop draft show`` lays out a return: answers by section, findings, outbox, history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ct_desktop.cli.store_session import finding_line
from ct_desktop.collection_window import LONDON
from ct_desktop.forms.correction import QuestionSetChange
from ct_desktop.forms.findings import Finding, errors, warnings
from ct_desktop.forms.model import Field, FormDefinition, count_text
from ct_desktop.forms.validate import REQUIRED
from ct_desktop.history_detail import plain_detail
from ct_desktop.models import (
    NOT_KNOWN,
    NOT_KNOWN_TEXT,
    HistoryAction,
    HistoryEntry,
    Location,
    OutboxItem,
    ReturnDraft,
)
from ct_desktop.period import MONTH_NAMES, Period
from ct_desktop.store.codec import short_moment

HISTORY_LINES = 40  # the text view shows the latest ones; --json gives them all
NOT_STARTED = "not started"


@dataclass(frozen=True)
class ShownReturn:
    """What ``draft show`` reads about one location's return for one month."""

    location: Location
    form: FormDefinition
    period: Period
    draft: ReturnDraft | None
    findings: list[Finding]
    history: list[HistoryEntry]
    queued: list[OutboxItem]  # its submissions still in the outbox
    change: QuestionSetChange | None = None  # how the month's question set changed since it was started


def describe_draft(shown: ShownReturn) -> str:
    """The return as text a manager can read on a terminal (ASCII only: Windows consoles vary)."""
    location, form, period = shown.location, shown.form, shown.period
    lines = [f"{location.name} ({location.id}), {location.service_type}, {period.label} (form {form.version})"]
    lines += _state_lines(shown.draft, shown.queued)
    lines += change_lines(shown.change, location.id, period)
    lines += _field_lines(form, period, shown.draft, shown.findings, shown.change)
    lines += _finding_lines(shown.findings)
    lines += _history_lines(shown.history)
    return "\n".join(lines)


def describe_for_typing(shown: ShownReturn) -> str:
    """The answers alone, in the question set's order, with the tracker's labels: what to type into the
    tracker's own web page when the return cannot be sent from here in time."""
    location, form, period = shown.location, shown.form, shown.period
    lines = [f"{location.name} ({location.id}), {period.label}: the answers in the tracker's order "
             f"(question set {form.version})"]
    state = str(shown.draft.state) if shown.draft else NOT_STARTED
    lines.append(f"State here: {state}")
    for section in form.sections:
        rows = []
        for item in section.fields:
            if not form.is_asked(item, period):
                continue
            answer = shown.draft.answer(item.key) if shown.draft else None
            shown_answer = NOT_KNOWN_TEXT if answer is NOT_KNOWN else "" if answer is None else item.format_text(answer)
            rows.append(f"  {item.label}: {shown_answer or '(blank)'}")
        if rows:
            lines += ["", section.title, *rows]
    if shown.draft and shown.draft.reviewed_by:
        lines += ["", f"Reviewed by {shown.draft.reviewed_by} at {shown.draft.reviewed_at}"]
    return "\n".join(lines)


def draft_json(shown: ShownReturn) -> dict[str, Any]:
    """The same as one JSON object."""
    location = shown.location
    data: dict[str, Any] = shown.draft.as_dict() if shown.draft else {
        "location": location.id, "period": str(shown.period), "state": "not_started",
        "form_version": shown.form.version, "base_revision": None, "values": {}, "not_known": [],
        "no_changes": False, "reviewed_by": None, "reviewed_at": None, "submission_id": None,
        "tracker_messages": {}, "server_copy": None,
    }
    data["location_name"] = location.name
    data["service_type"] = location.service_type
    data["findings"] = [finding.as_dict() for finding in shown.findings]
    data["history"] = [entry.as_dict() for entry in shown.history]
    last = last_edit(shown.history)
    data["last_edit"] = last.as_dict() if last else None
    data["outbox"] = [item.as_dict() for item in shown.queued]
    data["question_set_change"] = shown.change.as_dict() if shown.change else None
    return data


def change_lines(change: QuestionSetChange | None, location_id: str, period: Period) -> list[str]:
    """What changed in the question set since the return was started, and the answers kept for what went."""
    if change is None:
        return []
    lines = [""]
    if change.corrected:
        lines.append(f"The question set changed after this return was started ({change.versions_text()}); "
                     "not acknowledged yet:")
    gone = change.no_longer_asked if change.corrected else change.kept_answers
    if gone:
        lines.append("  No longer asked (kept here and in the history, not sent):")
        for kept in gone:
            answer = kept.shown if kept.answered else "not answered"
            typed = f", typed by {kept.by} at {short_moment(kept.at)}" if kept.by and kept.at else ""
            lines.append(f"    {kept.label} ({kept.key}): {answer}{typed}")
    if change.corrected and change.new_questions:
        lines.append("  New questions (marked [new] below):")
        lines += [f"    {label} ({key})" for key, label in change.new_questions]
    if change.corrected and not gone and not change.new_questions:
        lines.append("  The same questions are asked; their wording, guidance or checks may have changed.")
    if change.corrected:
        lines.append(f"  Once you have read this: ct-desktop draft acknowledge {location_id} {period}")
    return lines


def last_edit(history: list[HistoryEntry]) -> HistoryEntry | None:
    """The latest field edit, or None."""
    edits = [entry for entry in history if entry.action is HistoryAction.EDIT]
    return edits[-1] if edits else None


def shown_or_blank(text: str | None) -> str:
    """History text with the blank made visible."""
    return text if text else "blank"


def long_moment(moment: dt.datetime) -> str:
    """E.g. '26 Nov 2026 14:02', London time."""
    local = moment.astimezone(LONDON)
    return f"{local.day:2d} {MONTH_NAMES[local.month - 1][:3]} {local.year} {local:%H:%M}"


def _state_lines(draft: ReturnDraft | None, queued: list[OutboxItem]) -> list[str]:
    if draft is None:
        return [f"State: {NOT_STARTED}"]
    base = f"builds on accepted revision {draft.base_revision}" if draft.base_revision is not None else \
        "no revision accepted yet"
    lines = [f"State: {draft.state} ({base})"]
    if draft.no_changes:
        lines.append(f"No changes: reviewed by {draft.reviewed_by} at {draft.reviewed_at}")
    for item in queued:
        line = (f"In the outbox: queued by {item.queued_by} at "
                f"{short_moment(item.queued_at)}, {count_text(item.attempts, 'attempt')}")
        if item.last_error:
            line += f"; last error: {item.last_error}"
        if item.set_aside_reason:
            line += f"; set aside: {item.set_aside_reason}"
        lines.append(line)
    if draft.tracker_messages:
        lines.append("The tracker refused it:")
        lines += [f"  {key}: {' '.join(texts)}" for key, texts in draft.tracker_messages.items()]
    if draft.server_copy is not None:
        lines += _conflict_lines(draft)
    return lines


def _conflict_lines(draft: ReturnDraft) -> list[str]:
    copy = draft.server_copy or {}
    theirs = copy.get("values", {}) or {}
    their_unknown = set(copy.get("not_known", []) or [])
    lines = [f"The tracker's copy changed (revision {copy.get('revision')}); where it differs from this one:"]
    for key in sorted(set(theirs) | set(draft.values) | draft.not_known | their_unknown):
        ours = draft.answer(key)
        other = NOT_KNOWN if key in their_unknown else theirs.get(key)
        if ours != other:
            lines.append(f"  {key}: here {_plain(ours)}, tracker {_plain(other)}")
    return lines


def _field_lines(form: FormDefinition, period: Period, draft: ReturnDraft | None, findings: list[Finding],
                 change: QuestionSetChange | None) -> list[str]:
    required = {f.field for f in findings if f.code == REQUIRED}
    lines = []
    for section in form.sections:
        rows = [row + (" [new]" if change and change.is_new(item.key) else "")
                for item in section.fields if (row := _field_row(form, period, item, draft, required))]
        if rows:
            lines += ["", section.title, *rows]
    return lines


def _field_row(form: FormDefinition, period: Period, item: Field, draft: ReturnDraft | None,
               required: set[str]) -> str | None:
    answer = draft.answer(item.key) if draft else None
    if answer is NOT_KNOWN:
        shown = NOT_KNOWN_TEXT
    elif answer is None:
        shown = "blank, required" if item.key in required else "blank"
    else:
        shown = item.format_text(answer)
    if not form.is_asked(item, period):
        if answer is None:
            return None
        shown += f" (not asked in {period.label}: clear it)"
    return f"  {item.label} ({item.key}): {shown}"


def _finding_lines(findings: list[Finding]) -> list[str]:
    if not findings:
        return ["", "Findings: none"]
    head = f"Findings: {count_text(len(errors(findings)), 'error')}, {count_text(len(warnings(findings)), 'warning')}"
    return ["", head, *(f"  {finding_line(finding)}" for finding in findings)]


def _history_lines(history: list[HistoryEntry]) -> list[str]:
    if not history:
        return ["", "History: nothing saved yet"]
    lines = ["", "History (newest last):"]
    if len(history) > HISTORY_LINES:
        lines.append(f"  ... {len(history) - HISTORY_LINES} earlier entries (--json shows them all)")
    for entry in history[-HISTORY_LINES:]:
        if entry.action is HistoryAction.EDIT:
            what = f"{entry.key}: {shown_or_blank(entry.old)} -> {shown_or_blank(entry.new)}"
        else:
            what = plain_detail(entry.detail)  # lifecycle steps describe themselves; --json keeps ids
        lines.append(f"  {long_moment(entry.at)}  {entry.by}  {what}")
    last = last_edit(history)
    if last:
        lines.append(f"Last edit: {last.key} by {last.by} at {short_moment(last.at)}")
    return lines


def _plain(answer: Any) -> str:
    if answer is NOT_KNOWN:
        return NOT_KNOWN_TEXT
    if answer is None:
        return "blank"
    if isinstance(answer, list):
        return ";".join(str(part) for part in answer)
    return str(answer)
