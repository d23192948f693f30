"""File > Restore from backup… (choose, confirm with its time, reopen restored), and the upkeep's warning."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QApplication
from sample_returns import HOME_CARE

from ct_desktop.period import Period
from ct_desktop.settings import load_settings
from ct_desktop.store import backups, health, open_store
from ct_desktop.ui import restore_dialog
from ct_desktop.ui.context import AppContext, AppEvents
from ct_desktop.ui.main_window import MainWindow
from ct_desktop.ui.session import AppSession
from ct_desktop.ui.single_instance import SingleInstance
from ct_desktop.ui.tasks import TaskRunner

JULY = Period(2026, 7)


@pytest.fixture
def session(qtbot, context, monkeypatch):
    """The app's session on the test's context, with a window that does not sync, and its reopened contexts."""
    instance = SingleInstance(context.data_dir)
    assert instance.claim()
    opened: list[AppContext] = []

    def reopen() -> AppContext:
        reopened = AppContext(data_dir=context.data_dir, store=open_store(context.data_dir), tasks=TaskRunner(),
                              settings=load_settings(context.data_dir), events=AppEvents(), clock=context.clock)
        opened.append(reopened)
        return reopened

    running = AppSession(QApplication.instance(), instance, context, reopen, lambda window: window.show(),
                         lambda ctx: MainWindow(ctx, start_sync=False, use_network_information=False))
    running.opened = opened
    yield running
    if running.message is not None:
        running.message.close()
    if running.window is not None:
        running.window.close()
    for reopened in opened:
        reopened.tasks.shutdown()
        reopened.store.close()
    instance.release()


def hours(store) -> int | None:
    draft = store.get_return(HOME_CARE.id, JULY)
    return draft.values.get("hours_agency") if draft else None


def test_restore_from_the_file_menu_reopens_the_window_on_the_backup(qtbot, context, session, monkeypatch):
    context.store.add_location(HOME_CARE)
    context.store.set_value(HOME_CARE.id, JULY, "hours_agency", 12, "AB")
    backup = backups.make_backup(context.data_dir)
    context.store.set_value(HOME_CARE.id, JULY, "hours_agency", 30, "AB")
    asked: list[str] = []
    monkeypatch.setattr(restore_dialog, "choose_backup", lambda parent, folder: backup.path)
    monkeypatch.setattr(restore_dialog, "confirm_restore",
                        lambda parent, chosen: asked.append(restore_dialog.confirmation_text(chosen)) or True)
    first = session.open_window()
    assert first.actions_by_name["restore"].text() == "&Restore from backup…"
    first.actions_by_name["restore"].trigger()
    qtbot.waitUntil(lambda: session.window is not None and session.window is not first)
    assert asked == [restore_dialog.confirmation_text(backup)] and backup.label in asked[0]
    assert session.context is session.opened[0] and hours(session.context.store) == 12
    assert session.message is not None and session.message.windowTitle() == "Backup restored"
    assert backup.label in session.message.text() and ".before-restore-" in session.message.text()


def test_a_damaged_backup_is_refused_and_the_window_reopens_on_the_current_store(qtbot, context, session,
                                                                                monkeypatch):
    context.store.add_location(HOME_CARE)
    context.store.set_value(HOME_CARE.id, JULY, "hours_agency", 12, "AB")
    backup = backups.make_backup(context.data_dir)
    with open(backup.path, "r+b") as handle:
        handle.seek(backup.path.stat().st_size // 2)
        handle.write(b"\xde\xad" * 4096)
    context.store.set_value(HOME_CARE.id, JULY, "hours_agency", 30, "AB")
    monkeypatch.setattr(restore_dialog, "choose_backup", lambda parent, folder: backup.path)
    monkeypatch.setattr(restore_dialog, "confirm_restore", lambda parent, chosen: True)
    first = session.open_window()
    first.actions_by_name["restore"].trigger()
    qtbot.waitUntil(lambda: session.window is not None and session.window is not first)
    assert session.message is not None and session.message.windowTitle() == "Backup not restored"
    assert "is damaged" in session.message.text()
    assert hours(session.context.store) == 30


def test_choosing_no_backup_or_cancelling_changes_nothing(qtbot, context, session, monkeypatch):
    backup = backups.make_backup(context.data_dir)
    monkeypatch.setattr(restore_dialog, "choose_backup", lambda parent, folder: backup.path)
    monkeypatch.setattr(restore_dialog, "confirm_restore", lambda parent, chosen: False)
    first = session.open_window()
    first.actions_by_name["restore"].trigger()
    monkeypatch.setattr(restore_dialog, "choose_backup", lambda parent, folder: None)
    first.actions_by_name["restore"].trigger()
    qtbot.wait(50)
    assert session.window is first and session.opened == []


def test_damage_found_by_the_background_check_is_shown_over_the_window(qtbot, context, session):
    context.store.add_location(HOME_CARE)
    context.store.set_value(HOME_CARE.id, JULY, "hours_agency", 12, "AB")
    path = context.store.path
    # An index pointed at other columns than it was built from: only the full check finds it.
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX idx_history_return_id_id ON history(by, at)' "
                       "WHERE name = 'idx_history_return_id_id'")
    connection.commit()
    connection.close()
    health.record_path(path).unlink()  # never checked: due
    session.open_window()
    session.keep_up()
    qtbot.waitUntil(lambda: session.message is not None, timeout=10_000)
    assert session.message.windowTitle() == "The saved returns are damaged"
    assert "File > Restore from backup…" in session.message.text()
    assert backups.list_backups(context.data_dir) == []  # a damaged file is not backed up
    assert health.last_check_failed(path)
