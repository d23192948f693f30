"""One question of the form as a row (label, requirement, guidance, input, last month, messages),
and one section of the form as a group of rows with its running totals."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ct_desktop.forms.model import Field, Section
from ct_desktop.ui.field_editors import AnswerEditor, make_editor
from ct_desktop.ui.field_text import Requirement

# Kinds of message a row shows, with the word that says what it is without relying on colour.
MESSAGE_PREFIX = {
    "error": "Error: ",
    "warning": "Check: ",
    "related_error": "",
    "related_warning": "",
    "tracker": "The tracker said: ",
    "not_saved": "Not saved: ",
}


def wrapped_label(text: str = "", name: str = "", rich: bool = False) -> QLabel:
    """A label that wraps instead of widening the form (no horizontal scrolling at 150%)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


def guidance_html(item: Field) -> str:
    """The guidance of a field with its include and exclude notes, as rich text."""
    parts = [escape(item.guidance)] if item.guidance else []
    if item.include:
        parts.append(f"<b>Include:</b> {escape(item.include)}")
    if item.exclude:
        parts.append(f"<b>Exclude:</b> {escape(item.exclude)}")
    return "<br>".join(parts)


def guidance_plain(item: Field) -> str:
    """The same guidance as plain sentences, for screen readers."""
    parts = [item.guidance] if item.guidance else []
    if item.include:
        parts.append(f"Include: {item.include}")
    if item.exclude:
        parts.append(f"Exclude: {item.exclude}")
    return " ".join(parts)


class MessageList(QWidget):
    """The messages under a question: errors, warnings, the tracker's, "not saved"; each says its kind in words."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._shown: list[tuple[str, str]] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.hide()

    def set_messages(self, messages: Sequence[tuple[str, str]]) -> None:
        """Show (kind, text) pairs; nothing is rebuilt when they did not change."""
        messages = list(messages)
        if messages == self._shown:
            return
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # deleteLater waits for the event loop; meanwhile it must not show
                widget.deleteLater()
        for kind, text in messages:
            self._layout.addWidget(wrapped_label(MESSAGE_PREFIX.get(kind, "") + text, f"message_{kind}"))
        self._shown = messages
        self.setVisible(bool(messages))

    def texts(self) -> list[str]:
        """The messages shown, with their prefixes (what a person reads)."""
        return [MESSAGE_PREFIX.get(kind, "") + text for kind, text in self._shown]


class FieldRow(QWidget):
    """One question: everything a person needs to answer it, next to the input."""

    def __init__(self, item: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.item = item
        # Plain text: a label with a buddy turns any "&" into a mnemonic (Alt+letter), even in rich text.
        self.title = wrapped_label(name="fieldLabel")
        self.requirement_label = wrapped_label(name="requirement")
        self.guidance = wrapped_label(guidance_html(item), "guidance", rich=True)
        self.guidance.setVisible(bool(guidance_plain(item)))
        self.editor: AnswerEditor = make_editor(item)
        self.title.setBuddy(self.editor.focus_target())
        self.last_month = wrapped_label(name="lastMonth")
        self.last_month.hide()
        self.messages = MessageList()
        self._requirement = Requirement("", marked=False)
        self._messages: list[tuple[str, str]] = []
        self._layout()
        self.set_requirement(Requirement("", marked=False))

    def _layout(self) -> None:
        answer = QHBoxLayout()
        answer.setContentsMargins(0, 2, 0, 0)
        answer.addWidget(self.editor, 0)
        # Beside a one-line input last month's answer reads as a comparison; under a list of choices it fits better.
        beside = self.item.type != "choices"
        if beside:
            answer.addWidget(self.last_month, 1, Qt.AlignmentFlag.AlignVCenter)
        else:
            answer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 10)
        layout.setSpacing(3)
        for widget in (self.title, self.requirement_label, self.guidance):
            layout.addWidget(widget)
        layout.addLayout(answer)
        if not beside:
            self.last_month.setObjectName("lastMonthBelow")
            layout.addWidget(self.last_month)
        layout.addWidget(self.messages)

    def set_requirement(self, requirement: Requirement) -> None:
        """Show whether the question needs an answer now; a question not asked this month is disabled."""
        if requirement == self._requirement and self.title.text():
            return  # checked on every keystroke: touch the widgets only when something changed
        self._requirement = requirement
        self.title.setText(self.item.label.replace("&", "&&") + (" *" if requirement.marked else ""))
        self.title.setAccessibleName(self.item.label + (", required" if requirement.marked else ""))
        self.requirement_label.setText(("* " if requirement.marked else "") + requirement.text)
        self.requirement_label.setVisible(bool(requirement.text) and requirement.note)
        self.editor.set_asked(requirement.asked)
        self._describe()

    def set_last_month(self, text: str | None) -> None:
        """Show last month's accepted answer beside the input (hidden when there is none)."""
        if (text or "") == self.last_month.text() and self.last_month.isVisibleTo(self) == bool(text):
            return
        self.last_month.setText(text or "")
        self.last_month.setVisible(bool(text))
        self._describe()

    def set_messages(self, messages: Sequence[tuple[str, str]]) -> None:
        """Show the messages about this question and outline the input by the worst of them."""
        if list(messages) == self._messages:
            return
        self._messages = list(messages)
        self.messages.set_messages(self._messages)
        kinds = {kind for kind, _ in self._messages}
        severity = None
        if kinds & {"error", "related_error", "not_saved", "tracker"}:
            severity = "error"
        elif kinds & {"warning", "related_warning"}:
            severity = "warning"
        self.editor.set_problem(severity)
        self._describe()

    def _describe(self) -> None:
        # Screen readers get the same words sighted users see around the input.
        parts = [self._requirement.text, guidance_plain(self.item)]
        if self.item.unit:
            parts.append(f"Unit: {self.item.unit}.")
        if self.last_month.isVisibleTo(self) and self.last_month.text():
            parts.append(self.last_month.text() + ".")
        parts += [MESSAGE_PREFIX.get(kind, "") + text for kind, text in self._messages]
        description = " ".join(part for part in parts if part)
        for widget in self.editor.inputs():
            widget.setAccessibleDescription(description)


class SectionBox(QGroupBox):
    """A section of the form: its title and guidance, its questions and its running totals."""

    def __init__(self, section: Section, rows: Sequence[FieldRow], parent: QWidget | None = None):
        super().__init__(section.title, parent)
        self.section = section
        self.setObjectName("section")
        layout = QVBoxLayout(self)
        layout.setSpacing(0)
        if section.guidance:
            guidance = wrapped_label(section.guidance, "sectionGuidance")
            layout.addWidget(guidance)
            layout.addSpacing(4)
        for row in rows:
            layout.addWidget(row)
        self._totals = [wrapped_label(name="total") for _ in section.totals]
        for label in self._totals:
            layout.addWidget(label)

    def set_totals(self, lines: Sequence[str]) -> None:
        """Show the section's totals, one line each."""
        for label, line in zip(self._totals, lines, strict=True):
            if label.text() == line:
                continue
            label.setText(line)
            label.setAccessibleName(line)

    def totals(self) -> list[str]:
        """The totals shown."""
        return [label.text() for label in self._totals]
