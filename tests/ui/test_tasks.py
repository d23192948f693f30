"""The background-task helper: work off the GUI thread, results back on it, nothing left running."""

from __future__ import annotations

import threading
import time

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
