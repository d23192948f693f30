"""Staying compliant: what counts is what the tracker accepted inside the window, by its own accepted time.

No Qt and no SQL: the app (a location's card, the status bar, a notification) and the command line
(``status``, ``compliance``) ask the same questions here.

- ``deadline_status(window, state, accepted_at, moment)``: for one location's month, whether it counts
  for its window yet (``counts_for_window``), whether it is at risk (the window is open and nothing has
  been accepted inside it: queued returns waiting for the network included) and how near the deadline
  is, in words: "not yet with the tracker: the window closes at the end of Monday 14 December (in 6 hours)".
- ``enforcement_record(...)``: every window since the location was added (or since the earliest month
  the tracker holds a return of): met, late, missed or excused (temporarily closed on the due day), and
  the enforcement team's trigger for a notice of intent: the deadline missed in 3 consecutive months,
  or in any 4 months out of 12. A late return counts for nothing in the window it missed.

``record_for_location(store, location_id, moment)`` and ``deadline_for(store, ...)`` read what these
need from the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ct_desktop.collection_window import (
    LONDON,
    MANDATE_BEGAN,
    CollectionWindow,
    WindowState,
    collection_window,
    current_period,
)
from ct_desktop.models import AcceptedRevision, Closure, Location, ReturnState
from ct_desktop.period import MONTH_NAMES, WEEKDAY_NAMES, Period

if TYPE_CHECKING:
    from ct_desktop.store import Store

NOT_STARTED = "not_started"
# In the last days before the deadline a return not with the tracker is the loudest thing on screen
# (the due day and the two days before it: when reminders go out).
URGENT_DAYS = 2
# The enforcement team's trigger for a notice of intent.
IN_A_ROW_TRIGGER = 3
IN_TWELVE_TRIGGER = 4
TWELVE = 12
COUNCIL_AT_RISK = 2  # councils flag a location "at risk" after 2 consecutive misses


class Outcome(StrEnum):
    """What became of one location's collection window."""

    MET = "met"  # accepted inside the window
    LATE = "late"  # accepted only after it closed: counts for nothing in the window
    MISSED = "missed"  # nothing accepted
    EXCUSED = "excused"  # temporarily closed on the due day: no return needed
    OPEN = "open"  # the window is open and nothing is accepted inside it yet


MISSES = (Outcome.MISSED, Outcome.LATE)


# Deadline truth ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DeadlineStatus:
    """Where one location's month stands against its window at a moment."""

    period: Period
    state: str  # the return's state (ReturnState's value) or "not_started"
    counts_for_window: bool  # accepted inside the window, by the tracker's accepted time
    at_risk: bool  # the window is open (due day included) and nothing is accepted inside it yet
    urgent: bool  # at risk on the due day or the two days before
    closes_at: dt.datetime
    time_left: dt.timedelta | None  # until the window closes; None when it is not open
    words: str | None  # the warning to show while at risk, else None

    @property
    def waiting_to_send(self) -> bool:
        """Queued here but not yet with the tracker."""
        return self.state == str(ReturnState.QUEUED)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "period": str(self.period),
            "counts_for_window": self.counts_for_window,
            "at_risk": self.at_risk,
            "urgent": self.urgent,
            "closes_at": self.closes_at.isoformat(),
            "seconds_left": int(self.time_left.total_seconds()) if self.time_left is not None else None,
            "warning": self.words,
        }


def deadline_status(window: CollectionWindow, state: str | None, accepted_at: Iterable[str | dt.datetime],
                    moment: dt.datetime) -> DeadlineStatus:
    """The month's standing at ``moment``: ``state`` is the return's (None: not started), ``accepted_at``
    the tracker's accepted time of each revision of the month."""
    shown_state = state or NOT_STARTED
    counts = any(_inside(window, when) for when in _moments(accepted_at))
    is_open = window.state_at(moment) is WindowState.OPEN
    at_risk = is_open and not counts
    time_left = window.closes_at - moment if is_open else None
    days_left = window.days_left(moment)
    urgent = at_risk and days_left is not None and days_left <= URGENT_DAYS
    words = None
    if at_risk and time_left is not None:
        head = "not yet with the tracker" if shown_state == str(ReturnState.QUEUED) else _not_sent(shown_state)
        words = f"{head}: {closing_words(window)} ({time_left_words(time_left)})"
    return DeadlineStatus(window.period, shown_state, counts, at_risk, urgent, window.closes_at, time_left, words)


def closing_words(window: CollectionWindow) -> str:
    """E.g. 'the window closes at the end of Monday 14 December'."""
    due = window.due
    return f"the window closes at the end of {WEEKDAY_NAMES[due.weekday()]} {due.day} {MONTH_NAMES[due.month - 1]}"


