"""The summary of a return's problems beside the form: what to fix, what to check, what is not answered yet.

Activating an entry jumps to its question. Warnings are confirmed here, with a box under the list
of them; the confirmation covers exactly the warnings listed, so a new or changed warning clears it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.forms.model import count_text
from ct_desktop.ui.field_row import wrapped_label
from ct_desktop.ui.form_presenter import ANSWER, CHECK, FIX, PanelEntry

GROUP_TITLES = {FIX: "To fix before sending", CHECK: "To check", ANSWER: "Not answered yet"}
KEY_ROLE = Qt.ItemDataRole.UserRole
PADDING = 4
Index = QModelIndex | QPersistentModelIndex


class WrappingDelegate(QStyledItemDelegate):
    """Draws each entry wrapped to the list's width, all of it.

    The stock delegate measures wrapped text at one width and draws it at a slightly smaller one, so
    the last line of a long message can be cut off; here both use the same rectangle.
    """

    def __init__(self, view: QListView, padding: int = PADDING):
        super().__init__(view)
        self._padding = padding

    def _width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        if isinstance(view, QListView):
            return max(80, view.viewport().width() - 2 * view.spacing())
        return option.rect.width()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Tall enough for the whole text wrapped to the list's width."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = self._width(option)
        pad = self._padding
        bounds = QFontMetrics(opt.font).boundingRect(QRect(0, 0, width - 2 * pad - 2, 100_000),
                                                     Qt.TextFlag.TextWordWrap, opt.text)
        return QSize(width, bounds.height() + 2 * pad)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """The item's background and focus as the style draws them, then the wrapped text."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(QPalette.ColorGroup.Active, role))
        pad = self._padding
        painter.drawText(opt.rect.adjusted(pad, pad, -pad - 2, -pad),
                         Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        painter.restore()


class FindingsPanel(QWidget):
    """The list of problems, grouped, and the "I have checked these figures" box for the warnings."""

    field_activated = Signal(str)  # the key of the question to jump to
    confirmation_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel("Problems")
        self.heading.setObjectName("panelHeading")
        self.summary = wrapped_label(name="panelSummary")
        self.list = QListWidget()
        self.list.setObjectName("findings")
        self.list.setAccessibleName("Problems with this return")
        self.list.setAccessibleDescription("Press Enter on a problem to go to its question. F6 goes back to the form.")
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(1)
        self.list.setItemDelegate(WrappingDelegate(self.list))
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.confirm = QCheckBox("I have checked these figures")
        self.confirm.setObjectName("confirmWarnings")
        self.confirm_note = wrapped_label(name="confirmNote")
        self.confirm.toggled.connect(self.confirmation_changed)
        self._warnings: tuple[str, ...] = ()
        self._entries: list[PanelEntry] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.confirm_note)
        layout.addWidget(self.confirm)
        self.show_entries([])

    def show_entries(self, entries: Sequence[PanelEntry]) -> None:
        """Show the problems, grouped; keep the warnings' confirmation only if the same warnings remain."""
        entries = list(entries)
        if entries != self._entries:
            self._entries = entries
            self._fill(entries)
        warnings = tuple(entry.text for entry in entries if entry.group == CHECK)
        if warnings != self._warnings:
            self._warnings = warnings
            self.confirm.setChecked(False)  # a confirmation covers the warnings the person saw
        self._show_confirmation(len(warnings))
        self.summary.setText(self._summary(entries))

    def warnings_confirmed(self) -> bool:
        """True when there are no warnings or the person confirmed the ones listed."""
        return not self._warnings or self.confirm.isChecked()

    def entries(self) -> list[PanelEntry]:
        """The entries listed."""
        return list(self._entries)

    def _fill(self, entries: list[PanelEntry]) -> None:
        current = self.list.currentItem()
        current_key = current.data(KEY_ROLE) if current else None
        self.list.clear()
        for group, title in GROUP_TITLES.items():
            members = [entry for entry in entries if entry.group == group]
            if not members:
                continue
            header = QListWidgetItem(f"{title} ({len(members)})")
            header.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading: skipped by the keyboard
            font = QFont(self.list.font())
            font.setBold(True)
            header.setFont(font)
            self.list.addItem(header)
            for entry in members:
                item = QListWidgetItem(entry.text)
                item.setData(KEY_ROLE, entry.key)
                item.setToolTip("Go to this question")
                self.list.addItem(item)
                if entry.key == current_key:
                    self.list.setCurrentItem(item)

    def _show_confirmation(self, warnings: int) -> None:
        self.confirm.setVisible(bool(warnings))
        self.confirm_note.setVisible(bool(warnings))
        if warnings:
            them = "the warning" if warnings == 1 else f"the {warnings} warnings"
            self.confirm_note.setText(f"Look again at {them} under “To check”. If the figures are right, tick "
                                      "the box to send them as they are.")
            self.confirm.setAccessibleDescription(" ".join(self._warnings))

    def _summary(self, entries: list[PanelEntry]) -> str:
        counts = {group: sum(1 for entry in entries if entry.group == group) for group in GROUP_TITLES}
        if not any(counts.values()):
            return "No problems found. Every question is answered."
        parts = []
        if counts[FIX]:
            parts.append(count_text(counts[FIX], "error") + " to fix")
        if counts[CHECK]:
            parts.append(count_text(counts[CHECK], "warning") + " to check")
        if counts[ANSWER]:
            parts.append(count_text(counts[ANSWER], "question") + " not answered yet")
        return "; ".join(parts) + "."

    def _activated(self, item: QListWidgetItem) -> None:
        key = item.data(KEY_ROLE)
        if key:
            self.field_activated.emit(key)
