"""Tell a screen reader what a sighted user sees change: "Saved 14:02", a sync's result, a new error on
the question being typed in.

Qt 6.8 and later send an accessibility announcement (QAccessibleAnnouncementEvent); without it, the
widget's accessible name is updated, which screen readers read out for the focused widget (unless
the name must stay: an answer box keeps its question's name, and its description already holds its
messages). Every announcement also goes to the listeners in ``heard`` (the tests listen there).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtGui
from PySide6.QtWidgets import QApplication, QWidget

heard: list[Callable[[str], None]] = []


def announce(widget: QWidget | None, text: str, rename: bool = True) -> None:
    """Have ``text`` read out, politely (after what is being read), for ``widget`` or the active window.

    ``rename=False``: without the announcement event, leave the widget's accessible name as it is.
    """
    target = widget or QApplication.activeWindow()
    for listener in list(heard):
        listener(text)
    if target is None or not text:
        return
    event_type = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if event_type is not None:
        QtGui.QAccessible.updateAccessibility(event_type(target, text))
    elif rename:
        target.setAccessibleName(text)
