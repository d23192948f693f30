"""Choosing a profile (at the start when there is more than one, and File > Switch profile…) and making one
(File > New profile…). The profiles themselves are in ct_desktop/profiles.py."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.profiles import Profile, ProfileError, add_profile
from ct_desktop.settings import SettingsError, load_settings
from ct_desktop.ui.theme import APP_DISPLAY_NAME, error_label, muted, show_message

CHOOSER_TITLE = "Choose a profile"
NEW_PROFILE_TITLE = "New profile"


def tracker_words(profile: Profile) -> str:
    """What a profile sends to, in words: its tracker's address, or that it is not connected."""
    try:
        url = load_settings(profile.folder).tracker_url
    except SettingsError:
        return "its settings cannot be read"
    return f"sends to {url}" if url else "not connected to a tracker"


class ProfileChooser(QDialog):
    """The profiles in a list, one selected (the last used, or the one open): Enter opens it."""

    def __init__(self, profiles: list[Profile], selected: str | None, parent: QWidget | None = None, *,
                 current: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{CHOOSER_TITLE} — {APP_DISPLAY_NAME}")
        self.profiles = profiles
        self.list = QListWidget()
        self.list.setAccessibleName("Profiles")
        for profile in profiles:
            label = f"{profile.name} — {tracker_words(profile)}"
            if profile.name == current:
                label += " (open now)"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, profile.name)
            self.list.addItem(item)
        names = [profile.name for profile in profiles]
        self.list.setCurrentRow(names.index(selected) if selected in names else 0)
        # Enter reaches the dialog's default button (the list lets it through). Not itemActivated: under
        # some window systems it fires on its own as the pointer rests on the list.
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        open_button = buttons.button(QDialogButtonBox.StandardButton.Open)
        if open_button is not None:
            open_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(muted("Each profile keeps its own returns and sends them to its own tracker (a training "
                               "tracker beside the live one, say). Which one do you want to work in?"))
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self.list.setFocus()

    @property
    def chosen(self) -> Profile:
        """The profile selected."""
        return self.profiles[max(self.list.currentRow(), 0)]


class NewProfileDialog(QDialog):
    """Asks the new profile's name and makes it; a name that cannot be one is said in one line, and nothing made."""

    def __init__(self, base: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(NEW_PROFILE_TITLE)
        self._base = base
        self.made: Profile | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Training")
        self.name_edit.setAccessibleName("The new profile's name")
        self.name_edit.setMaxLength(60)
        self.message = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText("&Make and open it")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(muted("A profile is a data folder of its own, with its own tracker, locations and returns: "
                               "use one for a training tracker beside the live one. It opens at once, and asks "
                               "you to connect it to its tracker."))
        form = QFormLayout()
        form.addRow("Profile &name:", self.name_edit)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self.name_edit.setFocus()

    def accept(self) -> None:
        """Make the profile; a refused name keeps the dialog open with the reason."""
        try:
            self.made = add_profile(self._base, self.name_edit.text())
        except ProfileError as exc:
            show_message(self.message, f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
            self.name_edit.setFocus()
            return
        super().accept()
