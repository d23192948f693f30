"""The one helper that runs background work: HTTP and long SQL never run on the GUI thread.

A task is a plain function run on a worker thread of a private pool; its result (or exception) comes
back to the GUI thread by a queued signal and is handed to the callbacks there. Workers never touch a
widget. ``shutdown()`` waits for running tasks so that no thread outlives the window.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives in the GUI thread; the worker emits, Qt queues the call to the GUI thread."""

    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, function: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._function = function
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._function()
        except Exception as exc:  # every failure must reach the GUI, never vanish in a worker
            log.debug("background task failed: %s", "".join(traceback.format_exception(exc)))
            self._relay.failed.emit(exc)
        else:
            self._relay.finished.emit(result)


class TaskRunner(QObject):
    """Runs functions off the GUI thread and calls back on it."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()
        self._closed = False

    @property
    def running(self) -> int:
        """How many tasks are queued or running."""
        return len(self._relays)

    def run(
        self,
        function: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``function()`` on a worker; then ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        if self._closed:
            return
        relay = _Relay(self)
        self._relays.add(relay)

        @Slot(object)
        def done(result: Any) -> None:
            self._forget(relay)
            if on_done is not None:
                on_done(result)

        @Slot(object)
        def failed(exc: Exception) -> None:
            self._forget(relay)
            if on_error is not None:
                on_error(exc)
            else:
                log.warning("background task failed: %s", exc)

        relay.finished.connect(done)
        relay.failed.connect(failed)
        if len(self._relays) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(function, relay))

    def _forget(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()
        if not self._relays:
            self.busy_changed.emit(False)

    def wait_idle(self, milliseconds: int = 30_000) -> bool:
        """Wait for the workers to finish (their callbacks still arrive through the event loop)."""
        return self._pool.waitForDone(milliseconds)

    def shutdown(self, milliseconds: int = 30_000) -> None:
        """Accept no more tasks and wait for the running ones, so no thread outlives the app."""
        self._closed = True
        self._pool.clear()
        self._pool.waitForDone(milliseconds)
