"""Contrast of the text actually painted: grab a window, read the pixels of each text, WCAG ratio.

The texts measured are what a person reads: every QLabel, the text beside a check box or a radio
button, the title of a group box, the text of a push button or a toolbar's button, what a box shows (or its placeholder)
and the visible entries of a list or a table and its header, enabled or not (a question not asked
this month is disabled and must still be readable). A text cut off by the edge of a scrolled area
is left for the scroll position that shows it whole.

The background of a text is the commonest colour in its rectangle; its text colour is, in each run
of columns that holds ink (a word, roughly), the pixel that differs most from that background. The
text's contrast is the lowest over its words, so a grey second half of a title is measured too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionGroupBox,
    QTableWidget,
    QToolButton,
    QWidget,
)

from ct_desktop.ui.theme import contrast_ratio


def painted_contrast(image: QImage, rect: QRect) -> float | None:
    """The lowest text contrast in ``rect`` of ``image``; None when the rectangle is empty."""
    rect = rect.intersected(image.rect())
    if rect.width() < 2 or rect.height() < 2:
        return None
    pixels = [[image.pixel(x, y) & 0xFFFFFF for x in range(rect.left(), rect.right() + 1)]
              for y in range(rect.top(), rect.bottom() + 1)]
    background = Counter(p for row in pixels for p in row).most_common(1)[0][0]
    cache: dict[int, float] = {}
    back = QColor.fromRgb(background)

    def ratio(p: int) -> float:
        if p not in cache:
            cache[p] = contrast_ratio(QColor.fromRgb(p), back)
        return cache[p]

    columns = list(zip(*pixels, strict=True))
    words: list[list[tuple[int, ...]]] = []
    current: list[tuple[int, ...]] = []
    gap = 0
    for column in columns:
        if any(ratio(p) > 1.3 for p in column):
            current.append(column)
            gap = 0
        else:
            gap += 1
            if gap >= 4 and current:
                words.append(current)
                current = []
    if current:
        words.append(current)
    lowest = None
    for word in words:
        ink = [p for column in word for p in column if ratio(p) > 1.3]
        if len(ink) < 8 or len(word) < 3:
            # A dot, a speck of antialiasing or a one-stroke "I" or "l", whose stroke can fall between two
            # columns of pixels and so never reach the text's full colour: not a word to measure on its own.
            continue
        best = max(ratio(p) for p in ink)
        lowest = best if lowest is None else min(lowest, best)
    if lowest is None:  # text with no visible ink at all: white on white
        lowest = max(ratio(p) for row in pixels for p in row)
    return lowest


def _button_text_rect(button: QAbstractButton) -> QRect:
    """Where a check box, radio button or push button draws its text, in its own coordinates."""
    option = QStyleOptionButton()
    button.initStyleOption(option)  # type: ignore[attr-defined]
    style = button.style()
    if isinstance(button, QCheckBox):
        return style.subElementRect(QStyle.SubElement.SE_CheckBoxContents, option, button)
    if isinstance(button, QRadioButton):
        return style.subElementRect(QStyle.SubElement.SE_RadioButtonContents, option, button)
    # A push button: inside its frame, where the bevel does not reach.
    return style.subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button).adjusted(2, 2, -2, -2)


def _group_title_rect(group: QGroupBox) -> QRect:
    option = QStyleOptionGroupBox()
    group.initStyleOption(option)  # type: ignore[attr-defined]
    return group.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, option,
                                        QStyle.SubControl.SC_GroupBoxLabel, group)


def texts_of(window: QWidget) -> Iterator[tuple[str, QWidget, QRect]]:
    """(text, widget, rectangle in the widget) of every text of ``window`` a person can see."""
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.visibleRegion().isEmpty():
            continue
        if isinstance(widget, QLabel) and widget.text().strip():
            yield widget.text(), widget, widget.contentsRect()
        elif isinstance(widget, QCheckBox | QRadioButton | QPushButton) and widget.text().strip():
            yield widget.text(), widget, _button_text_rect(widget)
        elif isinstance(widget, QToolButton) and widget.text().strip():
            yield widget.text(), widget, widget.rect().adjusted(3, 3, -3, -3)
        elif isinstance(widget, QLineEdit) and (widget.text() or widget.placeholderText()).strip():
            # What the box shows (or its placeholder, "blank"), inside its border.
            yield widget.text() or widget.placeholderText(), widget, widget.rect().adjusted(3, 3, -3, -3)
        elif isinstance(widget, QGroupBox) and widget.title().strip():
            yield widget.title(), widget, _group_title_rect(widget)
        elif isinstance(widget, QTableWidget):
            yield from _cells(widget)
        elif isinstance(widget, QListWidget):
            yield from _items(widget)


def _cells(table: QTableWidget) -> Iterator[tuple[str, QWidget, QRect]]:
    viewport = table.viewport()
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            rect = table.visualItemRect(item) if item is not None else QRect()
            if item is not None and item.text().strip() and viewport.rect().contains(rect):
                yield item.text(), viewport, rect.adjusted(1, 1, -1, -1)
    header = table.horizontalHeader()
    for column in range(table.columnCount()):
        title = table.horizontalHeaderItem(column)
        if title is not None and title.text().strip():
            left = header.sectionViewportPosition(column)
            yield title.text(), header.viewport(), QRect(left + 2, 2, header.sectionSize(column) - 4,
                                                         header.height() - 4)


def _items(view: QListWidget) -> Iterator[tuple[str, QWidget, QRect]]:
    viewport = view.viewport()
    for row in range(view.count()):
        item = view.item(row)
        rect = view.visualItemRect(item)
        if item.text().strip() and not item.isHidden() and viewport.rect().contains(rect):
            yield item.text(), viewport, rect.adjusted(1, 1, -1, -1)


def low_contrast_labels(window: QWidget, goal: float = 4.5) -> list[tuple[str, float]]:
    """(text, ratio) of every visible text of ``window`` whose painted contrast is less than ``goal``."""
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    scale = image.devicePixelRatio()
    found = []
    for text, widget, local in texts_of(window):
        if not widget.visibleRegion().boundingRect().contains(local):
            continue  # cut off by a scrolled area's edge: measured where it is seen whole
        top_left = widget.mapTo(window, local.topLeft())
        rect = QRect(QPoint(round(top_left.x() * scale), round(top_left.y() * scale)), local.size() * scale)
        ratio = painted_contrast(image, rect)
        if ratio is not None and ratio < goal:
            found.append((text[:60], round(ratio, 2)))
    return found
