"""F1 lists the keys of the screen you are on, and the keys listed do what they say."""

from __future__ import annotations

import pytest
from form_helpers import open_main_window
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox
from sample_returns import CARE_HOME, HOME_CARE, accept, care_home_values, summer_care_home_values

from ct_desktop.period import Period
from ct_desktop.ui.conflict_view import ConflictView
from ct_desktop.ui.form_view import ReturnFormView
from ct_desktop.ui.history_view import HistoryView
from ct_desktop.ui.home_view import HomeView
from ct_desktop.ui.location_dialog import AddLocationDialog
from ct_desktop.ui.main_window import MainWindow
from ct_desktop.ui.no_changes_dialog import NoChangesDialog
from ct_desktop.ui.settings_dialog import SettingsDialog

AUGUST, SEPTEMBER = Period(2026, 8), Period(2026, 9)


@pytest.fixture
def window(qtbot, context):
    main = open_main_window(qtbot, context, (CARE_HOME, HOME_CARE))
    yield main
    main.close()


def press(qtbot, keys: str, widget=None) -> None:
    """Press one key combination as written in the F1 list ("Ctrl+Shift+N"), where the focus is."""
    combination = QKeySequence(keys)[0]
    target = widget or QApplication.focusWidget() or QApplication.activeWindow()
    qtbot.keyClick(target, combination.key(), combination.keyboardModifiers())


def f1_text(qtbot, window: MainWindow) -> str:
    press(qtbot, "F1")
    box = window.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    text = box.text()
    box.close()
    return text


def assert_lists(text: str, screen: str, keys) -> None:
    assert f"On this screen ({screen})" in text
    for shown, what in keys:
        assert f"<b>{shown}</b>" in text and what in text
        assert text.count(f"<b>{shown}</b>") == 1  # said once, not again under the window's keys
    # The screen's own keys come before the window's.
    assert text.index(keys[0][1]) < text.index("Everywhere in the window")


def test_f1_on_the_home_view_lists_its_keys_and_each_one_works(qtbot, context, window):
    home = window.home
    assert_lists(f1_text(qtbot, window), "all locations", HomeView.SCREEN_KEYS)
    home.cards["1-101"].setFocus()
    qtbot.waitUntil(lambda: home.cards["1-101"].hasFocus(), timeout=2000)

    def up_down():
        first, second = list(home.cards)  # in the order shown
        home.cards[first].setFocus()
        press(qtbot, "Down")
        assert home.selected_id == second and home.cards[second].hasFocus()
        press(qtbot, "Up")
        assert home.selected_id == first

    def open_return():
        press(qtbot, "Ctrl+O")
        assert isinstance(window.stack.currentWidget(), ReturnFormView)
        press(qtbot, "Esc")
        assert window.stack.currentWidget() is home

    def no_changes():
        press(qtbot, "Ctrl+Shift+N")  # nothing accepted to copy yet: the card says so
        assert home.cards[home.selected_id].notice_text.startswith("There is no accepted return before")

    def history():
        press(qtbot, "Ctrl+H")
        assert window.stack.currentWidget() is window.history
        press(qtbot, "Esc")
        assert window.stack.currentWidget() is home

    def months():
        press(qtbot, "Ctrl+PgUp")
        assert home.period == AUGUST
        press(qtbot, "Ctrl+PgDown")
        assert home.period == SEPTEMBER

    def add_location():
        press(qtbot, "Ctrl+L")
        assert isinstance(window.dialog, AddLocationDialog) and window.dialog.isVisible()
        window.dialog.reject()

    def send_now():
        with qtbot.waitSignal(window.actions_by_name["send_now"].triggered, timeout=1000):
            press(qtbot, "F5")

    checks = {"Up / Down": up_down, "Ctrl+O": open_return, "Ctrl+Shift+N": no_changes, "Ctrl+H": history,
              "Ctrl+PgUp / Ctrl+PgDown": months, "Ctrl+L": add_location, "F5": send_now}
    assert set(checks) == {keys for keys, _ in HomeView.SCREEN_KEYS}  # a key listed is a key checked
    for keys, _ in HomeView.SCREEN_KEYS:
        checks[keys]()


