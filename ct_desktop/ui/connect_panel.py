"""Connecting to a tracker: address and token in, locations out, on a worker thread.

Used by the first-run dialog, by Settings ("Reconnect") and when the tracker refuses the token. The
work (checking the token, fetching locations, keeping the token in the keyring, pulling history) is
``ct_desktop.sync.connection.connect``, which may take a while on a slow line, so it never runs on the
GUI thread. Errors are shown in the panel, in the words the connection module gives. The connection
module (and requests and keyring with it) is imported by that worker, not when the app starts.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.settings import load_settings
from ct_desktop.sync.address import TrackerUrlError, api_base
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.theme import error_label, grow_dialog_to_fit, muted, show_message

URL_HINT = "https://… (the address your tracker gave you)"


def connect_in_background(data_dir: Path, url: str, token: str) -> list:
    """The worker's job: ct_desktop.sync.connection.connect (imported here, off the GUI thread)."""
    from ct_desktop.sync.connection import connect

    return connect(data_dir, url, token)


class ConnectPanel(QWidget):
    """Tracker address, token and a Connect button; emits ``connected(locations)`` when it worked."""

    connected = Signal(list)
    busy_changed = Signal(bool)
    message_changed = Signal()  # a message appeared, changed or went: the window around may need to grow

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.busy = False
        self.url_edit = QLineEdit(context.settings.tracker_url or "")
        self.url_edit.setPlaceholderText(URL_HINT)
        self.url_edit.setAccessibleName("Tracker address")
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("paste the token")
        self.token_edit.setAccessibleName("Tracker token")
        self.token_edit.returnPressed.connect(self.start)
        self.connect_button = QPushButton("&Connect")
        self.connect_button.setAccessibleName("Connect to the tracker")
        self.connect_button.clicked.connect(self.start)
        self.message = error_label()
        self._build()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Tracker &address:", self.url_edit)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.connect_button)
        token_label = QLabel("&Token:")
        token_label.setBuddy(self.token_edit)
        form.addRow(token_label, token_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(muted("The token is kept in this computer's keyring, never in a file."))
        layout.addWidget(self.message)

    def start(self) -> None:
        """Check the address here, then connect on a worker; the answer comes back to the panel."""
        if self.busy:
            return
        url, token = self.url_edit.text().strip(), self.token_edit.text().strip()
        try:
            api_base(url)
        except TrackerUrlError as exc:
            self._say(str(exc))
            self.url_edit.setFocus()
            return
        if not token:
            self._say("Paste the token the tracker gave you for this computer.")
            self.token_edit.setFocus()
            return
        self._set_busy(True)
        self._say("Connecting… this can take a minute on a slow line.", ok=True)
        self._context.tasks.run(lambda: connect_in_background(self._context.data_dir, url, token),
                                on_done=self._done, on_error=self._failed)

    def _done(self, locations: list) -> None:
        # connect() saved the tracker address in settings.json: take it into the shared settings.
        saved = load_settings(self._context.data_dir)
        self._context.update_settings(tracker_url=saved.tracker_url)
        self._context.events.locations_changed.emit()
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.token_edit.clear()
        names = ", ".join(location.name for location in locations[:4]) + ("…" if len(locations) > 4 else "")
        count = f"{len(locations)} location" + ("" if len(locations) == 1 else "s")
        self._say(f"Connected: {count}{': ' + names if names else ''}.", ok=True)
        self.connected.emit(list(locations))

    def _failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        # Returns waiting for another tracker: the refusal says what to do in the app's own words.
        app_text = getattr(exc, "app_text", None)
        text = app_text() if callable(app_text) else str(exc)
        self._say(f"Not connected: {text}")
        self.token_edit.setFocus()

    def _say(self, text: str, ok: bool = False) -> None:
        show_message(self.message, text, ok=ok)
        self.message_changed.emit()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.url_edit, self.token_edit, self.connect_button):
            widget.setEnabled(not busy)
        self.connect_button.setText("Connecting…" if busy else "&Connect")
        self.busy_changed.emit(busy)


class ConnectDialog(QDialog):
    """A small dialog around ConnectPanel, e.g. when the tracker refused the token."""

    def __init__(self, context: AppContext, reason: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Connect to the tracker")
        self.setMinimumWidth(520)
        self.panel = ConnectPanel(context, self)
        self.panel.connected.connect(lambda _locations: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.panel.busy_changed.connect(lambda busy: buttons.setEnabled(not busy))
        # Queued: by then the label has its new text and is shown.
        self.panel.message_changed.connect(self.fit_message, Qt.ConnectionType.QueuedConnection)
        layout = QVBoxLayout(self)
        if reason:
            layout.addWidget(muted(reason))
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
        self.panel.token_edit.setFocus()

    def fit_message(self) -> None:
        """Grow the dialog to the height its wrapped message needs, so that none of it is cut off.

        Called once the message is laid out: at the moment it is set, the dialog's layout does not know
        its new height yet (in a real window the message was cut off after two lines).
        """
        if shiboken6.isValid(self):
            grow_dialog_to_fit(self)

    def reject(self) -> None:
        """Closing is refused while connecting, so the answer always has a panel to come back to."""
        if not self.panel.busy:
            super().reject()
