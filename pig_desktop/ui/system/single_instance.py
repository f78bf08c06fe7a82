"""One PIG Desktop per user: a second start hands its job ids to the running window and exits.

The running app listens on a local socket named per user and per data folder (a hash of it), so two users on
one machine, or tests with their own ``PIG_DESKTOP_HOME``, never meet. ``pig-desktop JOB [JOB...]`` first
tries to connect; if someone answers, it sends one JSON line ``{"jobs": [...], "activate": true}``, waits for
``ok``, and the caller exits with status 0.

Two transports carry that one conversation:
- On POSIX, a Unix socket file in Qt's temporary folder, served with Python's ``socket`` module and read on
  the GUI thread by ``QSocketNotifier``\\ s. QtNetwork (a library and its bindings, loaded for nothing else
  on Linux) stays out of the process; see docs/performance.md. The file is the same one ``QLocalServer`` would
  make for the name, so either end may be an app that uses Qt's.
- Elsewhere (Windows' named pipes), ``QLocalServer`` and ``QLocalSocket``.

A socket file left behind by a crash is no obstacle: nobody answers on it, so the new listener binds a
private name beside it (mode 0600) and renames it into place. When there is no socket file at all, nobody
can be running and there is nobody to ask: ``claim_single_instance`` returns at once, and the app calls
``listen()`` right after its first paint. Two starts within that moment both open a window; the later
listener takes the name.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from pig_desktop.ui.system.handoff_message import MAX_MESSAGE_BYTES, Handoff, read_handoff

if TYPE_CHECKING:
    import socket

    from PySide6.QtNetwork import QLocalSocket

log = logging.getLogger(__name__)

__all__ = ["SingleInstance", "claim_single_instance", "qt_temp_path", "socket_name"]

CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 3000
MAX_MESSAGE = MAX_MESSAGE_BYTES
# A client that connects and says nothing is closed after this long, and at most MAX_CLIENTS are held at
# once (the oldest is dropped for a new one), so idle connections can never stop a real hand-off.
IDLE_TIMEOUT_MS = 3000
MAX_CLIENTS = 32
USES_UNIX_SOCKET = os.name == "posix"


def qt_temp_path() -> str:
    """``QDir.tempPath()``, where ``QLocalServer`` puts a socket: ``$TMPDIR`` or ``/tmp``, made absolute
    and cleaned (symbolic links kept). Worked out here on Linux, since touching ``QDir`` from Python makes
    its binding (a first-frame cost, docs/architecture.md); macOS without ``TMPDIR`` asks Qt, whose rule
    differs there."""
    temp = os.environ.get("TMPDIR", "")
    if not temp and sys.platform == "darwin":
        from PySide6.QtCore import QDir

        return QDir.tempPath()
    return os.path.abspath(temp or "/tmp")


def socket_name(data_dir: Path | str) -> str:
    """``pig-desktop-<user>-<hash of the data folder>``: short enough for a Unix socket path.

    The hash is a CRC-32, not hashlib: it only tells one user's data folders apart (no secret, no attacker),
    and importing hashlib loads OpenSSL before the first paint (zlib is loaded by then anyway).
    """
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment (rare, e.g. in containers)
        user = str(os.getuid()) if sys.platform != "win32" else "user"
    digest = f"{zlib.crc32(str(Path(data_dir).expanduser().absolute()).encode()):08x}"
    safe_user = "".join(ch for ch in user if ch.isalnum())[:16] or "user"
    return f"pig-desktop-{safe_user}-{digest}"


class _Client(Protocol):
    """One accepted connection, whichever transport carries it."""

    def read_available(self) -> bytes: ...

    def reply_and_close(self, reply: bytes) -> None: ...

    def abort(self) -> None: ...


class _Listener(Protocol):
    def close(self) -> None: ...


# -- POSIX: a Unix socket file, served with Python's socket module ------------------------------------------


class _UnixClient:
    """An accepted Unix socket, read when its notifier fires; ``on_data``/``on_gone`` report to the server."""

    def __init__(
        self,
        sock: socket.socket,
        on_data: Callable[[_Client], None],
        on_gone: Callable[[_Client], None],
    ) -> None:
        sock.setblocking(False)
        self._sock: socket.socket | None = sock
        self._on_gone = on_gone
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(lambda *_: on_data(self))

    def read_available(self) -> bytes:
        """What has arrived since the last call. The peer's end closes this connection, once the caller has
        seen what came before it."""
        chunks: list[bytes] = []
        size = 0
        while self._sock is not None and size <= MAX_MESSAGE:
            try:
                chunk = self._sock.recv(65536)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                self._notifier.setEnabled(False)
                QTimer.singleShot(0, self.abort)
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)

    def reply_and_close(self, reply: bytes) -> None:
        if self._sock is not None:
            try:
                self._sock.send(reply)  # a few bytes into an empty socket buffer: never partial
            except OSError:
                pass
        self.abort()

    def abort(self) -> None:
        if self._sock is None:
            return
        self._notifier.setEnabled(False)
        self._notifier.deleteLater()
        self._sock.close()
        self._sock = None
        self._on_gone(self)


class _UnixListener:
    """The listening Unix socket file: mode 0600, put into place by a rename, removed when closed (unless a
    later app has put its own there)."""

    def __init__(self, path: str, on_client: Callable[[socket.socket], None]) -> None:
        """Listen on ``path``, replacing whatever file is there (the caller checked nobody answers on it)."""
        import socket

        private = f"{path}.{os.getpid()}"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if os.path.lexists(private):
                os.unlink(private)  # left by a crashed app that had the same process id
            sock.bind(private)
            os.chmod(private, 0o600)  # before listen(): nobody else can ever connect
            sock.listen(64)
            inode = os.stat(private).st_ino
            os.replace(private, path)
        except OSError:
            sock.close()
            if os.path.lexists(private):
                os.unlink(private)
            raise
        sock.setblocking(False)
        self._sock = sock
        self._path = path
        self._inode = inode
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(lambda *_: self._accept_all(on_client))

    def _accept_all(self, on_client: Callable[[socket.socket], None]) -> None:
        while True:
            try:
                client, _address = self._sock.accept()
            except BlockingIOError:
                return
            except OSError as exc:
                log.warning("single-instance socket: accept failed: %s", exc)
                return
            on_client(client)

    def close(self) -> None:
        self._notifier.setEnabled(False)
        self._sock.close()
        try:
            if os.stat(self._path).st_ino == self._inode:
                os.unlink(self._path)
        except OSError:
            pass


def _unix_ask(path: str, payload: bytes, timeout_ms: int) -> bytes | None:
    """Send ``payload`` to whoever listens on ``path``; their reply line, or None if nobody answers."""
    import socket  # only with a socket file to ask: off the first frame (docs/architecture.md)

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONNECT_TIMEOUT_MS / 1000)
        try:
            sock.connect(path)
        except OSError:
            return None
        if not payload:
            return b""
        sock.settimeout(timeout_ms / 1000)
        reply = b""
        try:
            sock.sendall(payload)
            while b"\n" not in reply and len(reply) < 64:
                chunk = sock.recv(64)
                if not chunk:
                    break
                reply += chunk
        except OSError:
            pass
        return reply


# -- elsewhere: Qt's local socket -------------------------------------------------------------------------


class _QtClient:
    def __init__(
        self, sock: QLocalSocket, on_data: Callable[[_Client], None], on_gone: Callable[[_Client], None]
    ) -> None:
        self._sock = sock
        self._on_gone = on_gone
        sock.readyRead.connect(lambda: on_data(self))
        sock.disconnected.connect(self._gone)

    def _gone(self) -> None:
        self._on_gone(self)
        self._sock.deleteLater()

    def read_available(self) -> bytes:
        return bytes(self._sock.readAll().data())

    def reply_and_close(self, reply: bytes) -> None:
        self._sock.readyRead.disconnect()
        self._sock.write(reply)
        self._sock.flush()
        self._sock.disconnectFromServer()

    def abort(self) -> None:
        self._sock.abort()


def _qt_ask(name: str, payload: bytes, timeout_ms: int) -> bytes | None:
    from PySide6.QtNetwork import QLocalSocket

    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return None
    if not payload:
        sock.abort()
        return b""
    sock.write(payload)
    if not sock.waitForBytesWritten(timeout_ms):
        sock.abort()
        return b""
    reply = b""
    while b"\n" not in reply:
        if not sock.waitForReadyRead(timeout_ms):
            break
        reply += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    return reply


class SingleInstance(QObject):
    """The local-socket server of the running app, and the client a second start uses.

    ``unix_socket`` picks the transport: POSIX's own by default; False is Qt's local socket (Windows' named
    pipes; on Linux a file at the same place, so the two meet).
    """

    jobs_received = Signal(list)  # list[str] of job texts (not yet validated)
    activate_requested = Signal()

    def __init__(
        self, name: str, parent: QObject | None = None, *, unix_socket: bool = USES_UNIX_SOCKET
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.unix_socket = unix_socket
        self.server: _Listener | None = None
        self.recovered_stale = False
        self._clients: dict[_Client, tuple[bytearray, QTimer]] = {}

    @property
    def path(self) -> str:
        """The socket file on POSIX (where ``QLocalServer`` puts a relative name too)."""
        return os.path.join(qt_temp_path(), self.name)

    def may_be_running(self) -> bool:
        """False only when no app can be listening: on POSIX, when its socket file does not exist."""
        if os.name != "posix":
            return True
        return os.path.lexists(self.path)

    # -- the second process ----------------------------------------------------------------------------------

    def _ask(self, payload: bytes, timeout_ms: int = REPLY_TIMEOUT_MS) -> bytes | None:
        if self.unix_socket:
            return _unix_ask(self.path, payload, timeout_ms)
        return _qt_ask(self.name, payload, timeout_ms)

    def hand_off(self, jobs: list[str], timeout_ms: int = REPLY_TIMEOUT_MS) -> bool:
        """Send ``jobs`` to a running app. True if it took them; False if no app is running."""
        payload = json.dumps({"jobs": list(jobs), "activate": True}).encode() + b"\n"
        reply = self._ask(payload, timeout_ms)
        return reply is not None and reply.strip() == b"ok"

    # -- the running app -------------------------------------------------------------------------------------

    def listen(self) -> bool:
        """Start the server; recover a stale socket left by a crash. False if another app really runs."""
        if self._ask(b"") is not None:
            log.info("another PIG Desktop is listening on %s", self.name)
            return False
        # Nobody answered: a socket file that is there anyway was left by a crash (on Windows a pipe's name
        # shows only when listening on it fails, below).
        self.recovered_stale = os.name == "posix" and os.path.lexists(self.path)
        try:
            self.server = self._listen_unix() if self.unix_socket else self._listen_qt()
        except OSError as exc:
            log.warning("cannot listen on %s: %s", self.name, exc)
            return False
        if self.recovered_stale:
            log.warning("replaced a stale single-instance socket %s", self.name)
        return True

    def _listen_unix(self) -> _Listener:
        return _UnixListener(
            self.path, lambda sock: self._accept(_UnixClient(sock, self._read, self._forget))
        )

    def _listen_qt(self) -> _Listener:
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            self.recovered_stale = True
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                raise OSError(server.errorString())

        def accept_pending() -> None:
            while server.hasPendingConnections():
                sock = server.nextPendingConnection()
                client = _QtClient(sock, self._read, self._forget)
                self._accept(client)
                if sock.bytesAvailable():
                    self._read(client)

        server.newConnection.connect(accept_pending)
        return server

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def _accept(self, client: _Client) -> None:
        idle = QTimer(self)
        idle.setSingleShot(True)
        idle.setInterval(IDLE_TIMEOUT_MS)
        idle.timeout.connect(client.abort)
        idle.start()
        self._clients[client] = (bytearray(), idle)
        while len(self._clients) > MAX_CLIENTS:
            next(iter(self._clients)).abort()  # the oldest

    def _forget(self, client: _Client) -> None:
        held = self._clients.pop(client, None)
        if held is not None:
            held[1].stop()
            held[1].deleteLater()

    def _read(self, client: _Client) -> None:
        held = self._clients.get(client)
        if held is None:
            return
        buffer = held[0]
        buffer.extend(client.read_available())
        if b"\n" in buffer:
            self._handle(bytes(buffer).split(b"\n", 1)[0], client)
        elif len(buffer) > MAX_MESSAGE:
            self._reply(client, b"error\n")

    def _reply(self, client: _Client, reply: bytes) -> None:
        self._forget(client)
        client.reply_and_close(reply)

    def _handle(self, line: bytes, client: _Client) -> None:
        handoff = read_handoff(line)
        if not isinstance(handoff, Handoff):
            log.warning("refused a single-instance message: %s", handoff)
            self._reply(client, b"error\n")
            return
        self._reply(client, b"ok\n")
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
