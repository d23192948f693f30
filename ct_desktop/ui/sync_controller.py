"""When to sync, and what the app knows about the last sync. The sending itself is the sync engine's.

Runs ``sync_data_folder`` (which opens its own store) on the task runner: on a timer
(settings.sync_interval_seconds), soon after something is queued, when the network comes back
(QNetworkInformation, or a shorter retry timer while offline when no reachability backend loads) and
when asked ("Send now", F5). Only one run at a time; a request during a run starts another after it.
Items that failed because the tracker could not be reached wait for the network, not for their backoff:
the runs after the network comes back, and the offline retries, send them at once (as "Send now" does).
QtNetwork and its reachability backend are loaded a second after start(), once the window is on
screen: nothing before needs them (a first run that finds the tracker offline starts the retry timer).
The GUI thread only reads the outbox (a few rows) and the states of recent returns to count what waits.
The sync engine (and with it requests and keyring) is imported by the first run, on the worker thread:
a window that is only opened and closed never loads them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from ct_desktop.models import OutboxItem, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import StoreError
from ct_desktop.sync.report import SyncReport
from ct_desktop.ui.announce import announce
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.presentation import month_of

if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkInformation

log = logging.getLogger(__name__)

NOT_CONNECTED = "not_connected"
ONLINE = "online"
OFFLINE = "offline"
TOKEN_NEEDED = "token_needed"
UNKNOWN = "unknown"  # connected, not synced yet this session

SOON_MS = 1500  # after a return is queued: long enough to gather a burst of changes
RETRY_OFFLINE_S = 60
WATCH_NETWORK_AFTER_MS = 1000  # after start(): the window is up by then
HANDED_BACK = {
    "rejected": "The tracker refused it: open it to see why, fix it and send it again.",
    "conflict": "The tracker's copy changed since: open it to compare both copies and choose.",
}


def sync_in_background(data_dir: Path, **options: Any) -> SyncReport:
    """The worker's job: ct_desktop.sync.engine.sync_data_folder (imported here, off the GUI thread)."""
    from ct_desktop.sync.engine import sync_data_folder

    return sync_data_folder(data_dir, **options)


@dataclass(frozen=True)
class Problem:
    """Something a person has to look at: a set-aside item, a refusal, a conflict, a failing send."""

    kind: str  # "set_aside", "rejected", "conflict", "error"
    location_id: str
    period: Period
    text: str


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    connection: str = UNKNOWN
    running: bool = False
    queued: int = 0
    problems: tuple[Problem, ...] = ()
    last_sync: dt.datetime | None = None
    summary: str = ""
    detail: str = ""  # the engine's progress line while running, or the last error
    tracker_url: str | None = None


