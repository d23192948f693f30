"""Start-up and the first run: who is working, connect or work offline, and a store that cannot be opened."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from tracker_server import add_provider, running_tracker

from ct_desktop.credentials import load_token
from ct_desktop.settings import Settings, load_settings, save_settings
from ct_desktop.store import open_store
from ct_desktop.ui import app as app_module
from ct_desktop.ui.first_run import FirstRunDialog
from ct_desktop.ui.main_window import MainWindow


@pytest.fixture
def first_run(qtbot, context):
    context.update_settings(person=None, first_run_done=False)
    dialog = FirstRunDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.close()


def test_a_name_is_required_and_then_the_first_run_is_done(context, first_run):
    first_run.person_edit.setText("  ")
    first_run.accept()
    assert first_run.isVisible()
    assert "Say who is working" in first_run.message.text()
    first_run.person_edit.setText("Amy Brown")
    first_run.accept()
    assert not first_run.isVisible()
    saved = load_settings(context.data_dir)
    assert saved.person == "Amy Brown" and saved.first_run_done


def test_working_offline_a_location_is_added_by_hand(qtbot, context, first_run):
    first_run.offline_choice.setChecked(True)
    assert not first_run.connect_panel.isEnabled() and first_run.add_button.isEnabled()
    first_run.add_button.click()
    add = first_run.location_dialog
    assert add.isVisible()
    assert [add.type_combo.itemText(i) for i in range(add.type_combo.count())] == [
        "Care home", "Home care", "Supported living"]
    add.id_edit.setText("1-101")
    add.name_edit.setText("Sunny Care")
    add.authority_edit.setText("Leeds")
    add.accept()
    assert not add.isVisible()
    assert [(loc.id, loc.name, loc.service_type, loc.local_authority) for loc in context.store.locations()] == [
        ("1-101", "Sunny Care", "care_home", "Leeds")]
    assert first_run.location_list.item(0).text() == "Sunny Care (1-101)"

    first_run.add_button.click()
    again = first_run.location_dialog
    again.id_edit.setText("1-101")
    again.name_edit.setText("Copy")
    again.accept()
    assert again.isVisible() and "already added" in again.message.text()
    again.reject()


def test_connecting_shows_errors_inline_then_brings_the_locations(qtbot, context, first_run, tmp_path):
    db = tmp_path / "tracker.db"
    token = add_provider(db, "Rose Care", {"1-101": "care_home", "1-202": "home_care"})
    panel = first_run.connect_panel
    panel.url_edit.setText("http://tracker")
    panel.token_edit.setText(token)
    panel.connect_button.click()
    assert "uses plain http" in panel.message.text()
    assert not panel.busy

    with running_tracker(db) as url:
        panel.url_edit.setText(url)
        panel.token_edit.setText("wrong")
        with qtbot.waitSignal(panel.busy_changed, timeout=15_000, check_params_cb=lambda busy: not busy):
            panel.connect_button.click()
            assert not first_run.start_button.isEnabled()  # no Start while connecting
        assert "did not accept the token" in panel.message.text()
        assert load_settings(context.data_dir).tracker_url is None

        panel.token_edit.setText(token)
        with qtbot.waitSignal(panel.connected, timeout=15_000):
            panel.connect_button.click()
    assert panel.message.text() == "Connected: 2 locations: Location 1-101, Location 1-202."
    assert load_token(url) == token
    assert first_run.location_list.count() == 2
    first_run.person_edit.setText("AB")
    first_run.accept()
    saved = load_settings(context.data_dir)
    assert saved.tracker_url == url and saved.first_run_done and saved.person == "AB"


def test_a_damaged_store_is_explained_and_the_app_does_not_start(monkeypatch, isolated_data_dir):
    isolated_data_dir.mkdir(parents=True)
    (isolated_data_dir / "ct-desktop.db").write_bytes(b"this is not a database" * 200)
    reported = []
    monkeypatch.setattr(app_module, "show_startup_error", lambda *parts: reported.append(parts))
    assert app_module.run_app(isolated_data_dir) == app_module.EXIT_CANNOT_START
    [(title, text, detail)] = reported
    assert title == "Cannot open the saved returns"
    assert "cannot be read, so ct-desktop has not started" in text
    assert "Nothing has been changed or deleted" in detail
    assert (isolated_data_dir / "ct-desktop.db").read_bytes().startswith(b"this is not a database")


def test_unreadable_settings_ask_before_starting_with_defaults(isolated_data_dir):
    isolated_data_dir.mkdir(parents=True)
    (isolated_data_dir / "settings.json").write_text("{not json")
    asked = []
    assert app_module.open_context(isolated_data_dir, ask=lambda *q: asked.append(q) or False) is None
    assert "cannot read the settings" in asked[0][1]
    context = app_module.open_context(isolated_data_dir, ask=lambda *q: True)
    assert context.settings == Settings()
    context.tasks.shutdown()
    context.store.close()


def test_run_app_opens_the_main_window_and_shuts_down_when_it_closes(qtbot, isolated_data_dir):
    save_settings(isolated_data_dir, Settings(person="AB", first_run_done=True))
    open_store(isolated_data_dir).close()
    seen = []

    def close_the_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.extend(windows)
        for window in windows:
            window.close()

    QTimer.singleShot(200, close_the_window)
    assert app_module.run_app(isolated_data_dir) == 0
    assert len(seen) == 1
    assert QApplication.applicationName() == "ct-desktop"
    assert QApplication.font().pointSizeF() >= 10


def test_a_minimised_start_without_a_tray_shows_the_window_minimised(qtbot, isolated_data_dir):
    save_settings(isolated_data_dir, Settings(person="AB", first_run_done=True))
    open_store(isolated_data_dir).close()
    seen = []

    def close_the_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.extend((window.isMinimized(), window.tray.active) for window in windows)
        for window in windows:
            window.close()

    QTimer.singleShot(200, close_the_window)
    assert app_module.run_app(isolated_data_dir, minimised=True) == 0
    assert seen == [(True, False)]  # offscreen has no tray: minimised, not hidden