def time_left_words(left: dt.timedelta) -> str:
    """How near the deadline is: 'in 40 minutes', 'in 6 hours', 'in 3 days'."""
    minutes = max(int(left.total_seconds() // 60), 0)
    if minutes < 60:
        return "in less than a minute" if minutes == 0 else f"in {_plural(minutes, 'minute')}"
    hours = minutes // 60
    if hours < 48:
        return f"in {_plural(hours, 'hour')}"
    return f"in {_plural(hours // 24, 'day')}"


def _not_sent(state: str) -> str:
    return {
        NOT_STARTED: "not started",
        str(ReturnState.CONFLICT): "not with the tracker: a conflict to settle",
        str(ReturnState.REJECTED): "not with the tracker: refused, needs changes",
    }.get(state, "not sent yet")


# The enforcement record ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class WindowRecord:
    """One window of a location: its outcome and the accepted revision (or closure) it rests on."""

    window: CollectionWindow
    outcome: Outcome
    accepted: AcceptedRevision | None = None  # the first accepted inside the window (met) or after it (late)
    closure: Closure | None = None  # excused: the closure covering the due day

    @property
    def period(self) -> Period:
        """The month of the window."""
        return self.window.period

    def detail(self) -> str:
        """The outcome in words, with the tracker's accepted time or the closure."""
        if self.closure is not None:
            until = f" to {_day(self.closure.closed_until)}" if self.closure.closed_until else ""
            return (f"temporarily closed from {_day(self.closure.closed_from)}{until} (recorded by "
                    f"{self.closure.recorded_by} on {_day(self.closure.recorded_at.astimezone(LONDON).date())})")
        if self.accepted is not None:
            when = accepted_moment(self.accepted)
            what = f"accepted {_moment(when)} (revision {self.accepted.revision}, receipt {self.accepted.receipt})"
            return what if self.outcome is Outcome.MET else f"{what}, after the window closed"
        due = f"due by the end of {_day(self.window.due)}"
        if self.outcome is Outcome.OPEN:
            return f"open: {due}, nothing accepted yet"
        return f"{due}; nothing accepted by then"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "period": str(self.period),
            "opens": self.window.opens.isoformat(),
            "due": self.window.due.isoformat(),
            "closes_at": self.window.closes_at.isoformat(),
            "outcome": str(self.outcome),
            "accepted_at": self.accepted.accepted_at if self.accepted else None,
            "revision": self.accepted.revision if self.accepted else None,
            "receipt": self.accepted.receipt if self.accepted else None,
            "closure": self.closure.as_dict() if self.closure else None,
            "detail": self.detail(),
        }


@dataclasses.dataclass(frozen=True)
class Trigger:
    """The enforcement team's trigger for a notice of intent, worked out from the decided windows."""

    missed_in_a_row: int  # the latest run of missed (or late) windows, up to the last closed one
    missed_in_last_twelve: int
    windows_in_last_twelve: int  # decided windows counted (fewer than 12 for a location added recently)
    words: tuple[str, ...]

    @property
    def notice_of_intent_possible(self) -> bool:
        """3 missed in a row, or 4 of the last 12."""
        return self.missed_in_a_row >= IN_A_ROW_TRIGGER or self.missed_in_last_twelve >= IN_TWELVE_TRIGGER

    @property
    def council_at_risk(self) -> bool:
        """2 or more missed in a row: councils flag the location "at risk"."""
        return self.missed_in_a_row >= COUNCIL_AT_RISK

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "missed_in_a_row": self.missed_in_a_row,
            "missed_in_last_12": self.missed_in_last_twelve,
            "windows_in_last_12": self.windows_in_last_twelve,
            "notice_of_intent_possible": self.notice_of_intent_possible,
            "council_at_risk": self.council_at_risk,
            "words": list(self.words),
        }


@dataclasses.dataclass(frozen=True)
class EnforcementRecord:
    """Every window of one location, newest first, and the trigger."""

    location: Location
    windows: tuple[WindowRecord, ...]
    trigger: Trigger
    closures: tuple[Closure, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "id": self.location.id,
            "name": self.location.name,
            "since": str(self.windows[-1].period) if self.windows else None,
            "windows": [record.as_dict() for record in self.windows],
            "trigger": self.trigger.as_dict(),
            "closures": [closure.as_dict() for closure in self.closures],
        }


def window_record(window: CollectionWindow, revisions: Sequence[AcceptedRevision], closures: Sequence[Closure],
                  moment: dt.datetime) -> WindowRecord:
    """The outcome of one window at ``moment``, from the tracker's accepted times and the closures."""
    by_time = sorted(revisions, key=accepted_moment)
    inside = [r for r in by_time if _inside(window, accepted_moment(r))]
    if inside:
        return WindowRecord(window, Outcome.MET, accepted=inside[0])
    closure = next((c for c in closures if c.covers(window.due)), None)
    if closure is not None:
        return WindowRecord(window, Outcome.EXCUSED, closure=closure)
    if window.state_at(moment) is not WindowState.CLOSED:
        return WindowRecord(window, Outcome.OPEN)
    after = [r for r in by_time if accepted_moment(r) >= window.closes_at]
    if after:
        return WindowRecord(window, Outcome.LATE, accepted=after[0])
    return WindowRecord(window, Outcome.MISSED)


