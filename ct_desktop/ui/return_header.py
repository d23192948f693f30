"""The top of a return view: which return it is, when it is due, its state, whether it is saved;
and a banner for what the person should know before editing (queued, accepted, refused, changed on the tracker)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ct_desktop.ui.announce import announce
from ct_desktop.ui.field_row import wrapped_label


class ReturnHeader(QWidget):
    """Title, due date, state and form version, and the "Saved 14:02" mark."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = wrapped_label(name="viewTitle")
        self.details = wrapped_label(name="viewDetails")
        self.save_mark = QLabel()
        self.save_mark.setObjectName("saveMark")
        self.save_mark.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        line = QHBoxLayout()
        line.addWidget(self.details, 1)
        line.addWidget(self.save_mark, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addLayout(line)

    def set_text(self, title: str, details: str) -> None:
        """Show which return this is and where it stands."""
        self.title.setText(title)
        self.details.setText(details)

    def show_saved(self, text: str, state: str = "ok") -> None:
        """Show "Saved 14:02" (state ok), "Not saved: ..." (failed) or a plain note (idle)."""
        self.save_mark.setText(text)
        self.save_mark.setAccessibleName(text)
        if state != "idle":
            announce(self.save_mark, text)
        self.save_mark.setProperty("state", state)
        self.save_mark.style().unpolish(self.save_mark)
        self.save_mark.style().polish(self.save_mark)


class Banner(QFrame):
    """A coloured notice across the view, with an optional button."""

    action_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.text = wrapped_label(name="bannerText")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.action_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(self, kind: str, text: str, action: str | None = None) -> None:
        """Show a notice of a kind (info, warning, error, success), with a button when ``action`` names one."""
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        self.setAccessibleName(text)
        self.button.setText(action or "")
        self.button.setVisible(bool(action))
        self.show()

    def clear(self) -> None:
        """Hide the banner."""
        self.hide()
        self.text.clear()
