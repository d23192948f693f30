"""Keys pressed to type a whole care home return from the keyboard, beyond the answers' own characters.

The real form (ReturnFormView) on an offscreen display, in a process of its own: each answer is typed
where the cursor is (the digits of a figure, Y or N, the number of each choice), then Tab; the form
moves the cursor itself. The extra keys are the Tabs and any modifier keys; the goal is at most one
per answer. October 2025 asks every question (flu season and a COVID-19 campaign). The store is read
afterwards: a count is only reported when what was saved is exactly what was typed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

PERIOD = (2025, 10)
LOCATION_ID = "1-101"


@dataclass(frozen=True)
class EntryKeys:
    answers: int
    answer_keys: int
    extra_keys: int
    saved_as_typed: bool


def count_entry_keys(work: Path) -> EntryKeys:
    """Type the return in a child process and return its count."""
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), str(work)], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"typing the return failed: {done.stderr.strip()[-2000:]}")
    return EntryKeys(**json.loads(done.stdout.strip().splitlines()[-1]))


def _type_the_return(work: Path) -> EntryKeys:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from seed import full_care_home_values

    from ct_desktop.models import Location
    from ct_desktop.period import Period
    from ct_desktop.settings import Settings, save_settings
    from ct_desktop.store import open_store
    from ct_desktop.ui.context import AppContext, AppEvents
    from ct_desktop.ui.form_view import ReturnFormView
    from ct_desktop.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(dir=work))
    settings = Settings(person="AB", first_run_done=True)
    save_settings(folder, settings)
    store = open_store(folder)
    store.add_location(Location(LOCATION_ID, "Bench Care", "care_home"))
    period = Period(*PERIOD)
    tasks = TaskRunner()
    context = AppContext(data_dir=folder, store=store, tasks=tasks, settings=settings, events=AppEvents())
    view = ReturnFormView(context, LOCATION_ID, period)
    view.resize(1366, 768)
    view.show()
    view.activateWindow()
    for _ in range(50):
        app.processEvents()
        QTest.qWait(10)

    values = full_care_home_values()
    typed: dict[str, object] = {}
    answer_keys = extra = 0
    for key in view.entry_order():
        row = view.rows[key]
        if not row.editor.isEnabled():
            continue  # not asked this month: the cursor skips it
        focus = QApplication.focusWidget()
        if focus is None or not row.editor.isAncestorOf(focus):
            raise RuntimeError(f"the cursor is not in {key}")
        answer = values[key]
        if row.item.numeric:
            text = row.item.format_text(answer)
            QTest.keyClicks(focus, text)
            answer_keys += len(text)
        elif row.item.type == "yesno":
            QTest.keyClick(focus, Qt.Key.Key_Y if answer == "yes" else Qt.Key.Key_N)
            answer_keys += 1
        else:
            options = row.item.option_keys()
            for choice in answer:
                QTest.keyClick(focus, Qt.Key(Qt.Key.Key_1 + options.index(choice)))
                answer_keys += 1
        QTest.keyClick(QApplication.focusWidget() or focus, Qt.Key.Key_Tab)
        extra += 1
        typed[key] = answer
        app.processEvents()
    view.close()
    app.processEvents()
    draft = store.get_return(LOCATION_ID, period)
    saved = dict(draft.values) if draft else {}
    tasks.shutdown()
    store.close()
    return EntryKeys(answers=len(typed), answer_keys=answer_keys, extra_keys=extra, saved_as_typed=saved == typed)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    print(json.dumps(asdict(_type_the_return(Path(sys.argv[1])))))
