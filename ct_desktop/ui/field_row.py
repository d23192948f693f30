"""One question of the form as a row (label, requirement, guidance, input, last month, messages),
and one section of the form as a group of rows with its running totals."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ct_desktop.forms.model import Field, Grid, Section
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


class MessageList(QLabel):
    """The messages of a question as one line beside its input: errors, warnings, the tracker's, "not saved".

    One line, always the same height, so a message appearing never pushes the questions below it
    down; the whole text is in the tooltip, the problems list and the "This question" panel. Each
    message says its kind in words.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._shown: list[tuple[str, str]] = []
        self.setObjectName("message_none")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(0)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_messages(self, messages: Sequence[tuple[str, str]]) -> None:
        """Show (kind, text) pairs; nothing is redrawn when they did not change."""
        messages = list(messages)
        if messages == self._shown:
            return
        self._shown = messages
        kind = messages[0][0] if messages else "none"
        if self.objectName() != f"message_{kind}":
            self.setObjectName(f"message_{kind}")
            self.style().unpolish(self)
            self.style().polish(self)
        self.setToolTip("\n".join(self.texts()))
        self._elide()

    def texts(self) -> list[str]:
        """The messages, with their prefixes (what a person reads)."""
        return [text for _kind, text in self.items()]

    def items(self) -> list[tuple[str, str]]:
        """(kind, text with its prefix) of each message: the kind gives its colour."""
        return [(kind, MESSAGE_PREFIX.get(kind, "") + text) for kind, text in self._shown]

    def _elide(self) -> None:
        texts = self.texts()
        line = texts[0] if texts else ""
        if len(texts) > 1:
            line += f" (and {len(texts) - 1} more)"
        width = max(0, self.width() - 4)
        self.setText(self.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, width) if line else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the line to the new width."""
        super().resizeEvent(event)
        self._elide()


class FieldRow(QWidget):
    """One question: everything a person needs to answer it, next to the input.

    A ``compact`` row is a cell of a grid: only the input and its "Not known" box are shown; the
    question's words, guidance and messages are in its tooltip and the "This question" panel.
    """

    def __init__(self, item: Field, parent: QWidget | None = None, compact: bool = False):
        super().__init__(parent)
        self.item = item
        self.compact = compact
        # Plain text: a label with a buddy turns any "&" into a mnemonic (Alt+letter), even in rich text.
        self.title = wrapped_label(name="fieldLabel")
        self.requirement_label = wrapped_label(name="requirement")
        self.guidance = wrapped_label(guidance_html(item), "guidance", rich=True)
        self.editor: AnswerEditor = make_editor(item, compact=compact)
        self.title.setBuddy(self.editor.focus_target())
        self.last_month = wrapped_label(name="lastMonth")
        self.messages = MessageList()
        self._requirement = Requirement("", marked=False)
        self._new = False
        self._messages: list[tuple[str, str]] = []
        self._related: str | None = None
        self._layout()
        # Only once every label has its parent: a label shown before that opens as a window of its own.
        self._show(self.guidance, bool(guidance_plain(item)))
        self.last_month.hide()
        self.set_requirement(Requirement("", marked=False))

    def _layout(self) -> None:
        if self.compact:
            cell = QHBoxLayout(self)
            cell.setContentsMargins(0, 0, 0, 0)
            cell.addWidget(self.editor)
            for label in (self.title, self.requirement_label, self.guidance, self.last_month, self.messages):
                label.setParent(self)
                label.hide()
            self.editor.setToolTip(self.item.label + (f"\n{guidance_plain(self.item)}" if guidance_plain(self.item)
                                                      else ""))
            return
        answer = QHBoxLayout()
        answer.setContentsMargins(0, 2, 0, 0)
        answer.addWidget(self.editor, 0)
        # Beside a one-line input last month's answer reads as a comparison; under a list of choices it fits better.
        beside = self.item.type != "choices"
        if beside:
            answer.addWidget(self.last_month, 0, Qt.AlignmentFlag.AlignVCenter)
        answer.addWidget(self.messages, 1, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 10)
        layout.setSpacing(3)
        for widget in (self.title, self.requirement_label, self.guidance):
            layout.addWidget(widget)
        layout.addLayout(answer)
        if not beside:
            self.last_month.setObjectName("lastMonthBelow")
            layout.addWidget(self.last_month)

    def _show(self, label: QWidget, visible: bool) -> None:
        label.setVisible(visible and not self.compact)

    def set_requirement(self, requirement: Requirement) -> None:
        """Show whether the question needs an answer now; a question not asked this month is disabled."""
        if requirement == self._requirement and self.title.text():
            return  # checked on every keystroke: touch the widgets only when something changed
        self._requirement = requirement
        self._set_title()
        self.requirement_label.setText(("* " if requirement.marked else "") + requirement.text)
        self._show(self.requirement_label, bool(requirement.text) and requirement.note)
        self.editor.set_asked(requirement.asked)
        self._describe()

    def set_new(self, new: bool) -> None:
        """Mark the question as new since the return was started (the question set was corrected)."""
        if new != self._new:
            self._new = new
            self._set_title()

    def is_new(self) -> bool:
        """Whether the question is marked as new."""
        return self._new

    def _set_title(self) -> None:
        marked = self._requirement.marked
        lead = "New: " if self._new else ""
        self.title.setText(lead + self.item.label.replace("&", "&&") + (" *" if marked else ""))
        self.title.setAccessibleName(lead + self.item.label + (", required" if marked else ""))
        if self.compact:
            self.editor.setToolTip(lead + self.item.label + (f"\n{guidance_plain(self.item)}"
                                                             if guidance_plain(self.item) else ""))

    def set_last_month(self, text: str | None) -> None:
        """Show last month's accepted answer beside the input (hidden when there is none)."""
        shown = bool(text) and not self.compact
        if (text or "") == self.last_month.text() and self.last_month.isVisibleTo(self) == shown:
            return
        self.last_month.setText(text or "")
        self._show(self.last_month, bool(text))
        self._describe()

    def set_messages(self, messages: Sequence[tuple[str, str]], related: str | None = None) -> None:
        """Show the messages about this question and outline the input by the worst of them.

        ``related`` is the worst severity of findings shown at another question that this one is
        part of: it outlines the input, without a message of its own.
        """
        if list(messages) == self._messages and related == self._related:
            return
        self._messages = list(messages)
        self._related = related
        self.messages.set_messages(self._messages)
        kinds = {kind for kind, _ in self._messages} | ({f"related_{related}"} if related else set())
        severity = None
        if kinds & {"error", "related_error", "not_saved", "tracker"}:
            severity = "error"
        elif kinds & {"warning", "related_warning"}:
            severity = "warning"
        self.editor.set_problem(severity)
        self._describe()

    def message_texts(self) -> list[str]:
        """The messages about this question, as a person reads them."""
        return self.messages.texts()

    def requirement(self) -> Requirement:
        """Whether the question needs an answer now, as last shown."""
        return self._requirement

    def _describe(self) -> None:
        # Screen readers get the same words sighted users see around the input.
        parts = [self._requirement.text, guidance_plain(self.item)]
        if self.item.unit:
            parts.append(f"Unit: {self.item.unit}.")
        if self.last_month.text():
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
        grid_keys = set(section.grid.keys()) if section.grid else set()
        for row in rows:
            if row.item.key not in grid_keys:
                layout.addWidget(row)
        self.grid: GridBox | None = None
        if section.grid is not None:
            self.grid = GridBox(section.grid, {row.item.key: row for row in rows if row.item.key in grid_keys})
            layout.addWidget(self.grid)
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