def test_f1_on_the_history_lists_its_keys_and_each_one_works(qtbot, context, window, monkeypatch, tmp_path):
    window.show_history("1-101", SEPTEMBER)
    history = window.history
    assert_lists(f1_text(qtbot, window), "history", HistoryView.SCREEN_KEYS)

    def goes_to(keys, widget):
        def check():
            history.table.setFocus()
            press(qtbot, keys)
            qtbot.waitUntil(widget.hasFocus, timeout=1000)
        return check

    def months():
        press(qtbot, "Ctrl+PgUp")
        assert history.picker.period == AUGUST and "Changes to August 2026" in history.changes_title.text()
        press(qtbot, "Ctrl+PgDown")
        assert history.picker.period == SEPTEMBER

    def open_return():
        press(qtbot, "Ctrl+O")
        assert isinstance(window.stack.currentWidget(), ReturnFormView)
        window.show_history("1-101", SEPTEMBER)

    def back():
        press(qtbot, "Esc")
        assert window.stack.currentWidget() is window.home

    def evidence():
        chosen = tmp_path / "evidence.pdf"
        monkeypatch.setattr("ct_desktop.ui.history_view.QFileDialog.getSaveFileName",
                            lambda *_args: (str(chosen), "PDF (*.pdf)"))  # the file the person chose
        press(qtbot, "Alt+E")
        qtbot.waitUntil(chosen.exists, timeout=2000)
        assert f"is saved in {chosen}" in history.message.text()
        window.activateWindow()  # offscreen, the window is no longer the active one after the save
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        history.table.setFocus()

    checks = {"Alt+E": evidence, "Alt+L": goes_to("Alt+L", history.location_combo),
              "Alt+G": goes_to("Alt+G", history.series_combo),
              "Alt+S": goes_to("Alt+S", history.filter_combo), "Ctrl+PgUp / Ctrl+PgDown": months,
              "Ctrl+O": open_return, "Esc": back}
    assert set(checks) == {keys for keys, _ in HistoryView.SCREEN_KEYS}
    for keys, _ in HistoryView.SCREEN_KEYS:
        checks[keys]()


def test_f1_in_a_return_lists_the_form_keys(qtbot, window):
    window.open_return("1-101", SEPTEMBER)
    assert isinstance(window.stack.currentWidget(), ReturnFormView)
    text = f1_text(qtbot, window)
    assert_lists(text, "a return", ReturnFormView.SCREEN_KEYS)
    assert "Ctrl+Z" in text and "Alt+N" in text
    assert "Select the previous or next location" not in text  # the home view's keys are not this screen's


def test_f1_in_the_comparison_lists_its_keys(qtbot, context, window):
    values = care_home_values()
    context.store.set_values("1-101", SEPTEMBER, values, "AB")
    sent = context.store.submit("1-101", SEPTEMBER, "AB", confirm_warnings=True)
    context.store.begin_attempt(sent.item.submission_id)
    context.store.mark_conflict(sent.item.submission_id, {
        "revision": 1, "values": {**values, "beds_occupied": 33}, "not_known": [], "reviewed_by": "XY",
        "reviewed_at": "2026-09-09T08:00:00+01:00", "form_version": "2024.06"})
    window.open_return("1-101", SEPTEMBER)
    view = window.stack.currentWidget()
    assert isinstance(view, ConflictView)
    assert_lists(f1_text(qtbot, window), "choosing between two copies", ConflictView.SCREEN_KEYS)
    view.keep_all.setFocus()
    press(qtbot, "Alt+U")  # one of the keys listed: all of the tracker's answers chosen
    qtbot.waitUntil(view.grid.button("beds_occupied", "theirs").isChecked, timeout=1000)  # a button's key clicks it


def dialog_keys(qtbot, dialog) -> str:
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    press(qtbot, "F1")
    box = dialog.keys_box
    assert box.isVisible()
    text = box.text()
    box.close()
    return text


def test_f1_in_the_no_changes_dialog_lists_its_keys(qtbot, context, window):
    accept(context.store, "1-101", AUGUST, summer_care_home_values())
    window.home.start_no_changes("1-101")
    dialog = window.home.no_changes_dialog
    assert isinstance(dialog, NoChangesDialog)
    qtbot.waitExposed(dialog)
    text = dialog_keys(qtbot, dialog)
    for shown, what in NoChangesDialog.SCREEN_KEYS:
        assert f"<b>{shown}</b>" in text and what in text
    assert "Everywhere in the window" not in text
    dialog.reject()


def test_f1_in_settings_lists_its_keys(qtbot, window):
    window.open_settings()
    dialog = window.dialog
    assert isinstance(dialog, SettingsDialog)
    qtbot.waitExposed(dialog)
    text = dialog_keys(qtbot, dialog)
    for shown, what in SettingsDialog.SCREEN_KEYS:
        assert f"<b>{shown}</b>" in text and what in text
    dialog.reject()
