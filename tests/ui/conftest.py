"""Fixtures for tests that drive the real widgets (offscreen, see tests/conftest.py).

Every test gets a context on its own data folder and the clock of tests/conftest.py, and fails if it
leaves windows or worker threads behind.
"""

from __future__ import annotations

import threading

import pytest
from palettes import make_palette
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from ct_desktop.settings import Settings, save_settings
from ct_desktop.store import open_store
from ct_desktop.ui.context import AppContext, AppEvents
from ct_desktop.ui.tasks import TaskRunner
from ct_desktop.ui.theme import keep_palette_readable


@pytest.fixture
def context(qtbot, isolated_data_dir, clock):
    """An AppContext on the test's data folder, with a person already named."""
    settings = Settings(person="AB", first_run_done=True)
    save_settings(isolated_data_dir, settings)
    store = open_store(isolated_data_dir)
    tasks = TaskRunner()
    ctx = AppContext(data_dir=isolated_data_dir, store=store, tasks=tasks, settings=settings,
                     events=AppEvents(), clock=clock)
    yield ctx
    tasks.shutdown()
    qtbot.wait(10)  # let queued callbacks and deleteLater run before the store closes
    store.close()


@pytest.fixture
def measurable_text(qapp):
    """For tests that measure laid-out text: skipped where Qt finds no font at all.

    That is Windows Python under Wine 8 (ci/windows.sh): Qt's font database there lists no family in any
    platform mode, and draws with a stand-in about twice as wide as any real font; never on Linux or Windows.
    """
    if not QFontDatabase.families():
        pytest.skip("Qt finds no fonts on this system (Wine): text has no real size to measure")


@pytest.fixture(autouse=True)
def no_leaks(qapp):
    """Fail a test that leaves a visible top-level window or a worker thread running."""
    threads_before = {t.ident for t in threading.enumerate()}
    yield
    QApplication.processEvents()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for widget in visible:
        widget.close()
    leaked_threads = [t.name for t in threading.enumerate()
                      if t.ident not in threads_before and t.is_alive() and not t.daemon]
    assert not visible, f"windows left open: {[type(w).__name__ for w in visible]}"
    assert not leaked_threads, f"threads left running: {leaked_threads}"


@pytest.fixture
def palette_of(qapp):
    """Give the application one of the test palettes, as the system would (``palette_of("dark")``), with the
    app's own care for readability (ui.theme.keep_palette_readable) in place, as apply_theme puts it."""
    before = QApplication.palette()
    keeper = keep_palette_readable(qapp)
    yield lambda name: QApplication.setPalette(make_palette(name))
    keeper.remove()
    QApplication.setPalette(before)
