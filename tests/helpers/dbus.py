"""Session-bus helpers for tray and notification tests.

Everything talks to the private session bus that ``./scripts/test.sh`` creates with ``dbus-run-session``; the
dunst notification daemon it starts owns ``org.freedesktop.Notifications``.

dunst 1.9 (Debian 12) cannot clear its history, so :func:`dunst_clear` remembers the newest notification id
instead and :func:`dunst_history` only returns notifications that arrived after the last clear.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from jeepney import DBusAddress, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import unwrap_msg

NOTIFICATIONS = "org.freedesktop.Notifications"

_NO_BUS = (
    "There is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set). "
    "Run the suite with ./scripts/test.sh, which starts a private one."
)

# Id of the newest notification in dunst's history at the last dunst_clear(); older ones are hidden.
_cleared_up_to = 0


def require_session_bus() -> str:
    """Return the session bus address, or raise with a message saying how to get one."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    if not address:
        raise RuntimeError(_NO_BUS)
    return address


@contextmanager
def session_connection() -> Iterator[DBusConnection]:
    """A blocking jeepney connection to the session bus, closed on exit."""
    require_session_bus()
    conn = open_dbus_connection(bus="SESSION")
    try:
        yield conn
    finally:
        conn.close()


def name_has_owner(name: str) -> bool:
    """True if some process owns the bus name ``name`` right now.

    Asks the bus daemon, so it never D-Bus-activates the service (calling the service itself would).
    """
    with session_connection() as conn:
        reply = conn.send_and_get_reply(message_bus.NameHasOwner(name), timeout=5)
    return bool(unwrap_msg(reply)[0])


def wait_for_name(name: str, timeout: float = 10.0, *, present: bool = True) -> None:
    """Wait until ``name`` has an owner (or, with ``present=False``, has none); raise TimeoutError if not."""
    deadline = time.monotonic() + timeout
    while True:
        if name_has_owner(name) == present:
            return
        if time.monotonic() >= deadline:
            state = "an owner" if present else "no owner"
            raise TimeoutError(f"bus name {name} still did not have {state} after {timeout:.1f} s")
        time.sleep(0.05)


def call(
    name: str,
    path: str,
    interface: str,
    method: str,
    signature: str | None = None,
    body: tuple[Any, ...] = (),
) -> tuple[Any, ...]:
    """Call a method on the session bus and return the reply body.

    A D-Bus error reply raises ``jeepney.DBusErrorResponse`` (its ``.name`` is the D-Bus error name).
    """
    address = DBusAddress(path, bus_name=name, interface=interface)
    with session_connection() as conn:
        reply = conn.send_and_get_reply(new_method_call(address, method, signature, body), timeout=5)
    return tuple(unwrap_msg(reply))


def _dunstctl(*args: str) -> str:
    # dunstctl talks to org.freedesktop.Notifications; if dunst were not running, that call would
    # D-Bus-activate a second dunst outside the test script's control. Check first and fail clearly instead.
    if not name_has_owner(NOTIFICATIONS):
        raise RuntimeError(
            "No notification daemon owns org.freedesktop.Notifications. "
            "Run the suite with ./scripts/test.sh, which starts dunst."
        )
    exe = shutil.which("dunstctl")
    if exe is None:
        raise RuntimeError("dunstctl is not installed (Debian package dunst); run ./scripts/test.sh")
    done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=10, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"dunstctl {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def _history_entries() -> list[dict[str, Any]]:
    # Only closed notifications are in the history, so close the ones on screen first.
    _dunstctl("close-all")
    raw = json.loads(_dunstctl("history"))
    entries: list[dict[str, Any]] = raw["data"][0] if raw.get("data") else []
    return entries


def _field(entry: dict[str, Any], key: str) -> Any:
    value = entry.get(key, {})
    return value.get("data", "") if isinstance(value, dict) else value


def dunst_history() -> list[dict[str, str]]:
    """Notifications dunst received since the last :func:`dunst_clear`, oldest first.

    Each is ``{"summary": ..., "body": ..., "appname": ...}``. Closes the notifications on screen first, as
    dunst lists only closed ones.
    """
    received = [e for e in _history_entries() if int(_field(e, "id")) > _cleared_up_to]
    received.sort(key=lambda e: int(_field(e, "id")))
    return [
        {
            "summary": str(_field(e, "summary")),
            "body": str(_field(e, "body")),
            "appname": str(_field(e, "appname")),
        }
        for e in received
    ]


def dunst_clear() -> None:
    """Close every notification and forget the history seen so far (for :func:`dunst_history`)."""
    global _cleared_up_to
    ids = [int(_field(e, "id")) for e in _history_entries()]
    _cleared_up_to = max([_cleared_up_to, *ids])


def wait_for_notification(
    match: Callable[[dict[str, str]], bool] | str, timeout: float = 10.0
) -> dict[str, str]:
    """Wait until dunst received a notification that matches; return it, or raise TimeoutError.

    ``match`` is a predicate over the history entries, or a string that must occur in the summary.
    """
    predicate: Callable[[dict[str, str]], bool]
    if isinstance(match, str):
        text = match
        predicate = lambda entry: text in entry["summary"]  # noqa: E731
    else:
        predicate = match
    deadline = time.monotonic() + timeout
    while True:
        seen = dunst_history()
        for entry in seen:
            if predicate(entry):
                return entry
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"dunst received no matching notification in {timeout:.1f} s; it received: {seen}"
            )
        time.sleep(0.1)


def send_notification(summary: str, body: str = "", appname: str = "pig-desktop-tests") -> int:
    """Send a notification straight to org.freedesktop.Notifications.Notify; return its id."""
    (notification_id,) = call(
        NOTIFICATIONS,
        "/org/freedesktop/Notifications",
        NOTIFICATIONS,
        "Notify",
        "susssasa{sv}i",
        (appname, 0, "", summary, body, [], {}, 5000),
    )
    return int(notification_id)
