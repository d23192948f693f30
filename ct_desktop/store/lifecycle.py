"""Submitting: validate, mark ready and queue in one transaction; and "no changes — save page".

A queued return's content is frozen in the outbox under a new submission id: the payload is
exactly the body the tracker receives, so a resend after a lost answer is byte-for-byte the same.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from ct_desktop.collection_window import LONDON, WindowState, collection_window, unsendable_period_problem
from ct_desktop.forms.findings import Finding, errors, warnings
from ct_desktop.forms.model import FormDefinition
from ct_desktop.forms.validate import REQUIRED, validate
from ct_desktop.history_detail import submission_reference, with_reference
from ct_desktop.models import (
    NOT_KNOWN,
    AcceptedRevision,
    HistoryAction,
    Location,
    OutboxItem,
    ReturnState,
    Submission,
)
from ct_desktop.period import Period, describe_day
from ct_desktop.store.codec import short_moment, to_json, utc_text
from ct_desktop.store.database import Database, reading, writing
from ct_desktop.store.errors import LifecycleError
from ct_desktop.store.outbox import item_by_submission
from ct_desktop.store.receipts import as_previous, last_accepted
from ct_desktop.store.returns import (
    add_history,
    draft_from_row,
    find_return_row,
    read_answers,
    start_return,
    write_answer,
)

# Reasons a LifecycleError carries, so that the app and the command line can suggest the next step.
NOT_STARTED = "not_started"
HAS_ERRORS = "has_errors"
UNCONFIRMED_WARNINGS = "unconfirmed_warnings"
ALREADY_QUEUED = "already_queued"
ALREADY_ACCEPTED = "already_accepted"
NO_PREVIOUS = "no_previous"
DRAFT_IN_PROGRESS = "draft_in_progress"
FORM_NEEDS_MORE = "form_needs_more"
MONTH_NOT_SENDABLE = "month_not_sendable"
WINDOW_NOT_OPEN = "window_not_open"  # the month's return can be prepared, but not sent before the 8th
NO_FORM = "no_form"  # no question set for the location's service type in that month
QUESTIONS_CHANGED = "questions_changed"  # the month's question set was corrected and nobody has seen it yet

log = logging.getLogger(__name__)


def refuse_unsendable_month(period: Period, now: dt.datetime) -> None:
    """LifecycleError (MONTH_NOT_SENDABLE) for a month after the current one or before the mandate began;
    LifecycleError (WINDOW_NOT_OPEN) for this month before its window opens.

    The figures sent for a month must be correct as of its opening day (the 8th) or later, so nothing
    is queued for it before then; a draft can still be prepared at any time.
    """
    problem = unsendable_period_problem(period, now)
    if problem:
        raise LifecycleError(problem, reason=MONTH_NOT_SENDABLE)
    window = collection_window(period)
    if window.state_at(now) is WindowState.NOT_YET_OPEN:
        raise LifecycleError(
            f"{period.label} cannot be sent before its window opens on {describe_day(window.opens)}: the "
            f"figures must be correct as of the {window.opens.day}th or later; the draft can be prepared now "
            "and sent from then", reason=WINDOW_NOT_OPEN)


def submit(
    db: Database,
    location: Location,
    period: Period,
    form: FormDefinition,
    by: str,
    now: dt.datetime,
    confirm_warnings: bool = False,
) -> Submission:
    """Validate the draft against the month's form and put it in the outbox (draft → ready → queued).

    Refused with LifecycleError, changing nothing, when it has errors, when it has warnings that are
    not confirmed, when it is not started, already queued or already accepted, when the month is
    after the current one or before the mandate began, or before the month's window opens.
    """
    refuse_unsendable_month(period, now)
    with writing(db):
        row = find_return_row(db, location.id, period)
        if row is None:
            raise LifecycleError(f"no return for {period.label} has been started for {location.name}: "
                                 "enter its values first", reason=NOT_STARTED)
        _refuse_if_done(db, row, period)
        values, not_known = read_answers(db, row["id"])
        previous = last_accepted(db, location.id, before=period)
        findings = validate(form, period, values, sorted(not_known), as_previous(previous))
        _refuse_unless_clean(findings, confirm_warnings, period)
        detail, rules = f"submitted by {by} and queued to send", ""
        if warnings(findings):
            said = dict.fromkeys(f"“{f.message.rstrip('.')}”" for f in warnings(findings))
            detail += "; warnings confirmed: " + ", ".join(said)
            rules = "rules " + ", ".join(sorted({f.code for f in warnings(findings)}))
        item = queue(db, row, form, period, values, not_known, by, now, detail, no_changes=False, reference=rules)
        draft = draft_from_row(db, find_return_row(db, location.id, period))  # type: ignore[arg-type]
    return Submission(item=item, draft=draft, findings=tuple(findings))


def no_changes(
    db: Database,
    location: Location,
    period: Period,
    form: FormDefinition,
    by: str,
    now: dt.datetime,
) -> Submission:
    """Queue this month's return as a copy of the last accepted one, reviewed by ``by`` now.

    Values of questions this month's form does not ask are dropped. Refused with LifecycleError when
    there is no earlier accepted return, when this month is already queued or accepted or has a draft
    with answers, or when the copy does not pass this month's form (flu questions in September).
    Warnings do not stop it: the same figures were confirmed when they were last accepted. A month
    after the current one or before the mandate began is refused too, and so is this month before its
    window opens.
    """
    refuse_unsendable_month(period, now)
    with writing(db):
        return _queue_unchanged(db, location, period, form, by, now)


def no_changes_for_group(
    db: Database,
    locations: Sequence[tuple[Location, FormDefinition]],
    period: Period,
    by: str,
    now: dt.datetime,
) -> list[tuple[Location, Submission | LifecycleError]]:
    """"No changes" for several locations in one review by ``by``: each queued, or refused with its reason.

    One transaction for the whole group (one commit, not one per location); each location is a
    savepoint of its own, so that one refused leaves nothing of itself behind and stops none of the
    others. Each queued return is recorded as no_changes records it, with who reviewed it and when.
    """
    refuse_unsendable_month(period, now)
    results: list[tuple[Location, Submission | LifecycleError]] = []
    with writing(db):
        for location, form in locations:
            db.execute("SAVEPOINT one_location")
            try:
                results.append((location, _queue_unchanged(db, location, period, form, by, now)))
            except LifecycleError as exc:
                db.execute("ROLLBACK TO one_location")
                results.append((location, exc))
            db.execute("RELEASE one_location")
    return results


def _queue_unchanged(
    db: Database, location: Location, period: Period, form: FormDefinition, by: str, now: dt.datetime
) -> Submission:
    # Inside the caller's transaction.
    base, values, not_known, dropped, findings = _plan_no_changes(db, location, period, form)
    row = start_return(db, location, period, form, now)
    for key, value in values.items():
        write_answer(db, row["id"], key, value)
    for key in not_known:
        write_answer(db, row["id"], key, NOT_KNOWN)
    detail = (f"no changes: {by} reviewed the return accepted for {base.period.label} (revision "
              f"{base.revision}) and queued it unchanged")
    if dropped:
        detail += "; left out as not asked in " + period.label + ": " + ", ".join(dropped)
    item = queue(db, row, form, period, values, not_known, by, now, detail, no_changes=True)
    draft = draft_from_row(db, find_return_row(db, location.id, period))  # type: ignore[arg-type]
    return Submission(item=item, draft=draft, findings=tuple(findings), copied_from=base, dropped=tuple(dropped))


def check_no_changes(
    db: Database, location: Location, period: Period, form: FormDefinition
) -> tuple[AcceptedRevision, tuple[Finding, ...], tuple[str, ...]]:
    """What "no changes" would do now, without doing it: (the accepted return it copies, the warnings
    the copy has this month, the keys left out as not asked). Refused with the same LifecycleError
    as no_changes, so the app can say so before anyone confirms a review.
    """
    with reading(db):
        base, _, _, dropped, findings = _plan_no_changes(db, location, period, form)
    return base, tuple(findings), tuple(dropped)


def _plan_no_changes(
    db: Database, location: Location, period: Period, form: FormDefinition
) -> tuple[AcceptedRevision, dict[str, Any], set[str], list[str], list[Finding]]:
    base = last_accepted(db, location.id, before=period)
    if base is None:
        raise LifecycleError(
            f"no accepted return before {period.label} for {location.name}, so there is nothing to copy: "
            "fill in this month's return and submit it", reason=NO_PREVIOUS)
    row = find_return_row(db, location.id, period)
    if row is not None:
        _refuse_if_done(db, row, period)
        _refuse_if_started(db, row, period)
    values, not_known, dropped = copy_for(form, period, base)
    findings = validate(form, period, values, sorted(not_known), as_previous(base))
    if errors(findings):
        raise _cannot_copy(form, period, base, errors(findings))
    return base, values, not_known, dropped, findings


def copy_for(
    form: FormDefinition, period: Period, base: AcceptedRevision
) -> tuple[dict[str, Any], set[str], list[str]]:
    """The accepted values and not-known keys this month asks for, and the keys left out."""
    asked = {item.key for item in form.asked_fields(period)}
    values = {k: v for k, v in base.values.items() if k in asked}
    not_known = {k for k in base.not_known if k in asked}
    dropped = sorted((set(base.values) | set(base.not_known)) - asked)
    return values, not_known, dropped


def build_payload(
    form: FormDefinition,
    period: Period,
    values: Mapping[str, Any],
    not_known: set[str] | frozenset[str],
    *,
    submission_id: str,
    base_revision: int | None,
    no_changes: bool,
    reviewed_by: str,
    reviewed_at: str,
) -> dict[str, Any]:
    """The PUT body of the provider API: every question asked this month, null when blank or not known."""
    asked = [item.key for item in form.asked_fields(period)]
    return {
        "submission_id": submission_id,
        "base_revision": base_revision,
        "values": {key: None if key in not_known else values.get(key) for key in asked},
        "not_known": sorted(key for key in not_known if key in asked),
        "no_changes": no_changes,
        "reviewed_by": reviewed_by,
        "reviewed_at": reviewed_at,
        "form_version": form.version,
    }


def queue(
    db: Database,
    row: dict[str, Any],
    form: FormDefinition,
    period: Period,
    values: Mapping[str, Any],
    not_known: set[str],
    by: str,
    now: dt.datetime,
    detail: str,
    no_changes: bool,
    reference: str = "",
) -> OutboxItem:
    """Mark the return ready, freeze its content in the outbox and mark it queued (inside a write transaction).

    The history step says ``detail``; the submission id and ``reference`` are kept with it for the record.
    """
    submission_id = str(uuid.uuid4())
    reviewed_at = now.astimezone(LONDON).isoformat(timespec="seconds")
    payload = build_payload(form, period, values, not_known, submission_id=submission_id,
                            base_revision=row["base_revision"], no_changes=no_changes, reviewed_by=by,
                            reviewed_at=reviewed_at)
    stamp = utc_text(now)
    db.update("returns", row["id"], {"state": str(ReturnState.READY), "form_version": form.version,
                                     "updated_at": stamp})
    db.insert("outbox", {
        "submission_id": submission_id,
        "return_id": row["id"],
        "payload": to_json(payload),
        "queued_at": stamp,
        "queued_by": by,
        "attempts": 0,
        "in_flight": 0,
        "next_attempt_at": stamp,
    })
    db.update("returns", row["id"], {
        "state": str(ReturnState.QUEUED),
        "submission_id": submission_id,
        "no_changes": int(no_changes),
        "reviewed_by": by,
        "reviewed_at": reviewed_at,
        "tracker_messages": None,
        "server_copy": None,
    })
    action = HistoryAction.NO_CHANGES if no_changes else HistoryAction.SUBMITTED
    add_history(db, row["id"], now, by, action, with_reference(detail, submission_reference(submission_id), reference))
    log.info("queued submission %s (%s)", submission_id, reference or "no warnings")
    return item_by_submission(db, submission_id)  # type: ignore[return-value]


def _refuse_if_done(db: Database, row: dict[str, Any], period: Period) -> None:
    state = ReturnState(row["state"])
    if state is ReturnState.QUEUED:
        item = item_by_submission(db, row["submission_id"])
        when = f", queued by {item.queued_by}" if item else ""
        raise LifecycleError(f"{period.label} is already in the outbox{when}; it is sent when the network allows",
                             reason=ALREADY_QUEUED)
    if state is ReturnState.ACCEPTED:
        raise LifecycleError(f"{period.label} was already accepted (revision {row['base_revision']}); "
                             "edit a value to start a new revision", reason=ALREADY_ACCEPTED)


def _refuse_if_started(db: Database, row: dict[str, Any], period: Period) -> None:
    values, not_known = read_answers(db, row["id"])
    if not values and not not_known:
        return
    last = list(db.query(
        "SELECT by, at, key FROM history WHERE return_id = ? AND action = ? ORDER BY id DESC LIMIT 1",
        [row["id"], str(HistoryAction.EDIT)]))
    who = ""
    if last:
        at = short_moment(dt.datetime.fromisoformat(last[0]["at"]))
        who = f" (last edit: {last[0]['key']} by {last[0]['by']} at {at})"
    answered = len(values) + len(not_known)
    raise LifecycleError(
        f"{period.label} already has a draft with {answered} answered question{'s' if answered != 1 else ''}"
        f"{who}: finish that draft and submit it instead", reason=DRAFT_IN_PROGRESS)


def _refuse_unless_clean(findings: list[Finding], confirm_warnings: bool, period: Period) -> None:
    found = errors(findings)
    if found:
        raise LifecycleError(f"{period.label} cannot be sent: {_count(found, 'error')} to fix", found,
                             reason=HAS_ERRORS)
    found = warnings(findings)
    if found and not confirm_warnings:
        them = "it" if len(found) == 1 else "them"
        raise LifecycleError(f"{period.label} has {_count(found, 'warning')} to look at; confirm {them} to send it",
                             found, needs_confirmation=True, reason=UNCONFIRMED_WARNINGS)


def _cannot_copy(form: FormDefinition, period: Period, base: AcceptedRevision, found: list[Finding]) -> LifecycleError:
    missing = [f for f in found if f.code == REQUIRED]
    if missing:
        names = ", ".join(f"{form.field(f.field).label} ({f.field})" for f in missing)
        return LifecycleError(
            f"{period.label} asks for answers the return accepted for {base.period.label} does not have: {names}; "
            "fill in this month's return and submit it", found, reason=FORM_NEEDS_MORE)
    return LifecycleError(
        f"the return accepted for {base.period.label} does not pass {period.label}'s checks "
        f"({_count(found, 'error')}): fill in this month's return and submit it", found, reason=FORM_NEEDS_MORE)


def _count(found: list[Finding], word: str) -> str:
    return f"{len(found)} {word}" + ("" if len(found) == 1 else "s")
