"""Reminders in the app: the group's line in the status bar, each notification once, the tray as the settings
say, and what closing the window does. On the test clock; the tray is replaced where offscreen has none."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QCloseEvent
from sample_returns import CARE_HOME, HOME_CARE

from ct_desktop.autostart import desktop_exec
from ct_desktop.collection_window import LONDON
from ct_desktop.ui.main_window import MainWindow
from ct_desktop.ui.reminder_tray import DeadlineWatch, ReminderTray
from ct_desktop.ui.settings_dialog import SettingsDialog

DUE_DAY_EVENING = dt.datetime(2026, 12, 14, 18, 0, tzinfo=LONDON)


class PersonsClose(QCloseEvent):
    """A close from the window's close button (the window manager's), not from the app itself."""

    def spontaneous(self) -> bool:
        return True


@pytest.fixture
def locations(context):
    context.store.add_location(CARE_HOME)
    context.store.add_location(HOME_CARE)


@pytest.fixture
def with_a_tray(monkeypatch):
    monkeypatch.setattr("ct_desktop.ui.reminder_tray.tray_available", lambda: True)


def open_window(qtbot, context) -> MainWindow:
    window = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(window)
    return window


def test_the_status_bar_counts_the_locations_not_yet_with_the_tracker(qtbot, context, clock, locations):
    clock.moment = DUE_DAY_EVENING
    window = open_window(qtbot, context)
    assert window.deadline_label.text() == "2 locations not yet with the tracker — window closes in 6 hours"
    assert not window.deadline_label.isHidden()
    clock.moment = dt.datetime(2026, 12, 15, 0, 1, tzinfo=LONDON)
    window.deadline_watch.check()  # the minute's tick
    assert window.deadline_label.isHidden()
    window.close()


def test_each_reminder_is_shown_once_even_after_a_restart(qtbot, context, clock, locations):
    clock.moment = dt.datetime(2026, 12, 8, 9, 0, tzinfo=LONDON)
    watch = DeadlineWatch(context)
    tray = ReminderTray(context, watch, available=lambda: True)
    watch.start()
    watch.check()
    clock.advance(hours=3)
    watch.check()
    assert [r.title for r in tray.shown] == ["The December 2026 window is open"]
    assert tray.active
    watch.stop()

    clock.moment = dt.datetime(2026, 12, 12, 9, 0, tzinfo=LONDON)
    again = DeadlineWatch(context)  # the app started again: what was told is remembered in the data folder
    tray_again = ReminderTray(context, again, available=lambda: True)
    again.start()
    assert [r.title for r in tray_again.shown] == ["December 2026 return due soon"]
    again.check()
    assert len(tray_again.shown) == 1
    again.stop()
    tray.remove()
    tray_again.remove()


def test_reminders_turned_off_show_nothing_and_take_the_icon_away(qtbot, context, clock, locations):
    clock.moment = dt.datetime(2026, 12, 8, 9, 0, tzinfo=LONDON)
    watch = DeadlineWatch(context)
    tray = ReminderTray(context, watch, available=lambda: True)
    context.update_settings(reminders=False)
    watch.start()
    assert tray.shown == [] and not tray.active
    watch.stop()


def test_closing_the_window_quits_unless_keep_running_in_the_tray_is_ticked(qtbot, context, with_a_tray, locations):
    window = open_window(qtbot, context)
    window.show()
    qtbot.waitExposed(window)
    context.update_settings(keep_in_tray=True)
    window.closeEvent(PersonsClose())
    assert window.isHidden() and not window._closed  # still running, in the tray
    window.tray.open_requested.emit()  # the tray's Open
    assert window.isVisible()
    window.tray.quit_requested.emit()  # the tray's Quit: a real close
    assert window._closed


def test_without_the_tick_the_close_button_quits(qtbot, context, with_a_tray, locations):
    window = open_window(qtbot, context)
    window.show()
    qtbot.waitExposed(window)
    window.closeEvent(PersonsClose())
    assert window._closed


def test_settings_turn_on_start_with_the_computer_in_the_tray(qtbot, context, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr("sys.platform", "linux")
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.reminders_check.isChecked() and not dialog.start_check.isChecked()
    dialog.start_check.setChecked(True)
    dialog.keep_in_tray_check.setChecked(True)
    dialog.accept()
    assert context.settings.start_with_computer and context.settings.keep_in_tray
    entry = tmp_path / "config" / "autostart" / "ct-desktop.desktop"
    assert desktop_exec(["--minimised", "--data-dir", str(context.data_dir)]) in entry.read_text(encoding="utf-8")

    again = SettingsDialog(context)
    qtbot.addWidget(again)
    again.reminders_check.setChecked(False)  # all of it off at once
    assert not again.start_check.isEnabled()
    again.accept()
    assert not context.settings.reminders and not context.settings.start_with_computer
    assert not entry.exists()
