#!/usr/bin/env python3
"""A minimal StatusNotifierWatcher for tests: ``python scripts/sni_watcher.py`` (runs until killed).

KDE and GNOME's AppIndicator extension host tray icons through the StatusNotifierItem (SNI) protocol. Qt uses
that path when a service named ``org.kde.StatusNotifierWatcher`` is on the session bus, and then
``QSystemTrayIcon.showMessage`` becomes a real ``org.freedesktop.Notifications.Notify`` call that dunst
records.
No Debian 12 package provides a bare watcher, so the tests run this one.

It owns the name, accepts ``RegisterStatusNotifierItem``/``RegisterStatusNotifierHost``, reports the three
properties Qt reads (``IsStatusNotifierHostRegistered`` = true, ``ProtocolVersion`` = 0,
``RegisteredStatusNotifierItems``), forgets items whose owner leaves the bus, and answers ``Introspect``.
It prints one line, ``StatusNotifierWatcher ready``, once it owns the name, and exits 1 if the name is taken.
Needs only jeepney (already a dependency of keyring on Linux).
"""

from __future__ import annotations

import signal
import sys
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import MatchRule, message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"
IFACE = "org.kde.StatusNotifierWatcher"
PROPS = "org.freedesktop.DBus.Properties"

INTROSPECTION = f"""<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="{IFACE}">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
  <interface name="{PROPS}">
    <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="v" direction="out"/></method>
    <method name="GetAll"><arg type="s" direction="in"/><arg type="a{{sv}}" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg type="s" direction="out"/></method>
  </interface>
</node>
"""


class Watcher:
    """The watcher's state: registered items, each with the unique bus name that registered it."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}  # item id ("bus name/path" or "bus name") -> owner's unique name
        self.signals = DBusAddress(PATH, interface=IFACE)

    def properties(self) -> dict[str, tuple[str, Any]]:
        return {
            "RegisteredStatusNotifierItems": ("as", list(self.items)),
            "IsStatusNotifierHostRegistered": ("b", True),
            "ProtocolVersion": ("i", 0),
        }

    def handle(self, msg: Any) -> list[Any]:
        """Answer one incoming method call; return the messages to send (reply first, then signals)."""
        member = msg.header.fields.get(HeaderFields.member)
        iface = msg.header.fields.get(HeaderFields.interface)
        sender = msg.header.fields.get(HeaderFields.sender, "")
        if member == "RegisterStatusNotifierItem" and iface in (IFACE, None):
            (service,) = msg.body
            # Qt passes its object path; the item then lives at that path on the caller's connection.
            item = f"{sender}{service}" if service.startswith("/") else service
            self.items[item] = sender
            return [
                new_method_return(msg),
                new_signal(self.signals, "StatusNotifierItemRegistered", "s", (item,)),
            ]
        if member == "RegisterStatusNotifierHost" and iface in (IFACE, None):
            return [new_method_return(msg), new_signal(self.signals, "StatusNotifierHostRegistered")]
        if member == "Get" and iface == PROPS:
            _, prop = msg.body
            props = self.properties()
            if prop in props:
                return [new_method_return(msg, "v", (props[prop],))]
            return [
                new_error(msg, "org.freedesktop.DBus.Error.UnknownProperty", "s", (f"no property {prop}",))
            ]
        if member == "GetAll" and iface == PROPS:
            return [new_method_return(msg, "a{sv}", (self.properties(),))]
        if member == "Introspect":
            return [new_method_return(msg, "s", (INTROSPECTION,))]
        if member == "Ping" and iface == "org.freedesktop.DBus.Peer":
            return [new_method_return(msg)]
        return [
            new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"{iface}.{member} unknown",))
        ]

    def owner_gone(self, unique_name: str) -> list[Any]:
        """Forget the items of a connection that left the bus; return the signals to send."""
        gone = [item for item, owner in self.items.items() if owner == unique_name or item == unique_name]
        for item in gone:
            del self.items[item]
        return [new_signal(self.signals, "StatusNotifierItemUnregistered", "s", (item,)) for item in gone]


def main() -> int:
    # Stop quietly on SIGTERM/SIGINT: the test harness ends us that way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    conn = open_dbus_connection(bus="SESSION")
    # Flag 4 = DBUS_NAME_FLAG_DO_NOT_QUEUE; reply 1 = we are the primary owner.
    (result,) = conn.send_and_get_reply(message_bus.RequestName(NAME, 4), timeout=5).body
    if result != 1:
        print(f"{NAME} is already owned on this bus; not starting a second watcher", file=sys.stderr)
        return 1
    rule = MatchRule(type="signal", sender="org.freedesktop.DBus", member="NameOwnerChanged")
    conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5)
    watcher = Watcher()
    print("StatusNotifierWatcher ready", flush=True)
    while True:
        msg = conn.receive()
        kind = msg.header.message_type
        if kind == MessageType.method_call:
            outgoing = watcher.handle(msg)
        elif kind == MessageType.signal and msg.header.fields.get(HeaderFields.member) == "NameOwnerChanged":
            name, _old, new = msg.body
            outgoing = watcher.owner_gone(name) if not new else []
        else:
            outgoing = []
        for out in outgoing:
            conn.send(out)


if __name__ == "__main__":
    sys.exit(main())
