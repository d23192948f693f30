"""The things ct-desktop keeps: locations, monthly returns, their history and the outbox.

Plain data, no Qt and no SQL: the store (``ct_desktop.store``) builds these from the database and the
UI and command line show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ct_desktop.forms.findings import Finding
from ct_desktop.period import Period


class ReturnState(StrEnum):
    """Where a return (one location, one month) is in its lifecycle.

    draft → ready (no errors, warnings confirmed) → queued (frozen in the outbox) → accepted, or
    rejected / conflict, which are edited like a draft.
    """

    DRAFT = "draft"
    READY = "ready"
    QUEUED = "queued"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CONFLICT = "conflict"


class HistoryAction(StrEnum):
    """What a history row records: a field edit or a step of the lifecycle."""

    EDIT = "edit"
    SUBMITTED = "submitted"
    NO_CHANGES = "no_changes"
    WITHDRAWN = "withdrawn"
    NEW_REVISION = "new_revision"
    SET_ASIDE = "set_aside"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    RESOLVED = "resolved"  # a conflict ended by a person's choice, answer by answer
    RETRIED = "retried"  # a set-aside submission sent again at a person's request
    DISMISSED = "dismissed"  # a set-aside submission taken out of the outbox: the return is edited again
    QUESTIONS_SEEN = "questions_seen"  # a person acknowledged a correction of the month's question set


class NotKnownAnswer:
    """The explicit answer "not known / not applicable" (distinct from a blank, which is no answer)."""

    _instance: NotKnownAnswer | None = None

    def __new__(cls) -> NotKnownAnswer:
        # One shared instance, so callers can test ``value is NOT_KNOWN``.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_KNOWN"


NOT_KNOWN = NotKnownAnswer()
NOT_KNOWN_TEXT = "not known"


def same_answer(old: Any, new: Any) -> bool:
    """Whether two answers are the same: NOT_KNOWN only equals itself, no choice ticked ([]) is a blank
    (None), and true/false never equal the numbers 1 and 0."""
    if old is NOT_KNOWN or new is NOT_KNOWN:
        return old is new
    old, new = (None if old == [] else old), (None if new == [] else new)
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    return old == new


@dataclass(frozen=True)
class Location:
    """A CQC-registered location that submits a monthly return."""

    id: str
    name: str
    service_type: str
    local_authority: str | None = None
    region: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: id, name, service_type, local_authority, region."""
        return {
            "id": self.id,
            "name": self.name,
            "service_type": self.service_type,
            "local_authority": self.local_authority,
            "region": self.region,
        }


@dataclass(frozen=True)
class HistoryEntry:
    """One row of a return's history: who did what, when.

    For an edit, ``key``, ``old`` and ``new`` hold the field and its values as shown ("12",
    "not known", "" for blank); for a lifecycle step ``key`` is None and ``detail`` says what happened.
    """

    at: dt.datetime
    by: str
    action: HistoryAction
    key: str | None = None
    old: str | None = None
    new: str | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, ``at`` as ISO 8601 with its offset."""
        return {
            "at": self.at.isoformat(),
            "by": self.by,
            "action": str(self.action),
            "key": self.key,
            "old": self.old,
            "new": self.new,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class ReturnDraft:
    """The working copy of one location's return for one month, as saved."""

    location_id: str
    period: Period
    state: ReturnState
    form_version: str
    base_revision: int | None
    values: dict[str, Any]
    not_known: frozenset[str]
    no_changes: bool = False
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    submission_id: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    tracker_messages: dict[str, list[str]] = field(default_factory=dict)
    server_copy: dict[str, Any] | None = None

    @property
    def editable(self) -> bool:
        """Whether an edit changes this return in place (otherwise it withdraws or starts a new revision)."""
        return self.state in (ReturnState.DRAFT, ReturnState.READY, ReturnState.REJECTED, ReturnState.CONFLICT)

    def answer(self, key: str) -> Any:
        """The saved answer of a field: a value, NOT_KNOWN, or None for blank."""
        if key in self.not_known:
            return NOT_KNOWN
        return self.values.get(key)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description of the return."""
        return {
            "location": self.location_id,
            "period": str(self.period),
            "state": str(self.state),
            "form_version": self.form_version,
            "base_revision": self.base_revision,
            "values": dict(self.values),
            "not_known": sorted(self.not_known),
            "no_changes": self.no_changes,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": self.reviewed_at,
            "submission_id": self.submission_id,
            "tracker_messages": dict(self.tracker_messages),
            "server_copy": self.server_copy,
        }


@dataclass(frozen=True)
class OutboxItem:
    """A submission waiting to be sent: its frozen payload is exactly the PUT body of the provider API."""

    submission_id: str
    location_id: str
    period: Period
    payload: dict[str, Any]
    queued_at: dt.datetime
    queued_by: str
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_attempt_at: dt.datetime | None = None
    last_error: str | None = None
    set_aside_reason: str | None = None
    outbox_id: int = 0  # its place in the queue, the number a person gives to retry or dismiss it
    tracker_answers: int = 0  # failed attempts the tracker itself answered (what sets an item aside)
    tracker_url: str | None = None  # the tracker it is for; None: not bound yet (the folder's tracker)

    @property
    def never_attempted(self) -> bool:
        """True while nothing of it can have reached the tracker, so it may still be withdrawn."""
        return self.attempts == 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description of the item."""
        return {
            "submission_id": self.submission_id,
            "location": self.location_id,
            "period": str(self.period),
            "queued_at": self.queued_at.isoformat(),
            "queued_by": self.queued_by,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "last_error": self.last_error,
            "set_aside_reason": self.set_aside_reason,
            "id": self.outbox_id,
            "tracker_answers": self.tracker_answers,
            "tracker_url": self.tracker_url,
        }


