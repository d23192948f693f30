"""Settings: load on open, check everything, save only if all passes, Cancel restores."""

from __future__ import annotations

import pytest
from tracker_server import add_provider, running_tracker

from ct_desktop.credentials import load_token, save_token
from ct_desktop.settings import load_settings, settings_path
from ct_desktop.ui.settings_dialog import SettingsDialog, about_text


@pytest.fixture
def dialog(qtbot, context):
    context.update_settings(tracker_url="https://tracker", sync_interval_seconds=300)
    settings_dialog = SettingsDialog(context)
    qtbot.addWidget(settings_dialog)
    settings_dialog.show()
    yield settings_dialog
    settings_dialog.close()


def test_the_saved_settings_are_loaded_when_it_opens(context, dialog):
    assert dialog.url_edit.text() == "https://tracker"
    assert dialog.person_edit.text() == "AB"
    assert dialog.interval_spin.value() == 5
    assert dialog.folder_edit.text() == str(context.data_dir) and dialog.folder_edit.isReadOnly()
    assert about_text().startswith("ct-desktop 0.1.0 · Qt 6.")


def test_cancel_keeps_the_saved_settings(qtbot, context, dialog):
    before = settings_path(context.data_dir).read_text()
    dialog.url_edit.setText("https://other-tracker")
    dialog.person_edit.setText("Zoe")
    dialog.interval_spin.setValue(42)
    dialog.reject()
    assert settings_path(context.data_dir).read_text() == before
    assert context.settings.person == "AB" and context.settings.sync_interval_seconds == 300
    again = SettingsDialog(context)
    qtbot.addWidget(again)
    assert (again.url_edit.text(), again.person_edit.text(), again.interval_spin.value()) == (
        "https://tracker", "AB", 5)


def test_plain_http_to_another_computer_is_refused_and_nothing_is_saved(context, dialog):
    before = settings_path(context.data_dir).read_text()
    dialog.url_edit.setText("http://tracker")
    dialog.person_edit.setText("Zoe")  # valid, but nothing is saved while another field is refused
    dialog.accept()
    assert dialog.isVisible()
    assert "uses plain http: the tracker must be reached over https" in dialog.message.text()
    assert dialog.message.text().startswith("Tracker address:")
    assert settings_path(context.data_dir).read_text() == before
    assert context.settings.person == "AB"


def test_a_blank_name_is_refused(context, dialog):
    dialog.person_edit.setText("   ")
    dialog.accept()
    assert dialog.isVisible()
    assert "say who is working" in dialog.message.text()


def test_ok_saves_every_change_and_announces_it(qtbot, context, dialog):
    dialog.url_edit.setText("http://127.0.0.1:8765/api/v1/")
    dialog.person_edit.setText("  Zoe   Smith ")
    dialog.interval_spin.setValue(10)
    with qtbot.waitSignal(context.events.settings_changed, timeout=1000):
        dialog.accept()
    assert not dialog.isVisible()
    saved = load_settings(context.data_dir)
    assert saved.tracker_url == "http://127.0.0.1:8765"
    assert saved.person == "Zoe Smith" and saved.sync_interval_seconds == 600
    assert context.settings == saved


def test_untouched_minutes_keep_a_finer_saved_interval(context, qtbot):
    context.update_settings(sync_interval_seconds=45)
    settings_dialog = SettingsDialog(context)
    qtbot.addWidget(settings_dialog)
    settings_dialog.accept()
    assert load_settings(context.data_dir).sync_interval_seconds == 45


def test_disconnect_forgets_the_token_and_says_so(qtbot, context, dialog):
    save_token("https://tracker", "secret")
    dialog._check_connection()
    qtbot.waitUntil(lambda: dialog.connection_label.text().startswith("Connected"), timeout=2000)
    dialog.forget_token()
    qtbot.waitUntil(lambda: dialog.connection_label.text().startswith("No token"), timeout=2000)
    assert load_token("https://tracker") is None
    assert context.settings.tracker_url == "https://tracker"  # kept, to connect again


def test_reconnect_connects_on_a_worker_against_the_real_tracker(qtbot, context, tmp_path):
    db = tmp_path / "tracker.db"
    token = add_provider(db, "Rose Care", {"1-101": "care_home"})
    settings_dialog = SettingsDialog(context)
    qtbot.addWidget(settings_dialog)
    settings_dialog.show()
    with running_tracker(db) as url:
        settings_dialog.url_edit.setText(url)
        settings_dialog.reconnect_button.click()
        connect_dialog = settings_dialog.connect_dialog
        assert connect_dialog.isVisible() and connect_dialog.panel.url_edit.text() == url
        connect_dialog.panel.token_edit.setText("not-the-token")
        with qtbot.waitSignal(connect_dialog.panel.busy_changed, timeout=15_000, check_params_cb=lambda b: not b):
            connect_dialog.panel.connect_button.click()
        assert "did not accept the token" in connect_dialog.panel.message.text()
        assert connect_dialog.isVisible()

        connect_dialog.panel.token_edit.setText(token)
        with qtbot.waitSignal(connect_dialog.accepted, timeout=15_000):
            connect_dialog.panel.connect_button.click()
        assert context.settings.tracker_url == url
        assert load_token(url) == token
        assert settings_dialog.url_edit.text() == url
        assert [location.id for location in context.store.locations()] == ["1-101"]
        qtbot.waitUntil(lambda: settings_dialog.connection_label.text().startswith("Connected"), timeout=2000)
    settings_dialog.close()
