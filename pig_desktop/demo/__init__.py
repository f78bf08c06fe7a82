"""Sandbox CINX server on loopback, for tests and the `--demo` modes (no Qt, no CINX account needed).

    from pig_desktop.demo import SandboxServer, PROCESSED_JOB
    with SandboxServer() as server:
        ...  # server.url is "http://127.0.0.1:PORT"; sign in with DEMO_EMAIL / DEMO_PASSWORD

`python -m pig_desktop.demo` runs one in the foreground and prints its URL, the credentials and the job ids.

The server classes are loaded on first use (module ``__getattr__``): ``demo.server`` pulls in http.server,
socketserver and email (~5 MB of Python objects), and code that only needs the demo account's constants
(``pig_desktop.demo.accounts``, e.g. a window signed in to a sandbox running in another process) should not
pay for a server it never starts.
"""

from __future__ import annotations

import _socket  # socket's C module: socket.py also loads selectors, and this is on the demo's first frame
import sys
from typing import TYPE_CHECKING, Any

from pig_desktop.demo.accounts import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_JOBS,
    DEMO_PASSWORD,
    EXPIRED_ORG,
    EXPIRED_TOKEN,
    FAILED_JOB,
    NO_API_ORG,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    RATE_LIMITED_JOB,
    SECOND_ORG,
    SECOND_ORG_JOB,
    SECOND_TOKEN,
    SLOW_JOB,
)

if TYPE_CHECKING:
    from pig_desktop.demo.server import RecordedRequest, SandboxServer, ScriptedResponse

_SERVER_NAMES = frozenset({"RecordedRequest", "SandboxServer", "ScriptedResponse"})


def listen_on_loopback() -> _socket.socket:
    """A TCP socket listening on 127.0.0.1 on a free port, for ``SandboxServer(listen_socket=...)``: its
    address is known at once, and connections wait in its backlog until the server starts serving. (What
    ``socket.create_server(("127.0.0.1", 0))`` makes, as the C module's socket; the server wraps it.)"""
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        if not sys.platform.startswith(("win", "cygwin")):  # as create_server does
            sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(min(_socket.SOMAXCONN, 128))
    except OSError:
        sock.close()
        raise
    return sock


def __getattr__(name: str) -> Any:
    if name in _SERVER_NAMES:
        from pig_desktop.demo import server

        value = getattr(server, name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SERVER_NAMES)


__all__ = [
    "ACTIVE_ORG",
    "ACTIVE_TOKEN",
    "DEMO_EMAIL",
    "DEMO_JOBS",
    "DEMO_PASSWORD",
    "EXPIRED_ORG",
    "EXPIRED_TOKEN",
    "FAILED_JOB",
    "NOT_FOUND_JOB",
    "NO_API_ORG",
    "PROCESSED_JOB",
    "PROGRESS_JOB",
    "RATE_LIMITED_JOB",
    "SECOND_ORG",
    "SECOND_ORG_JOB",
    "SECOND_TOKEN",
    "SLOW_JOB",
    "RecordedRequest",
    "listen_on_loopback",
    "SandboxServer",
    "ScriptedResponse",
]
