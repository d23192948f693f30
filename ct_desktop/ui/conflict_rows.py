"""The answers of a return in conflict, side by side: ours, the tracker's, and a choice per question."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QGridLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from ct_desktop.ui.comparison import Comparison
from ct_desktop.ui.field_row import wrapped_label
from ct_desktop.ui.field_text import answer_text

OURS, THEIRS = "ours", "theirs"


class ComparisonGrid(QWidget):
    """A grid of questions with both answers; where they differ, "Keep ours" / "Use the tracker's"."""

    choice_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("comparisonGrid")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._grid_host: QWidget | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self._same_rows: list[list[QWidget]] = []

    def show_comparisons(self, comparisons: list[Comparison], show_all: bool) -> None:
        """Rebuild the grid (choices start unmade: each one is the person's decision)."""
        if self._grid_host is not None:
            self._layout.removeWidget(self._grid_host)
            self._grid_host.hide()
            self._grid_host.deleteLater()
        self.groups = {}
        self._same_rows = []
        self._grid_host = QWidget()
        grid = QGridLayout(self._grid_host)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        for column, title in enumerate(("Question", "Your answer", "The tracker's answer", "Keep")):
            heading = QLabel(title)
            heading.setObjectName("gridHeading")
            grid.addWidget(heading, 0, column)
        for number, comparison in enumerate(comparisons, start=1):
            self._add_row(grid, 2 * number, comparison)
        for column, stretch in enumerate((5, 2, 2, 0)):
            grid.setColumnStretch(column, stretch)
        grid.setRowStretch(2 * len(comparisons) + 1, 1)
        self._layout.addWidget(self._grid_host)
        self.set_show_all(show_all)

    def _add_row(self, grid: QGridLayout, number: int, comparison: Comparison) -> None:
        item = comparison.item
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setObjectName("rowLine")
        grid.addWidget(line, number - 1, 0, 1, 4)
        label = wrapped_label(item.label, "conflictQuestion")
        ours = wrapped_label(answer_text(item, comparison.ours), "ourAnswer")
        theirs = wrapped_label(answer_text(item, comparison.theirs), "trackerAnswer")
        grid.addWidget(label, number, 0)
        grid.addWidget(ours, number, 1)
        grid.addWidget(theirs, number, 2)
        if not comparison.differs:
            same = QLabel("Same")
            same.setObjectName("sameAnswer")
            grid.addWidget(same, number, 3)
            self._same_rows.append([line, label, ours, theirs, same])
            return
        for widget in (label, ours, theirs):
            widget.setProperty("differs", True)
        choice = QWidget()
        box = QVBoxLayout(choice)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        group = QButtonGroup(choice)
        for side, text in ((OURS, "Keep ours"), (THEIRS, "Use the tracker's")):
            button = QRadioButton(text)
            button.setObjectName(f"{item.key}_{side}")
            shown = answer_text(item, comparison.ours if side == OURS else comparison.theirs)
            button.setAccessibleName(f"{item.label}: {text.lower()} ({shown})")
            group.addButton(button)
            box.addWidget(button)
        group.buttonToggled.connect(lambda _button, checked: self.choice_changed.emit() if checked else None)
        self.groups[item.key] = group
        grid.addWidget(choice, number, 3)

    def set_show_all(self, show_all: bool) -> None:
        """Show the questions with the same answer on both sides too, or only those that differ."""
        for widgets in self._same_rows:
            for widget in widgets:
                widget.setVisible(show_all)

    def choose_all(self, side: str) -> None:
        """Pick one side for every question that differs."""
        for key in self.groups:
            self.button(key, side).setChecked(True)
        self.choice_changed.emit()

    def button(self, key: str, side: str) -> QRadioButton:
        """The "Keep ours" or "Use the tracker's" button of a question; KeyError for a question not shown."""
        button = self.findChild(QRadioButton, f"{key}_{side}")
        if button is None:
            raise KeyError(f"{key}_{side}")
        return button

    def choices(self) -> dict[str, str | None]:
        """For each question that differs: ours, theirs, or None while undecided."""
        picked: dict[str, str | None] = {}
        for key in self.groups:
            if self.button(key, OURS).isChecked():
                picked[key] = OURS
            elif self.button(key, THEIRS).isChecked():
                picked[key] = THEIRS
            else:
                picked[key] = None
        return picked

    def focus_widgets(self) -> list[QWidget]:
        """The radio buttons, row by row."""
        return [self.button(key, side) for key in self.groups for side in (OURS, THEIRS)]
