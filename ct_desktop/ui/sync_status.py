"""The sync status, always visible in the status bar, and the list of problems behind it.

Says in words (and a coloured dot) whether the tracker is reachable, how many returns wait, when the
last sync was, and how many things need a person: set-aside items, refusals, conflicts, failing sends.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.store import StoreError
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.presentation import time_text
from ct_desktop.ui.sync_controller import (
    NOT_CONNECTED,
    OFFLINE,
    ONLINE,
    TOKEN_NEEDED,
    Problem,
    SyncStatus,
)
from ct_desktop.ui.theme import follow_palette, ink, muted

DOT_TONES = {ONLINE: "green", OFFLINE: "amber", NOT_CONNECTED: "neutral", TOKEN_NEEDED: "red"}  # see ui.theme
PROBLEM_WORDS = {"set_aside": "Set aside", "rejected": "Refused", "conflict": "Conflict", "error": "Not sent yet"}


def status_words(status: SyncStatus, now: dt.datetime | None = None) -> str:
    """The status line, e.g. 'Offline · 2 waiting to send when the tracker can be reached · last sync 10:42'.

    Being offline is normal: what waits for the network is "waiting to send", not a problem; "last sync" is the
    last run that reached the tracker.
    """
    queued = f"{status.queued} waiting to send" if status.queued else "nothing waiting to send"
    if status.running:
        return f"Sending… {status.detail}".strip()
    last = f" · last sync {time_text(status.last_sync, now)}" if status.last_sync else ""
    if status.connection == NOT_CONNECTED:
        return f"Not connected to a tracker · {queued}"
    if status.connection == TOKEN_NEEDED:
        return f"The tracker refused the token: connect again · {queued}"
    if status.connection == OFFLINE:
        return f"Offline · {queued}{' when the tracker can be reached' if status.queued else ''}{last}"
    if status.connection == ONLINE:
        sent = "nothing waiting" if status.problems else "all sent"
        return f"Online · {queued if status.queued else sent}{last}"
    return f"Connected · {queued} · not synced yet"


class SyncStatusWidget(QWidget):
    """● Online · all sent · last sync 10:42   [2 problems]  [Connect…]  [Send now]"""

    send_now_requested = Signal()
    problems_requested = Signal()
    connect_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.status = SyncStatus()
        self.dot = QLabel("●")
        self.dot.setAccessibleName("Sync status colour")
        self.text = QLabel()
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_button = QPushButton()
        self.problems_button.setFlat(True)
        follow_palette(self.problems_button, lambda palette: f"QPushButton {{ color: {ink('red', palette).name()}; "
                       "font-weight: bold; padding: 0 6px; }")
        self.problems_button.clicked.connect(self.problems_requested.emit)
        self.connect_button = QPushButton("Connect…")
        self.connect_button.clicked.connect(self.connect_requested.emit)
        self.send_button = QPushButton("Send now")
        self.send_button.setToolTip("Send everything queued now (F5)")
        self.send_button.setAccessibleName("Send now")
        self.send_button.clicked.connect(self.send_now_requested.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(8)
        layout.addWidget(self.dot)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.problems_button)
        layout.addWidget(self.connect_button)
        layout.addWidget(self.send_button)
        self.show_status(self.status)

    def show_status(self, status: SyncStatus) -> None:
        """Render a SyncStatus."""
        self.status = status
        words = status_words(status, self._context.clock())
        self.text.setText(words)
        tip = status.summary + (f"\n{status.detail}" if status.detail and not status.running else "")
        self.text.setToolTip(tip.strip())
        tone = "accent" if status.running else DOT_TONES.get(status.connection, "neutral")
        follow_palette(self.dot, lambda palette: f"color: {ink(tone, palette).name()}; font-size: 14pt;")
        count = len(status.problems)
        self.problems_button.setVisible(count > 0)
        self.problems_button.setText(f"⚠ {count} problem{'s' if count != 1 else ''}…")
        self.problems_button.setAccessibleName(f"{count} sync problems: show them")
        self.connect_button.setVisible(status.connection in (NOT_CONNECTED, TOKEN_NEEDED) and not status.running)
        self.send_button.setEnabled(not status.running and status.connection != NOT_CONNECTED)
        self.setAccessibleName(f"Sync status: {words}")
        self.setAccessibleDescription(tip.strip())


class SyncProblemsDialog(QDialog):
    """Every problem with where it is and what to do; 'Open' goes to the return."""

    open_requested = Signal(str, object)  # location id, Period

    def __init__(self, context: AppContext, status: SyncStatus, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sync problems")
        self.resize(820, 380)
        self._problems: list[Problem] = list(status.problems)
        names = _location_names(context)
        self.table = QTableWidget(len(self._problems), 3)
        self.table.setHorizontalHeaderLabels(["Location and month", "Problem", "What happened"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName("Sync problems")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, problem in enumerate(self._problems):
            where = f"{names.get(problem.location_id, problem.location_id)}, {problem.period.label}"
            for column, text in enumerate((where, PROBLEM_WORDS.get(problem.kind, problem.kind), problem.text)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.table.doubleClicked.connect(lambda _index: self._open())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton("&Open the return", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self._open)
        self.open_button.setEnabled(bool(self._problems))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if status.summary:
            layout.addWidget(muted(f"Last sync: {status.summary}."))
        layout.addWidget(self.table, 1)
        layout.addWidget(muted("Set-aside items are not tried again: open the return, check it and send it again. "
                               "Items not sent yet are tried again automatically."))
        layout.addWidget(buttons)
        if self._problems:
            self.table.selectRow(0)
        self.table.setFocus()

    def _open(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._problems):
            problem = self._problems[row]
            self.open_requested.emit(problem.location_id, problem.period)
            self.accept()


def _location_names(context: AppContext) -> dict[str, str]:
    try:
        return {location.id: location.name for location in context.store.locations()}
    except StoreError:
        return {}

