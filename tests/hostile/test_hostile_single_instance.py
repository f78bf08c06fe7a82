"""The single-instance socket against hostile local clients (issue 13): wrong types, deep nesting and
oversize messages get an ``error`` reply, idle connections are closed, and 300 of them held open do not
stop a real hand-off. The running app is a real process listening on the real socket, with either transport
(POSIX's own, Qt's)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from helpers.single_instance import TRANSPORTS, second_start, start_app

from pig_desktop.ui.system.handoff_message import MAX_MESSAGE_BYTES, Handoff, read_handoff
from pig_desktop.ui.system.single_instance import socket_name

HOSTILE_LINES = {
    "jobs is a number": b'{"jobs": 5}',
    "null": b"null",
    "60,000 nested brackets": b"[" * 60_000 + b"]" * 60_000,
    "jobs holds a number": b'{"jobs": ["ok", 5]}',
    "activate is a string": b'{"jobs": [], "activate": "yes"}',
    "not UTF-8": b"\xff\xfe{}",
    "not JSON": b"jobs please",
}


@pytest.mark.parametrize("label", sorted(HOSTILE_LINES))
def test_read_handoff_refuses_without_raising(label: str) -> None:
    assert isinstance(read_handoff(HOSTILE_LINES[label]), str)


def test_read_handoff_refuses_an_oversize_message() -> None:
    assert isinstance(read_handoff(b'{"jobs": ["' + b"x" * MAX_MESSAGE_BYTES + b'"]}'), str)


def test_read_handoff_takes_a_good_message() -> None:
    assert read_handoff(b'{"jobs": ["a", "b"], "activate": false}') == Handoff(("a", "b"), False)
    assert read_handoff(b'{"jobs": []}') == Handoff((), True)


def _path(name: str) -> str:
    return os.path.join(os.environ.get("TMPDIR", "/tmp"), name)


def _ask(name: str, payload: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(20)
        sock.connect(_path(name))
        sock.sendall(payload)
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(100)
            if not chunk:
                break
            reply += chunk
        return reply


@pytest.fixture
def name(tmp_path: Path) -> str:
    return socket_name(tmp_path / "data")


@pytest.mark.skipif(os.name != "posix", reason="the local socket is a Unix socket file only on POSIX")
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_running_app_replies_error_to_hostile_messages_and_keeps_working(
    tmp_path: Path, name: str, transport: str
) -> None:
    app = start_app(tmp_path, name, transport=transport)
    try:
        for line in HOSTILE_LINES.values():
            assert _ask(name, line + b"\n") == b"error\n"
        # An endless line without a newline: refused once past the cap, not buffered for ever.
        assert _ask(name, b"[" * (MAX_MESSAGE_BYTES + 10)) == b"error\n"
        done = second_start(tmp_path, name, "job-after-attacks")
        assert done.returncode == 0, done.stderr
        assert app.poll() is None
        assert app.stdout is not None
        assert app.stdout.readline().strip() == "JOBS " + json.dumps(["job-after-attacks"])
    finally:
        app.kill()
        app.wait()


@pytest.mark.skipif(os.name != "posix", reason="the local socket is a Unix socket file only on POSIX")
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_idle_connections_are_closed_and_300_of_them_do_not_block_a_hand_off(
    tmp_path: Path, name: str, transport: str
) -> None:
    app = start_app(tmp_path, name, transport=transport)
    held: list[socket.socket] = []
    try:
        for _ in range(300):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(_path(name))
            held.append(sock)
        done = second_start(tmp_path, name, "job-past-the-idlers")
        assert done.returncode == 0, done.stderr
        assert app.stdout is not None
        assert app.stdout.readline().strip() == "JOBS " + json.dumps(["job-past-the-idlers"])
        # The last idle one (never dropped to make room) is closed by the app: recv sees the end.
        held[-1].settimeout(30)
        assert held[-1].recv(10) == b""
    finally:
        for sock in held:
            sock.close()
        app.kill()
        app.wait()
