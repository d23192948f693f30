"""Helpers for driving the return views the way a person does: typing, Enter, clicks, keyboard focus."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton, QWidget
from sample_returns import care_home_values, summer_care_home_values

from ct_desktop.models import Location
from ct_desktop.period import Period
from ct_desktop.store import Store

HOME = Location("1-101", "Sunny Care", "care_home", "Leeds")
SEPTEMBER = Period(2026, 9)
AUGUST = Period(2026, 8)


def accept(store: Store, period: Period, values: dict, revision: int = 1, by: str = "JB") -> None:
    """Enter, submit and record the tracker's acceptance of a month (last month, for the checks)."""
    store.set_values(HOME.id, period, values, by)
    item = store.submit(HOME.id, period, by, confirm_warnings=True).item
    store.mark_accepted(item.submission_id, revision, "2026-08-12T11:20:00+01:00", f"R-{revision}")


def accept_august(store: Store) -> dict:
    """August accepted, as asked in summer (no flu questions); returns its values."""
    august = summer_care_home_values()
    accept(store, AUGUST, august)
    return august


def show(qtbot, widget: QWidget, width: int = 1366, height: int = 768) -> QWidget:
    """Show a widget as the active window, so keyboard focus behaves as on a desktop."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=2000)
    return widget


def focus(qtbot, widget: QWidget) -> None:
    """Put the keyboard focus on a widget and wait until it has it."""
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def type_text(qtbot, view, key: str, text: str, enter: bool = True) -> None:
    """Click into a question's box, replace its text by typing, and press Enter (which saves it)."""
    line = view.rows[key].editor.line
    view.go_to_field(key)
    qtbot.waitUntil(line.hasFocus, timeout=2000)
    line.selectAll()
    if text:
        qtbot.keyClicks(line, text)
    else:
        qtbot.keyClick(line, Qt.Key.Key_Delete)
    if enter:
        qtbot.keyClick(line, Qt.Key.Key_Return)


def click(qtbot, widget: QWidget) -> None:
    """A left click on a widget: on the box of a check box or radio button (a wide one only reacts
    to clicks on its box and text), in the middle of anything else."""
    pos = widget.rect().center()
    if isinstance(widget, QCheckBox | QRadioButton):
        pos = QPoint(8, widget.height() // 2)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def open_main_window(qtbot, context, locations, *, active: bool = True):
    """The main window on ``context`` with ``locations`` added, shown at 1366x768 (and active, if asked)."""
    from ct_desktop.ui.main_window import MainWindow

    for location in locations:
        context.store.add_location(location)
    main = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    if active:
        main.activateWindow()
        qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    return main


def queue_a_conflict(store: Store) -> tuple[dict, dict]:
    """HOME's September return was on its way when the tracker answered 409 with its own revision 3.

    Our answers and the tracker's, as the conflict holds them.
    """
    store.add_location(HOME)
    ours = care_home_values()
    store.set_values(HOME.id, SEPTEMBER, ours, "AB")
    item = store.submit(HOME.id, SEPTEMBER, "AB").item
    store.begin_attempt(item.submission_id)
    theirs = dict(ours, beds_occupied=33, beds_vacant_accepting=4, staff_agency_care=6, flu_vacc_agency=None)
    store.mark_conflict(item.submission_id, {"revision": 3, "values": theirs, "not_known": ["flu_vacc_agency"],
                                             "reviewed_by": "Jo Bloggs", "accepted_at": "2026-09-09T09:41:00+01:00"})
    return ours, theirs
