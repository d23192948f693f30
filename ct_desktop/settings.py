"""User settings, declared in one place: typed, with defaults, a schema version and migrations.

Kept as ``settings.json`` in the data folder, written atomically. The tracker token is never here:
it lives in the keyring (ct_desktop.credentials).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from ct_desktop import file_replace

SETTINGS_FILE = "settings.json"
SCHEMA_VERSION = 1
MIN_SYNC_INTERVAL = 30
MAX_SYNC_INTERVAL = 24 * 3600


class SettingsError(ValueError):
    """Settings that cannot be read or a value that cannot be kept; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """What the user chose; every field has a default so a first run needs nothing."""

    tracker_url: str | None = None
    person: str | None = None  # the name or initials of whoever is working this shift
    sync_interval_seconds: int = 300
    first_run_done: bool = False
    # Reminders (ct_desktop.reminders): a tray icon and notifications when the window opens, two days before
    # the due date and on the due day. Fields added with a default need no migration: a file without them
    # reads as the defaults, and an older ct-desktop ignores them.
    reminders: bool = True
    keep_in_tray: bool = False  # closing the window leaves the app (and its reminders) running in the tray
    start_with_computer: bool = False  # started, in the tray, when the person logs in

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some values changed, checked."""
        updated = replace(self, **changes)
        updated.check()
        return updated

    def check(self) -> None:
        """Raise SettingsError when a value is out of bounds or of the wrong kind."""
        if isinstance(self.sync_interval_seconds, bool) or not isinstance(self.sync_interval_seconds, int):
            raise SettingsError(f"sync_interval_seconds must be a whole number of seconds, not "
                                f"{self.sync_interval_seconds!r:.40}")
        for name in ("reminders", "keep_in_tray", "start_with_computer", "first_run_done"):
            if not isinstance(getattr(self, name), bool):
                raise SettingsError(f"{name} must be true or false, not {getattr(self, name)!r:.40}")
        if self.person is not None and not isinstance(self.person, str):
            raise SettingsError(f"person must be a name as text, not {self.person!r:.40}")
        if not MIN_SYNC_INTERVAL <= self.sync_interval_seconds <= MAX_SYNC_INTERVAL:
            raise SettingsError(
                f"sync interval must be between {MIN_SYNC_INTERVAL} seconds and 24 hours, "
                f"not {self.sync_interval_seconds} seconds"
            )
        if self.person is not None and not self.person.strip():
            raise SettingsError("the person's name or initials cannot be blank")
        if self.tracker_url:  # None or "" is "not connected yet"
            _check_tracker_url(self.tracker_url)


def _check_tracker_url(url: object) -> None:
    """SettingsError unless the tracker address is text that can be connected to (https, or http to this computer)."""
    from ct_desktop.sync.address import TrackerUrlError, api_base  # no requests or keyring: address only

    if not isinstance(url, str):
        raise SettingsError(f"tracker_url must be the tracker's address as text, not {type(url).__name__} {url!r:.40}")
    try:
        api_base(url)
    except TrackerUrlError as exc:
        raise SettingsError(f"tracker_url: {exc}") from exc


# Each migration turns the dict of version N into that of version N + 1.
_MIGRATIONS: dict[int, Any] = {}


def settings_path(data_dir: Path) -> Path:
    """Where the settings of a data folder are kept."""
    return Path(data_dir) / SETTINGS_FILE


def load_settings(data_dir: Path) -> Settings:
    """The saved settings, or the defaults when none were saved yet."""
    path = settings_path(data_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"cannot read the settings in {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise SettingsError(f"cannot read the settings in {path}: not a JSON object")
    version = raw.pop("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise SettingsError(f"the settings in {path} were written by a newer ct-desktop (schema {version})")
    while version < SCHEMA_VERSION:
        raw = _MIGRATIONS[version](raw)
        version += 1
    known = {f.name: f for f in fields(Settings)}
    values = {key: value for key, value in raw.items() if key in known}
    try:
        settings = Settings(**values)
        settings.check()
    except (TypeError, SettingsError) as exc:
        raise SettingsError(f"cannot use the settings in {path}: {exc}; correct it there, or delete the file and "
                            "connect again (ct-desktop connect --url URL)") from exc
    return settings


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write the settings atomically: a crash leaves the old file or the new one, never half of one."""
    settings.check()
    path = settings_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"schema_version": SCHEMA_VERSION, **asdict(settings)}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, indent=2)
            stream.flush()
            os.fsync(stream.fileno())
        file_replace.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
