"""Keyboard helpers shared by the return views: shortcuts and moving between the regions of a view (F6)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget


def add_shortcut(owner: QWidget, keys: str | QKeySequence.StandardKey, action: Callable[[], object]) -> QShortcut:
    """A shortcut that works wherever the focus is inside ``owner`` (and only there)."""
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(action)
    return shortcut


def focused_within(container: QWidget) -> QWidget | None:
    """The widget with keyboard focus, if it is inside ``container``."""
    focus = QApplication.focusWidget()
    if focus is not None and (focus is container or container.isAncestorOf(focus)):
        return focus
    return None


def owner_of(widget: QWidget | None, kind: type) -> QWidget | None:
    """The nearest ancestor of ``widget`` (itself included) of a class."""
    while widget is not None and not isinstance(widget, kind):
        widget = widget.parentWidget()
    return widget


class RegionCycler:
    """F6 / Shift+F6: move the focus between the regions of a view, remembering where it was in each."""

    def __init__(self, regions: Sequence[tuple[QWidget, Callable[[], QWidget | None]]]):
        # Each region: its container, and what to focus when entering it for the first time.
        self._regions = list(regions)
        self._last: dict[int, QWidget] = {}

    def move(self, step: int) -> None:
        """Focus the next (step 1) or previous (step -1) region that can take focus."""
        current = self._current()
        for offset in range(1, len(self._regions) + 1):
            index = (current + step * offset) % len(self._regions)
            target = self._target(index)
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _current(self) -> int:
        for index, (container, _) in enumerate(self._regions):
            focus = focused_within(container)
            if focus is not None:
                self._last[index] = focus
                return index
        return -1

    def _target(self, index: int) -> QWidget | None:
        container, first = self._regions[index]
        remembered = self._last.get(index)
        if remembered is not None and remembered.isVisibleTo(container) and remembered.isEnabled():
            return remembered
        target = first()
        if target is None or not target.isVisible() or not target.isEnabled():
            return None
        return target
