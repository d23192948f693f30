"""The one helper that runs background work: HTTP and long SQL never run on the GUI thread.

A task is a plain function run on a worker thread of a private pool; its result (or exception) comes
back to the GUI thread by a queued signal and is handed to the callbacks there. Workers never touch a
widget. ``shutdown()`` waits for running tasks so that no thread outlives the window.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives in the GUI thread as long as its runner; a worker emits, Qt queues the call to the GUI thread.

    One relay per runner, never one per task: a relay deleted after each task, with its signal connected
    to closures over the runner, made those closures the runner's last owners. The runner was then
    destroyed from inside its own child's destructor (the child deleted twice, code run at a freed
    address) whenever a runner without a parent was dropped before its relays' ``deleteLater`` had run.
    """

    settled = Signal(object, bool, object)  # task number, succeeded, result or exception


class _Job(QRunnable):
    def __init__(self, number: int, function: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._number = number
        self._function = function
        self._relay = relay  # the relay, never the runner: a job must not keep the runner alive

    def run(self) -> None:
        try:
            result = self._function()
        except Exception as exc:  # every failure must reach the GUI, never vanish in a worker
            log.debug("background task failed: %s", "".join(traceback.format_exception(exc)))
            self._relay.settled.emit(self._number, False, exc)
        else:
            self._relay.settled.emit(self._number, True, result)


class TaskRunner(QObject):
    """Runs functions off the GUI thread and calls back on it.

    Nothing the tasks hold refers back to the runner: dropping the last reference to a runner after
    ``shutdown()`` destroys it there and then, with its pool and its relay.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        # The pool is made before the relay, so it is destroyed first: its destructor waits for the
        # workers, and no worker can emit on a relay that is gone.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        # A slot of the runner itself (not a closure): Qt drops the connection with the runner, and the
        # connection holds no Python reference to it.
        self._relay.settled.connect(self._settle, Qt.ConnectionType.QueuedConnection)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]] = {}
        self._numbers = itertools.count()
        self._closed = False

    @property
    def running(self) -> int:
        """How many tasks are queued or running."""
        return len(self._callbacks)

    def run(
        self,
        function: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``function()`` on a worker; then ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        if self._closed:
            return
        number = next(self._numbers)
        self._callbacks[number] = (on_done, on_error)
        if len(self._callbacks) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(number, function, self._relay))

    @Slot(object, bool, object)
    def _settle(self, number: int, succeeded: bool, outcome: Any) -> None:
        on_done, on_error = self._callbacks.pop(number)
        if not self._callbacks:
            self.busy_changed.emit(False)
        if succeeded:
            if on_done is not None:
                on_done(outcome)
        elif on_error is not None:
            on_error(outcome)
        else:
            log.warning("background task failed: %s", outcome)

    def wait_idle(self, milliseconds: int = 30_000) -> bool:
        """Wait for the workers to finish (their callbacks still arrive through the event loop)."""
        return self._pool.waitForDone(milliseconds)

    def shutdown(self, milliseconds: int = 30_000) -> None:
        """Accept no more tasks and wait for the running ones, so no thread outlives the app."""
        self._closed = True
        self._pool.clear()
        self._pool.waitForDone(milliseconds)
