"""Offscreen screenshots of the return views with realistic data, for looking at layout and wording.

    QT_QPA_PLATFORM=offscreen python tests/ui/take_screenshots.py /tmp/shots
    QT_QPA_PLATFORM=offscreen QT_SCALE_FACTOR=1.5 python tests/ui/take_screenshots.py /tmp/shots

Each picture is the size of a 1366x768 screen in physical pixels, so at QT_SCALE_FACTOR=1.5 the views
get the 911x512 logical pixels a small laptop at 150% gives them. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from ct_desktop.collection_window import LONDON
from ct_desktop.models import NOT_KNOWN, Location
from ct_desktop.period import Period
from ct_desktop.settings import Settings
from ct_desktop.store import open_store
from ct_desktop.ui.conflict_view import ConflictView
from ct_desktop.ui.context import AppContext, AppEvents
from ct_desktop.ui.form_view import ReturnFormView
from ct_desktop.ui.tasks import TaskRunner

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "care_home-2026-09.json"
HOME = Location("1-101", "St Aldhelm's Residential and Nursing Home for Older People (Westbury-on-Severn)",
                "care_home", "Gloucestershire")
SEPTEMBER, AUGUST = Period(2026, 9), Period(2026, 8)


def make_context(folder: Path) -> AppContext:
    clock = lambda: dt.datetime(2026, 9, 9, 14, 2, tzinfo=LONDON)  # noqa: E731
    store = open_store(folder, clock=clock)
    store.add_location(HOME)
    return AppContext(data_dir=folder, store=store, tasks=TaskRunner(), settings=Settings(person="Priya Shah"),
                      events=AppEvents(), clock=clock)


def accept_august(context: AppContext, values: dict) -> None:
    summer = {k: v for k, v in values.items() if not k.startswith("flu_")}
    context.store.set_values(HOME.id, AUGUST, summer, "JB")
    item = context.store.submit(HOME.id, AUGUST, "JB", confirm_warnings=True).item
    context.store.mark_accepted(item.submission_id, 1, "2026-08-12T11:20:00+01:00", "CT-1-101-2026-08-r1")


def shoot(widget: QWidget, path: Path, scroll_to: str | None = None) -> None:
    scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
    widget.resize(int(1366 / scale), int(768 / scale))
    widget.show()
    QApplication.processEvents()
    if scroll_to:
        widget.go_to_field(scroll_to)  # type: ignore[attr-defined]
        QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def type_into(view: ReturnFormView, key: str, text: str) -> None:
    line = view.rows[key].editor.line  # type: ignore[attr-defined]
    line.setFocus()
    line.selectAll()
    QTest.keyClicks(line, text)
    QTest.keyClick(line, Qt.Key.Key_Return)


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    suffix = "150" if os.environ.get("QT_SCALE_FACTOR", "1") not in ("1", "1.0") else "100"
    values = json.loads(EXAMPLE.read_text())["values"]
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CT_DESKTOP_CACHE_DIR"] = str(Path(folder) / "cache")  # not the user's cache folder
        context = make_context(Path(folder))
        accept_august(context, values)
        draft = dict(values, beds_occupied=38, staff_direct_care=20, absent_other_direct_care=None,
                     hours_agency=None, flu_vacc_direct=None, flu_vacc_residents=None)
        context.store.set_values(HOME.id, SEPTEMBER, {k: v for k, v in draft.items() if v is not None}, "JB")
        context.store.set_value(HOME.id, SEPTEMBER, "flu_vacc_agency", NOT_KNOWN, "JB")
        view = ReturnFormView(context, HOME.id, SEPTEMBER)
        type_into(view, "covid_vacc_agency", "3.5")
        shoot(view, out / f"form_errors_{suffix}.png")
        shoot(view, out / f"form_workforce_{suffix}.png", scroll_to="staff_direct_care")
        shoot(view, out / f"form_flu_{suffix}.png", scroll_to="flu_vacc_direct")
        for key, text in (("beds_occupied", "35"), ("staff_direct_care", "38"), ("absent_other_direct_care", "2"),
                          ("hours_agency", "512"), ("covid_vacc_agency", "1"), ("flu_vacc_direct", "14"),
                          ("flu_vacc_residents", "28"), ("beds_max_capacity", "41")):
            type_into(view, key, text)
        shoot(view, out / f"form_warnings_{suffix}.png", scroll_to="beds_max_capacity")
        view.findings.confirm.setChecked(True)
        view.send()
        shoot(view, out / f"form_queued_{suffix}.png")
        item = context.store.outbox_items()[0]
        context.store.begin_attempt(item.submission_id)
        server = {"revision": 2, "values": dict(values, beds_occupied=33, beds_vacant_accepting=4,
                                                 staff_agency_care=6), "not_known": ["flu_vacc_agency"],
                  "reviewed_by": "Jo Bloggs", "accepted_at": "2026-09-09T13:41:00+01:00"}
        context.store.mark_conflict(item.submission_id, server)
        view.reload()
        shoot(view, out / f"form_conflict_{suffix}.png")
        conflict = ConflictView(context, HOME.id, SEPTEMBER)
        conflict.grid.button("beds_occupied", "theirs").setChecked(True)
        shoot(conflict, out / f"conflict_{suffix}.png")
        conflict.grid.choose_all("ours")
        conflict.grid.button("beds_occupied", "theirs").setChecked(True)
        conflict.apply_choices()
        shoot(conflict, out / f"conflict_applied_{suffix}.png")
        may = ReturnFormView(context, HOME.id, Period(2026, 5))
        shoot(may, out / f"form_may_flu_not_asked_{suffix}.png", scroll_to="flu_vacc_residents")
        for widget in (view, conflict, may):
            widget.close()
            widget.deleteLater()
        app.processEvents()
        context.tasks.shutdown()
        context.store.close()
        del view, conflict, may, context
    app.processEvents()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")
    target.mkdir(parents=True, exist_ok=True)
    main(target)