class SyncController(QObject):
    """Schedules sync runs on the task runner and keeps the SyncStatus the status bar shows."""

    status_changed = Signal(object)  # SyncStatus
    token_needed = Signal(str)  # why: the tracker refused the token
    progress = Signal(str)  # emitted from the worker; Qt queues it to the GUI thread

    def __init__(self, context: AppContext, parent: QObject | None = None, *, use_network_information: bool = True,
                 sync: Callable[..., SyncReport] = sync_in_background):
        super().__init__(parent)
        self._context = context
        self._sync = sync
        self._closed = False
        self._started = False  # timers run only after start(); send_now works either way
        self._pending = False
        self._pending_waiting = False
        self._network_back = False  # the next run also sends items waiting for their next try
        self._report: SyncReport | None = None
        self._handed_back: set[tuple[str, Period]] = set()  # rejected/conflict returns seen in reports
        self.status = SyncStatus(tracker_url=context.settings.tracker_url)
        self.interval = QTimer(self)
        self.interval.timeout.connect(self.sync_due)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.timeout.connect(self.sync_due)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.timeout.connect(self._retry_due)
        self._use_network_information = use_network_information
        self.network: QNetworkInformation | None = None  # once watched, where a reachability backend loads
        self.network_watch = QTimer(self)
        self.network_watch.setSingleShot(True)
        self.network_watch.timeout.connect(self._watch_network)
        # Saved answers come one a keystroke: the outbox is counted again once the event loop is free,
        # once for all of them, not inside the keystroke's save.
        self.recount = QTimer(self)
        self.recount.setSingleShot(True)
        self.recount.setInterval(0)
        self.recount.timeout.connect(self._recount_after_changes)
        self.progress.connect(self._on_progress)
        context.events.settings_changed.connect(self._settings_changed)
        context.events.return_changed.connect(self._return_changed)

    # Scheduling ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the timers and sync once now (what was queued offline goes as soon as possible)."""
        self._started = True
        self._apply_interval()
        self.refresh()
        self.soon.start(0)
        if self._use_network_information:
            self.network_watch.start(WATCH_NETWORK_AFTER_MS)

    def stop(self) -> None:
        """Stop every timer; results still arriving are ignored (the window is closing)."""
        self._closed = True
        for timer in (self.interval, self.soon, self.retry, self.network_watch, self.recount):
            timer.stop()

    def send_now(self) -> None:
        """Send everything queued now, including items waiting for their next try (F5)."""
        self._run(include_waiting=True)

    def sync_due(self) -> None:
        """A scheduled run: send what is due."""
        self._run(include_waiting=False)

    def _retry_due(self) -> None:
        # Offline, a retry is a look for the network: what waits for it goes as soon as it answers.
        self._run(include_waiting=self.status.connection == OFFLINE)

    def _apply_interval(self) -> None:
        self.interval.start(max(30, int(self._context.settings.sync_interval_seconds)) * 1000)

    def _watch_network(self) -> None:
        # Optional: no backend on some systems (and none in a minimal container); the retry timer covers it.
        if self._closed:
            return
        from PySide6.QtNetwork import QNetworkInformation

        feature = QNetworkInformation.Feature.Reachability
        if QNetworkInformation.instance() is None and not QNetworkInformation.loadBackendByFeatures(feature):
            return
        self.network = QNetworkInformation.instance()
        if self.network is not None:
            self.network.reachabilityChanged.connect(self._reachability_changed)

    def _reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        online = reachability == QNetworkInformation.Reachability.Online
        if self._started and online and self.status.connection in (OFFLINE, UNKNOWN):
            self._network_back = True  # what waited for the network need not wait for its backoff
            self.soon.start(SOON_MS)

    def _settings_changed(self) -> None:
        if self._closed:
            return
        url = self._context.settings.tracker_url
        if self._started:
            self._apply_interval()
        # A new tracker, a reconnect or a disconnect: find out at once rather than at the next tick.
        self._publish(connection=UNKNOWN if url else NOT_CONNECTED, tracker_url=url)
        if url and self._started:
            self.soon.start(0)

    def _return_changed(self, _location_id: str, _period: str) -> None:
        if not self._closed:
            self.recount.start()

    def _recount_after_changes(self) -> None:
        if self._closed:
            return
        self.refresh()
        if self._started and self.status.connection not in (NOT_CONNECTED, TOKEN_NEEDED) and self.status.queued:
            self.soon.start(SOON_MS)

    # Running ------------------------------------------------------------------------------------

    def _run(self, include_waiting: bool) -> None:
        if self._closed:
            return
        if self.status.running:
            self._pending = True
            self._pending_waiting = self._pending_waiting or include_waiting
            return
        if not self._context.settings.tracker_url:
            self._publish(connection=NOT_CONNECTED, detail="")
            return
        self.soon.stop()
        self.retry.stop()
        include_waiting, self._network_back = include_waiting or self._network_back, False
        self._publish(running=True, detail="Sending…")
        self._context.events.sync_started.emit()
        data_dir, emit = self._context.data_dir, self.progress.emit
        self._context.tasks.run(lambda: self._sync(data_dir, progress=emit, include_waiting=include_waiting),
                                on_done=self._finished, on_error=self._failed)

    def _finished(self, report: SyncReport) -> None:
        if self._closed or not shiboken6.isValid(self):
            return
        self._report = report
        self._handed_back.update((location_id, Period.parse(period))
                                 for location_id, period in (*report.rejected, *report.conflicts))
        connection = TOKEN_NEEDED if report.unauthorized else OFFLINE if report.offline else ONLINE
        # "last sync" is the last run that reached the tracker, not the last try.
        last_sync = report.finished_at or self._context.clock() if connection == ONLINE else self.status.last_sync
        self._publish(running=False, connection=connection, last_sync=last_sync,
                      summary=report.summary(), detail=report.last_error or "")
        if report.offline and self.network is None:
            self.retry.start(RETRY_OFFLINE_S * 1000)
        self._context.events.sync_finished.emit(report)
        announce(None, f"Sync finished: {report.summary()}")
        if report.unauthorized:
            self.token_needed.emit("The tracker refused the token (it may have been withdrawn or replaced). "
                                   "Paste a new token to send again; everything queued stays queued.")
        self._run_pending()

    def _failed(self, exc: Exception) -> None:
        if self._closed or not shiboken6.isValid(self):
            return
        # Imported here rather than at start: the run that failed has loaded them (the engine needs both).
        from ct_desktop.credentials import CredentialsUnavailable
        from ct_desktop.sync.connection import NotConnected

        if isinstance(exc, NotConnected):
            self._publish(running=False, connection=NOT_CONNECTED, summary="Not connected", detail=str(exc))
        elif isinstance(exc, CredentialsUnavailable):
            self._publish(running=False, connection=NOT_CONNECTED, summary="No keyring", detail=str(exc))
        else:
            # The details keep the plain words; the kind of failure goes to the log, not to the person.
            log.warning("sync run failed: %s: %s", type(exc).__name__, exc)
            from ct_desktop.sync.client import SyncError

            ours = isinstance(exc, (StoreError, SyncError)) and str(exc)  # our own words; others are a library's
            self._publish(running=False, summary="Sending stopped; it is tried again in a minute",
                          detail=str(exc) if ours else "Sending stopped before it finished; nothing queued was lost.")
            self.retry.start(RETRY_OFFLINE_S * 1000)
        self._run_pending()

    def _run_pending(self) -> None:
        if self._pending:
            include_waiting, self._pending, self._pending_waiting = self._pending_waiting, False, False
            self._run(include_waiting)

    def _on_progress(self, line: str) -> None:
        if not self._closed and self.status.running:
            self._publish(recount=False, detail=line)

    # Status -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-count the outbox and the problems from the store (short reads), and publish."""
        self._publish()

    def _publish(self, recount: bool = True, **changes: Any) -> None:
        if self._closed:
            return
        if recount:
            try:  # counted and picked out in the store: the few items that need a person are read
                changes.setdefault("queued", self._context.store.outbox_waiting_count())
                changes.setdefault("problems", tuple(self._problems(self._context.store.outbox_needing_a_person())))
            except StoreError as exc:
                changes.setdefault("detail", str(exc))
        self.status = dataclasses.replace(self.status, **changes)
        self.status_changed.emit(self.status)

    def _problems(self, items: list[OutboxItem]) -> list[Problem]:
        found = []
        for item in items:
            if item.set_aside_reason:
                found.append(Problem("set_aside", item.location_id, item.period, item.set_aside_reason))
            elif item.last_error and item.tracker_answers:  # failures to reach it: waiting to send, no problem
                found.append(Problem("error", item.location_id, item.period, item.last_error))
        # Returns handed back by the tracker: those seen in this session's reports, and any of this
        # month and last month (a refusal from before the app was restarted). Asked of the store as the
        # few handed back, not as every location's state.
        this_month = month_of(self._context.clock())
        store = self._context.store
        states = store.return_states(self._handed_back)
        states.update(store.returns_in_states([ReturnState(state) for state in HANDED_BACK],
                                              [this_month, this_month.previous()]))
        candidates = set(self._handed_back) | set(states)
        for location_id, period in sorted(candidates, key=lambda key: (key[0], str(key[1]))):
            state = str(states.get((location_id, period), ""))
            if state not in HANDED_BACK:
                self._handed_back.discard((location_id, period))  # dealt with since
                continue
            found.append(Problem(state, location_id, period, HANDED_BACK[state]))
        return found
