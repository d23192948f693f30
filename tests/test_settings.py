"""Settings: defaults on a first run, typed values, atomic saves, clear messages for a damaged file."""

from __future__ import annotations

import json

import pytest

from ct_desktop.settings import Settings, SettingsError, load_settings, save_settings, settings_path


def test_a_first_run_has_defaults(tmp_path):
    settings = load_settings(tmp_path)
    assert settings == Settings()
    assert settings.tracker_url is None and settings.person is None and not settings.first_run_done


def test_saved_settings_come_back_and_never_hold_a_token(tmp_path):
    settings = Settings().with_changes(tracker_url="http://127.0.0.1:8765", person="AB", first_run_done=True)
    save_settings(tmp_path, settings)
    assert load_settings(tmp_path) == settings
    stored = json.loads(settings_path(tmp_path).read_text())
    assert stored["schema_version"] == 1
    assert "token" not in json.dumps(stored).lower()
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sync_interval_seconds": 5}, "sync interval must be between 30 seconds and 24 hours, not 5 seconds"),
        ({"person": "  "}, "the person's name or initials cannot be blank"),
    ],
)
def test_bad_values_are_refused(changes, message):
    with pytest.raises(SettingsError, match=message):
        Settings().with_changes(**changes)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read the settings in"),
        ("[]", "not a JSON object"),
        ('{"schema_version": 9}', "written by a newer ct-desktop"),
        ('{"sync_interval_seconds": 1}', "sync interval must be between"),
    ],
)
def test_a_damaged_settings_file_is_reported_not_replaced(tmp_path, content, message):
    settings_path(tmp_path).write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_settings(tmp_path)
    assert settings_path(tmp_path).read_text() == content


def test_unknown_keys_from_a_later_minor_version_are_ignored(tmp_path):
    settings_path(tmp_path).write_text('{"schema_version": 1, "person": "CD", "theme": "dark"}')
    assert load_settings(tmp_path).person == "CD"


def test_reminders_are_on_and_the_tray_off_for_a_file_written_before_they_existed(tmp_path):
    settings_path(tmp_path).write_text('{"schema_version": 1, "person": "AB"}', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert (settings.reminders, settings.keep_in_tray, settings.start_with_computer) == (True, False, False)
    with pytest.raises(SettingsError, match="reminders must be true or false"):
        settings.with_changes(reminders="yes")
