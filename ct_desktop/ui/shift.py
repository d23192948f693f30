"""Shift handover: when to ask "Who is working?" again, and the question itself.

The app asks at each start, after four hours without a key press or a click, and when the computer
wakes from sleep, so that the next shift's changes are not recorded under the last person's name.
Sleep is seen from the clock: a timer that should tick every minute and finds the wall clock far
ahead (its ticks did not run while the computer slept). The question has the last name ready, so
the same person confirms it with Enter and another types theirs over it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog, QLineEdit, QWidget

SHIFT_PROMPT_TITLE = "Who is working?"
SHIFT_PROMPT_LABEL = "Your name or initials (recorded with every change):"
IDLE_HANDOVER_S = 4 * 60 * 60
TICK_S = 60
# A tick this much later than due means the ticks did not run: the computer was asleep.
SLEEP_GAP_S = 5 * 60
USER_INPUT = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.TouchBegin)


class ShiftWatch(QObject):
    """Emits ``handover_due`` after four hours idle and after the computer woke from sleep."""

    handover_due = Signal(str)  # why: "idle" or "wake"

    def __init__(self, parent: QObject | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._clock = clock
        self.last_input = clock()
        self._last_tick = self.last_input
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_S * 1000)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        """Watch the person's input and the clock (the app's own start has asked already)."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.reset()
        self.timer.start()

    def stop(self) -> None:
        """Stop watching."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def reset(self) -> None:
        """Someone just said who is working: count the idle time from now."""
        self.last_input = self._last_tick = self._clock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of each key press, click or scroll; never consume the event."""
        if event.type() in USER_INPUT:
            self.last_input = self._clock()
        return False

    def check(self) -> None:
        """One tick: ask again after sleep or a long idle time."""
        now = self._clock()
        slept = now - self._last_tick > TICK_S + SLEEP_GAP_S
        idle = now - self.last_input >= IDLE_HANDOVER_S
        self._last_tick = now
        if slept or idle:
            self.reset()
            self.handover_due.emit("wake" if slept else "idle")


def shift_prompt(parent: QWidget, person: str | None, on_name: Callable[[str], None]) -> QInputDialog:
    """The window-modal question, the last name selected so Enter confirms it; opened, not waited for."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(SHIFT_PROMPT_TITLE)
    dialog.setLabelText(SHIFT_PROMPT_LABEL)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextValue(person or "")
    dialog.setOkButtonText("&That's me" if person else "&OK")
    dialog.textValueSelected.connect(on_name)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    edit = dialog.findChild(QLineEdit)
    if edit is not None:
        edit.selectAll()
        edit.setFocus()
    buttons = dialog.findChild(QDialogButtonBox)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok) if buttons is not None else None
    if ok is not None:  # a blank name cannot be confirmed: every change is recorded with it
        dialog.textValueChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        ok.setEnabled(bool((person or "").strip()))
    return dialog
