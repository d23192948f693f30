"""After a conflict (409): the tracker's copy changed since we started. Show both, let the person choose
per question, write the chosen tracker answers through the store (so history records who took them),
then send or go back to the form."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.forms.findings import errors, warnings
from ct_desktop.forms.model import count_text
from ct_desktop.models import ReturnState
from ct_desktop.period import Period
from ct_desktop.store import StoreError
from ct_desktop.ui.comparison import compare
from ct_desktop.ui.conflict_rows import OURS, THEIRS, ComparisonGrid
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.field_row import wrapped_label
from ct_desktop.ui.form_banner import conflict_summary
from ct_desktop.ui.form_style import style_conflict_view
from ct_desktop.ui.keyboard import add_shortcut


class ConflictView(QWidget):
    """Our answers beside the tracker's, a choice per question, "Apply choices", then send or go back."""

    SCREEN_NAME = "choosing between two copies"
    SCREEN_KEYS = (  # F1 lists them (ui/shortcuts_help.py)
        ("Tab / Shift+Tab", "Move between the answers' choices and the buttons"),
        ("Arrow keys", "Keep ours or use the tracker's, for the answer with focus"),
        ("Alt+K / Alt+U", "Keep all of ours / use all of the tracker's"),
        ("Alt+A", "Apply choices"),
        ("Ctrl+Enter", "Send now"),
        ("Esc", "Back to all locations"),
    )

    resolved = Signal(str, str)  # location id, "YYYY-MM": sent, or handed back to the form

    def __init__(self, context: AppContext, location_id: str, period: Period, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self._location_id = location_id
        self._period = period
        self._location = context.store.location(location_id)
        self._form = context.store.form_for(self._location, period)
        self._applied = False
        self._leave_warned = False
        self._warning_texts: tuple[str, ...] = ()
        self.setObjectName("conflictView")
        style_conflict_view(self)
        self._build()
        self._load()

    def _build(self) -> None:
        self.title = wrapped_label(f"Choose which answers to keep: {self._location.name}, {self._period.label}",
                                   "viewTitle")
        self.explanation = wrapped_label(name="bannerText")
        self.show_all = QCheckBox("Show all answers, not only those that differ")
        self.show_all.toggled.connect(lambda checked: self.grid.set_show_all(checked))
        self.keep_all = QPushButton("&Keep all of ours")
        self.take_all = QPushButton("&Use all of the tracker's")
        self.keep_all.clicked.connect(lambda: self.grid.choose_all(OURS))
        self.take_all.clicked.connect(lambda: self.grid.choose_all(THEIRS))
        self.grid: ComparisonGrid = ComparisonGrid()
        self.grid.choice_changed.connect(self._update_buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.grid)
        self.status = wrapped_label(name="sendStatus")
        self.before_sending = wrapped_label(name="beforeSending")
        self.confirm = QCheckBox("I have checked these figures")
        self.confirm.setObjectName("confirmWarnings")
        self.confirm.toggled.connect(lambda _checked: self._update_buttons())
        self.apply_button = QPushButton("&Apply choices")
        self.send_button = QPushButton("Send now")
        self.send_button.setObjectName("sendButton")
        self.back_button = QPushButton("Back to the form")
        self.apply_button.clicked.connect(self.apply_choices)
        self.send_button.clicked.connect(self.send)
        self.back_button.clicked.connect(self._back)
        for button in (self.keep_all, self.take_all, self.apply_button, self.send_button, self.back_button):
            button.setAutoDefault(False)
        add_shortcut(self, "Ctrl+Return", self._send_shortcut)
        add_shortcut(self, "Ctrl+Enter", self._send_shortcut)
        self._lay_out(scroll)

    def _lay_out(self, scroll: QScrollArea) -> None:
        bulk = QHBoxLayout()
        bulk.addWidget(self.show_all)
        bulk.addStretch(1)
        bulk.addWidget(self.keep_all)
        bulk.addWidget(self.take_all)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.back_button)
        bar.addWidget(self.apply_button)
        bar.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        layout.addLayout(bulk)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.before_sending)
        layout.addWidget(self.confirm, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(bar)

    # Loading ----------------------------------------------------------------------------------------

    def _load(self) -> None:
        draft = self._context.store.get_return(self._location_id, self._period)
        if draft is None or draft.server_copy is None:
            self.explanation.setText("There is nothing to compare: the tracker's copy has not changed since you "
                                     "started. Go back to the form.")
            self.comparisons = []
        else:
            self.comparisons = compare(self._form, draft)
            differing = sum(1 for c in self.comparisons if c.differs)
            if differing:
                self.explanation.setText(
                    f"{conflict_summary(draft)} Choose, for each answer, which to keep: yours, or the tracker's "
                    f"({count_text(differing, 'answer')} {'differs' if differing == 1 else 'differ'}). Nothing "
                    "changes until you press “Apply choices”; then send the return, so that the tracker has the "
                    "answers you chose.")
            else:
                self.explanation.setText(f"{conflict_summary(draft)} Your answers now match the tracker's copy: "
                                         "send the return to confirm them, or go back to the form.")
            self.show_all.setText("Show all answers, not only the one that differs" if differing == 1 else
                                  f"Show all answers, not only the {differing} that differ")
        self._state = draft.state if draft else None
        self.grid.show_comparisons(self.comparisons, self.show_all.isChecked())
        self._set_tab_order()
        self._update_buttons()

    def _set_tab_order(self) -> None:
        chain = [self.show_all, self.keep_all, self.take_all, *self.grid.focus_widgets(), self.confirm,
                 self.back_button, self.apply_button, self.send_button]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    # Choosing and applying --------------------------------------------------------------------------

    def _undecided(self) -> list[str]:
        return [key for key, side in self.grid.choices().items() if side is None]

    def _update_buttons(self) -> None:
        undecided = self._undecided()
        choosing = bool(self.grid.groups)
        self.keep_all.setEnabled(choosing)
        self.take_all.setEnabled(choosing)
        self.apply_button.setEnabled(choosing and not undecided)
        if choosing and undecided:
            self.status.setText(f"Choose for {count_text(len(undecided), 'more answer')}, then press "
                                "“Apply choices”.")
        elif choosing:
            self.status.setText("Every answer has a choice: press “Apply choices” to save them.")
        self._update_send()

    def apply_choices(self) -> None:
        """End the conflict with the person's choices: one step in the store, recorded in history."""
        picked = {key: self._tracker_answer(key) for key, side in self.grid.choices().items() if side == THEIRS}
        if self._undecided():
            return
        try:
            # All or nothing: the picked answers, one history row each, and the decision itself.
            self._context.store.resolve_conflict(self._location_id, self._period, picked, self._context.person)
        except StoreError as exc:
            self.status.setText(f"Not saved: {exc}")
            return
        self._applied = True
        self._state = ReturnState.DRAFT
        self._context.events.return_changed.emit(self._location_id, str(self._period))
        # The comparison stays on screen as a record of what was chosen, but can no longer be changed.
        self.grid.setEnabled(False)
        for button in (self.keep_all, self.take_all, self.apply_button, self.show_all):
            button.setEnabled(False)
        labels = ", ".join(self._form.field(key).label for key in picked)
        taken = f"Took {count_text(len(picked), 'answer')} from the tracker's copy ({labels})" if picked else \
            "Kept all your answers"
        self.status.setText(f"{taken}. Now send the return, or go back to the form.")
        self._update_send()

    def _tracker_answer(self, key: str) -> object:
        return next(c.theirs for c in self.comparisons if c.item.key == key)

    # Sending ----------------------------------------------------------------------------------------

    def _update_send(self) -> None:
        ready = (self._applied or not self.grid.groups) and self._state not in (None, ReturnState.QUEUED)
        found = self._context.store.findings(self._location_id, self._period) if ready else []
        wrong, check = errors(found), warnings(found)
        texts = tuple(f.message for f in check)
        if texts != self._warning_texts:
            self._warning_texts = texts
            self.confirm.setChecked(False)  # a confirmation covers the warnings shown
        if wrong:
            self.before_sending.setText(f"Before sending: {count_text(len(wrong), 'error')} to fix in the form, "
                                        "for example: " + wrong[0].message)
        elif check:
            self.before_sending.setText("Check before sending: " + " ".join(f"• {text}" for text in texts))
        self.before_sending.setVisible(ready and bool(wrong or check))
        self.confirm.setVisible(ready and bool(check) and not wrong)
        self.send_button.setEnabled(ready and not wrong and (not check or self.confirm.isChecked()))

    def send(self) -> None:
        """Queue the return with the chosen answers (warnings confirmed), then hand back."""
        if not self.send_button.isEnabled():
            return
        try:
            self._context.store.submit(self._location_id, self._period, self._context.person, confirm_warnings=True)
        except StoreError as exc:
            self.status.setText(f"Not sent: {exc}")
            return
        self._context.events.return_changed.emit(self._location_id, str(self._period))
        self.resolved.emit(self._location_id, str(self._period))

    def _send_shortcut(self) -> None:
        if self.send_button.isEnabled():
            self.send()

    def _back(self) -> None:
        chosen = any(side is not None for side in self.grid.choices().values())
        if chosen and not self._applied and not self._leave_warned:
            self._leave_warned = True
            self.status.setText("Your choices are not applied yet: press “Apply choices”, or “Back to the form” "
                                "again to leave without them.")
            return
        self.resolved.emit(self._location_id, str(self._period))


def conflict_dialog(context: AppContext, location_id: str, period: Period, parent: QWidget) -> QDialog:
    """The comparison in a window of its own (opened from the form's banner); it closes once resolved."""
    location = context.store.location(location_id)
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"Compare with the tracker's copy: {location.name}, {period.label}")
    view = ConflictView(context, location_id, period, dialog)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    view.resolved.connect(lambda *_: dialog.accept())
    return dialog
