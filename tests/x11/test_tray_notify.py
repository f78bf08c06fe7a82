"""Tray icon and notifications for real, on Xvfb in a private D-Bus session with dunst (./scripts/test.sh).

Three set-ups, each in its own process (the tray kind is fixed when a QApplication starts, and the pytest
process shares one QApplication): an XEmbed tray host (trayer), the StatusNotifierItem path (our small
StatusNotifierWatcher on the bus) and no tray at all. A driver script makes the QApplication, the
TrayController and the Notifier, finishes two watched jobs within the grouping time, and prints what it saw as
JSON lines; the test checks those and what dunst received.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.dbus import dunst_clear, dunst_history, name_has_owner, wait_for_name, wait_for_notification
from helpers.tray import trayer_running

pytestmark = pytest.mark.x11

REPO = Path(__file__).resolve().parents[2]
WATCHER = REPO / "scripts" / "sni_watcher.py"
SNI = "org.kde.StatusNotifierWatcher"

DRIVER = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon
    from pig_desktop.core.models import JobRow
    from pig_desktop.core.outcome import Outcome, StatusReport
    from pig_desktop.store.settings import Settings
    from pig_desktop.ui.watching.notify import Notifier
    from pig_desktop.ui.watching.tray import TrayController
    from pig_desktop.ui.watching.model import WatchModel

    app = QApplication([])
    wait_click_ms = int(sys.argv[1])

    def say(**kw):
        print(json.dumps(kw), flush=True)

    model = WatchModel()
    tray = TrayController(model)
    notifier = Notifier.for_desktop(lambda: Settings(), tray, parent=app)
    tray.show()
    tip = tray.icon.toolTip() if tray.icon else ""
    say(event="start", available=tray.available, backend=notifier.backend.name,
        supports_messages=QSystemTrayIcon.supportsMessages(), tooltip=tip)
    notifier.job_clicked.connect(lambda job: (say(event="clicked", job=job), app.quit()))
    if hasattr(notifier.backend, "wait_ready"):
        say(event="dbus-ready", ready=notifier.backend.wait_ready(5))

    def finish():
        ok, bad = "97b96860-ca73-4f8e-b6ba-37ce9f256871", "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17"
        row = JobRow(status_code=200, status_message="Processed", app="Estimating")
        notifier.job_finished(ok, "final", StatusReport(ok, Outcome.PROCESSED, "ok", job=row))
        failed = JobRow(status_code=500, status_message="Internal Server Error", app="Takeoff")
        notifier.job_finished(bad, "final", StatusReport(bad, Outcome.FAILED, "bad", job=failed))

    def balloons():
        names = [w.metaObject().className() for w in QApplication.topLevelWidgets() if w.isVisible()]
        say(event="sent", balloon="QBalloonTip" in names)
        if not wait_click_ms:
            app.quit()

    notifier.sent.connect(lambda m: say(event="message", title=m.title, body=m.body, job=m.job_id))
    notifier.sent.connect(lambda m: QTimer.singleShot(500, balloons))
    QTimer.singleShot(1500, finish)  # let the tray host embed the icon first
    QTimer.singleShot(20000 + wait_click_ms, app.quit)
    app.exec()
    notifier.close()
    tray.dispose()
    say(event="end")
    """
)


def run_driver(tmp_path: Path, wait_click_ms: int = 0) -> subprocess.Popen[str]:
    script = tmp_path / "tray_driver.py"
    script.write_text(DRIVER)
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    return subprocess.Popen(
        [sys.executable, str(script), str(wait_click_ms)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(REPO),
    )


def events(proc: subprocess.Popen[str], timeout: float = 40) -> list[dict[str, Any]]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def first(evs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [e for e in evs if e["event"] == kind]
    assert found, f"no {kind!r} event in {evs}"
    return found[0]


@pytest.fixture(autouse=True)
def clean_bus() -> Iterator[None]:
    assert name_has_owner("org.freedesktop.Notifications"), "dunst is not running: use ./scripts/test.sh"
    assert not name_has_owner(SNI), "a StatusNotifierWatcher was left on the bus"
    dunst_clear()
    yield


@pytest.fixture
def trayer() -> Iterator[None]:
    with trayer_running() as proc:
        time.sleep(1.0)  # trayer claims the _NET_SYSTEM_TRAY selection once mapped
        assert proc.poll() is None, "trayer exited at once"
        yield


@pytest.fixture
def sni_watcher() -> Iterator[None]:
    proc = subprocess.Popen(
        [sys.executable, str(WATCHER)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "StatusNotifierWatcher ready"
        wait_for_name(SNI, timeout=5)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    wait_for_name(SNI, timeout=5, present=False)


GROUP_TITLE = "2 jobs finished: 1 processed, 1 failed"


def test_xembed_tray_shows_its_own_balloon(tmp_path: Path, trayer: None) -> None:
    evs = events(run_driver(tmp_path))
    start = first(evs, "start")
    assert start["available"] is True and start["backend"] == "tray"
    assert start["tooltip"] == "PIG Desktop: not watching any jobs"
    assert first(evs, "message")["title"] == GROUP_TITLE  # two jobs within 2 s: one notification
    assert first(evs, "sent")["balloon"] is True  # Qt drew its balloon on the X server
    assert dunst_history() == []  # XEmbed: nothing goes over D-Bus


def test_status_notifier_item_path_reaches_dunst(tmp_path: Path, sni_watcher: None) -> None:
    evs = events(run_driver(tmp_path))
    start = first(evs, "start")
    assert start["available"] is True and start["backend"] == "tray"
    seen = wait_for_notification(GROUP_TITLE, timeout=10)
    assert "97b96860-ca73-4f8e-b6ba-37ce9f256871" in seen["body"] and "failed" in seen["body"]
    assert len([n for n in dunst_history() if "jobs finished" in n["summary"]]) == 1  # grouped, no storm


def test_no_tray_goes_straight_to_dbus_and_a_click_opens_the_job(tmp_path: Path) -> None:
    proc = run_driver(tmp_path, wait_click_ms=15000)
    assert proc.stdout is not None
    lines: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(json.loads(line))
        if lines[-1]["event"] == "sent":
            break
    start = first(lines, "start")
    assert start["available"] is False and start["backend"] == "dbus"
    assert first(lines, "dbus-ready")["ready"] is True
    # Click it: dunst runs the notification's "default" action, which sends ActionInvoked back to the app.
    time.sleep(0.3)
    subprocess.run(["dunstctl", "action", "0"], check=True, timeout=10)
    evs = lines + events(proc)
    clicked = first(evs, "clicked")
    assert clicked["job"] == "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17"  # a group opens its failed job
    seen = [n for n in dunst_history() if n["summary"] == GROUP_TITLE]
    assert len(seen) == 1 and seen[0]["appname"] == "PIG Desktop"