class GridBox(QWidget):
    """A section's figures as a table: a heading per column, a label per row, a cell per field,
    and (when the question set asks for it) a last row adding up each column."""

    def __init__(self, grid: Grid, cells: dict[str, FieldRow], parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = grid
        self.setObjectName("grid")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(4)
        for column, heading in enumerate(grid.columns, start=1):
            label = wrapped_label(heading, "gridHeading")
            layout.addWidget(label, 0, column, Qt.AlignmentFlag.AlignBottom)
        for number, row in enumerate(grid.rows, start=1):
            layout.addWidget(wrapped_label(row.label, "gridRowLabel"), number, 0)
            for column, key in enumerate(row.cells, start=1):
                if key is not None:
                    layout.addWidget(cells[key], number, column)
        self._sums: list[QLabel] = []
        if grid.total_label:
            last = len(grid.rows) + 1
            layout.addWidget(wrapped_label(grid.total_label, "gridTotal"), last, 0)
            for column in range(len(grid.columns)):
                label = wrapped_label(name="gridTotal")
                layout.addWidget(label, last, column + 1)
                self._sums.append(label)
        layout.setColumnStretch(len(grid.columns) + 1, 1)

    def set_sums(self, texts: Sequence[str]) -> None:
        """Show the last row: one sum per column."""
        for label, text in zip(self._sums, texts, strict=True):
            if label.text() != text:
                label.setText(text)
                label.setAccessibleName(text)

    def sums(self) -> list[str]:
        """The last row as shown."""
        return [label.text() for label in self._sums]
