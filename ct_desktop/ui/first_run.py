"""The first start: who is working, and connect to the tracker or work offline with locations added by hand."""

from __future__ import annotations

import contextlib

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.settings import SettingsError
from ct_desktop.store import StoreError, who
from ct_desktop.ui.connect_panel import ConnectPanel
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.location_dialog import AddLocationDialog
from ct_desktop.ui.theme import error_label, heading, muted, open_dialog, show_message


class FirstRunDialog(QDialog):
    """Asks the name or initials of the person working, then offers to connect or to stay offline.

    Accepting saves the name and marks the first run done; closing it changes nothing, so the
    questions come back at the next start.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.setWindowTitle("Welcome to ct-desktop")
        self.setMinimumWidth(600)
        self.person_edit = QLineEdit(context.settings.person or "")
        self.person_edit.setPlaceholderText("e.g. Amy Brown or AB")
        self.person_edit.setAccessibleName("Your name or initials")
        self.connect_choice = QRadioButton("&Connect to the tracker now")
        self.offline_choice = QRadioButton("Work &offline for now, and add locations by hand")
        self.connect_panel = ConnectPanel(context)
        self.add_button = QPushButton("&Add a location…")
        self.add_button.clicked.connect(self.add_location)
        self.location_list = QListWidget()
        self.location_list.setAccessibleName("Locations added")
        self.location_list.setMaximumHeight(110)
        self.message = error_label()
        self.location_dialog: AddLocationDialog | None = None
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton("&Start", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._build()
        self.connect_panel.busy_changed.connect(self._busy)
        context.events.locations_changed.connect(self._list_locations)
        self._list_locations()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Welcome"))
        layout.addWidget(muted("ct-desktop prepares your monthly Capacity Tracker return. Everything is saved on "
                               "this computer as you type, and returns are sent when the internet allows."))
        person = QGroupBox("Who is working?")
        form = QFormLayout(person)
        form.addRow("Your &name or initials:", self.person_edit)
        form.addRow(muted("Recorded with every change, so the next shift sees who did what."))
        layout.addWidget(person)
        layout.addWidget(self._tracker_group())
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.person_edit.setFocus()

    def _tracker_group(self) -> QGroupBox:
        group = QGroupBox("The Capacity Tracker")
        choices = QButtonGroup(group)
        choices.addButton(self.connect_choice)
        choices.addButton(self.offline_choice)
        offline_box = QWidget()
        offline = QVBoxLayout(offline_box)
        offline.setContentsMargins(24, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        offline.addLayout(row)
        offline.addWidget(self.location_list)
        self.connect_panel.setContentsMargins(24, 0, 0, 0)
        layout = QVBoxLayout(group)
        layout.addWidget(self.connect_choice)
        layout.addWidget(self.connect_panel)
        layout.addWidget(self.offline_choice)
        layout.addWidget(offline_box)
        self.connect_choice.toggled.connect(self.connect_panel.setEnabled)
        self.offline_choice.toggled.connect(offline_box.setEnabled)
        self.connect_choice.setChecked(True)
        offline_box.setEnabled(False)
        return group

    def add_location(self) -> None:
        """Open the add-location dialog; the list below fills in when it adds one."""
        dialog = AddLocationDialog(self._context, self)
        self.location_dialog = open_dialog(dialog)

    def _list_locations(self) -> None:
        try:
            locations = self._context.store.locations()
        except StoreError as exc:
            show_message(self.message, str(exc))
            return
        self.location_list.clear()
        for location in locations:
            self.location_list.addItem(f"{location.name} ({location.id})")
        if not locations:
            self.location_list.addItem("No locations yet.")

    def _busy(self, busy: bool) -> None:
        self.start_button.setEnabled(not busy)

    def accept(self) -> None:
        """Save the name and finish the first run; a blank or overlong name is refused here."""
        if self.connect_panel.busy:
            return
        try:
            person = who(self.person_edit.text())
            self._context.update_settings(person=person, first_run_done=True)
        except (StoreError, SettingsError, OSError) as exc:
            show_message(self.message, str(exc)[:1].upper() + str(exc)[1:] + ".")
            self.person_edit.setFocus()
            return
        super().accept()

    def reject(self) -> None:
        """Quit is refused while connecting (the answer must have somewhere to arrive)."""
        if not self.connect_panel.busy:
            super().reject()

    def done(self, result: int) -> None:
        """Stop listening to the shared events once the dialog is finished."""
        with contextlib.suppress(RuntimeError, TypeError):
            self._context.events.locations_changed.disconnect(self._list_locations)
        super().done(result)
