"""The main window: home, a return's form or conflict view, and history, in one stack; menus, toolbar, status.

Every action has a menu entry and most a shortcut, so the whole app works from the keyboard. Closing
the window stops the sync timers, waits for the task runner's workers and closes the store.

Only what the first view needs is built (and imported) with the window: the history page, the form and
the dialogs are made when first asked for, so that the window is up sooner.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from ct_desktop.models import ReturnState
from ct_desktop.period import Period
from ct_desktop.settings import SettingsError
from ct_desktop.store import StoreError, who
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.home_view import HomeView
from ct_desktop.ui.reminder_tray import (
    DeadlineWatch,
    ReminderTray,
    closes_to_tray,
    deadline_status_label,
    hide_to_tray,
    show_group_words,
)
from ct_desktop.ui.shift import shift_prompt
from ct_desktop.ui.shortcuts_help import SHORTCUTS, screen_keys, shortcuts_html
from ct_desktop.ui.sync_controller import SyncController
from ct_desktop.ui.sync_status import SyncProblemsDialog, SyncStatusWidget
from ct_desktop.ui.theme import APP_DISPLAY_NAME, open_dialog

if TYPE_CHECKING:
    from ct_desktop.ui.history_view import HistoryView


class MainWindow(QMainWindow):
    """Home / form / conflict / history pages, with the sync status always in the status bar."""

    # A backup chosen and confirmed (File > Restore from backup…): the app closes this window and restores.
    restore_requested = Signal(Path)
    # A profile chosen (File > Switch profile…) or just made (File > New profile…): the app opens it instead.
    profile_requested = Signal(object)  # ct_desktop.profiles.Profile

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, start_sync: bool = True,
                 use_network_information: bool = True):
        super().__init__(parent)
        self._context = context
        self._closed = False
        self.page: QWidget | None = None  # the open form or conflict view
        self.dialog: QWidget | None = None  # the last non-modal dialog opened (tests look at it)
        self.shift_prompt: QDialog | None = None  # "Who is working?", while it is open
        self.set_title()
        # No fixed minimum: the layouts' own (the largest page's) is the smallest size at which nothing
        # overlaps, and stays under 1024x600 (1366x768 at 150% leaves about 910x480 logical pixels).
        self.sync = SyncController(context, self, use_network_information=use_network_information)
        self.home = HomeView(context)
        self._history: HistoryView | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self.home)
        self.setCentralWidget(self.stack)
        self.sync_widget = SyncStatusWidget(context)
        self.deadline_watch = DeadlineWatch(context, self)
        self.tray = ReminderTray(context, self.deadline_watch, self)
        self.deadline_label = deadline_status_label()
        self._ask_when_shown = False  # "Who is working?" waits while the window is in the tray
        self.person_button = QPushButton()
        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        self.show_home(refresh=False)  # HomeView read every location as it was built
        if start_sync:
            self.sync.start()
        else:
            self.sync.refresh()
        self.deadline_watch.start()

    # Building -----------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        specs = {
            "add_location": ("&Add a location…", self.add_location),
            "person": ("&Change who is working…", self.change_person),
            "settings": ("&Settings…", self.open_settings),
            "restore": ("&Restore from backup…", self.restore_from_backup),
            "switch_profile": ("S&witch profile…", self.switch_profile),
            "new_profile": ("N&ew profile…", self.new_profile),
            "quit": ("&Quit", self.close),
            "open": ("&Open return", self.open_selected),
            "no_changes": ("&No changes — save page", self.no_changes_selected),
            "history": ("&History", self.history_selected),
            "previous_month": ("&Previous month", lambda: self._month_step(-1)),
            "next_month": ("Ne&xt month", lambda: self._month_step(1)),
            "send_now": ("&Send now", self.sync.send_now),
            "problems": ("Show sync &problems…", self.show_problems),
            "connect": ("&Connect to the tracker…", lambda: self.ask_for_token("")),
            "home": ("&All locations (home)", self.show_home),
            "shortcuts": ("&Keyboard shortcuts", self.show_shortcuts),
            "about": ("&About ct-desktop", self.show_about),
        }
        for name, (text, slot) in specs.items():
            action = QAction(text, self)
            keys = SHORTCUTS.get(name, ())
            if keys:
                action.setShortcuts([QKeySequence(key) for key in keys])
                action.setToolTip(f"{text.replace('&', '')} ({keys[0]})")
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, s=slot: s())
            self.addAction(action)
            self.actions_by_name[name] = action

    def _build_menus(self) -> None:
        menus: dict[str, list[str | None]] = {
            "&File": ["add_location", "person", None, "switch_profile", "new_profile", None, "settings", "restore",
                      None, "quit"],
            "&Return": ["open", "no_changes", "history", None, "previous_month", "next_month"],
            "S&ync": ["send_now", "problems", None, "connect"],
            "&View": ["home"],
            "&Help": ["shortcuts", "about"],
        }
        for title, names in menus.items():
            menu = self.menuBar().addMenu(title)
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions_by_name[name])

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main actions")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("home", "open", "no_changes", "history", None, "send_now", None, "settings"):
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions_by_name[name])
        self.addToolBar(toolbar)
        self.actions_by_name["home"].setIconText("All locations")

    def _build_status_bar(self) -> None:
        self.person_button.setFlat(True)
        self.person_button.setToolTip("Change who is working (Ctrl+Shift+P)")
        self.person_button.clicked.connect(self.change_person)
        self.statusBar().addPermanentWidget(self.deadline_label)
        self.statusBar().addPermanentWidget(self.sync_widget)
        self.statusBar().addPermanentWidget(self.person_button)
        self._show_person()

    def _connect(self) -> None:
        events = self._context.events
        self.sync.status_changed.connect(self.sync_widget.show_status)
        self.sync.token_needed.connect(self.ask_for_token)
        self.sync_widget.send_now_requested.connect(self.sync.send_now)
        self.sync_widget.problems_requested.connect(self.show_problems)
        self.sync_widget.connect_requested.connect(lambda: self.ask_for_token(""))
        self.home.open_requested.connect(self.open_return)
        self.home.history_requested.connect(self.show_history)
        self.home.add_location_requested.connect(self.add_location)
        self.home.connect_requested.connect(lambda: self.ask_for_token(""))
        self.home.status_message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        events.settings_changed.connect(self._show_person)
        self.deadline_watch.group_changed.connect(lambda words: show_group_words(self.deadline_label, words))
        self.tray.open_requested.connect(self.bring_forward)
        self.tray.send_requested.connect(self.sync.send_now)
        self.tray.quit_requested.connect(self.close)

    @property
    def history(self) -> HistoryView:
        """The history page, made the first time it is needed."""
        if self._history is None:
            from ct_desktop.ui.history_view import HistoryView

            self._history = HistoryView(self._context)
            self._history.close_requested.connect(self.show_home)
            self.stack.addWidget(self._history)
        return self._history

    def _history_shown(self) -> bool:
        return self._history is not None and self.stack.currentWidget() is self._history

    # Pages --------------------------------------------------------------------------------------

    def set_title(self, page: str | None = None) -> None:
        """The title bar: the page shown, always the profile, and the app ("Training — Capacity Tracker return").

        The app's name comes last: Qt adds it at the end of a title that does not end with it (on Linux).
        """
        parts = [page] if page else []
        self.setWindowTitle(" — ".join([*parts, self._context.profile_name, APP_DISPLAY_NAME]))

    def show_home(self, *, refresh: bool = True) -> None:
        """Back to all locations (Esc, Alt+Left); an open form saves what was typed as it hides.

        ``refresh`` reads again the cards of the locations changed since (their returns' changes were
        announced) and says the collection window again; only the window's own start, just after
        HomeView read every location, leaves it out.
        """
        self.stack.setCurrentWidget(self.home)
        self._drop_page()  # hiding the form saved what was typed: its card is marked as changed
        if refresh:
            self.home.refresh_stale()
            self.home.show_window()
        self.set_title()
        card = self.home.cards.get(self.home.selected_id or "")
        (card or self.home).setFocus()

    def open_return(self, location_id: str, period: Period) -> None:
        """Show a return: the conflict view when the tracker's copy differs, the form otherwise."""
        try:
            location = self._context.store.location(location_id)
            draft = self._context.store.get_return(location_id, period)
        except StoreError as exc:
            QMessageBox.warning(self, "Cannot open the return", str(exc))
            return
        page: QWidget
        if draft is not None and draft.state is ReturnState.CONFLICT:
            from ct_desktop.ui.conflict_view import ConflictView

            page = ConflictView(self._context, location_id, period)
            page.resolved.connect(lambda loc, month: self._after_conflict(loc, month))
        else:
            from ct_desktop.ui.form_view import ReturnFormView

            page = ReturnFormView(self._context, location_id, period)
            page.submitted.connect(lambda _loc, month: self._after_submit(month))
            page.close_requested.connect(self.show_home)
        self._show_page(page)
        self.set_title(f"{location.name}, {period.label}")

    def show_history(self, location_id: str, period: Period) -> None:
        """The history and trend of a location (Ctrl+H)."""
        self.history.set_return(location_id, period)
        self.stack.setCurrentWidget(self.history)
        self._drop_page()
        self.set_title("History")
        self.history.location_combo.setFocus()

    def _show_page(self, page: QWidget) -> None:
        old = self.page
        self.page = page
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()

    def _drop_page(self) -> None:
        # The old page was hidden first (hideEvent saves its typing); only then is it removed.
        if self.page is not None:
            self.stack.removeWidget(self.page)
            self.page.deleteLater()
            self.page = None

    def _after_submit(self, month: str) -> None:
        self.show_home()
        self.statusBar().showMessage(f"{Period.parse(month).label} queued; it is sent when the network allows.",
                                     10_000)

    def _after_conflict(self, location_id: str, month: str) -> None:
        # Sent: back to the list, which shows it queued. Resolved: on to the form to finish it. Left
        # undecided: back to the list (opening the return again would only show the comparison again).
        period = Period.parse(month)
        draft = self._context.store.get_return(location_id, period)
        if draft is not None and draft.state is ReturnState.QUEUED:
            self._after_submit(month)
        elif draft is not None and draft.state is ReturnState.CONFLICT:
            self.show_home()
        else:
            self.open_return(location_id, period)

    def current_return(self) -> tuple[str, Period] | None:
        """The location and month the Return menu acts on, from the page shown."""
        if self._history_shown() and self.history.location is not None:
            return self.history.location.id, self.history.picker.period
        if self.home.selected_id:
            return self.home.selected_id, self.home.period
        return None

    # Actions ------------------------------------------------------------------------------------

    def open_selected(self) -> None:
        """Ctrl+O."""
        target = self.current_return()
        if target:
            self.open_return(*target)

    def history_selected(self) -> None:
        """Ctrl+H."""
        target = self.current_return()
        if target:
            self.show_history(*target)

    def no_changes_selected(self) -> None:
        """Ctrl+Shift+N: from any page, back home and start 'No changes' for the selected location."""
        target = self.current_return()
        if target is None:
            return
        if self.stack.currentWidget() is not self.home:
            self.home.picker.set_period(target[1])
            self.show_home()
        self.home.start_no_changes(target[0])

    def _month_step(self, step: int) -> None:
        picker = self.history.picker if self._history_shown() else self.home.picker
        picker.set_period(picker.period.next() if step > 0 else picker.period.previous())

    def add_location(self) -> None:
        """Add a location by hand."""
        from ct_desktop.ui.location_dialog import AddLocationDialog

        self.dialog = open_dialog(AddLocationDialog(self._context, self))

    def change_person(self) -> None:
        """Ask who is working this shift (recorded with every change); the last name is ready for Enter."""
        if not self.isVisible():
            self._ask_when_shown = True  # started in the tray: asked once the window is opened
            return
        if self.shift_prompt is not None and self.shift_prompt.isVisible():
            self.shift_prompt.activateWindow()
            return
        self.shift_prompt = shift_prompt(self, self._context.settings.person, self._set_person)
        self.shift_prompt.finished.connect(lambda _result: self._prompt_closed())
        self.dialog = self.shift_prompt

    def _prompt_closed(self) -> None:
        self.shift_prompt = None
        if not self._closed:
            self.activateWindow()  # without a window manager nothing else gives the keyboard back

    def _set_person(self, text: str) -> None:
        try:
            self._context.update_settings(person=who(text))
        except (StoreError, SettingsError, OSError) as exc:
            self.dialog = open_dialog(QMessageBox(QMessageBox.Icon.Warning, "Name not changed",
                                                  f"{str(exc)[:1].upper()}{str(exc)[1:]}.", parent=self))

    def _show_person(self) -> None:
        person = self._context.settings.person or "nobody"
        self.person_button.setText(f"Working as: {person}")
        self.person_button.setAccessibleName(f"Working as {person}: change who is working")

    def open_settings(self) -> None:
        """Ctrl+,."""
        from ct_desktop.ui.settings_dialog import SettingsDialog

        self.dialog = open_dialog(SettingsDialog(self._context, self))

    def show_problems(self) -> None:
        """Set-aside items, refusals, conflicts and failing sends, with a way to open each."""
        self.sync.refresh()
        dialog = SyncProblemsDialog(self._context, self.sync.status, self)
        dialog.open_requested.connect(self.open_return)
        self.dialog = open_dialog(dialog)

    def ask_for_token(self, reason: str) -> None:
        """Connect (again): after a 401, from the status bar, or from the Sync menu."""
        from ct_desktop.ui.connect_panel import ConnectDialog

        if isinstance(self.dialog, ConnectDialog) and self.dialog.isVisible():
            return
        dialog = ConnectDialog(self._context, reason, self)
        dialog.accepted.connect(self.sync.send_now)  # connected (again): send what waited at once
        self.dialog = open_dialog(dialog)

    def restore_from_backup(self) -> None:
        """Choose a backup, confirm with its time; the app then restores it and reopens the window."""
        from ct_desktop.store import backups
        from ct_desktop.ui import restore_dialog

        chosen = restore_dialog.choose_backup(self, self._context.data_dir)
        if chosen is None:
            return
        if restore_dialog.confirm_restore(self, backups.backup_of(chosen)):
            self.restore_requested.emit(chosen)

    def switch_profile(self) -> None:
        """File > Switch profile…: the profiles, the one open selected; the app opens the one chosen."""
        from ct_desktop.profiles import base_folder, list_profiles
        from ct_desktop.ui.profile_dialogs import ProfileChooser

        profile = self._context.profile
        if profile is None or not profile.named:
            self._outside_profiles()
            return
        dialog = ProfileChooser(list_profiles(base_folder()), profile.name, self, current=profile.name)
        dialog.accepted.connect(lambda: self._open_profile(dialog.chosen))
        self.dialog = open_dialog(dialog)

    def new_profile(self) -> None:
        """File > New profile…: a name, checked; the new profile then opens (and asks for its tracker)."""
        from ct_desktop.profiles import base_folder
        from ct_desktop.ui.profile_dialogs import NewProfileDialog

        profile = self._context.profile
        if profile is None or not profile.named:
            self._outside_profiles()
            return
        dialog = NewProfileDialog(base_folder(), self)
        dialog.accepted.connect(lambda: self._open_profile(dialog.made))
        self.dialog = open_dialog(dialog)

    def _open_profile(self, profile: object) -> None:
        current = self._context.profile
        if profile is None or (current is not None and getattr(profile, "folder", None) == current.folder):
            return  # none made, or the profile open now: nothing to do
        self.profile_requested.emit(profile)

    def _outside_profiles(self) -> None:
        self.dialog = open_dialog(QMessageBox(
            QMessageBox.Icon.Information, "Profiles",
            f"ct-desktop was started on the data folder {self._context.data_dir} (--data-dir), which is not one "
            "of the profiles. Start it without --data-dir to choose or make a profile.", parent=self))

    def show_shortcuts(self) -> None:
        """F1: the keys of the screen shown, then the window's own."""
        name, keys = screen_keys(self.stack.currentWidget())
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", shortcuts_html(name, keys), parent=self)
        box.setTextFormat(Qt.TextFormat.RichText)
        self.dialog = open_dialog(box)

    def show_about(self) -> None:
        """Version and what the app is for."""
        from ct_desktop.ui.settings_dialog import about_text

        text = (f"<b>{APP_DISPLAY_NAME}</b><br>{about_text()}<br><br>Prepare and send the monthly Capacity "
                f"Tracker return, offline first.<br>Profile: {escape(self._context.profile_name)}<br>"
                f"Data folder: {escape(str(self._context.data_dir))}")
        box = QMessageBox(QMessageBox.Icon.Information, "About ct-desktop", text, parent=self)
        self.dialog = open_dialog(box)

    # Closing ------------------------------------------------------------------------------------

    def bring_forward(self) -> None:
        """Show the window (from the tray), raise it and give it the focus."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def showEvent(self, event: QShowEvent) -> None:
        """Shown from the tray: ask who is working, if that was put off."""
        super().showEvent(event)
        if self._ask_when_shown:
            self._ask_when_shown = False
            QTimer.singleShot(0, self.change_person)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop syncing, let running work finish, close the store: nothing is left running.

        With "Keep running in the tray" ticked, the person's own close hides the window to the tray instead.
        """
        if not self._closed and closes_to_tray(event.spontaneous(), self.tray):
            event.ignore()
            hide_to_tray(self, self.tray)
            return
        if not self._closed:
            self._closed = True
            self.deadline_watch.stop()
            self.tray.remove()
            if self.shift_prompt is not None:
                self.shift_prompt.reject()
            self.statusBar().addWidget(QLabel("Finishing… (a send in progress is allowed to end)"))
            self.stack.setCurrentWidget(self.home)  # an open form saves what was typed as it hides
            self.sync.stop()
            self._context.tasks.shutdown()
            self._context.store.close()
        super().closeEvent(event)
