"""A notification desktop of the test's own: a private session bus, a dunst on it, and a bus monitor.

The suite's session (./scripts/test.sh) already runs a dunst, but one without a context-menu program and with
body markup on. The notification tests need to choose both, and to see a bus with no notification service at
all, so each test gets its own ``dbus-daemon`` (from ``session-bus.conf`` next to this file: no service
directories, so nothing is ever D-Bus-activated behind the test's back) and, if it wants, its own dunst on it
with a generated dunstrc whose ``dmenu`` is ``dunst_dmenu.sh``. Everything runs on the suite's Xvfb
display.

:class:`BusMonitor` becomes a bus monitor (``org.freedesktop.DBus.Monitoring.BecomeMonitor``) and records
every ``org.freedesktop.Notifications`` message: the Notify calls the app makes, and the ActionInvoked and
NotificationClosed signals dunst sends back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import unwrap_msg

HERE = Path(__file__).resolve().parent
BUS_CONFIG = HERE / "session-bus.conf"
DMENU = HERE / "dunst_dmenu.sh"
NOTIFICATIONS = "org.freedesktop.Notifications"


@dataclass
class PrivateBus:
    address: str
    env: dict[str, str]  # os.environ with DBUS_SESSION_BUS_ADDRESS pointing at this bus

    def has_owner(self, name: str) -> bool:
        conn = open_dbus_connection(bus=self.address)
        try:
            reply = conn.send_and_get_reply(message_bus.NameHasOwner(name), timeout=5)
        finally:
            conn.close()
        return bool(unwrap_msg(reply)[0])

    def wait_for_name(self, name: str, timeout: float = 10.0, *, present: bool = True) -> None:
        deadline = time.monotonic() + timeout
        while self.has_owner(name) != present:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{name} {'never got' if present else 'kept'} an owner on the test bus")
            time.sleep(0.05)


@contextmanager
def private_bus() -> Iterator[PrivateBus]:
    """A dbus-daemon of the test's own; stopped on exit."""
    assert os.environ.get("DISPLAY"), "no X display: run the x11 tests with ./scripts/test.sh"
    proc = subprocess.Popen(
        ["dbus-daemon", f"--config-file={BUS_CONFIG}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        assert address.startswith("unix:"), f"dbus-daemon printed no address: {address!r}"
        yield PrivateBus(address, dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class Dunst:
    bus: PrivateBus
    proc: subprocess.Popen[bytes]
    menu_log: Path  # every context menu dunst offered, as the dmenu script received it
    pick_file: Path

    def ctl(self, *args: str) -> str:
        done = subprocess.run(
            ["dunstctl", *args], env=self.bus.env, capture_output=True, text=True, timeout=10, check=False
        )
        assert done.returncode == 0, f"dunstctl {' '.join(args)} failed: {done.stderr}"
        return done.stdout

    def pick_in_context_menu(self, label: str) -> None:
        """Open the newest notification's action menu and choose ``label`` in it (``dunstctl context``)."""
        self.pick_file.write_text(label)
        self.ctl("context")

    def history(self) -> list[dict[str, Any]]:
        """Every notification dunst showed, oldest first, as ``{field: value}`` (closes those on screen)."""
        self.ctl("close-all")
        raw = json.loads(self.ctl("history"))
        entries = raw["data"][0] if raw.get("data") else []
        flat = [{k: v["data"] for k, v in entry.items()} for entry in entries]
        return sorted(flat, key=lambda e: int(e["id"]))

    def menus(self) -> str:
        return self.menu_log.read_text() if self.menu_log.exists() else ""


@contextmanager
def dunst_on(bus: PrivateBus, workdir: Path, *, markup: bool = False) -> Iterator[Dunst]:
    """A dunst on ``bus`` with a context-menu program the test scripts; ``markup`` turns body markup on
    (then dunst advertises the ``body-markup`` capability)."""
    exe = shutil.which("dunst")
    assert exe, "dunst is not installed (Debian package dunst); see scripts/install-system-deps.sh"
    config = workdir / "dunstrc"
    config.write_text(f"[global]\n    dmenu = {DMENU}\n    markup = {'full' if markup else 'no'}\n")
    menu_log, pick_file = workdir / "dunst-menus.txt", workdir / "dunst-pick.txt"
    pick_file.write_text("")
    env = dict(bus.env, PIG_DMENU_LOG=str(menu_log), PIG_DMENU_PICK=str(pick_file))
    log = (workdir / "dunst.log").open("wb")
    proc = subprocess.Popen([exe, "-config", str(config), "-print"], env=env, stdout=log, stderr=log)
    try:
        bus.wait_for_name(NOTIFICATIONS)
        yield Dunst(bus, proc, menu_log, pick_file)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@dataclass
class Seen:
    kind: str  # "call", "signal"
    member: str
    body: tuple[Any, ...]
    sender: str = ""


@dataclass
class BusMonitor:
    """Records every org.freedesktop.Notifications message on a bus (see the module docstring)."""

    conn: DBusConnection
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def calls(self, member: str) -> list[tuple[Any, ...]]:
        with self.lock:
            return [s.body for s in self.seen if s.kind == "call" and s.member == member]

    def signals(self, member: str) -> list[tuple[Any, ...]]:
        with self.lock:
            return [s.body for s in self.seen if s.kind == "signal" and s.member == member]

    def wait(self, kind: str, member: str, count: int = 1, timeout: float = 10.0) -> list[tuple[Any, ...]]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls(member) if kind == "call" else self.signals(member)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(f"saw {len(found)} {member} {kind}s, not {count}; all: {self.seen}")
            time.sleep(0.05)

    def _run(self) -> None:
        from jeepney import HeaderFields

        while True:
            try:
                msg = self.conn.receive()
            except (OSError, ValueError, TimeoutError):
                return
            fields = msg.header.fields
            if fields.get(HeaderFields.interface) != NOTIFICATIONS:
                continue
            kind = {MessageType.method_call: "call", MessageType.signal: "signal"}.get(
                msg.header.message_type
            )
            if kind is None:
                continue
            with self.lock:
                self.seen.append(Seen(kind, str(fields.get(HeaderFields.member)), tuple(msg.body)))


@contextmanager
def bus_monitor(bus: PrivateBus) -> Iterator[BusMonitor]:
    conn = open_dbus_connection(bus=bus.address)
    address = DBusAddress(
        "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus.Monitoring"
    )
    rule = f"interface='{NOTIFICATIONS}'"
    unwrap_msg(
        conn.send_and_get_reply(new_method_call(address, "BecomeMonitor", "asu", ([rule], 0)), timeout=5)
    )
    monitor = BusMonitor(conn)
    thread = threading.Thread(target=monitor._run, name="bus-monitor", daemon=True)
    thread.start()
    try:
        yield monitor
    finally:
        import socket

        try:
            conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        thread.join(timeout=5)
        conn.close()
