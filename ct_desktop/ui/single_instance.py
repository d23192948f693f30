"""One app per data folder: a second start brings the first window forward and exits.

The first app takes ``ct-desktop.lock`` in the data folder (QLockFile) and listens on a local socket
named after the folder (QLocalServer, this user only). A second start finds the lock taken, connects,
asks the first to come forward, and exits 0. A lock left by an app that was killed is stale (its
process is gone) and QLockFile takes it over; the start then knows the last run did not end cleanly.
The command line takes no lock (see ct_desktop/app_lock.py).

QtNetwork (for the local socket) is loaded only once the window is up, or by a second start: the first
window does not wait for it, and a second start keeps asking for a few seconds.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

from ct_desktop.app_lock import lock_path

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

log = logging.getLogger(__name__)

RAISE_REQUEST = b"raise\n"
ANSWER = b"ok\n"
# A first app still starting (store, first window) may take a moment to listen.
ASK_FOR_S = 5.0


def server_name(data_dir: Path) -> str:
    """The local socket name of the app on a data folder: the same for every start on that folder."""
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode("utf-8")).hexdigest()[:20]
    return f"ct-desktop-{digest}"


class SingleInstance(QObject):
    """The lock and the local server of the app that has the data folder open."""

    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data_dir = Path(data_dir)
        self._lock = QLockFile(str(lock_path(self._data_dir)))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, however long the app runs
        self._server: QLocalServer | None = None
        self.took_over_stale_lock = False

    def claim(self) -> bool:
        """Take the folder: True when this app is the one (a stale lock taken over), False when another has it.

        Call ``listen()`` once the window is shown.
        """
        existed = lock_path(self._data_dir).exists()
        if self._lock.tryLock(0):
            self.took_over_stale_lock = existed
            return True
        if self._lock.error() == QLockFile.LockError.LockFailedError:
            return False
        # No lock can be made here (a folder that cannot be written): the start says why, not this.
        log.warning("cannot lock %s: %s", lock_path(self._data_dir), self._lock.error())
        return True

    def release(self) -> None:
        """Stop listening and give the lock back (a clean end)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def listen(self) -> None:
        """Answer second starts from now on."""
        from PySide6.QtNetwork import QLocalServer

        if self._server is not None or not self._lock.isLocked():
            return  # already listening, or released meanwhile (the app is closing)
        name = server_name(self._data_dir)
        QLocalServer.removeServer(name)  # a socket file left by an app that was killed
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(name):
            log.warning("cannot listen for second starts on %s: %s", name, server.errorString())
            return
        server.newConnection.connect(self._answer)
        self._server = server

    def _answer(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            connection = server.nextPendingConnection()
            if connection is None:
                return
            if connection.waitForReadyRead(1000) and bytes(connection.readLine().data()) == RAISE_REQUEST:
                connection.write(ANSWER)
                connection.waitForBytesWritten(1000)
                log.info("another start on %s: bringing the window forward", self._data_dir)
                self.raise_requested.emit()
            connection.disconnectFromServer()
            connection.deleteLater()


def ask_first_to_come_forward(data_dir: Path, seconds: float = ASK_FOR_S) -> bool:
    """Ask the app that has the folder to bring its window forward; True once it answered."""
    from PySide6.QtNetwork import QLocalSocket

    deadline = time.monotonic() + seconds
    name = server_name(data_dir)
    while True:
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(500):
            socket.write(RAISE_REQUEST)
            socket.waitForBytesWritten(1000)
            answered = socket.waitForReadyRead(2000) and bytes(socket.readLine().data()) == ANSWER
            socket.disconnectFromServer()
            if answered:
                return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
