"""Notifications for real, on Xvfb, through dunst: the same everywhere, whatever the tray.

Each test has its own session bus, dunst and bus monitor (tests/helpers/notifications.py) and runs the app
side in a child process (tests/helpers/notify_driver.py), because Qt fixes the tray kind once per process.
Set-ups: a StatusNotifierItem watcher (scripts/sni_watcher.py), an XEmbed tray (trayer) and no tray; in all
three every notification must reach the notification service with the outcome's icon, the job id and app in
words, and the Open / "Copy for ticket" actions; clicking them through dunst (``dunstctl action``,
``dunstctl context`` with a scripted menu) must fire the notifier's signals for the right job. Without a
notification service, the tray's own balloon stands in.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers import notify_jobs as ids
from helpers.notifications import BusMonitor, Dunst, PrivateBus, bus_monitor, dunst_on, private_bus
from helpers.tray import trayer_running

pytestmark = pytest.mark.x11

REPO = Path(__file__).resolve().parents[2]
WATCHER = REPO / "scripts" / "sni_watcher.py"
DRIVER = REPO / "tests" / "helpers" / "notify_driver.py"
SNI = "org.kde.StatusNotifierWatcher"

GROUP_TITLE = "2 jobs finished: 1 processed, 1 failed"


class Driver:
    """The child process and the JSON lines it printed."""

    def __init__(self, bus: PrivateBus, mode: str) -> None:
        env = dict(bus.env, QT_QPA_PLATFORM="xcb")
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(REPO),
        )
        self.events: list[dict[str, Any]] = []

    def expect(self, event: str) -> dict[str, Any]:
        """Read lines until the next ``event``; fail with what came instead if the child ends first."""
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait(timeout=10)
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(
                    f"the driver ended before {event!r}; it said {self.events}; stderr: {err}"
                )
            if not line.startswith("{"):
                continue
            self.events.append(json.loads(line))
            if self.events[-1]["event"] == event:
                return self.events[-1]

    def finish(self) -> None:
        self.expect("end")
        out, err = self.proc.communicate(timeout=20)
        assert self.proc.returncode == 0, err

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.communicate(timeout=20)


@contextmanager
def driver(bus: PrivateBus, mode: str) -> Iterator[Driver]:
    child = Driver(bus, mode)
    try:
        yield child
    finally:
        child.stop()


@contextmanager
def tray_host(kind: str, bus: PrivateBus) -> Iterator[None]:
    if kind == "xembed":
        with trayer_running() as proc:
            time.sleep(1.0)  # trayer claims the _NET_SYSTEM_TRAY selection once mapped
            assert proc.poll() is None, "trayer exited at once"
            yield
    elif kind == "sni":
        proc = subprocess.Popen(
            [sys.executable, str(WATCHER)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=bus.env,
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "StatusNotifierWatcher ready"
            bus.wait_for_name(SNI, timeout=5)
            yield
        finally:
            proc.terminate()
            proc.communicate(timeout=10)
    else:
        yield


def icon_of(call: tuple[Any, ...]) -> str:
    """The outcome whose icon a Notify call carries (app_icon and the image-path hint: the same file)."""
    icon = Path(call[2])
    assert icon.is_file(), f"the notification's icon {icon} is not a file"
    assert call[6]["image-path"] == ("s", str(icon))
    assert icon.parent.name == "outcome", icon
    return icon.stem


def click_through(dunst: Dunst, child: Driver, monitor: BusMonitor, markup: bool) -> None:
    """Run the driver's three notifications, clicking each through dunst, and check what the bus carried,
    what dunst showed and which signals fired."""
    sent = child.expect("sent")
    assert sent["title"] == GROUP_TITLE and sent["grouped"] is True
    assert sent["balloon"] is False  # no Qt balloon with any tray: the service shows it
    group = monitor.wait("call", "Notify", 1)[0]
    dunst.ctl("action", "0")  # a click on the notification: its default action, Open
    child.expect("open-list")
    # A mouse click also closes the notification (dunst's mouse_left_click = close_current, do_action);
    # dunstctl does not, and the next "action 0" would hit this one again.
    dunst.ctl("close-all")

    child.expect("sent")
    hostile = monitor.wait("call", "Notify", 2)[1]
    dunst.pick_in_context_menu("Copy for ticket")
    copy = child.expect("copy")
    dunst.ctl("close-all")
    assert (copy["job"], copy["server"]) == (ids.HOSTILE_JOB, ids.SERVER)
    assert copy["clipboard"] == copy["summary"] and ids.HOSTILE_JOB in copy["clipboard"]

    child.expect("sent")
    single = monitor.wait("call", "Notify", 3)[2]
    dunst.ctl("action", "0")
    opened = child.expect("open")
    assert (opened["job"], opened["server"]) == (ids.SINGLE_OK, ids.SERVER)
    child.finish()

    # What went over the bus: exactly our three Notify calls (Qt's tray sent none of its own).
    calls = monitor.calls("Notify")
    assert len(calls) == 3, calls
    for call in calls:
        assert call[0] == "PIG Desktop"
    assert icon_of(group) == "failed"  # a group carries its worst outcome
    assert icon_of(hostile) == "failed"
    assert icon_of(single) == "processed"
    assert group[5] == ["default", "Open"]  # no single job to copy for a group
    assert hostile[5] == ["default", "Open", "copy-ticket", "Copy for ticket"]
    assert single[5] == ["default", "Open", "copy-ticket", "Copy for ticket"]
    assert (group[7], hostile[7], single[7]) == (0, 0, 10000)  # problems stay; a success goes after 10 s
    assert ids.GROUP_OK in group[4] and "Estimating" in group[4] and "Takeoff" in group[4]
    raw_body = f"{ids.HOSTILE_APP} job {ids.HOSTILE_JOB} failed."
    assert hostile[4].startswith(html.escape(raw_body, quote=False) if markup else raw_body)
    assert single[4] == f"Estimating job {ids.SINGLE_OK} finished successfully."
    invoked = [action for _id, action in monitor.signals("ActionInvoked")]
    assert invoked == ["default", "copy-ticket", "default"]

    # What dunst showed: the three, with our icons and words, and both actions in its menu.
    history = dunst.history()
    assert [h["summary"] for h in history] == [GROUP_TITLE, "Job failed", "Job processed"]
    assert [Path(h["icon_path"]).name for h in history] == ["failed.svg", "failed.svg", "processed.svg"]
    assert [h["appname"] for h in history] == ["PIG Desktop"] * 3
    assert history[1]["body"] == hostile[4] and history[2]["body"] == single[4]
    assert "#Copy for ticket (Job failed)" in dunst.menus() and "#Open (Job failed)" in dunst.menus()


@pytest.mark.parametrize(
    ("tray", "markup"),
    [("sni", False), ("xembed", False), ("none", False), ("none", True)],
    ids=["status-notifier-item", "xembed-trayer", "no-tray", "no-tray-markup-service"],
)
def test_every_notification_reaches_the_service_with_icon_and_actions(
    tmp_path: Path, tray: str, markup: bool
) -> None:
    with ExitStack() as stack:
        bus = stack.enter_context(private_bus())
        dunst = stack.enter_context(dunst_on(bus, tmp_path, markup=markup))
        monitor = stack.enter_context(bus_monitor(bus))
        stack.enter_context(tray_host(tray, bus))
        child = stack.enter_context(driver(bus, "all"))
        start = child.expect("start")
        assert start["tray"] is (tray != "none")
        assert start["backend"] == "dbus"
        ready = child.expect("ready")
        assert ready["backend"] == "dbus"
        assert "actions" in ready["capabilities"] and ("body-markup" in ready["capabilities"]) is markup
        click_through(dunst, child, monitor, markup)


@pytest.mark.parametrize("tray", ["xembed", "none"])
def test_without_a_notification_service_the_tray_balloon_stands_in(tmp_path: Path, tray: str) -> None:
    with ExitStack() as stack:
        bus = stack.enter_context(private_bus())
        monitor = stack.enter_context(bus_monitor(bus))
        stack.enter_context(tray_host(tray, bus))
        child = stack.enter_context(driver(bus, "first"))
        assert child.expect("start")["tray"] is (tray == "xembed")
        ready = child.expect("ready")
        assert ready["backend"] == ("tray" if tray == "xembed" else "none")
        sent = child.expect("sent")
        assert sent["title"] == GROUP_TITLE
        assert sent["balloon"] is (tray == "xembed")  # Qt drew its balloon on the X server
        if tray == "xembed":
            x, y = sent["at"]  # a real click on the balloon: the group's Open, the finished list
            subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=True, timeout=10)
            child.expect("open-list")
        child.finish()
        assert monitor.calls("Notify") == []
        assert monitor.calls("GetCapabilities") != []  # it did ask, and nobody answered


def test_a_job_notified_again_replaces_its_notification_until_it_is_closed(
    qtbot: Any, tmp_path: Path
) -> None:
    from pig_desktop.ui.watching.notify import Finished, FreedesktopBackend, compose

    with ExitStack() as stack:
        bus = stack.enter_context(private_bus())
        dunst = stack.enter_context(dunst_on(bus, tmp_path))
        monitor = stack.enter_context(bus_monitor(bus))
        backend = FreedesktopBackend(lambda action, message: None, bus=bus.address)
        stack.callback(backend.close)
        assert backend.wait_ready(5)
        job = compose([Finished(ids.SINGLE_OK, "failed", "Takeoff", ids.SERVER)])
        group = compose([Finished(ids.GROUP_OK, "processed"), Finished(ids.GROUP_BAD, "failed")])
        later_group = compose([Finished(ids.HOSTILE_JOB, "processed"), Finished(ids.GROUP_BAD, "failed")])

        for message in (job, group, job, later_group):
            backend.send(message)
            # The id comes back asynchronously; a later send can only replace what has its id.
            qtbot.waitUntil(backend.answered)
        assert len(backend.shown_ids()) == 2
        first_job, first_group, again, next_group = (call[1] for call in monitor.wait("call", "Notify", 4))
        shown = dunst.history()  # closes them all: NotificationClosed for each
        assert len(shown) == 2, shown  # one per job and one group: replaced, not piled up
        job_id, group_id = (int(entry["id"]) for entry in shown)
        assert (first_job, first_group, again, next_group) == (0, 0, job_id, group_id)
        monitor.wait("signal", "NotificationClosed", 2)
        qtbot.waitUntil(lambda: backend.shown_ids() == {})
        backend.send(job)  # the old one is gone: a fresh notification, not a replacement of a closed one
        assert monitor.wait("call", "Notify", 5)[4][1] == 0


def test_only_the_service_itself_can_invoke_an_action(qtbot: Any, tmp_path: Path) -> None:
    """Any client on the bus can send a signal that looks like ActionInvoked; only dunst's counts."""
    from jeepney import DBusAddress, new_signal
    from jeepney.io.blocking import open_dbus_connection

    from pig_desktop.ui.watching.notify import Finished, FreedesktopBackend, compose

    with ExitStack() as stack:
        bus = stack.enter_context(private_bus())
        dunst = stack.enter_context(dunst_on(bus, tmp_path))
        monitor = stack.enter_context(bus_monitor(bus))
        invoked: list[tuple[str, str]] = []
        backend = FreedesktopBackend(lambda action, m: invoked.append((action, m.job_id)), bus=bus.address)
        stack.callback(backend.close)
        assert backend.wait_ready(5)
        backend.send(compose([Finished(ids.SINGLE_OK, "failed", "Takeoff", ids.SERVER)]))
        qtbot.waitUntil(lambda: backend.answered() and len(backend.shown_ids()) == 1)
        (notification_id,) = backend.shown_ids().values()
        forger = open_dbus_connection(bus=bus.address)
        stack.callback(forger.close)
        path = DBusAddress("/org/freedesktop/Notifications", interface="org.freedesktop.Notifications")
        forger.send(new_signal(path, "ActionInvoked", "us", (notification_id, "copy-ticket")))
        monitor.wait("signal", "ActionInvoked", 1)
        dunst.ctl("action", "0")  # the real click, after the forged one
        monitor.wait("signal", "ActionInvoked", 2)
        # The bus routed the forged signal first (the monitor saw it first) and the backend reads messages
        # in order: once the real click has arrived, the forged one has been read too.
        qtbot.waitUntil(lambda: len(invoked) >= 1)
        assert invoked == [("default", ids.SINGLE_OK)]
