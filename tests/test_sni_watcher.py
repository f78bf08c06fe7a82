"""scripts/sni_watcher.py, the StatusNotifierWatcher the tray tests rely on, answers like the real thing.

Runs in the session bus that ./scripts/test.sh creates; without one it fails (never skips).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.dbus import call, name_has_owner, session_connection, wait_for_name
from jeepney import DBusAddress, DBusErrorResponse, new_method_call
from jeepney.wrappers import unwrap_msg

WATCHER = Path(__file__).resolve().parent.parent / "scripts" / "sni_watcher.py"
NAME = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"
PROPS = "org.freedesktop.DBus.Properties"


@pytest.fixture
def watcher() -> Iterator[subprocess.Popen[str]]:
    assert not name_has_owner(NAME), f"{NAME} is already on this bus: another watcher was left running"
    proc = subprocess.Popen(
        [sys.executable, str(WATCHER)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "StatusNotifierWatcher ready", (
            proc.stderr.read() if proc.stderr else ""
        )
        wait_for_name(NAME, timeout=5)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    wait_for_name(NAME, timeout=5, present=False)


def get_property(prop: str) -> tuple[str, object]:
    (value,) = call(NAME, PATH, PROPS, "Get", "ss", (NAME, prop))
    signature, data = value
    return str(signature), data


def test_watcher_reports_a_host_and_protocol_version(watcher: subprocess.Popen[str]) -> None:
    assert get_property("IsStatusNotifierHostRegistered") == ("b", True)
    assert get_property("ProtocolVersion") == ("i", 0)
    assert get_property("RegisteredStatusNotifierItems") == ("as", [])
    (everything,) = call(NAME, PATH, PROPS, "GetAll", "s", (NAME,))
    assert everything == {
        "IsStatusNotifierHostRegistered": ("b", True),
        "ProtocolVersion": ("i", 0),
        "RegisteredStatusNotifierItems": ("as", []),
    }


def test_watcher_lists_registered_items_until_their_owner_leaves(watcher: subprocess.Popen[str]) -> None:
    address = DBusAddress(PATH, bus_name=NAME, interface=NAME)
    with session_connection() as conn:
        me = conn.unique_name
        # Qt registers its item by object path; the watcher must qualify it with the caller's bus name.
        unwrap_msg(
            conn.send_and_get_reply(new_method_call(address, "RegisterStatusNotifierItem", "s", ("/Item",)))
        )
        assert get_property("RegisteredStatusNotifierItems") == ("as", [f"{me}/Item"])
        unwrap_msg(
            conn.send_and_get_reply(new_method_call(address, "RegisterStatusNotifierHost", "s", ("host",)))
        )
    # Our connection is closed: the item must be dropped (NameOwnerChanged), or stale icons would pile up.
    for _ in range(50):
        if get_property("RegisteredStatusNotifierItems") == ("as", []):
            break
        time.sleep(0.1)
    assert get_property("RegisteredStatusNotifierItems") == ("as", [])


def test_watcher_introspects_and_refuses_unknown_calls(watcher: subprocess.Popen[str]) -> None:
    (xml,) = call(NAME, PATH, "org.freedesktop.DBus.Introspectable", "Introspect")
    assert '<interface name="org.kde.StatusNotifierWatcher">' in xml
    assert 'name="RegisterStatusNotifierItem"' in xml
    with pytest.raises(DBusErrorResponse) as refused:
        call(NAME, PATH, NAME, "NoSuchMethod")
    assert refused.value.name == "org.freedesktop.DBus.Error.UnknownMethod"


def test_a_second_watcher_refuses_to_start(watcher: subprocess.Popen[str]) -> None:
    second = subprocess.run([sys.executable, str(WATCHER)], capture_output=True, text=True, timeout=30)
    assert second.returncode == 1
    assert "already owned" in second.stderr
    assert watcher.poll() is None, "the first watcher must keep running"


# Qt decides once per process whether a StatusNotifierWatcher exists, so the Qt side runs in a child process
# started after the watcher; that keeps this test independent of test order.
QT_TRAY_CHILD = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

app = QApplication([])
print("available", QSystemTrayIcon.isSystemTrayAvailable(), flush=True)
pixmap = QPixmap(22, 22)
pixmap.fill(QColor("green"))
tray = QSystemTrayIcon(QIcon(pixmap))
tray.show()
QTimer.singleShot(300, lambda: tray.showMessage(sys.argv[1], "sent through the SNI path"))
QTimer.singleShot(1500, app.quit)
app.exec()
"""


@pytest.mark.x11
def test_qt_tray_messages_reach_dunst_through_the_watcher(watcher: subprocess.Popen[str]) -> None:
    from helpers.dbus import dunst_clear, wait_for_notification

    dunst_clear()
    title = f"SNI path check {time.monotonic_ns()}"
    child = subprocess.run(
        [sys.executable, "-c", QT_TRAY_CHILD, title], capture_output=True, text=True, timeout=60, check=False
    )
    assert child.returncode == 0, child.stderr
    assert "available True" in child.stdout, "Qt did not see a system tray although the watcher runs"
    received = wait_for_notification(title, timeout=10)
    assert received["body"] == "sent through the SNI path"
