"""Typing a whole return into the form with key events only, as a person at a keyboard does.

Each answer is its keys (the digits of a figure, Y or N, the number of each choice, Alt+N for "not
known"), then Tab or Enter; the form moves the cursor itself. Keys go to whatever widget has the
focus, so a box the cursor did not reach is never typed into by accident.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ct_desktop.models import NOT_KNOWN

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
    """One key (with a modifier) to the widget with the focus."""
    qtbot.keyClick(focused(), key, modifier)


def type_keys(qtbot, text: str) -> None:
    """Characters typed into the widget with the focus."""
    for char in text:
        qtbot.keyClick(focused(), char)


def answer_keys(item: Any, answer: Any) -> list[tuple[Qt.Key | str, Qt.KeyboardModifier]]:
    """The keys that give one answer (before the Tab or Enter that saves it)."""
    if answer is NOT_KNOWN:
        return [(Qt.Key.Key_N, ALT)]
    if answer is None:
        return []
    if item.numeric:
        return [(char, NONE) for char in item.format_text(answer)]
    if item.type == "yesno":
        return [(Qt.Key.Key_Y if answer == "yes" else Qt.Key.Key_N, NONE)]
    options = item.option_keys()
    return [(Qt.Key(Qt.Key.Key_1 + options.index(choice)), NONE) for choice in answer]


def give(qtbot, keys: list[tuple[Qt.Key | str, Qt.KeyboardModifier]]) -> None:
    for key, modifier in keys:
        if isinstance(key, str):
            type_keys(qtbot, key)
        else:
            press(qtbot, key, modifier)


def type_return(qtbot, view, answers: dict[str, Any], move: Qt.Key = Qt.Key.Key_Tab) -> int:
    """Type every question asked, in the order the cursor moves, starting where it is; returns how many
    keys were pressed beyond the answers' own keys (the Tabs or Enters and the Alt+N of "not known")."""
    extra = 0
    for key in view.entry_order(down=move != Qt.Key.Key_Tab):
        row = view.rows[key]
        if not row.editor.isEnabled():
            continue  # not asked this month: the cursor skips it
        assert row.editor.isAncestorOf(focused()), f"the cursor is not in {key} but in {focused().accessibleName()}"
        answer = answers.get(key)
        keys = answer_keys(row.item, answer)
        give(qtbot, keys)
        extra += sum(1 for _key, modifier in keys if modifier != NONE)
        press(qtbot, move)
        extra += 1
    return extra