def enforcement_record(location: Location, added_at: dt.datetime, revisions: Sequence[AcceptedRevision],
                       closures: Sequence[Closure], moment: dt.datetime) -> EnforcementRecord:
    """Every window from the location's first (the one open or to come when it was added here, or the
    earliest month the tracker holds a return of) up to the one open now, newest first, and the trigger."""
    first = _first_period(added_at, revisions)
    last = current_period(moment)
    if collection_window(last).state_at(moment) is WindowState.NOT_YET_OPEN:
        last = last.previous()
    by_period: dict[Period, list[AcceptedRevision]] = {}
    for revision in revisions:
        by_period.setdefault(revision.period, []).append(revision)
    records = []
    period = first
    while period <= last:
        records.append(window_record(collection_window(period), by_period.get(period, []), closures, moment))
        period = period.next()
    records.reverse()
    return EnforcementRecord(location, tuple(records), trigger_of(records), tuple(closures))


def trigger_of(records: Sequence[WindowRecord]) -> Trigger:
    """The trigger over the decided windows of ``records`` (newest first); an open window is not decided."""
    decided = [record for record in records if record.outcome is not Outcome.OPEN]
    in_a_row = 0
    for record in decided:
        if record.outcome not in MISSES:
            break
        in_a_row += 1
    last_twelve = decided[:TWELVE]
    in_twelve = sum(1 for record in last_twelve if record.outcome in MISSES)
    words = [_in_a_row_words(in_a_row), _in_twelve_words(in_twelve, len(last_twelve))]
    still_open = next((record for record in records if record.outcome is Outcome.OPEN), None)
    reached = in_a_row >= IN_A_ROW_TRIGGER or in_twelve >= IN_TWELVE_TRIGGER
    if still_open is not None and not reached and (in_a_row == IN_A_ROW_TRIGGER - 1
                                                   or in_twelve == IN_TWELVE_TRIGGER - 1):
        words.append(f"{still_open.period.label} would be the one that allows it: "
                     f"{closing_words(still_open.window)}")
    return Trigger(in_a_row, in_twelve, len(last_twelve), tuple(word for word in words if word))


def _in_a_row_words(count: int) -> str:
    if count >= IN_A_ROW_TRIGGER:
        return f"{count} missed in a row: a notice of intent may follow (3 in a row allow one)"
    if count == IN_A_ROW_TRIGGER - 1:
        return "2 missed in a row (councils flag the location at risk) — a third would allow a notice of intent"
    if count == 1:
        return "the last window was missed"
    return ""


def _in_twelve_words(count: int, of: int) -> str:
    scope = "of the last 12" if of >= TWELVE else f"of the {_plural(of, 'window')} so far"
    if count >= IN_TWELVE_TRIGGER:
        return f"{count} {scope} missed: a notice of intent may follow (4 in 12 allow one)"
    if count == IN_TWELVE_TRIGGER - 1:
        return f"3 {scope} missed — a fourth would allow a notice of intent"
    if count == 0:
        return f"none {scope} missed" if of else "no window has closed yet"
    return f"{count} {scope} missed"


def _first_period(added_at: dt.datetime, revisions: Sequence[AcceptedRevision]) -> Period:
    # A location added after its month's window closed starts with the next month.
    first = current_period(added_at)
    if collection_window(first).state_at(added_at) is WindowState.CLOSED:
        first = first.next()
    earliest = min((revision.period for revision in revisions), default=first)
    return max(min(first, earliest), MANDATE_BEGAN)


# Reading from the store ----------------------------------------------------------------------------


def record_for_location(store: Store, location_id: str, moment: dt.datetime) -> EnforcementRecord:
    """The enforcement record of one location of the store at ``moment``."""
    location = store.location(location_id)
    return enforcement_record(location, store.location_added_at(location.id), store.accepted_revisions(location.id),
                              store.closures(location.id), moment)


def deadline_for(store: Store, location_id: str, period: Period, moment: dt.datetime) -> DeadlineStatus:
    """The deadline status of one location's month in the store at ``moment``."""
    draft = store.get_return(location_id, period)
    revisions = store.accepted_revisions(location_id, period)
    return deadline_status(collection_window(period), str(draft.state) if draft else None,
                           [revision.accepted_at for revision in revisions], moment)


# Moments ---------------------------------------------------------------------------------------------


def accepted_moment(revision: AcceptedRevision) -> dt.datetime:
    """The tracker's accepted time of a revision, aware (a time without an offset is taken as UTC)."""
    return _aware(revision.accepted_at)


def _moments(values: Iterable[str | dt.datetime]) -> list[dt.datetime]:
    return [_aware(value) for value in values]


def _aware(value: str | dt.datetime) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _inside(window: CollectionWindow, moment: dt.datetime) -> bool:
    return window.state_at(moment) is WindowState.OPEN


def _day(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _moment(moment: dt.datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"at {local:%H:%M} on {_day(local.date())}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
