"""'No changes — save page': show what will be sent, ask to confirm the review, then queue it.

The store decides (store.no_changes): it copies the last accepted return, checks it against this
month's question set and queues it. This dialog only shows the figures first and puts a refusal
(flu questions in September, a draft in progress...) into words, with the way forward.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.models import AcceptedRevision, Location, Submission
from ct_desktop.period import Period, describe_day
from ct_desktop.store import StoreError, lifecycle
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.figures import key_figures
from ct_desktop.ui.presentation import day_text, parse_moment
from ct_desktop.ui.shortcuts_help import add_keys_help
from ct_desktop.ui.theme import error_label, heading, muted, show_message

NEXT_STEP = {
    lifecycle.FORM_NEEDS_MORE: "Open the return to answer what this month asks, then send it.",
    lifecycle.NO_PREVIOUS: "Open the return, fill it in and send it.",
    lifecycle.DRAFT_IN_PROGRESS: "Open the return to finish the draft and send it.",
}


def refusal_text(exc: StoreError) -> str:
    """A store refusal as a sentence, with the next step when there is one.

    The questions it names are named by their labels: their keys, which the command line shows too, are
    left out.
    """
    text = str(exc)
    for finding in getattr(exc, "findings", ()):
        text = text.replace(f" ({finding.field})", "")
    text = text[:1].upper() + text[1:]
    if not text.endswith("."):
        text += "."
    step = NEXT_STEP.get(getattr(exc, "reason", ""), "")
    return f"{text} {step}".strip()


def no_base_text(location: Location, period: Period) -> str:
    """Why there is nothing to copy, before asking anything."""
    return (f"There is no accepted return before {period.label} for {location.name}, so there is nothing to "
            f"copy. {NEXT_STEP[lifecycle.NO_PREVIOUS]}")


class NoChangesDialog(QDialog):
    """The figures that will be sent, "reviewed by <person> now", a confirmation box and the queue button."""

    queued = Signal(object)  # Submission
    open_return_requested = Signal()

    SCREEN_NAME = "no changes — save page"
    SCREEN_KEYS = (  # F1 lists them (ui/shortcuts_help.py)
        ("Alt+I", "Tick “I have reviewed these figures”"),
        ("Alt+Q", "Queue as unchanged (once ticked)"),
        ("Alt+O", "Open the return instead"),
        ("Esc", "Cancel: nothing is queued"),
    )

    def __init__(self, context: AppContext, location: Location, period: Period, base: AcceptedRevision,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.location, self.period, self.base = location, period, base
        self.submission: Submission | None = None
        self.setWindowTitle("No changes — save page")
        self.setMinimumWidth(560)
        self.confirm_box = QCheckBox(f"&I have reviewed these figures: they are still true for {period.label}.")
        self.message = error_label()
        self.buttons = QDialogButtonBox()
        self.queue_button = self.buttons.addButton("&Queue as unchanged", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button = self.buttons.addButton("&Open the return instead", QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.queue_button.setEnabled(False)
        self.confirm_box.toggled.connect(self.queue_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self._open_instead)
        self._build()
        add_keys_help(self, self.SCREEN_NAME, self.SCREEN_KEYS)
        self._check_first()

    def _check_first(self) -> None:
        # Asked before anyone ticks the review box: a month that cannot pass (the flu questions in
        # September, a draft already started) is said at once, not after the person has confirmed.
        try:
            self._context.store.check_no_changes(self.location.id, self.period)
        except StoreError as exc:
            self._refused(exc)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"{self.location.name} — {self.period.label}"))
        accepted = parse_moment(self.base.accepted_at)
        layout.addWidget(muted(
            f"This sends {self.period.label} as an unchanged copy of the return accepted for "
            f"{self.base.period.label} (revision {self.base.revision}"
            f"{', accepted on ' + day_text(accepted) if accepted else ''}). Check the figures below are still true."))
        layout.addWidget(self._figures())
        now = self._context.clock()
        reviewer = QLabel(f"Reviewed by <b>{_escape(self._person())}</b> now: "
                          f"{now:%H:%M} on {describe_day(now.date())}.")
        reviewer.setWordWrap(True)
        layout.addWidget(reviewer)
        layout.addWidget(self.confirm_box)
        layout.addWidget(self.message)
        layout.addWidget(muted("It works offline: it is sent when the network allows, with this review time."))
        layout.addWidget(self.buttons)
        self.confirm_box.setFocus()

    def _figures(self) -> QGroupBox:
        group = QGroupBox(f"Key figures accepted for {self.base.period.label}")
        form = QFormLayout(group)
        try:
            definition = self._context.store.form_for(self.location, self.period)
        except StoreError as exc:
            form.addRow(QLabel(str(exc)))
            return group
        for figure in key_figures(definition, self.base.values, self.base.not_known):
            value = QLabel(f"<b>{_escape(figure.text)}</b>")
            value.setAccessibleName(f"{figure.label}: {figure.text}")
            form.addRow(figure.label + ":", value)
        others = len(self.base.values) + len(self.base.not_known)
        form.addRow(muted(f"All {others} answers of {self.base.period.label} are copied as they were."))
        return group

    def _person(self) -> str:
        try:
            return self._context.person
        except StoreError:
            return "(nobody named: set who is working first)"

    def accept(self) -> None:
        """Queue it through the store; a refusal is shown here in words and nothing is changed."""
        if not self.confirm_box.isChecked():
            return
        try:
            self.submission = self._context.store.no_changes(self.location.id, self.period, self._context.person)
        except StoreError as exc:
            self._refused(exc)
            return
        self._context.events.return_changed.emit(self.location.id, str(self.period))
        self.queued.emit(self.submission)
        super().accept()

    def _refused(self, exc: StoreError) -> None:
        show_message(self.message, refusal_text(exc))
        self.confirm_box.setChecked(False)
        self.queue_button.setEnabled(False)
        self.confirm_box.setEnabled(False)
        self.open_button.setDefault(True)
        self.open_button.setFocus()

    def _open_instead(self) -> None:
        self.open_return_requested.emit()
        self.reject()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
