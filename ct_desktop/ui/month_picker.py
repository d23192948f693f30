"""Choosing the month to work on: previous / next, and back to this month (for a late return)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ct_desktop.period import Period
from ct_desktop.ui.theme import heading

MONTHS_BACK = 24


class MonthPicker(QWidget):
    """◀ September 2026 ▶ [This month]; never later than this month, at most two years back."""

    period_changed = Signal(object)  # Period

    def __init__(self, this_month: Callable[[], Period], parent: QWidget | None = None):
        super().__init__(parent)
        self._this_month = this_month
        self.period = this_month()
        self.previous_button = QPushButton("◀  &Previous")
        self.previous_button.setAccessibleName("Previous month")
        self.previous_button.setToolTip("Previous month (Alt+P)")
        self.next_button = QPushButton("Ne&xt  ▶")
        self.next_button.setAccessibleName("Next month")
        self.next_button.setToolTip("Next month (Alt+X)")
        self.today_button = QPushButton("&This month")
        self.label: QLabel = heading("", 1.25)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("September 2026") + 24)
        self.previous_button.clicked.connect(lambda: self.set_period(self.period.previous()))
        self.next_button.clicked.connect(lambda: self.set_period(self.period.next()))
        self.today_button.clicked.connect(lambda: self.set_period(self._this_month()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.label)
        layout.addWidget(self.next_button)
        layout.addSpacing(8)
        layout.addWidget(self.today_button)
        self._show()

    def set_period(self, period: Period) -> None:
        """Move to a month (kept between two years back and this month); emits period_changed if it moved."""
        latest = self._this_month()
        earliest = latest
        for _ in range(MONTHS_BACK):
            earliest = earliest.previous()
        period = min(max(period, earliest), latest)
        if period == self.period:
            self._show()
            return
        self.period = period
        self._show()
        self.period_changed.emit(period)

    def _show(self) -> None:
        latest = self._this_month()
        self.label.setText(self.period.label)
        self.label.setAccessibleName(f"Month shown: {self.period.label}")
        self.next_button.setEnabled(self.period < latest)
        self.today_button.setEnabled(self.period != latest)
