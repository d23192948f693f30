"""The notice at the top of a return whose question set changed after it was started: what is no longer
asked (the answers kept, read only, with who typed them and when) and what is new, until someone says
they have seen it; after that, the answers kept for questions no longer asked stay listed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ct_desktop.forms.correction import KeptAnswer, QuestionSetChange
from ct_desktop.ui.field_row import wrapped_label
from ct_desktop.ui.field_text import brief_moment

SEEN = "I have seen these changes"
NO_LONGER_ASKED = "No longer asked (kept here and in the history, not sent):"


def kept_line(kept: KeptAnswer) -> str:
    """E.g. 'Rooms closed for repairs: 2 (typed by AB at 10:52 on 9 Sep)'."""
    answer = kept.shown if kept.answered else "not answered"
    typed = f" (typed by {kept.by} at {brief_moment(kept.at)})" if kept.by and kept.at else ""
    return f"{kept.label}: {answer}{typed}"


class CorrectionNotice(QFrame):
    """Shown only when the month's question set differs from the one the return was started under, or
    answers to questions it no longer asks are kept. Styled as the form's other banners."""

    acknowledged = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")  # the banner's colours, from the theme
        self.text = wrapped_label(name="bannerText")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.heading = wrapped_label(NO_LONGER_ASKED, "bannerText")
        self.kept = wrapped_label(name="keptAnswers")
        self.kept.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kept.setAccessibleName("Answers to questions no longer asked")
        self.button = QPushButton(SEEN)
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.acknowledged)
        words = QVBoxLayout()
        words.setSpacing(4)
        for label in (self.text, self.heading, self.kept):
            words.addWidget(label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(words, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_change(self, change: QuestionSetChange | None) -> None:
        """Show what changed (None: hide)."""
        if change is None:
            self.hide()
            return
        self.setProperty("kind", "warning" if change.corrected else "info")
        self.style().unpolish(self)
        self.style().polish(self)
        text = change.summary()
        if change.corrected:
            text += f" Read it, then press “{SEEN}”: the return can be sent after that."
        self.text.setText(text)
        self.text.setVisible(change.corrected)  # once seen, the list's own heading says it all
        gone = change.no_longer_asked if change.corrected else change.kept_answers
        self.kept.setText("\n".join(kept_line(kept) for kept in gone))
        self.heading.setVisible(bool(gone))
        self.kept.setVisible(bool(gone))
        self.button.setVisible(change.corrected)
        self.setAccessibleName(text)
        self.show()

    def kept_lines(self) -> list[str]:
        """The answers kept for questions no longer asked, as shown."""
        return self.kept.text().splitlines() if self.kept.isVisibleTo(self) else []
