"""Inputs for one question of a return, one kind per field type.

Blank, zero and "not known" are three different answers: an empty box is blank, 0 is a value, and the
"Not known" box is an explicit answer that disables the input. An editor never saves anything: it
says what the person answered (``committed``) or why typed text cannot be saved (``refused``), and
the form view saves through the store.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ct_desktop.forms.model import Field, ValueProblem
from ct_desktop.models import NOT_KNOWN, same_answer

NOT_KNOWN_HELP = ("Tick Not known when the figure cannot be found out or does not apply: it answers the question. "
                  "A blank box is not an answer.")


class FieldTextValidator(QValidator):
    """Marks text the field cannot read as Intermediate, never Invalid.

    Invalid would swallow the keystroke: "3.5" typed into a count would silently become "35". Keeping
    every character lets the view say why the text cannot be saved.
    """

    def __init__(self, item: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self._item = item

    def validate(self, text: str, pos: int) -> QValidator.State:
        try:
            self._item.parse_text(text)
        except ValueProblem:
            return QValidator.State.Intermediate
        return QValidator.State.Acceptable


class AnswerLineEdit(QLineEdit):
    """A line edit that asks to be saved on Enter and on losing focus, whatever its text.

    QLineEdit's editingFinished is not emitted while the validator finds the text unacceptable, so
    the person would never learn why nothing was saved; ``commit_requested`` always fires.
    """

    commit_requested = Signal()

    def event(self, event: QEvent) -> bool:
        # Ctrl+Z is the form's undo of the last saved change, not the box's own undo of typing.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.matches(QKeySequence.StandardKey.Undo):
            event.ignore()
            return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            event.ignore()  # handed on to the form's Ctrl+Z
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commit_requested.emit()
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # a context menu is still "in" the box
            self.commit_requested.emit()


# Keys that save the answer and move on, like a spreadsheet: (step, down a grid column).
_MOVES = {
    (Qt.Key.Key_Tab, False): (1, False),
    (Qt.Key.Key_Backtab, False): (-1, False),
    (Qt.Key.Key_Backtab, True): (-1, False),
    (Qt.Key.Key_Tab, True): (-1, False),
    (Qt.Key.Key_Return, False): (1, True),
    (Qt.Key.Key_Enter, False): (1, True),
    (Qt.Key.Key_Return, True): (-1, True),
    (Qt.Key.Key_Enter, True): (-1, True),
}


class _MoveKeys(QObject):
    """Tab, Shift+Tab, Enter and Shift+Enter on any part of an editor: save, then ask to move on."""

    def __init__(self, editor: AnswerEditor):
        super().__init__(editor)
        self._editor = editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False  # Ctrl+Enter sends, Alt+... are the form's shortcuts
        shift = modifiers == Qt.KeyboardModifier.ShiftModifier
        move = _MOVES.get((Qt.Key(event.key()), shift))
        if move is None:
            return self._editor.answer_key(event)
        self._editor.commit()
        self._editor.move_requested.emit(*move)
        return True


class AnswerEditor(QWidget):
    """The input of one question with its "Not known" box; subclasses provide the input itself.

    Tab and Enter save the answer and ask the view to move to the next question (``move_requested``);
    "Not known" is not a stop of the Tab chain: Alt+N or a click reaches it.
    """

    committed = Signal(object)  # the answer to save: a value, None (blank) or NOT_KNOWN
    refused = Signal(str)  # typed text that cannot be saved, and why
    settled = Signal()  # asked to save, but the answer on screen is the saved one
    edited = Signal()  # the answer on screen changed and is not saved yet (typing)
    move_requested = Signal(int, bool)  # saved; now go to the next (1) or previous (-1) answer, down a grid or not

    def __init__(self, item: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.item = item
        self._saved: Any = None
        self._remembered: Any = None  # what was on screen before "Not known" was ticked
        self._loading = False
        self.not_known = QCheckBox("Not known")
        self.not_known.setAccessibleName(f"{item.label}: not known")
        self.not_known.setAccessibleDescription(NOT_KNOWN_HELP)
        self.not_known.setToolTip(NOT_KNOWN_HELP)
        self.not_known.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Alt+N or the mouse, not Tab
        self.not_known.toggled.connect(self._not_known_toggled)
        self._move_keys = _MoveKeys(self)

    def watch_keys(self) -> None:
        """Let Tab and Enter on every part of the editor save and move on (called once it is built)."""
        for widget in self.focus_widgets():
            widget.installEventFilter(self._move_keys)

    def answer_key(self, event: QKeyEvent) -> bool:
        """A key pressed in the editor other than Tab or Enter; True when it answered the question."""
        return False

    # What the view calls ----------------------------------------------------------------------------

    def load(self, answer: Any) -> None:
        """Show a saved answer (no signals: loading is not editing)."""
        self._loading = True
        try:
            self.not_known.blockSignals(True)
            self.not_known.setChecked(answer is NOT_KNOWN)
            self.not_known.blockSignals(False)
            self._remembered = None
            self._show(None if answer is NOT_KNOWN else answer)
            self._enable_inputs(answer is not NOT_KNOWN)
            self._saved = answer
        finally:
            self._loading = False

    def mark_saved(self, answer: Any) -> None:
        """The view saved this answer: it is the new baseline."""
        self._saved = answer

    def rebase(self, answer: Any) -> None:
        """The saved answer changed elsewhere while this one is being typed: compare with it, keep the typing."""
        self._saved = answer

    def saved_answer(self) -> Any:
        """The answer last loaded or saved."""
        return self._saved

    def on_screen(self) -> Any:
        """The answer shown now; raises ValueProblem for typed text the field cannot read."""
        return NOT_KNOWN if self.not_known.isChecked() else self._current()

    def pending(self) -> bool:
        """Whether the answer on screen differs from the saved one (typed, not yet saved)."""
        try:
            return not same_answer(self._saved, self.on_screen())
        except ValueProblem:
            return True

    def commit(self) -> None:
        """Ask for the answer on screen to be saved, or say why it cannot be."""
        if not (isValid(self) and isValid(self.not_known)):
            return  # focus moving while the window is being destroyed: nothing to save any more
        try:
            answer = self.on_screen()
        except ValueProblem as exc:
            self.refused.emit(str(exc))
            return
        if same_answer(self._saved, answer):
            self.settled.emit()
        else:
            self.committed.emit(answer)

    def toggle_not_known(self) -> None:
        """Tick or untick "Not known" (Alt+N), as a click would; the focus stays on the question."""
        if self.not_known.isEnabled():
            self.not_known.toggle()
            if self.not_known.isChecked():
                self.not_known.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_asked(self, asked: bool) -> None:
        """Disable the whole question (a seasonal one out of its season)."""
        self.setEnabled(asked)

    def set_problem(self, severity: str | None) -> None:
        """Outline the input for an error or a warning (the message itself is shown by the row)."""
        for widget in self.inputs():
            if widget.property("problem") != (severity or ""):
                widget.setProperty("problem", severity or "")
                widget.style().unpolish(widget)
                widget.style().polish(widget)

    def focus_target(self) -> QWidget:
        """The widget that takes focus when the question is jumped to."""
        return self.inputs()[0]

    def entry_target(self) -> QWidget:
        """Where Tab and Enter land on this question: its input, or "Not known" while that is ticked."""
        target = self.focus_target()
        return target if target.isEnabled() else self.not_known

    def focus_widgets(self) -> list[QWidget]:
        """Every focusable part, in reading order."""
        return [*self.inputs(), self.not_known]

    # For subclasses ---------------------------------------------------------------------------------

    def inputs(self) -> list[QWidget]:
        """The input widgets (not the Not known box)."""
        raise NotImplementedError

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _current(self) -> Any:
        raise NotImplementedError

    def _snapshot(self) -> Any:
        # What is on screen, even if it cannot be read (typed text), to put back after "Not known".
        return self._current()

    def _restore(self, snapshot: Any) -> None:
        self._show(snapshot)

    def _enable_inputs(self, enabled: bool) -> None:
        for widget in self.inputs():
            widget.setEnabled(enabled)

    def _input_changed(self) -> None:
        # Buttons are answers as soon as they are clicked.
        if not self._loading:
            self.commit()

    def _not_known_toggled(self, checked: bool) -> None:
        if checked:
            self._remembered = self._snapshot()
            self._show(None)
        else:
            self._restore(self._remembered)
            self._remembered = None
        self._enable_inputs(not checked)
        if not checked:
            self.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)
        self.commit()


class NumberEditor(AnswerEditor):
    """A count or hours: a box that is blank when empty, with the unit beside it."""

    def __init__(self, item: Field, parent: QWidget | None = None, compact: bool = False):
        super().__init__(item, parent)
        self.line = AnswerLineEdit(self)
        self.line.setValidator(FieldTextValidator(item, self.line))
        self.line.setAccessibleName(item.label)
        width = self.line.fontMetrics().horizontalAdvance("0") * (6 if compact else 11) + 16
        self.line.setFixedWidth(width)
        self.line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.line.setPlaceholderText("blank")
        self.line.commit_requested.connect(self.commit)
        self.line.textEdited.connect(lambda _text: self.edited.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        if compact:
            # In a grid cell the box has no words of its own (its tooltip and accessible name say them).
            self.not_known.setText("")
            layout.setSpacing(2)
            layout.addWidget(self.not_known)
        else:
            if item.unit:
                unit = QLabel(item.unit)
                unit.setObjectName("unit")
                layout.addWidget(unit)
            layout.addSpacing(16)
            layout.addWidget(self.not_known)
            layout.addStretch(1)
        self.watch_keys()

    def inputs(self) -> list[QWidget]:
        return [self.line]

    def _enable_inputs(self, enabled: bool) -> None:
        super()._enable_inputs(enabled)
        self.line.setPlaceholderText("blank" if enabled else "not known")

    def mark_saved(self, answer: Any) -> None:
        super().mark_saved(answer)
        if answer is not NOT_KNOWN:
            self.line.setText(self.item.format_text(answer))  # "1,234" is shown back as 1234

    def _show(self, value: Any) -> None:
        self.line.setText(value if isinstance(value, str) else self.item.format_text(value))

    def _current(self) -> Any:
        return self.item.parse_text(self.line.text())

    def _snapshot(self) -> Any:
        return self.line.text()


class YesNoEditor(AnswerEditor):
    """Yes / No radio buttons; "Clear" puts the question back to blank."""

    def __init__(self, item: Field, parent: QWidget | None = None):
        super().__init__(item, parent)
        self.yes = QRadioButton("Yes")
        self.no = QRadioButton("No")
        self.group = QButtonGroup(self)
        for button, word in ((self.yes, "yes"), (self.no, "no")):
            button.setAccessibleName(f"{item.label}: {word}")
            self.group.addButton(button)
        self.clear = QPushButton("Clear")
        self.clear.setAccessibleName(f"{item.label}: clear the answer")
        self.clear.setToolTip("Leave this question blank (not answered)")
        self.clear.setAutoDefault(False)
        self.clear.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Delete clears from the keyboard
        self.group.buttonToggled.connect(lambda _button, checked: self._input_changed() if checked else None)
        self.clear.clicked.connect(self._clear_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.yes, self.no):
            layout.addWidget(widget)
        layout.addWidget(self.clear)
        layout.addSpacing(16)
        layout.addWidget(self.not_known)
        layout.addStretch(1)
        self.watch_keys()

    def inputs(self) -> list[QWidget]:
        return [self.yes, self.no, self.clear]

    def focus_target(self) -> QWidget:
        # One stop for the question: the answer given, or Yes.
        return self.no if self.no.isChecked() else self.yes

    def answer_key(self, event: QKeyEvent) -> bool:
        """Y or N answers, the arrow keys move between Yes and No, Delete or Backspace clears."""
        if not self.yes.isEnabled():
            return False
        key = event.key()
        if key in (Qt.Key.Key_Y, Qt.Key.Key_N) and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            self._choose(self.yes if key == Qt.Key.Key_Y else self.no)
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Right, Qt.Key.Key_Down):
            self._choose(self.yes if key in (Qt.Key.Key_Left, Qt.Key.Key_Up) else self.no)
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._current() is not None:
            self._clear_clicked()
            return True
        return False

    def _choose(self, button: QRadioButton) -> None:
        button.setFocus(Qt.FocusReason.OtherFocusReason)
        if not button.isChecked():
            button.setChecked(True)  # saved at once, as a click is

    def _show(self, value: Any) -> None:
        # An exclusive group cannot be emptied by unchecking; lift exclusivity for a moment.
        self.group.blockSignals(True)
        self.group.setExclusive(False)
        self.yes.setChecked(value == "yes")
        self.no.setChecked(value == "no")
        self.group.setExclusive(True)
        self.group.blockSignals(False)
        self.clear.setEnabled(value is not None and self.yes.isEnabled())

    def _enable_inputs(self, enabled: bool) -> None:
        super()._enable_inputs(enabled)
        self.clear.setEnabled(enabled and self._current() is not None)

    def _current(self) -> Any:
        if self.yes.isChecked():
            return "yes"
        return "no" if self.no.isChecked() else None

    def _input_changed(self) -> None:
        self.clear.setEnabled(self._current() is not None)
        super()._input_changed()

    def _clear_clicked(self) -> None:
        self._show(None)
        self.yes.setFocus(Qt.FocusReason.OtherFocusReason)
        self.commit()


class ChoicesEditor(AnswerEditor):
    """One check box per choice; none ticked is blank."""

    def __init__(self, item: Field, parent: QWidget | None = None):
        super().__init__(item, parent)
        self.boxes: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for option in item.options:
            box = QCheckBox(option.label)
            box.setAccessibleName(f"{item.label}: {option.label}")
            box.toggled.connect(lambda _checked: self._input_changed())
            self.boxes[option.key] = box
            layout.addWidget(box)
        layout.addSpacing(4)
        layout.addWidget(self.not_known)
        self.watch_keys()

    def inputs(self) -> list[QWidget]:
        return list(self.boxes.values())

    def answer_key(self, event: QKeyEvent) -> bool:
        """Up and Down move between the choices (Space ticks one); digit n ticks or unticks the n-th."""
        boxes = list(self.boxes.values())
        focused = next((index for index, box in enumerate(boxes) if box.hasFocus()), 0)
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if key == Qt.Key.Key_Up else 1
            boxes[(focused + step) % len(boxes)].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and key - Qt.Key.Key_1 < len(boxes) and boxes[0].isEnabled():
            box = boxes[key - Qt.Key.Key_1]
            box.setFocus(Qt.FocusReason.OtherFocusReason)
            box.toggle()
            return True
        return False

    def _show(self, value: Any) -> None:
        chosen = set(value or ())
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(key in chosen)
            box.blockSignals(False)

    def _current(self) -> Any:
        chosen = [key for key, box in self.boxes.items() if box.isChecked()]
        return chosen or None


def make_editor(item: Field, parent: QWidget | None = None, compact: bool = False) -> AnswerEditor:
    """The editor for a field's type (``compact``: a figure in a cell of a grid)."""
    if item.numeric:
        return NumberEditor(item, parent, compact=compact)
    if item.type == "yesno":
        return YesNoEditor(item, parent)
    return ChoicesEditor(item, parent)
