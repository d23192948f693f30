"""The deadline in the status bar, the reminders, and the tray icon they are shown from.

``DeadlineWatch`` checks every minute against the app's clock (and at once when a return changes or
a sync ends; the first tick after the computer wakes from sleep checks again): the status bar's line
for the group ("2 locations not yet with the tracker — window closes in 6 hours") and the reminders
``ct_desktop.reminders`` says are due, each shown once (remembered in ``reminders.json``). ``ReminderTray``
is the thin Qt layer: a QSystemTrayIcon, where the desktop has a tray, whose messages are the reminders.

Closing the window quits the app, reminders or not: on a shared care-home laptop that is what a close
is expected to do. Only with "Keep running in the tray" ticked does a close leave it in the tray.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from ct_desktop import autostart
from ct_desktop.reminders import Reminder, deadlines_now, group_words, load_told, reminders_due, save_told
from ct_desktop.store import StoreError
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.theme import ERROR_TONE, INFO_TONE, BoxedLabel, box_colours

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60 * 1000
MESSAGE_MS = 30 * 1000
WINDOWS_RUN_KEY = "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"


class DeadlineWatch(QObject):
    """This month's standing of every location, checked every minute: the group's line and the reminders."""

    group_changed = Signal(str)  # '' while no month is at risk
    reminded = Signal(object)  # ct_desktop.reminders.Reminder, to show

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._stopped = False
        self.group_words = ""
        self.told = load_told(context.data_dir)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        events = context.events
        events.return_changed.connect(lambda _loc, _month: self.check())
        events.locations_changed.connect(self.check)
        events.sync_finished.connect(lambda _report: self.check())
        events.settings_changed.connect(self.check)

    def start(self) -> None:
        """Check now and every minute."""
        self.check()
        self.timer.start()

    def stop(self) -> None:
        """No more checks (the window is closing)."""
        self._stopped = True
        self.timer.stop()

    def check(self) -> None:
        """Read every location's standing (short reads), say the group's line, emit the reminders due."""
        if self._stopped:
            return  # an event after the window began to close
        moment = self._context.clock()
        try:
            deadlines = deadlines_now(self._context.store, moment)
        except StoreError as exc:
            log.warning("deadline check: %s", exc)
            return
        words = group_words(deadlines, moment) or ""
        if words != self.group_words:
            self.group_words = words
            self.group_changed.emit(words)
        if not self._context.settings.reminders:
            return
        due = reminders_due(moment, deadlines, self.told)
        for reminder in due:
            self.told |= reminder.keys
        if due:
            try:
                save_told(self._context.data_dir, self.told, moment)
            except OSError as exc:  # shown anyway: a reminder repeated after a restart beats one lost
                log.warning("cannot keep the reminders told in %s: %s", self._context.data_dir, exc)
        for reminder in due:
            self.reminded.emit(reminder)


def tray_available() -> bool:
    """Whether the desktop shows tray icons (not on the offscreen platform, nor every Linux desktop)."""
    return QSystemTrayIcon.isSystemTrayAvailable()


def tray_icon_image() -> QIcon:
    """The tray's icon: 'CT' on a rounded square of the information tone."""
    colours = box_colours(INFO_TONE)
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colours.text))
    painter.setPen(QColor(colours.border))
    painter.drawRoundedRect(2, 2, 60, 60, 12, 12)
    painter.setPen(QColor(colours.background))
    painter.setFont(QFont("sans-serif", 22, QFont.Weight.Bold))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "CT")
    painter.end()
    return QIcon(pixmap)