@dataclass(frozen=True)
class AcceptedRevision:
    """A revision the tracker accepted: kept as it was, never edited."""

    location_id: str
    period: Period
    revision: int
    submission_id: str
    accepted_at: str
    receipt: str
    payload: dict[str, Any]

    @property
    def values(self) -> dict[str, Any]:
        """The values that were accepted (blank and not-known fields left out)."""
        return {k: v for k, v in self.payload.get("values", {}).items() if v is not None}

    @property
    def not_known(self) -> frozenset[str]:
        """The fields accepted as "not known"."""
        return frozenset(self.payload.get("not_known", ()))


@dataclass(frozen=True)
class FieldChange:
    """One field changed by an edit, as shown: old and new text."""

    key: str
    old: str
    new: str


@dataclass(frozen=True)
class EditResult:
    """What an edit saved and what it did to the lifecycle (``draft`` is None if the month is still not started)."""

    draft: ReturnDraft | None
    changes: tuple[FieldChange, ...]
    notice: str | None = None


@dataclass(frozen=True)
class Submission:
    """A return put in the outbox by submit or no-changes."""

    item: OutboxItem
    draft: ReturnDraft
    findings: tuple[Finding, ...] = ()
    copied_from: AcceptedRevision | None = None
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Closure:
    """A location temporarily closed: from ``closed_from`` to ``closed_until`` (the last day closed), or
    still closed when that is None; who recorded it and when. Windows it covers need no return."""

    location_id: str
    closed_from: dt.date
    closed_until: dt.date | None
    recorded_by: str
    recorded_at: dt.datetime

    def covers(self, day: dt.date) -> bool:
        """Whether the location was closed on that day."""
        return self.closed_from <= day and (self.closed_until is None or day <= self.closed_until)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the days as YYYY-MM-DD, the recording time as ISO 8601."""
        return {
            "location": self.location_id,
            "closed_from": self.closed_from.isoformat(),
            "closed_until": self.closed_until.isoformat() if self.closed_until else None,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
        }


class AttemptOutcome(StrEnum):
    """How one attempt to send a submission ended."""

    SENDING = "sending"  # begun, no outcome recorded (the app or the computer stopped meanwhile)
    FAILED = "failed"  # not delivered: the network, a timeout, the tracker busy; tried again later
    ACCEPTED = "accepted"
    REFUSED = "refused"  # the tracker refused the figures (per question)
    CONFLICT = "conflict"  # the tracker's copy had changed
    SET_ASIDE = "set_aside"  # not tried again: it cannot succeed as it is


@dataclass(frozen=True)
class SendAttempt:
    """One attempt to send a submission to the tracker: when it began and ended, and what came of it."""

    submission_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    outcome: AttemptOutcome
    detail: str
    tracker_url: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, the moments as ISO 8601 with their offsets."""
        return {
            "submission_id": self.submission_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "outcome": str(self.outcome),
            "detail": self.detail,
            "tracker_url": self.tracker_url,
        }
