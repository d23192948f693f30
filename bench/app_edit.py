"""A field saved in the app's own form, with one location and with a care group of many.

The main window as a person has it (its home view hidden behind the open form, the sync controller and
status bar running, not connected to a tracker), on an offscreen display, in a process of its own. One
answer of the first location's return is typed and saved with Tab, again and again, the value changing
each time. Each save is timed from the Tab until the app is idle again: the store's commit, the form's
own checks, and every refresh that the save asked for, including those the views put off until after
the keystroke (a zero-delay timer queued after the Tab runs after them; its firing ends the time). The
keystroke's own share (the Tab handled, before the put-off work) is reported beside it.

The group is made in SQL from three locations made through the store (last month accepted; of this
month one queued or complete, one half filled in, one not started), copied under fresh ids: through the
store, 2,000 locations would take minutes, and what is timed is the edit, not the seeding or the start.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from report import BenchError
from seed import clone_locations, location_id, seed_app_folder
from store_bench import percentile

from ct_desktop.store import open_store

TEMPLATES = 3  # locations made through the store, the others are copies of them
WARM_UP = 5  # saves not timed: the first edit of a queued return takes it back out of the outbox
TIMEOUT_S = 1800


@dataclasses.dataclass(frozen=True)
class AppEdits:
    """Seconds of each save in the app, from the Tab until the app is idle, and the keystroke's own part."""

    locations: int
    cards: int  # location cards on the (hidden) home view, to show the group was loaded
    seconds: list[float]
    keystroke_seconds: list[float]

    @property
    def p99_ms(self) -> float:
        return percentile(self.seconds, 99) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def keystroke_p99_ms(self) -> float:
        return percentile(self.keystroke_seconds, 99) * 1000


def seed_group(folder: Path, locations: int) -> Path:
    """A data folder of ``locations`` care homes as seed.seed_app_folder makes them, most of them copies."""
    with open_store(folder) as store:
        seed_app_folder(folder, store, min(TEMPLATES, locations))
        path = store.path
    if locations > TEMPLATES:
        clone_locations(path, [location_id(number) for number in range(1, TEMPLATES + 1)], locations)
    return folder


def time_app_edits(folder: Path, edits: int) -> AppEdits:
    """Save one answer ``edits`` times in the app's form on the data folder ``folder`` (in a child process)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
           "CT_DESKTOP_DATA_DIR": str(folder)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), str(folder), str(edits)],
                          capture_output=True, text=True, env=env, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise BenchError(f"saving in the app failed: {done.stderr.strip()[-2000:]}")
    return AppEdits(**json.loads(done.stdout.strip().splitlines()[-1]))


def _save_in_the_app(folder: Path, edits: int) -> AppEdits:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from ct_desktop.collection_window import now_london
    from ct_desktop.period import Period
    from ct_desktop.settings import load_settings
    from ct_desktop.ui.context import AppContext, AppEvents
    from ct_desktop.ui.form_view import ReturnFormView
    from ct_desktop.ui.main_window import MainWindow
    from ct_desktop.ui.tasks import TaskRunner
    from ct_desktop.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    store = open_store(folder)
    tasks = TaskRunner()
    context = AppContext(data_dir=folder, store=store, tasks=tasks, settings=load_settings(folder),
                         events=AppEvents())
    window = MainWindow(context, use_network_information=False)
    window.resize(1366, 768)
    window.show()
    _settle(app)
    period = Period.of(now_london().date())
    window.open_return(location_id(1), period)
    page = window.page
    if not isinstance(page, ReturnFormView):
        raise BenchError("the form did not open")
    _settle(app)
    row = next(row for key, row in page.rows.items() if row.item.numeric and row.editor.isEnabled()
               and isinstance(row.editor.focus_target(), QLineEdit) and key)
    box = row.editor.focus_target()
    assert isinstance(box, QLineEdit)
    base = int(row.editor.saved_answer() or 0)

    def idle() -> None:
        # Zero-delay timers fire in the order they were started: this one after any the save started.
        fired: list[bool] = []
        QTimer.singleShot(0, lambda: fired.append(True))
        while not fired:
            app.processEvents()

    seconds, keystroke = [], []
    for number in range(WARM_UP + edits):
        box.setFocus()
        box.selectAll()
        QTest.keyClicks(box, str(base + 1 + number % 2))
        idle()
        began = time.perf_counter()
        QTest.keyClick(box, Qt.Key.Key_Tab)
        typed = time.perf_counter()
        idle()
        ended = time.perf_counter()
        if number >= WARM_UP:
            seconds.append(ended - began)
            keystroke.append(typed - began)
    draft = store.get_return(location_id(1), period)
    if draft is None or draft.values.get(row.item.key) != base + 1 + (WARM_UP + edits - 1) % 2:
        raise BenchError("the last answer typed is not the one saved")
    cards, locations = len(window.home.cards), len(store.locations())
    window.close()
    _settle(app)
    tasks.shutdown()
    store.close()
    return AppEdits(locations=locations, cards=cards, seconds=seconds, keystroke_seconds=keystroke)


def _settle(app: Any) -> None:
    from PySide6.QtTest import QTest

    for _ in range(20):
        app.processEvents()
        QTest.qWait(5)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    print(json.dumps(dataclasses.asdict(_save_in_the_app(Path(sys.argv[1]), int(sys.argv[2])))))
