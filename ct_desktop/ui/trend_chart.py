"""A line chart of one figure over the last twelve months, drawn with QPainter (no QtCharts here).

Each month has a slot on the x axis whether or not it has a figure, so a gap shows as a gap (the line
breaks) and one lone point still sits above its month. The numbers are also given in words through
the accessible description, for screen readers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ct_desktop.period import Period
from ct_desktop.ui.figures import TrendSeries, describe_points, show_number
from ct_desktop.ui.theme import ink, is_dark, mix, readable, text_goal


@dataclass(frozen=True)
class ChartColours:
    """The chart's colours under one palette: its base as the background, text and lines readable on it."""

    background: QColor
    line: QColor
    grid: QColor
    axis: QColor
    text: QColor
    missing: QColor

    @classmethod
    def of(cls, palette: QPalette) -> ChartColours:
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        goal = text_goal(palette)
        line = readable(LINE if not is_dark(palette) else ink("accent", palette), [base], 3.0)
        return cls(background=base, line=line, grid=mix(base, text, 0.12),
                   axis=readable(mix(text, base, 0.3), [base], goal), text=readable(text, [base], goal),
                   missing=readable(mix(text, base, 0.45), [base], goal))

LINE = QColor("#1a73e8")  # the line under a light palette; a paler blue under a dark one

Points = Sequence[tuple[Period, float | int | None]]


def nice_scale(largest: float, ticks: int = 4) -> tuple[float, float]:
    """(top, step) of a y axis from 0 that holds ``largest`` in about ``ticks`` round steps."""
    if largest <= 0:
        return float(ticks), 1.0
    raw = largest / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1 and largest >= 1:
        step = 1.0  # counts of beds and staff: no half-people on the axis
    return step * math.ceil(largest / step), step


class TrendChart(QWidget):
    """Months along the bottom, the figure up the side, a line through the months that have one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.series: TrendSeries | None = None
        self.points: list[tuple[Period, float | int | None]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable by Tab, so a screen reader reads it
        self.setAccessibleName("Trend chart")
        self.colours = ChartColours.of(self.palette())

    def set_points(self, series: TrendSeries, points: Points) -> None:
        """Show a series; ``points`` are (month, figure or None), oldest first."""
        self.series = series
        self.points = list(points)
        self.setAccessibleName(f"Trend chart: {series.title}")
        self.setAccessibleDescription(describe_points(series, self.points))
        self.setToolTip(describe_points(series, self.points))
        self.update()

    @property
    def known(self) -> list[tuple[int, float | int]]:
        """(slot, figure) of the months that have a figure."""
        return [(index, value) for index, (_period, value) in enumerate(self.points) if value is not None]

    def sizeHint(self) -> QSize:
        return QSize(640, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 130)

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw axes, grid, month labels, the line (broken at gaps) and the points with their figures."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.colours = ChartColours.of(self.palette())
        painter.fillRect(self.rect(), self.colours.background)
        metrics = painter.fontMetrics()
        if not self.known:
            painter.setPen(self.colours.axis)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "No accepted returns with this figure in these months yet.")
            return
        top, step = nice_scale(max(value for _, value in self.known))
        labels = [show_number(step * i) for i in range(round(top / step) + 1)]
        left = max(metrics.horizontalAdvance(text) for text in labels) + 14
        plot = QRectF(left, metrics.height() * 1.5, self.width() - left - 16,
                      self.height() - metrics.height() * 4.2)
        self._draw_grid(painter, plot, top, step, labels)
        self._draw_months(painter, plot)
        self._draw_line(painter, plot, top)

    def _x(self, plot: QRectF, index: int) -> float:
        return plot.left() + (index + 0.5) * plot.width() / max(1, len(self.points))

    @staticmethod
    def _y(plot: QRectF, value: float, top: float) -> float:
        return plot.bottom() - (value / top) * plot.height()

    def _draw_grid(self, painter: QPainter, plot: QRectF, top: float, step: float, labels: list[str]) -> None:
        metrics = painter.fontMetrics()
        for i, text in enumerate(labels):
            y = self._y(plot, step * i, top)
            painter.setPen(QPen(self.colours.grid if i else self.colours.axis, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(self.colours.axis)
            painter.drawText(QRectF(0, y - metrics.height() / 2, plot.left() - 8, metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        if self.series is not None:
            painter.setPen(self.colours.axis)
            painter.drawText(QRectF(plot.left(), 0, plot.width(), metrics.height() * 1.3),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.series.unit)

    def _draw_months(self, painter: QPainter, plot: QRectF) -> None:
        metrics = painter.fontMetrics()
        slot = plot.width() / max(1, len(self.points))
        for index, (period, value) in enumerate(self.points):
            x = self._x(plot, index)
            painter.setPen(self.colours.text if value is not None else self.colours.missing)
            month = period.label[:3] if slot >= metrics.horizontalAdvance("Mmm") + 4 else period.label[:1]
            painter.drawText(QRectF(x - slot / 2, plot.bottom() + 4, slot, metrics.height()),
                             Qt.AlignmentFlag.AlignHCenter, month)
            if index == 0 or period.month == 1:
                painter.setPen(self.colours.axis)
                painter.drawText(QRectF(x - slot, plot.bottom() + 4 + metrics.height(), slot * 2, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter, str(period.year))

    def _draw_line(self, painter: QPainter, plot: QRectF, top: float) -> None:
        known = self.known
        painter.setPen(QPen(self.colours.line, 2.5))
        for (i, a), (j, b) in itertools.pairwise(known):
            if j == i + 1:  # only neighbouring months: a month without a return breaks the line
                painter.drawLine(QPointF(self._x(plot, i), self._y(plot, a, top)),
                                 QPointF(self._x(plot, j), self._y(plot, b, top)))
        small = QFont(painter.font())
        small.setPointSizeF(max(7.5, small.pointSizeF() * 0.85))
        painter.setFont(small)
        metrics = painter.fontMetrics()
        slot = plot.width() / max(1, len(self.points))
        for index, value in known:
            centre = QPointF(self._x(plot, index), self._y(plot, value, top))
            painter.setPen(QPen(self.colours.background, 1.5))
            painter.setBrush(self.colours.line)
            painter.drawEllipse(centre, 4.5, 4.5)
            text = show_number(value)
            if metrics.horizontalAdvance(text) <= slot - 2:
                painter.setPen(self.colours.text)
                painter.drawText(QRectF(centre.x() - slot / 2, centre.y() - metrics.height() - 6, slot,
                                        metrics.height()), Qt.AlignmentFlag.AlignHCenter, text)
