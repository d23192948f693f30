"""Every main screen is readable under a light, a dark and a high-contrast palette: each text a person sees
(labels, check boxes, group box titles, buttons, list and table entries, enabled or not) contrasts at
least 4.5:1 with what is painted behind it, measured on the pixels of the rendered screen.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from pathlib import Path

import pytest
from contrast import low_contrast_labels, texts_of
from form_helpers import HOME, SEPTEMBER, accept_august, queue_a_conflict, show, type_text
from palettes import PALETTES
from PySide6.QtWidgets import QApplication, QWidget
from sample_returns import CARE_HOME, care_home_values, summer_care_home_values

from ct_desktop.collection_window import LONDON
from ct_desktop.period import Period
from ct_desktop.ui.conflict_view import ConflictView
from ct_desktop.ui.connect_panel import ConnectDialog
from ct_desktop.ui.form_view import ReturnFormView
from ct_desktop.ui.history_view import HistoryView
from ct_desktop.ui.main_window import MainWindow
from ct_desktop.ui.no_changes_dialog import NoChangesDialog
from ct_desktop.ui.settings_dialog import SettingsDialog

JUNE, JULY, AUGUST = Period(2026, 6), Period(2026, 7), Period(2026, 8)

pytestmark = pytest.mark.parametrize("name", PALETTES)


def unreadable(qtbot, window: QWidget) -> list[tuple[str, float]]:
    """The texts of a shown window that are not readable, after it has painted.

    With CT_CONTRAST_SHOTS=<folder>, each measured screen is also saved there, to look at.
    """
    qtbot.wait(20)
    folder = os.environ.get("CT_CONTRAST_SHOTS")
    if folder:
        test = os.environ.get("PYTEST_CURRENT_TEST", "screen").split("::")[-1].split(" ")[0]
        path = Path(folder) / f"{re.sub(r'[^A-Za-z0-9_-]+', '-', test)}-{next(_shot_numbers)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(path))
    return low_contrast_labels(window)


_shot_numbers = itertools.count(1)


def assert_readable(qtbot, window: QWidget) -> None:
    found = unreadable(qtbot, window)
    assert found == [], found


def test_the_main_window_at_home_with_its_status_bar(qtbot, context, palette_of, name):
    palette_of(name)
    store = context.store
    store.add_location(CARE_HOME)
    store.set_values(CARE_HOME.id, SEPTEMBER, {"beds_max_capacity": 40}, "CD")
    window = MainWindow(context, start_sync=False, use_network_information=False)
    show(qtbot, window)
    assert_readable(qtbot, window)
    window.close()


def test_the_form_with_an_error_a_warning_and_an_answer_not_saved(qtbot, context, palette_of, name):
    palette_of(name)
    store = context.store
    store.add_location(HOME)
    accept_august(store)
    store.set_values(HOME.id, SEPTEMBER, care_home_values(), "AB")
    view = show(qtbot, ReturnFormView(context, HOME.id, SEPTEMBER))
    type_text(qtbot, view, "beds_occupied", "351")  # more than the capacity: an error
    type_text(qtbot, view, "staff_direct_care", "3")  # far fewer than last month: a warning
    type_text(qtbot, view, "hours_agency", "abc", enter=False)  # cannot be read: not saved
    view.save_pending()
    failures, seen = [], []
    for key in ("beds_max_capacity", "beds_unavailable_reasons", "staff_direct_care", "hours_agency",
                "flu_vacc_direct"):
        view.go_to_field(key)
        failures += unreadable(qtbot, view)
        seen += [text for text, _widget, _rect in texts_of(view)]
    assert [prefix for prefix in ("Error: ", "Check: ", "Not saved: ") if any(prefix in t for t in seen)] \
        == ["Error: ", "Check: ", "Not saved: "]
    assert failures == [], failures


def test_a_form_in_a_month_that_does_not_ask_the_flu_questions(qtbot, context, palette_of, name):
    """Questions out of season are disabled: their labels, boxes and "Not known" must still be read."""
    palette_of(name)
    context.store.add_location(HOME)
    view = show(qtbot, ReturnFormView(context, HOME.id, Period(2026, 5)))
    view.go_to_field("flu_vacc_direct")
    assert not view.rows["flu_vacc_direct"].editor.isEnabled()
    assert_readable(qtbot, view)


def test_no_changes_with_the_figures_it_sends(qtbot, context, clock, palette_of, name):
    palette_of(name)
    clock.moment = dt.datetime(2026, 7, 9, 10, 0, tzinfo=LONDON)
    context.store.add_location(CARE_HOME)
    accept_june(context)
    dialog = NoChangesDialog(context, CARE_HOME, JULY, context.store.last_accepted(CARE_HOME.id, JULY))
    show(qtbot, dialog, 640, 560)
    assert_readable(qtbot, dialog)


def test_no_changes_refused_with_its_reason(qtbot, context, palette_of, name):
    palette_of(name)
    context.store.add_location(CARE_HOME)
    accept_august(context.store)
    dialog = NoChangesDialog(context, CARE_HOME, SEPTEMBER, context.store.last_accepted(CARE_HOME.id, SEPTEMBER))
    show(qtbot, dialog, 640, 620)
    assert dialog.message.isVisible() and not dialog.confirm_box.isEnabled()
    assert_readable(qtbot, dialog)


def test_history_with_changes_and_a_trend(qtbot, context, palette_of, name):
    palette_of(name)
    store = context.store
    store.add_location(CARE_HOME)
    accept_june(context)
    store.set_values(CARE_HOME.id, SEPTEMBER, {"beds_max_capacity": 40, "beds_occupied": 35}, "AB")
    store.set_values(CARE_HOME.id, SEPTEMBER, {"beds_occupied": 34}, "CD")
    history = HistoryView(context)
    show(qtbot, history, 1100, 700)
    history.set_return(CARE_HOME.id, SEPTEMBER)
    assert history.table.rowCount() >= 3
    assert_readable(qtbot, history)


def test_a_conflict_with_the_tracker(qtbot, context, palette_of, name):
    palette_of(name)
    queue_a_conflict(context.store)
    view = show(qtbot, ConflictView(context, HOME.id, SEPTEMBER))
    assert_readable(qtbot, view)
    view.show_all.setChecked(True)
    assert_readable(qtbot, view)


def test_settings(qtbot, context, palette_of, name):
    palette_of(name)
    context.update_settings(tracker_url="https://tracker", sync_interval_seconds=300)
    dialog = show(qtbot, SettingsDialog(context), 700, 640)
    dialog.url_edit.setText("http://tracker")
    dialog.accept()  # refused: plain http
    assert dialog.message.isVisible()
    assert_readable(qtbot, dialog)


def test_connecting_to_a_tracker(qtbot, context, palette_of, name):
    palette_of(name)
    dialog = show(qtbot, ConnectDialog(context, "The tracker refused the token: connect again."), 640, 300)
    dialog.panel.url_edit.setText("https://tracker")
    dialog.panel.start()  # no token: refused with a message
    assert dialog.panel.message.isVisible()
    assert_readable(qtbot, dialog)


def accept_june(context) -> None:
    from sample_returns import accept
    accept(context.store, CARE_HOME.id, JUNE, summer_care_home_values(), accepted_at="2026-06-10T09:00:00+01:00")


@pytest.fixture(autouse=True)
def _no_dialog_left(qapp):
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
