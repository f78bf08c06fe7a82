"""Loopback addresses for "the server is not there" tests (no Qt, no network beyond 127.0.0.1)."""

from __future__ import annotations

import socket


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port_url() -> str:
    """An http://127.0.0.1 address where nothing listens."""
    return f"http://127.0.0.1:{closed_port()}"
