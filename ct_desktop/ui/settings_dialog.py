"""Settings: tracker address and connection, who is working, how often to sync, the data folder, version.

Values are loaded when the dialog opens, all checked on OK, and saved only if every one passes;
Cancel leaves the saved settings as they were. Reconnect and Disconnect act at once (they change
the token in the keyring, not a setting) and say so. The keyring and the connection module are
imported by the workers that use them, so that the main window, which imports this one, starts without.
"""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
import shiboken6
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ct_desktop import __version__
from ct_desktop.settings import MAX_SYNC_INTERVAL, MIN_SYNC_INTERVAL, SettingsError
from ct_desktop.store import StoreError, who
from ct_desktop.sync.address import TrackerUrlError, canonical_tracker_url
from ct_desktop.sync.binding import APP_ADVICE, returns_for_another_tracker, waiting_text
from ct_desktop.ui.connect_panel import ConnectDialog
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.reminder_tray import apply_start_with_computer
from ct_desktop.ui.shortcuts_help import add_keys_help
from ct_desktop.ui.theme import error_label, muted, open_dialog, show_message


def about_text() -> str:
    """Version line: the app, Qt and Python."""
    return f"ct-desktop {__version__} · Qt {PySide6.__version__} · Python {platform.python_version()}"


def token_kept(tracker_url: str) -> bool:
    """The worker's job: whether the keyring holds a token for the tracker (keyring is imported here)."""
    from ct_desktop.credentials import load_token

    return load_token(tracker_url) is not None


def forget_connection(data_dir: Path) -> None:
    """The worker's job: ct_desktop.sync.connection.disconnect (imported here, off the GUI thread)."""
    from ct_desktop.sync.connection import disconnect

    disconnect(data_dir)


