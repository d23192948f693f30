"""One explicit context passed to every view instead of app-wide singletons.

It holds the data folder (and the profile it is), the GUI thread's store connection (for short reads
and single-field edits, which commit in milliseconds), the background task runner, the settings and
the clock, and the signals views use to tell each other that something changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ct_desktop.collection_window import now_london
from ct_desktop.profiles import Profile, profile_of_folder
from ct_desktop.settings import Settings, save_settings
from ct_desktop.store import Store, who
from ct_desktop.ui.tasks import TaskRunner


class AppEvents(QObject):
    """Signals between views; always emitted on the GUI thread."""

    return_changed = Signal(str, str)  # location id, period "YYYY-MM": values or state changed
    locations_changed = Signal()
    settings_changed = Signal()
    sync_finished = Signal(object)  # ct_desktop.sync.engine.SyncReport
    sync_started = Signal()


@dataclass
class AppContext:
    """What every view needs, passed explicitly."""

    data_dir: Path
    store: Store
    tasks: TaskRunner
    settings: Settings
    events: AppEvents
    clock: Callable[[], dt.datetime] = field(default=now_london)
    profile: Profile | None = None  # None: the profile the data folder is (Live for the usual folder)

    def __post_init__(self) -> None:
        if self.profile is None:
            self.profile = profile_of_folder(self.data_dir)

    @property
    def profile_name(self) -> str:
        """The profile's name (Live, Training...), shown in the title bar; a folder's path outside the profiles."""
        return self.profile.name if self.profile is not None else ""

    @property
    def person(self) -> str:
        """Who is working this shift (recorded on every edit)."""
        return who(self.settings.person)

    def update_settings(self, **changes: object) -> Settings:
        """Check, save and announce changed settings; raises SettingsError and keeps the old ones on a bad value."""
        updated = self.settings.with_changes(**changes)
        save_settings(self.data_dir, updated)
        self.settings = updated
        self.events.settings_changed.emit()
        return updated
