"""One PIG Desktop per user: a second start hands its job ids to the running window and exits.

The running app listens on a QLocalServer. ``pig-desktop JOB [JOB...]`` first tries to connect; if someone
answers, it sends one JSON line ``{"jobs": [...], "activate": true}``, waits for ``ok``, and the caller exits
with status 0. If nobody answers, a socket file left behind by a crash is no obstacle: with
``UserAccessOption`` Qt builds the socket aside and renames it into place (replacing the stale file), and
where ``listen`` still fails with the name taken but nobody answering, the stale socket is removed
(``QLocalServer.removeServer``) and this process becomes the running one.

The name is per user and per data folder (a hash of it), so two users on one machine, or tests with their own
``PIG_DESKTOP_HOME``, never meet.

Start-up cost: on Unix the server's socket is a file in ``QDir.tempPath()``; when there is none, no other app
is running and there is nobody to ask. Then ``claim_single_instance`` returns at once without QtNetwork
(importing it and its enums is ~6 ms), and the app calls ``listen()`` right after its first paint. Where the
socket is no file (Windows named pipes), or the file is there (a running app, or a crash's leftover), it asks
first, as before. Two starts within that ~0.1 s both open a window; the later listener takes the name.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QDir, QObject, QTimer, Signal

from pig_desktop.ui.system.handoff_message import MAX_MESSAGE_BYTES, Handoff, read_handoff

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

__all__ = ["SingleInstance", "claim_single_instance", "socket_name"]

CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 3000
MAX_MESSAGE = MAX_MESSAGE_BYTES
# A client that connects and says nothing is closed after this long, and at most MAX_CLIENTS are held at
# once (the oldest is dropped for a new one), so idle connections can never stop a real hand-off.
IDLE_TIMEOUT_MS = 3000
MAX_CLIENTS = 32


def socket_name(data_dir: Path | str) -> str:
    """``pig-desktop-<user>-<hash of the data folder>``: short enough for a Unix socket path.

    The hash is a CRC-32, not hashlib: it only tells one user's data folders apart (no secret, no attacker),
    and importing hashlib loads OpenSSL, ~3 ms before the first paint (zlib is loaded by then anyway).
    """
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment (rare, e.g. in containers)
        user = str(os.getuid()) if sys.platform != "win32" else "user"
    digest = f"{zlib.crc32(str(Path(data_dir).expanduser().absolute()).encode()):08x}"
    safe_user = "".join(ch for ch in user if ch.isalnum())[:16] or "user"
    return f"pig-desktop-{safe_user}-{digest}"


class SingleInstance(QObject):
    """The local-socket server of the running app, and the client a second start uses."""

    jobs_received = Signal(list)  # list[str] of job texts (not yet validated)
    activate_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server: QLocalServer | None = None
        self.recovered_stale = False
        self._clients: list[QLocalSocket] = []

    def may_be_running(self) -> bool:
        """False only when no app can be listening: on Unix, when its socket file does not exist."""
        if os.name != "posix":
            return True
        return os.path.lexists(os.path.join(QDir.tempPath(), self.name))

    # -- the second process ----------------------------------------------------------------------------------

    def hand_off(self, jobs: list[str], timeout_ms: int = REPLY_TIMEOUT_MS) -> bool:
        """Send ``jobs`` to a running app. True if it took them; False if no app is running."""
        from PySide6.QtNetwork import QLocalSocket

        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        payload = json.dumps({"jobs": list(jobs), "activate": True}).encode() + b"\n"
        sock.write(QByteArray(payload))
        if not sock.waitForBytesWritten(timeout_ms):
            sock.abort()
            return False
        reply = b""
        while b"\n" not in reply:
            if not sock.waitForReadyRead(timeout_ms):
                break
            reply += bytes(sock.readAll().data())
        sock.disconnectFromServer()
        return reply.strip() == b"ok"

    # -- the running app -------------------------------------------------------------------------------------

    def listen(self) -> bool:
        """Start the server; recover a stale socket left by a crash. False if another app really runs."""
        from PySide6.QtNetwork import QLocalServer, QLocalSocket

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            probe = QLocalSocket()
            probe.connectToServer(self.name)
            if probe.waitForConnected(CONNECT_TIMEOUT_MS):
                probe.abort()
                log.info("another PIG Desktop is listening on %s", self.name)
                return False
            log.warning("removing a stale single-instance socket %s (%s)", self.name, server.errorString())
            QLocalServer.removeServer(self.name)
            self.recovered_stale = True
            if not server.listen(self.name):
                log.warning("cannot listen on %s: %s", self.name, server.errorString())
                return False
        server.newConnection.connect(self._accept)
        self.server = server
        return True

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def _accept(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._clients.append(sock)
            while len(self._clients) > MAX_CLIENTS:
                self._clients.pop(0).abort()
            buffer = bytearray()
            idle = QTimer(sock)
            idle.setSingleShot(True)
            idle.setInterval(IDLE_TIMEOUT_MS)
            idle.timeout.connect(sock.abort)
            idle.start()

            def read(sock: QLocalSocket = sock, buffer: bytearray = buffer) -> None:
                buffer.extend(bytes(sock.readAll().data()))
                if b"\n" in buffer:
                    self._handle(bytes(buffer).split(b"\n", 1)[0], sock)
                elif len(buffer) > MAX_MESSAGE:
                    self._reply(sock, b"error\n")

            def gone(sock: QLocalSocket = sock) -> None:
                if sock in self._clients:
                    self._clients.remove(sock)
                sock.deleteLater()

            sock.readyRead.connect(read)
            sock.disconnected.connect(gone)
            if sock.bytesAvailable():
                read()

    @staticmethod
    def _reply(sock: QLocalSocket, reply: bytes) -> None:
        sock.readyRead.disconnect()
        sock.write(QByteArray(reply))
        sock.flush()
        sock.disconnectFromServer()

    def _handle(self, line: bytes, sock: QLocalSocket) -> None:
        handoff = read_handoff(line)
        if not isinstance(handoff, Handoff):
            log.warning("refused a single-instance message: %s", handoff)
            self._reply(sock, b"error\n")
            return
        self._reply(sock, b"ok\n")
        if handoff.jobs:
            self.jobs_received.emit(list(handoff.jobs))
        if handoff.activate:
            self.activate_requested.emit()


def claim_single_instance(data_dir: Path, jobs: list[str]) -> SingleInstance | None:
    """In ``main()`` before the window exists: hand ``jobs`` to a running app (returns None: exit 0), or
    become the running app (returns the SingleInstance; its ``server`` is None when nobody could be running:
    call ``listen()`` once the window is painted). Needs a Q(Core)Application."""
    instance = SingleInstance(socket_name(data_dir))
    if not instance.may_be_running():
        return instance
    if instance.hand_off(jobs):
        return None
    if not instance.listen():
        # Someone listens but did not take the jobs: try once more, then run anyway.
        if instance.hand_off(jobs):
            return None
    return instance
