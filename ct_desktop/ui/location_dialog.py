"""Adding a location by hand, to work before the tracker is connected (``ct-desktop locations add``)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.forms.catalogue import FormCatalogue, default_catalogue
from ct_desktop.models import Location
from ct_desktop.period import Period
from ct_desktop.store import StoreError
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.presentation import month_of
from ct_desktop.ui.theme import error_label, muted, show_message


def service_type_choices(period: Period, catalogue: FormCatalogue | None = None) -> list[tuple[str, str]]:
    """(key, title) of every service type with a question set (in ``catalogue``: the data folder's, with those
    fetched from the tracker; the built-in ones by default), e.g. ("care_home", "Care home")."""
    catalogue = catalogue or default_catalogue()
    choices = []
    for key in catalogue.service_types():
        versions = catalogue.versions(key)
        in_force = [form for form in versions if form.effective_from <= period.first_day] or versions
        choices.append((key, in_force[-1].title))
    return choices


class AddLocationDialog(QDialog):
    """CQC location id, name, service type (from the question sets) and local authority."""

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.added: Location | None = None
        self.setWindowTitle("Add a location")
        self.setMinimumWidth(480)
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("e.g. 1-123456789")
        self.id_edit.setAccessibleName("CQC location id")
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Location name")
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Service type")
        for key, title in service_type_choices(month_of(context.clock()), context.store.catalogue):
            self.type_combo.addItem(title, key)
        self.authority_edit = QLineEdit()
        self.authority_edit.setPlaceholderText("optional, e.g. Leeds")
        self.authority_edit.setAccessibleName("Local authority")
        self.message = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add location")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("CQC location &id:", self.id_edit)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Service type:", self.type_combo)
        form.addRow("&Local authority:", self.authority_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(muted("Add the locations you submit for. When you connect to the tracker later, "
                               "it brings its own list and keeps these up to date."))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        """Add the location through the store; a refusal is shown here and the dialog stays open."""
        location = Location(
            id=self.id_edit.text().strip(),
            name=" ".join(self.name_edit.text().split()),
            service_type=self.type_combo.currentData(),
            local_authority=" ".join(self.authority_edit.text().split()) or None,
        )
        try:
            self.added = self._context.store.add_location(location)
        except StoreError as exc:
            show_message(self.message, str(exc))
            return
        self._context.events.locations_changed.emit()
        super().accept()