class SettingsDialog(QDialog):
    """Edit the settings; OK saves them all or none."""

    SCREEN_NAME = "settings"
    SCREEN_KEYS = (  # F1 lists them (ui/shortcuts_help.py)
        ("Alt+A", "Tracker address"),
        ("Alt+R / Alt+D", "Reconnect / disconnect"),
        ("Alt+N", "Your name or initials"),
        ("Alt+C", "How often to check the outbox"),
        ("Alt+F", "Open the data folder"),
        ("Alt+M / Alt+K / Alt+W", "Reminders / keep running in the tray / start with the computer"),
        ("Enter", "OK: save all the settings"),
        ("Esc", "Cancel: change nothing"),
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.setWindowTitle("Settings")
        self.setMinimumWidth(600)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://… (blank: not connected)")
        self.url_edit.setAccessibleName("Tracker address")
        self.connection_label = muted()
        self.reconnect_button = QPushButton("&Reconnect…")
        self.reconnect_button.clicked.connect(self.reconnect)
        self.disconnect_button = QPushButton("&Disconnect")
        self.disconnect_button.clicked.connect(self.disconnect_tracker)
        self.person_edit = QLineEdit()
        self.person_edit.setAccessibleName("Your name or initials")
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(1, MAX_SYNC_INTERVAL // 60)
        self.interval_spin.setSuffix(" minutes")
        self.interval_spin.setAccessibleName("Sync interval in minutes")
        self.folder_edit = QLineEdit(str(context.data_dir))
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setAccessibleName("Data folder")
        self.open_folder_button = QPushButton("Open &folder")
        self.open_folder_button.clicked.connect(self.open_folder)
        self.reminders_check = QCheckBox("Re&mind me: when the window opens, two days before the due date and on "
                                         "the due day, while a month is not with the tracker")
        self.keep_in_tray_check = QCheckBox("&Keep running in the tray when the window is closed")
        self.start_check = QCheckBox("Start &with the computer, in the tray")
        self.reminders_check.toggled.connect(self._reminders_toggled)
        self.message = error_label()
        self.connect_dialog: ConnectDialog | None = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._build()
        add_keys_help(self, self.SCREEN_NAME, self.SCREEN_KEYS)
        self.load()

    def _build(self) -> None:
        tracker = QGroupBox("Tracker")
        form = QFormLayout(tracker)
        form.addRow("Tracker &address:", self.url_edit)
        row = QHBoxLayout()
        row.addWidget(self.reconnect_button)
        row.addWidget(self.disconnect_button)
        row.addStretch(1)
        form.addRow("Connection:", self.connection_label)
        form.addRow("", row)
        person = QGroupBox("Who is working")
        form = QFormLayout(person)
        form.addRow("Your &name or initials:", self.person_edit)
        sending = QGroupBox("Sending")
        form = QFormLayout(sending)
        form.addRow("&Check the outbox every:", self.interval_spin)
        form.addRow(muted("Queued returns are also sent as soon as the network comes back, and at once with "
                          "Send now (F5)."))
        reminders = QGroupBox("Reminders")
        box = QVBoxLayout(reminders)
        for check in (self.reminders_check, self.keep_in_tray_check, self.start_check):
            box.addWidget(check)
        box.addWidget(muted("Reminders come from the tray icon and need no network. Without \"Keep running in the "
                            "tray\", closing the window quits ct-desktop, and its reminders with it."))
        data = QGroupBox("Data")
        form = QFormLayout(data)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.open_folder_button)
        form.addRow("Data folder:", row)
        form.addRow(muted("Everything is kept in ct-desktop.db in this folder: back it up with your other files."))
        about = QLabel(about_text())
        about.setAccessibleName("Version")
        layout = QVBoxLayout(self)
        for group in (tracker, person, sending, reminders, data):
            layout.addWidget(group)
        layout.addWidget(self.message)
        layout.addWidget(about)
        layout.addWidget(self.buttons)

    # Loading and saving ---------------------------------------------------------------------------

    def load(self) -> None:
        """Put the saved settings into the fields."""
        settings = self._context.settings
        self.url_edit.setText(settings.tracker_url or "")
        self.person_edit.setText(settings.person or "")
        self._interval_loaded = settings.sync_interval_seconds
        self.interval_spin.setValue(max(1, round(settings.sync_interval_seconds / 60)))
        self._minutes_loaded = self.interval_spin.value()
        self.reminders_check.setChecked(settings.reminders)
        self.keep_in_tray_check.setChecked(settings.keep_in_tray)
        self.start_check.setChecked(settings.start_with_computer)
        self._reminders_toggled(settings.reminders)
        show_message(self.message, None)
        self._check_connection()

    def checked_changes(self) -> dict[str, object]:
        """Every field checked; SettingsError with the first problem, in words."""
        text = self.url_edit.text().strip()
        try:
            url = canonical_tracker_url(text) if text else None
        except TrackerUrlError as exc:
            raise SettingsError(f"Tracker address: {exc}") from exc
        current = self._context.settings.tracker_url
        if url and url != current:
            waiting = returns_for_another_tracker(self._context.store, current, url)
            if waiting:
                tracker = waiting[0].tracker_url or str(current)
                raise SettingsError(f"Tracker address: {waiting_text(waiting, tracker, url, APP_ADVICE)}")
        try:
            person = who(self.person_edit.text())
        except StoreError as exc:
            raise SettingsError(f"Who is working: {exc}") from exc
        # Keep the saved seconds when the minutes were not touched (30 s is allowed but not shown as such).
        minutes = self.interval_spin.value()
        seconds = self._interval_loaded if minutes == self._minutes_loaded else minutes * 60
        reminders = self.reminders_check.isChecked()
        changes: dict[str, object] = {"tracker_url": url, "person": person,
                                      "sync_interval_seconds": max(MIN_SYNC_INTERVAL, seconds),
                                      "reminders": reminders,
                                      "keep_in_tray": reminders and self.keep_in_tray_check.isChecked(),
                                      "start_with_computer": reminders and self.start_check.isChecked()}
        self._context.settings.with_changes(**changes)  # the settings' own checks
        return changes

    def accept(self) -> None:
        """Save if everything passes; otherwise say what is wrong and keep the dialog open."""
        try:
            changes = self.checked_changes()
            start_changed = changes["start_with_computer"] != self._context.settings.start_with_computer
            if any(getattr(self._context.settings, key) != value for key, value in changes.items()):
                self._context.update_settings(**changes)
        except (SettingsError, OSError) as exc:
            show_message(self.message, str(exc))
            return
        if start_changed:
            problem = apply_start_with_computer(self._context)
            if problem:  # the settings are saved; the entry is written again the next time they are
                show_message(self.message, f"Saved, but {problem}.")
                return
        super().accept()

    def _reminders_toggled(self, on: bool) -> None:
        # The tray has nothing to keep and nothing to start without reminders.
        self.keep_in_tray_check.setEnabled(on)
        self.start_check.setEnabled(on)

    # Connection -----------------------------------------------------------------------------------

    def _check_connection(self) -> None:
        url = self._context.settings.tracker_url
        self.disconnect_button.setEnabled(bool(url))
        if not url:
            self.connection_label.setText("Not connected: returns are kept here until you connect.")
            return
        self.connection_label.setText("Checking the keyring…")
        self._context.tasks.run(lambda: token_kept(url), on_done=self._show_token,
                                on_error=self._keyring_failed)

    def _show_token(self, has_token: bool) -> None:
        if not shiboken6.isValid(self):
            return
        self.connection_label.setText("Connected: the token is kept in this computer's keyring." if has_token else
                                      "No token for this tracker: Reconnect to paste a new one.")

    def _keyring_failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        from ct_desktop.credentials import CredentialsUnavailable

        message = str(exc) if isinstance(exc, CredentialsUnavailable) else f"the keyring could not be read: {exc}"
        self.connection_label.setText(message[:1].upper() + message[1:])

    def reconnect(self) -> None:
        """Ask for a token for the address in the field and connect on a worker."""
        dialog = ConnectDialog(self._context, "Connecting replaces the token kept for this tracker.", self)
        dialog.panel.url_edit.setText(self.url_edit.text().strip())
        dialog.panel.token_edit.setFocus()
        dialog.accepted.connect(self._reconnected)
        self.connect_dialog = open_dialog(dialog)

    def _reconnected(self) -> None:
        if shiboken6.isValid(self):
            self.url_edit.setText(self._context.settings.tracker_url or "")
            self._check_connection()

    def disconnect_tracker(self) -> None:
        """Forget the token, after asking (queued returns stay queued until a reconnect)."""
        answer = QMessageBox.question(
            self, "Disconnect from the tracker",
            "Forget the tracker's token on this computer? Returns stay saved here, and queued ones are sent "
            "after you connect again.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.forget_token()

    def forget_token(self) -> None:
        """Disconnect without asking (the question is in disconnect_tracker())."""
        data_dir = self._context.data_dir
        self.connection_label.setText("Disconnecting…")
        self._context.tasks.run(lambda: forget_connection(data_dir), on_done=lambda _r: self._disconnected(),
                                on_error=self._not_disconnected)

    def _disconnected(self) -> None:
        self._context.events.settings_changed.emit()  # the sync status shows "not connected" at the next try
        if shiboken6.isValid(self):
            self._check_connection()

    def _not_disconnected(self, exc: Exception) -> None:
        if shiboken6.isValid(self):
            show_message(self.message, f"Not disconnected: {exc}")

    def open_folder(self) -> None:
        """Show the data folder in the system's file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._context.data_dir)))
