"""The running app on one data folder: its window, the folder's lock, the daily upkeep, restoring a backup.

- A second start on the folder brings this window forward (ct_desktop/ui/single_instance.py).
- The upkeep (``backups.keep_up``: the full integrity check when due, then a backup when due) runs on
  the task runner's worker, a few seconds after the start and every hour after (it does nothing until
  something is due): a backup a day while the app runs, and at the start when the last is over a day old.
- "Who is working?" is asked once the window is up, again after four hours idle and when the computer
  wakes from sleep (ct_desktop/ui/shift.py), so each shift's changes carry the right name.
- File > Restore from backup…: the window closes (its store with it), the backup is restored, and the
  window opens again on the restored store.
- File > Switch profile… / New profile…: the other profile's folder is claimed and its store opened
  first (so nothing is closed if it cannot be), then this window closes, its store with it, and the
  window opens on the other profile; its lock, upkeep and "Who is working?" are its own.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from ct_desktop.profiles import Profile, base_folder, remember
from ct_desktop.store import StoreError, backups, health
from ct_desktop.store.database import database_path
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.shift import ShiftWatch
from ct_desktop.ui.single_instance import SingleInstance, ask_first_to_come_forward
from ct_desktop.ui.theme import open_dialog

if TYPE_CHECKING:
    from ct_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# Set to any value: print a line when the window is shown and when a second start brings it forward,
# without quitting (the tests of two starts on one folder watch for these lines).
ANNOUNCE_ENV = "CT_DESKTOP_ANNOUNCE"
SHOWN_LINE = "ct-desktop: main window shown"
RAISED_LINE = "ct-desktop: brought forward by a second start"
# QtNetwork loads once the window is up (a second start keeps asking meanwhile).
LISTEN_AFTER_MS = 500
UPKEEP_FIRST_MS = 5_000
UPKEEP_EVERY_MS = 60 * 60 * 1000


class AppSession(QObject):
    """Shows the main window on a context and looks after the folder while it is open."""

    def __init__(self, app: QApplication, instance: SingleInstance, context: AppContext,
                 reopen: Callable[[], AppContext | None], show: Callable[[QWidget], None],
                 make_window: Callable[[AppContext], MainWindow] | None = None, *, ask_who: bool = False,
                 open_folder: Callable[[Path], AppContext | None] | None = None) -> None:
        super().__init__()
        self._open_folder = open_folder  # opens another profile's folder (File > Switch profile…)
        self._make_window = make_window
        self._ask_who = ask_who  # the app's own start asks "Who is working?"; tests that open windows do not
        self.shift_watch = ShiftWatch(self)
        self.shift_watch.handover_due.connect(self.ask_who_is_working)
        self.app = app
        self.context = context
        self.window: MainWindow | None = None
        self.message: QMessageBox | None = None  # the last message shown over the window (tests read it)
        self._instance = instance
        self._reopen = reopen
        self._show = show
        self._upkeep = QTimer(self)
        self._upkeep.setInterval(UPKEEP_EVERY_MS)
        self._upkeep.timeout.connect(self.keep_up)
        instance.raise_requested.connect(self.bring_forward)

    def open_window(self) -> MainWindow:
        """Build and show the main window; answer second starts and start the upkeep."""
        from ct_desktop.ui.main_window import MainWindow

        window = self._make_window(self.context) if self._make_window else MainWindow(self.context)
        window.restore_requested.connect(self.restore)
        window.profile_requested.connect(self.switch_profile)
        self.window = window
        self._show(window)
        QTimer.singleShot(LISTEN_AFTER_MS, self._instance.listen)
        QTimer.singleShot(UPKEEP_FIRST_MS, self.keep_up)
        self._upkeep.start()
        _announce(f"{SHOWN_LINE}: {window.windowTitle()}")
        if self._ask_who:
            self._ask_who = False  # once per start: a window reopened on a restored backup has the same person
            self.ask_who_is_working()
            self.shift_watch.start()
        return window

    def ask_who_is_working(self, _why: str = "") -> None:
        """At the start, after four hours idle, after sleep: the last name ready to confirm with Enter."""
        if self.window is not None:
            self.window.change_person()
            self.shift_watch.reset()

    def bring_forward(self) -> None:
        """A second start asked for this window: show it, raise it, give it the focus."""
        window = self.window
        if window is None:
            return
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        _announce(f"{RAISED_LINE}: {window.windowTitle()}")

    def keep_up(self) -> None:
        """Run the due check and backup on a worker; warn if the check found damage."""
        self.context.tasks.run(functools.partial(backups.keep_up, self.context.data_dir), self._kept_up,
                               lambda exc: log.warning("upkeep of %s: %s", self.context.data_dir, exc))

    def _kept_up(self, upkeep: backups.Upkeep) -> None:
        if upkeep.backup is not None:
            log.info("backup made: %s", upkeep.backup.path)
        if upkeep.check is not None and not upkeep.check.ok and self.window is not None:
            self._tell(QMessageBox.Icon.Warning, "The saved returns are damaged",
                       f"The check of {self.context.store.path} found damage ({upkeep.check.summary()}). "
                       "Restore a backup with File > Restore from backup… (or 'ct-desktop restore'); "
                       "ct-desktop will not open the file again until then.")

    def restore(self, backup: Path) -> None:
        """Close the window and its store, restore the backup, open the window again on the restored store."""
        self.app.setQuitOnLastWindowClosed(False)
        try:
            self._close_window()
            problem = ""
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the copy and its check read it whole
            try:
                restored = backups.restore_backup(self.context.data_dir, backup, by_the_app=True)
            except StoreError as exc:
                problem = str(exc)
            finally:
                QApplication.restoreOverrideCursor()
            context = self._reopen()
            if context is None:
                self.app.quit()
                return
            self.context = context
            self.open_window()
            if problem:
                self._tell(QMessageBox.Icon.Warning, "Backup not restored", problem)
            else:
                kept = f" The database it replaced was kept as {restored.kept_aside}." if restored.kept_aside else ""
                self._tell(QMessageBox.Icon.Information, "Backup restored",
                           f"The backup of {restored.backup.label} was restored.{kept}")
        finally:
            self.app.setQuitOnLastWindowClosed(True)

    def switch_profile(self, profile: Profile) -> None:
        """Open another profile in place of this one; nothing is closed until the other is ready to open."""
        if profile.folder == self.context.data_dir or self._open_folder is None:
            return
        instance = SingleInstance(profile.folder)
        if not instance.claim():
            shown = ask_first_to_come_forward(profile.folder)
            self._tell(QMessageBox.Icon.Information, "Profile open elsewhere",
                       f"The profile {profile.name} is open in another ct-desktop window"
                       f"{', brought forward now' if shown else ''}; this window stays on {self.context.profile_name}.")
            return
        if instance.took_over_stale_lock:
            health.mark_unclean(database_path(profile.folder))
        context = self._open_folder(profile.folder)  # says itself why, when it cannot be opened
        if context is None:
            instance.release()
            return
        first_run = not context.settings.first_run_done
        if first_run and not self._first_run(context):
            context.tasks.shutdown()
            context.store.close()
            instance.release()
            return
        self.app.setQuitOnLastWindowClosed(False)
        try:
            self._close_window()
            self.context.tasks.shutdown()
            self.context.store.close()
            self._instance.raise_requested.disconnect(self.bring_forward)
            self._instance.release()
            self._instance = instance
            instance.raise_requested.connect(self.bring_forward)
            self.context = context
            self._reopen = lambda: self._open_folder(profile.folder) if self._open_folder else None
            remember(base_folder(), profile)
            self._ask_who = not first_run  # the first run has just asked
            self.open_window()
        finally:
            self.app.setQuitOnLastWindowClosed(True)

    def _first_run(self, context: AppContext) -> bool:
        from ct_desktop.ui.first_run import FirstRunDialog

        if context.settings.person is None and self.context.settings.person:
            context.settings = context.settings.with_changes(person=self.context.settings.person)  # ready for Enter
        dialog = FirstRunDialog(context, self.window)
        dialog.setWindowTitle(f"Welcome to the profile {context.profile_name}")
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    def _close_window(self) -> None:
        self._upkeep.stop()
        if self.window is not None:
            self.window.close()  # stops syncing, waits for the workers, closes the store
            self.window.deleteLater()
            self.window = None

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        self.message = open_dialog(QMessageBox(icon, title, text, parent=self.window))

    def close(self) -> None:
        """The end of the app: stop the upkeep, close the store, give the folder back."""
        self._upkeep.stop()
        self.shift_watch.stop()
        self.context.tasks.shutdown()
        self.context.store.close()
        self._instance.release()


def _announce(line: str) -> None:
    if os.environ.get(ANNOUNCE_ENV):
        print(line, flush=True)
