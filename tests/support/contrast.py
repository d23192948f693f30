"""Contrast of the text actually painted: grab a window, read the pixels of each label, WCAG ratio.

The background of a label is the commonest colour in its rectangle; its text colour is, in each run
of columns that holds ink (a word, roughly), the pixel that differs most from that background. The
label's contrast is the lowest over its words, so a grey second half of a title is measured too.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QWidget

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
        if len(ink) < 8:
            continue  # a dot or a speck of antialiasing, not a word
        best = max(ratio(p) for p in ink)
        lowest = best if lowest is None else min(lowest, best)
    if lowest is None:  # text with no visible ink at all: white on white
        lowest = max(ratio(p) for row in pixels for p in row)
    return lowest


def low_contrast_labels(window: QWidget, goal: float = 4.5) -> list[tuple[str, float]]:
    """(text, ratio) of every visible label of ``window`` whose painted text contrasts less than ``goal``."""
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    scale = image.devicePixelRatio()
    found = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text().strip() or label.visibleRegion().isEmpty():
            continue
        contents = label.contentsRect()
        top_left = label.mapTo(window, contents.topLeft())
        rect = QRect(QPoint(round(top_left.x() * scale), round(top_left.y() * scale)),
                     contents.size() * scale)
        ratio = painted_contrast(image, rect)
        if ratio is not None and ratio < goal:
            found.append((label.text()[:60], round(ratio, 2)))
    return found
