"""The evidence of one location's month, gathered for a provider facing a notice of intent (no Qt).

What it sent and when: the figures as sent (in the question set's order, with its labels), the
tracker's receipt and accepted time, the content hash of what was sent, who reviewed it and when; and
the log of every attempt to send it (the record of reasonable excuse when the tracker could not be
reached). ``ct_desktop.ui.evidence_pdf`` lays it out on one page.

The content hash is the SHA-256 of the submission exactly as kept here and sent: its JSON with the
keys sorted and no spaces, in UTF-8 (``ct_desktop.store.codec.to_json``), so that anyone holding the
JSON can work it out again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from ct_desktop.collection_window import CollectionWindow, collection_window
from ct_desktop.compliance import WindowRecord, window_record
from ct_desktop.forms.catalogue import UnknownForm, default_catalogue
from ct_desktop.forms.model import FormDefinition
from ct_desktop.models import NOT_KNOWN_TEXT, AcceptedRevision, HistoryAction, Location, SendAttempt
from ct_desktop.period import Period
from ct_desktop.store import StoreError
from ct_desktop.store.codec import to_json

if TYPE_CHECKING:
    from ct_desktop.store import Store

QUEUED_STEPS = (HistoryAction.SUBMITTED, HistoryAction.NO_CHANGES)


@dataclasses.dataclass(frozen=True)
class Figure:
    """One answer as sent: its section, the question's label and key, and the answer as shown."""

    section: str
    label: str
    key: str
    answer: str


@dataclasses.dataclass(frozen=True)
class QueuedStep:
    """When a submission of the month was queued here, by whom, and what the history says of it."""

    at: dt.datetime
    by: str
    detail: str


@dataclasses.dataclass(frozen=True)
class MonthEvidence:
    """Everything the evidence page of one location's month shows."""

    location: Location
    period: Period
    window: CollectionWindow
    record: WindowRecord  # met, late, missed, excused or open, by the tracker's accepted time
    shown: AcceptedRevision | None  # the accepted revision whose figures are shown (the one that counts)
    payload: dict[str, Any] | None  # what was sent (or waits to be sent), exactly
    waiting: bool  # the payload is still in the outbox, not accepted
    figures: tuple[Figure, ...]
    revisions: tuple[AcceptedRevision, ...]  # every revision the tracker accepted of the month
    queued: tuple[QueuedStep, ...]
    attempts: tuple[SendAttempt, ...]
    made_at: dt.datetime

    @property
    def content_sha256(self) -> str | None:
        """SHA-256 of the payload as sent (its sorted, compact JSON in UTF-8); None when nothing was sent."""
        return content_sha256(self.payload) if self.payload is not None else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "location": self.location.as_dict(),
            "period": str(self.period),
            "outcome": str(self.record.outcome),
            "outcome_detail": self.record.detail(),
            "waiting_to_send": self.waiting,
            "receipt": self.shown.receipt if self.shown else None,
            "accepted_at": self.shown.accepted_at if self.shown else None,
            "revision": self.shown.revision if self.shown else None,
            "content_sha256": self.content_sha256,
            "reviewed_by": (self.payload or {}).get("reviewed_by"),
            "reviewed_at": (self.payload or {}).get("reviewed_at"),
            "figures": [dataclasses.asdict(figure) for figure in self.figures],
            "revisions": [{"revision": r.revision, "accepted_at": r.accepted_at, "receipt": r.receipt,
                           "submission_id": r.submission_id, "content_sha256": content_sha256(r.payload)}
                          for r in self.revisions],
            "queued": [{"at": step.at.isoformat(), "by": step.by, "detail": step.detail} for step in self.queued],
            "attempts": [attempt.as_dict() for attempt in self.attempts],
            "made_at": self.made_at.isoformat(),
        }


def content_sha256(payload: dict[str, Any]) -> str:
    """SHA-256 (hex) of a payload's JSON as kept and sent: keys sorted, no spaces, UTF-8."""
    return hashlib.sha256(to_json(payload).encode("utf-8")).hexdigest()


def figures_of(form: FormDefinition | None, payload: dict[str, Any]) -> tuple[Figure, ...]:
    """The payload's answers in the question set's order with its labels (keys alone without a form)."""
    values: dict[str, Any] = payload.get("values", {}) or {}
    not_known = set(payload.get("not_known", []) or [])
    if form is None:
        return tuple(Figure("", key, key, _plain(values.get(key), key in not_known)) for key in values)
    figures = []
    for section in form.sections:
        for item in section.fields:
            if item.key not in values and item.key not in not_known:
                continue
            value = values.get(item.key)
            answer = NOT_KNOWN_TEXT if item.key in not_known else "blank" if value is None else item.format_text(value)
            figures.append(Figure(section.title, item.label, item.key, answer))
    return tuple(figures)


def gather_evidence(store: Store, location_id: str, period: Period, moment: dt.datetime) -> MonthEvidence:
    """The evidence of a location's month, read from the store at ``moment``."""
    location = store.location(location_id)
    window = collection_window(period)
    revisions = tuple(store.accepted_revisions(location.id, period))
    record = window_record(window, revisions, store.closures(location.id), moment)
    shown = record.accepted or (revisions[-1] if revisions else None)
    waiting_items = [item for item in store.outbox_items(location.id) if item.period == period]
    payload: dict[str, Any] | None
    if shown is not None:
        payload, waiting = shown.payload, False
    elif waiting_items:
        payload, waiting = waiting_items[-1].payload, True
    else:
        payload, waiting = None, False
    queued = tuple(QueuedStep(entry.at, entry.by, entry.detail) for entry in store.history(location.id, period)
                   if entry.action in QUEUED_STEPS)
    return MonthEvidence(
        location=location, period=period, window=window, record=record, shown=shown, payload=payload,
        waiting=waiting, figures=figures_of(_form(store, location, period, payload), payload) if payload else (),
        revisions=revisions, queued=queued, attempts=tuple(store.send_attempts(location.id, period)),
        made_at=moment,
    )


def _form(store: Store, location: Location, period: Period, payload: dict[str, Any] | None) -> FormDefinition | None:
    # The question set the payload was sent under, for its labels and order.
    version = (payload or {}).get("form_version")
    try:
        form = store.form_for(location, period)
    except StoreError:  # no question set for the month: keys alone are shown
        form = None
    if form is not None and (version is None or form.version == version):
        return form
    try:
        return default_catalogue().form_version(location.service_type, str(version))
    except UnknownForm:
        return form


def _plain(value: Any, not_known: bool) -> str:
    if not_known:
        return NOT_KNOWN_TEXT
    if value is None:
        return "blank"
    if isinstance(value, list):
        return "; ".join(str(part) for part in value)
    return str(value)
