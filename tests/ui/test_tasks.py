"""The background-task helper: work off the GUI thread, results back on it, nothing left running."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest

from ct_desktop.ui.tasks import TaskRunner


def test_results_and_failures_come_back_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    gui = threading.get_ident()
    seen = []

    def slow():
        time.sleep(0.05)
        return threading.get_ident()

    def fail():
        raise OSError("network down")

    runner.run(slow, on_done=lambda worker: seen.append(("done", worker != gui, threading.get_ident() == gui)))
    runner.run(fail, on_error=lambda exc: seen.append(("error", str(exc), threading.get_ident() == gui)))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert sorted(seen) == [("done", True, True), ("error", "network down", True)]
    assert runner.running == 0
    runner.shutdown()


def test_busy_signal_and_shutdown_waits_for_running_work(qtbot):
    runner = TaskRunner()
    finished = threading.Event()
    with qtbot.waitSignal(runner.busy_changed, timeout=2000) as busy:
        runner.run(lambda: (time.sleep(0.2), finished.set()))
    assert busy.args == [True]
    runner.shutdown()
    assert finished.is_set()
    waiting = runner.running
    runner.run(lambda: None)  # after shutdown nothing more starts
    assert runner.running == waiting
    qtbot.waitUntil(lambda: runner.running == 0, timeout=2000)  # the finished task's callback still arrives


def test_a_runner_dropped_after_shutdown_goes_there_and_then(qapp):
    # Nothing a task holds may keep the runner alive: it used to live on in its callbacks until a pending
    # deleteLater of one of its children destroyed it from inside that child's destructor.
    runner = TaskRunner()
    seen = []
    runner.run(lambda: 1, on_done=seen.append)
    runner.run(lambda: 1 / 0, on_error=seen.append)
    deadline = time.monotonic() + 5
    while len(seen) < 2 and time.monotonic() < deadline:
        qapp.processEvents()  # not qtbot.wait: that would also run the deferred deletions
    assert len(seen) == 2
    runner.shutdown()
    gone = weakref.ref(runner)
    del runner
    assert gone() is None


DROPPED_RUNNERS = """
import time
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from ct_desktop.ui.tasks import TaskRunner

app = QApplication([])
for _ in range(50):
    runner, seen = TaskRunner(), []
    runner.run(lambda: time.sleep(0.001), on_done=seen.append)
    runner.run(lambda: 1 / 0, on_error=seen.append)
    while len(seen) < 2:
        app.processEvents()
    runner.shutdown()
    del runner
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what pytest-qt does after a test
print("all runners gone")
"""


@pytest.mark.slow
def test_runners_dropped_with_deletions_pending_do_not_crash_the_process():
    # In a process of its own: the bug this guards against ended the process with an access violation.
    result = subprocess.run([sys.executable, "-c", DROPPED_RUNNERS], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2], check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "all runners gone"), result.stderr[-3000:]