class ReminderTray(QObject):
    """The tray icon (when the desktop has a tray and reminders are on): its menu, and the reminders as its
    messages. ``show_message`` may be replaced (tests collect the messages instead)."""

    open_requested = Signal()
    send_requested = Signal()
    quit_requested = Signal()

    def __init__(self, context: AppContext, watch: DeadlineWatch, parent: QObject | None = None,
                 available: Callable[[], bool] | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._available = available or (lambda: tray_available())  # looked up now: tests replace it
        self.icon: QSystemTrayIcon | None = None
        self.shown: list[Reminder] = []
        watch.reminded.connect(self.remind)
        context.events.settings_changed.connect(self.follow_settings)
        self.follow_settings()

    @property
    def active(self) -> bool:
        """Reminders on and an icon in the tray."""
        return self.icon is not None

    def keeps_running(self) -> bool:
        """Whether closing the window leaves the app in the tray."""
        return self.active and self._context.settings.keep_in_tray

    def follow_settings(self) -> None:
        """Show or take away the icon as reminders are turned on or off."""
        wanted = self._context.settings.reminders and self._available()
        if wanted and self.icon is None:
            self.icon = self._make_icon()
            self.icon.show()
        elif not wanted and self.icon is not None:
            self.icon.hide()
            self.icon.deleteLater()
            self.icon = None

    def _make_icon(self) -> QSystemTrayIcon:
        icon = QSystemTrayIcon(tray_icon_image(), self)
        icon.setToolTip(f"ct-desktop — {self._context.profile_name}")
        menu = QMenu()
        for text, signal in (("&Open ct-desktop", self.open_requested), ("&Send now", self.send_requested),
                             ("&Quit", self.quit_requested)):
            action = QAction(text, menu)
            action.triggered.connect(signal.emit)
            menu.addAction(action)
        self._menu = menu  # the icon does not own its menu
        icon.setContextMenu(menu)
        icon.activated.connect(self._activated)
        icon.messageClicked.connect(self.open_requested.emit)
        return icon

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    def remind(self, reminder: Reminder) -> None:
        """Show a reminder as a system notification (kept in ``shown`` too)."""
        self.shown.append(reminder)
        if self.icon is not None:
            self.icon.showMessage(reminder.title, reminder.text, QSystemTrayIcon.MessageIcon.Warning, MESSAGE_MS)

    def say(self, title: str, text: str) -> None:
        """A one-off message from the tray (e.g. that the app is still running there)."""
        if self.icon is not None:
            self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)

    def remove(self) -> None:
        """Take the icon away (the app is quitting)."""
        if self.icon is not None:
            self.icon.hide()


def apply_start_with_computer(context: AppContext) -> str | None:
    """Write or remove the entry that starts the app with the computer, as the settings say; a problem in
    words, None when done."""
    command = autostart.start_command(context.data_dir)
    enabled = context.settings.start_with_computer
    try:
        if sys.platform.startswith("win"):
            registry = QSettings(WINDOWS_RUN_KEY, QSettings.Format.NativeFormat)
            ours = autostart.windows_command_line(command)
            current = registry.value(autostart.RUN_VALUE_NAME)
            change = autostart.run_value_change(current if isinstance(current, str) else None, ours, enabled)
            if change == "set":
                registry.setValue(autostart.RUN_VALUE_NAME, ours)
            elif change == "remove":
                registry.remove(autostart.RUN_VALUE_NAME)
            registry.sync()
            if registry.status() is not QSettings.Status.NoError:
                return "the Run key of the registry could not be written"
        elif sys.platform == "darwin":
            return "starting with the computer is not offered on macOS: add ct-desktop to the Login Items"
        else:
            autostart.set_xdg_autostart(enabled, command)
    except OSError as exc:
        return f"the autostart entry could not be written: {exc}"
    return None


def closes_to_tray(by_the_person: bool, tray: ReminderTray) -> bool:
    """Whether a close of the window hides it to the tray: only a close by the person (the window's close
    button, Alt+F4) with "Keep running in the tray" ticked; Quit, and the app's own closes, quit."""
    return by_the_person and tray.keeps_running()


def hide_to_tray(window: QWidget, tray: ReminderTray) -> None:
    """Hide the window to the tray and say where it went."""
    window.hide()
    tray.say("ct-desktop is still running", "Reminders keep coming from here. Open it from this icon; Quit from "
             "its menu.")


def deadline_status_label() -> BoxedLabel:
    """The status bar's line for the group, in the error tone, hidden while no month is at risk."""
    label = BoxedLabel(ERROR_TONE, padding=(6, 1))
    label.setWordWrap(True)  # in a small window it wraps rather than push the sync status out
    label.setVisible(False)
    return label


def show_group_words(label: BoxedLabel, words: str) -> None:
    """Put the group's line in the status bar (hidden when '')."""
    label.setText(words)
    label.setToolTip(words)
    label.setAccessibleName(words)
    label.setVisible(bool(words))
