"""The outbox engine: sends what is due, once each, and records every answer of the tracker in the store.

No Qt: the app runs it on its worker thread, the command line in the foreground. The rules:

- ``begin_attempt`` is committed before each request, so an item that may have reached the tracker
  is never withdrawn and is resent under the same submission id (the tracker answers a resend 200);
- failures worth retrying (no network, timeouts, 429, 5xx, an answer that is not the tracker's) wait
  with exponential backoff and jitter, at least as long as Retry-After says;
- when the tracker cannot be reached at all, or asks to wait, the run stops rather than hammering;
- 4xx other than 429 is never retried: 401 forgets the token and stops (items stay queued), 409
  ``revision_conflict`` and 422 hand the return back to the user, anything else sets the item aside
  with its reason so that it never blocks the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ct_desktop.credentials import CredentialsUnavailable, clear_token
from ct_desktop.models import OutboxItem
from ct_desktop.paths import resolve_data_dir
from ct_desktop.store import OutboxItemGone, Store, StoreError, WrongTracker, open_store
from ct_desktop.sync.address import canonical_tracker_url
from ct_desktop.sync.client import (
    Acceptance,
    Conflict,
    Forbidden,
    NotFound,
    Rejected,
    SyncError,
    TrackerClient,
    TransientError,
    Unauthorized,
    Unreachable,
)
from ct_desktop.sync.connection import NotConnected, saved_connection
from ct_desktop.sync.history import pull_history
from ct_desktop.sync.question_sets import fetch_question_sets
from ct_desktop.sync.report import SyncReport
from ct_desktop.sync.retry import RetryPolicy

__all__ = ["NotConnected", "OutboxEngine", "RetryPolicy", "SyncReport", "sync_data_folder"]

REVISION_CONFLICT = "revision_conflict"
DEFAULT_POLICY = RetryPolicy()
# Far enough ahead that every item counts as due: for a run the user asked for explicitly.
_END_OF_TIME = dt.datetime.max.replace(tzinfo=dt.UTC)
log = logging.getLogger(__name__)


@dataclasses.dataclass
class _Run:
    # What one run has seen so far.
    accepted: list[tuple[str, str, int, str]] = dataclasses.field(default_factory=list)
    rejected: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    conflicts: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    offline: bool = False
    unauthorized: bool = False
    stopped: bool = False
    last_error: str | None = None


class OutboxEngine:
    """Sends the outbox of one store to one tracker. Use one engine per thread (the store's connection is)."""

    def __init__(self, store: Store, client: TrackerClient, *, clock: Callable[[], dt.datetime] | None = None,
                 rng: random.Random | None = None, policy: RetryPolicy = DEFAULT_POLICY,
                 on_unauthorized: Callable[[], None] | None = None):
        self._store = store
        self._client = client
        self._clock = clock or store.now
        self._rng = rng or random.Random()
        self._policy = policy
        self._on_unauthorized = on_unauthorized
        # The tracker this engine sends to: items bound to another one are never sent here.
        self._tracker_url = canonical_tracker_url(client.tracker_url)

    def run_once(self, progress: Callable[[str], None] | None = None, *,
                 include_waiting: bool = False) -> SyncReport:
        """Send every item due now once, in queue order, and say what happened.

        ``progress`` receives one line before each request ("Sending 1-101 September 2026 (2 of 5)").
        ``include_waiting`` also sends items still waiting for their next attempt (a "send now" the
        user asked for). Items that become due during the run (the next submission of a return just
        accepted) are sent in the same run.
        """
        run = _Run()
        tried: set[str] = set()
        while not run.stopped:
            due = [item for item in self._due(include_waiting) if item.submission_id not in tried]
            if not due:
                break
            for number, item in enumerate(due, start=1):
                tried.add(item.submission_id)
                if progress:
                    progress(f"Sending {item.location_id} {item.period.label} ({number} of {len(due)})")
                self._send(item, run)
                if run.stopped:
                    break
        return self._report(run)

    def report(self) -> SyncReport:
        """The outbox as it is now, as a report with nothing sent (what the app shows between runs)."""
        return self._report(_Run())

    def _report(self, run: _Run) -> SyncReport:
        items = self._store.outbox_items()
        waiting = [item for item in items if not item.set_aside_reason]
        due_times = [item.next_attempt_at for item in waiting if item.next_attempt_at]
        last_error = run.last_error or next((i.last_error for i in reversed(waiting) if i.last_error), None)
        return SyncReport(
            accepted=tuple(run.accepted),
            rejected=tuple(run.rejected),
            conflicts=tuple(run.conflicts),
            set_aside=tuple((i.location_id, str(i.period), str(i.set_aside_reason)) for i in items
                            if i.set_aside_reason),
            still_queued=len(waiting),
            offline=run.offline,
            unauthorized=run.unauthorized,
            last_error=last_error,
            finished_at=self._clock(),
            next_attempt_at=min(due_times) if due_times else None,
        )

    def forget_token(self) -> str | None:
        """After a 401: forget the token and tell the app; an error text if the keyring could not do it."""
        problem = None
        try:
            clear_token(self._client.tracker_url)
        except CredentialsUnavailable as exc:
            problem = str(exc)
        if self._on_unauthorized:
            self._on_unauthorized()
        return problem

    # One item ------------------------------------------------------------------------------------

    def _due(self, include_waiting: bool) -> list[OutboxItem]:
        return self._store.next_due_outbox_items(_END_OF_TIME if include_waiting else self._clock(),
                                                 self._tracker_url)

    def _send(self, item: OutboxItem, run: _Run) -> None:
        sid = item.submission_id
        try:
            began = self._store.begin_attempt(sid, self._tracker_url)
        except OutboxItemGone:
            return  # withdrawn by an edit since the list was read: it must not be sent
        except WrongTracker:
            return  # bound to another tracker meanwhile: never sent here
        except StoreError:
            if self._still_sendable(sid):
                raise
            return  # set aside meanwhile (by another sender)
        try:
            answer = self._client.put_return(item.location_id, str(item.period), item.payload)
        except SyncError as exc:
            self._record_failure(began, exc, run)
            return
        self._record_acceptance(item, answer, run)

    def _still_sendable(self, sid: str) -> bool:
        current = next((i for i in self._store.outbox_items() if i.submission_id == sid), None)
        return current is not None and not current.set_aside_reason

    def _record_acceptance(self, item: OutboxItem, answer: Acceptance, run: _Run) -> None:
        try:
            kept = self._store.mark_accepted(item.submission_id, answer.revision, answer.accepted_at, answer.receipt)
        except OutboxItemGone:
            return  # another sender recorded the answer first
        log.info("%s %s accepted as revision %s (%s)", item.location_id, item.period, kept.revision, kept.receipt)
        run.accepted.append((item.location_id, str(item.period), kept.revision, kept.receipt))

    def _record_failure(self, item: OutboxItem, exc: SyncError, run: _Run) -> None:
        sid = item.submission_id
        log.info("%s %s not sent: %s", item.location_id, item.period, exc)
        run.last_error = str(exc)
        try:
            if isinstance(exc, TransientError):
                self._retry_later(item, exc, run)
            elif isinstance(exc, Unauthorized):
                # The item did nothing wrong: it stays due, for when the token is given again.
                self._store.record_attempt_failure(sid, str(exc), self._clock())
                run.unauthorized = run.stopped = True
                problem = self.forget_token()
                run.last_error = problem or str(exc)
            elif isinstance(exc, Conflict) and exc.code == REVISION_CONFLICT:
                self._store.mark_conflict(sid, exc.current or {"revision": None})
                run.conflicts.append((item.location_id, str(item.period)))
            elif isinstance(exc, Rejected):
                self._store.mark_rejected(sid, field_messages(exc.errors, str(exc)))
                run.rejected.append((item.location_id, str(item.period)))
            else:
                self._store.set_aside(sid, poison_reason(exc))
        except OutboxItemGone:
            pass  # answered meanwhile by another sender

    def _retry_later(self, item: OutboxItem, exc: TransientError, run: _Run) -> None:
        # Only failures the tracker itself answered count towards giving up: a network that is down for
        # a week, a gateway's error page, or a tracker asking to wait, says nothing about the item.
        sid = item.submission_id
        answered = not isinstance(exc, Unreachable) and exc.retry_after is None
        answers = item.tracker_answers + (1 if answered else 0)
        if answered and answers >= self._policy.max_attempts:
            self._store.set_aside(sid, f"no success after {answers} attempts; the last: {exc}")
        else:
            wait = self._policy.delay(item.attempts, exc.retry_after, self._rng)
            self._store.record_attempt_failure(sid, str(exc), self._clock() + dt.timedelta(seconds=wait),
                                               answered=answered)
        if isinstance(exc, Unreachable):
            run.offline = run.stopped = True
        elif exc.retry_after is not None:
            run.stopped = True  # the tracker asked everyone to wait (busy, maintenance)


def field_messages(errors: Sequence[Mapping[str, Any]], fallback: str) -> dict[str, list[str]]:
    """The tracker's 422 errors as {field: [message]}, for the store and the form view."""
    messages: dict[str, list[str]] = {}
    for error in errors:
        if not isinstance(error, Mapping):
            continue
        field = str(error.get("field") or "return")
        text = str(error.get("message") or error.get("code") or "refused")
        messages.setdefault(field, []).append(text)
    return messages or {"return": [fallback]}


def poison_reason(exc: SyncError) -> str:
    """Why an item is set aside: the tracker's answer, and what a person can do about it."""
    if isinstance(exc, Forbidden):
        return f"the tracker does not let this token send it: {exc}"
    if isinstance(exc, NotFound):
        return f"the tracker does not know it: {exc}; check the location id with ct-desktop connect"
    if isinstance(exc, Conflict):
        log.info("refused with code %s: %s", exc.code or "conflict", exc)
        return f"the tracker refused it: {exc}"
    log.info("set aside after %s: %s", type(exc).__name__, exc)
    return str(exc) or "the tracker's answer could not be used"


def sync_data_folder(data_dir: str | os.PathLike[str] | None = None, *,
                     progress: Callable[[str], None] | None = None,
                     clock: Callable[[], dt.datetime] | None = None,
                     include_waiting: bool = False) -> SyncReport:
    """One run of the outbox of a data folder, then the tracker's new question sets and its recent accepted
    returns.

    Opens its own store (SQLite connections belong to one thread) and closes it. NotConnected when no
    tracker is connected or its token is gone; StoreError when the store cannot be used;
    CredentialsUnavailable when the keyring cannot be read.
    """
    folder = resolve_data_dir(data_dir)
    tracker_url, token = saved_connection(folder)
    with open_store(folder, clock=clock) as store:
        client = TrackerClient(tracker_url, token)
        try:
            engine = OutboxEngine(store, client, clock=clock)
            report = engine.run_once(progress, include_waiting=include_waiting)
            if not (report.offline or report.unauthorized):
                report = _refresh_question_sets(store, client, engine, report)
            if not (report.offline or report.unauthorized):
                report = _refresh_history(store, client, engine, report)
        finally:
            client.close()
    return report


def _refresh_question_sets(store: Store, client: TrackerClient, engine: OutboxEngine,
                           report: SyncReport) -> SyncReport:
    # After the outbox (what waits was frozen under its own version), before the history (whose copies are
    # read with the question sets of their months). A failure leaves the next sync to try again.
    try:
        update = fetch_question_sets(store, client)
    except Unauthorized as exc:
        problem = engine.forget_token()
        return dataclasses.replace(report, unauthorized=True, last_error=problem or str(exc))
    except SyncError as exc:
        log.info("question sets not fetched from the tracker: %s", exc)
        if isinstance(exc, Unreachable):
            return dataclasses.replace(report, offline=True, last_error=report.last_error or str(exc))
        return report
    return dataclasses.replace(report, question_sets_added=update.added, question_sets_refused=update.refused)


def _refresh_history(store: Store, client: TrackerClient, engine: OutboxEngine, report: SyncReport) -> SyncReport:
    # Best effort: a failure here leaves the next sync to try again. The history may also settle an
    # item whose answer was lost, so the outbox side of the report is read again.
    try:
        pull_history(store, client)
    except Unauthorized as exc:
        problem = engine.forget_token()
        return dataclasses.replace(engine.report(), accepted=report.accepted, rejected=report.rejected,
                                   conflicts=report.conflicts, unauthorized=True, last_error=problem or str(exc),
                                   question_sets_added=report.question_sets_added,
                                   question_sets_refused=report.question_sets_refused)
    except SyncError as exc:
        log.info("recent returns not fetched from the tracker: %s", exc)
        if isinstance(exc, Unreachable):
            # Nothing was due (or all went) but the tracker cannot be reached now: offline, not "online".
            report = dataclasses.replace(report, offline=True, last_error=report.last_error or str(exc))
    fresh = engine.report()
    return dataclasses.replace(report, set_aside=fresh.set_aside, still_queued=fresh.still_queued,
                               next_attempt_at=fresh.next_attempt_at)
