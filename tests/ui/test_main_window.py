"""The main window: pages in one stack, every action on the keyboard, a clean shutdown."""

from __future__ import annotations

import pytest
from form_helpers import open_main_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from sample_returns import CARE_HOME, HOME_CARE, accept, care_home_values, summer_care_home_values

from ct_desktop.period import Period
from ct_desktop.store import StoreError
from ct_desktop.ui.conflict_view import ConflictView
from ct_desktop.ui.form_view import ReturnFormView

AUGUST, SEPTEMBER = Period(2026, 8), Period(2026, 9)
CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)


@pytest.fixture
def window(qtbot, context):
    main = open_main_window(qtbot, context, (CARE_HOME, HOME_CARE))
    yield main
    main.close()


def test_every_main_action_has_its_shortcut(window):
    keys = {name: [s.toString() for s in action.shortcuts()] for name, action in window.actions_by_name.items()}
    assert keys["open"] == ["Ctrl+O"]
    assert keys["no_changes"] == ["Ctrl+Shift+N"]
    assert keys["send_now"] == ["F5"]
    assert keys["history"] == ["Ctrl+H"]
    assert keys["settings"] == [QKeySequence("Ctrl+,").toString()]
    assert keys["home"] == ["Esc", "Alt+Left"]
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Return", "S&ync", "&View", "&Help"]


def test_ctrl_o_opens_the_selected_return_and_escape_comes_back(qtbot, window):
    window.home.select("1-101")
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    assert isinstance(window.stack.currentWidget(), ReturnFormView)
    assert window.windowTitle().startswith("Sunny Care, September 2026")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home
    assert window.page is None


def test_a_return_in_conflict_opens_the_comparison(qtbot, context, window):
    values = care_home_values()
    context.store.set_values("1-101", SEPTEMBER, values, "AB")
    sent = context.store.submit("1-101", SEPTEMBER, "AB", confirm_warnings=True)
    context.store.begin_attempt(sent.item.submission_id)
    tracker_copy = {"revision": 1, "values": {**values, "beds_occupied": 33}, "not_known": [],
                    "reviewed_by": "XY", "reviewed_at": "2026-09-09T08:00:00+01:00", "form_version": "2025.1"}
    context.store.mark_conflict(sent.item.submission_id, tracker_copy)
    window.home.refresh()
    assert window.home.cards["1-101"].badge.text() == "Conflict — choose a copy"
    assert window.home.cards["1-101"].open_button.text() == "Compare copies"
    qtbot.mouseClick(window.home.cards["1-101"].open_button, Qt.MouseButton.LeftButton)
    view = window.stack.currentWidget()
    assert isinstance(view, ConflictView)

    # Leaving without deciding goes back to the list, not round again to the comparison.
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.home

    # Deciding ends the conflict; back to the form to finish the return.
    qtbot.mouseClick(window.home.cards["1-101"].open_button, Qt.MouseButton.LeftButton)
    view = window.stack.currentWidget()
    qtbot.mouseClick(view.keep_all, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.apply_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert isinstance(window.stack.currentWidget(), ReturnFormView)


def test_ctrl_h_shows_history_and_alt_left_goes_home(qtbot, window):
    window.home.select("1-202")
    qtbot.keyClick(window, Qt.Key.Key_H, CTRL)
    assert window.stack.currentWidget() is window.history
    assert window.history.location.id == "1-202"
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Left, ALT)
    assert window.stack.currentWidget() is window.home


def test_ctrl_shift_n_asks_to_confirm_no_changes_for_the_selected_location(qtbot, context, window):
    accept(context.store, "1-101", AUGUST, summer_care_home_values())
    window.home.refresh()
    window.home.select("1-101")
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | SHIFT)
    dialog = window.home.no_changes_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.location.id == "1-101" and dialog.period == SEPTEMBER
    dialog.reject()


def test_months_can_be_changed_from_the_keyboard(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_PageUp, CTRL)
    assert window.home.period == AUGUST
    qtbot.keyClick(window, Qt.Key.Key_PageDown, CTRL)
    assert window.home.period == SEPTEMBER


def test_settings_and_shortcut_help_open_from_the_keyboard(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Comma, CTRL)
    assert type(window.dialog).__name__ == "SettingsDialog" and window.dialog.isVisible()
    window.dialog.reject()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert "Ctrl+Shift+N" in window.dialog.text()
    window.dialog.close()


def test_it_fits_a_small_laptop_at_150_percent(window):
    # 1366x768 at 150% scaling leaves about 910x480 logical pixels for the window.
    assert window.minimumSize().width() <= 910 and window.minimumSize().height() <= 480
    hint = window.minimumSizeHint()
    assert hint.width() <= 910 and hint.height() <= 480
    assert all(card.minimumSizeHint().width() <= 880 for card in window.home.cards.values())


def test_closing_stops_the_sync_timers_waits_for_workers_and_closes_the_store(qtbot, context, window):
    window.sync.start()
    assert window.sync.interval.isActive()
    window.close()
    assert not window.sync.interval.isActive()
    assert context.tasks.running == 0 or context.tasks._closed
    with pytest.raises(StoreError):
        context.store.locations()


def test_tab_order_runs_through_the_month_picker_then_each_location(window):
    home = window.home
    first = home.cards[next(iter(home.cards))]
    assert home.picker.today_button.nextInFocusChain() is first
    assert first.nextInFocusChain() is first.open_button
    assert first.open_button.nextInFocusChain() is first.no_changes_button
