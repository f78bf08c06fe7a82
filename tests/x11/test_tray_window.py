"""With a real tray host (trayer on Xvfb): closing the main window while jobs are watched keeps the app in the
tray and says so the first time only (through the notification service, like every notification); the tray
menu lists the watched jobs; Pause shows in the icon."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from helpers.dbus import dunst_clear, dunst_history, wait_for_notification
from helpers.signin import demo_account
from helpers.tray import trayer_running
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from pig_desktop.demo import bodies
from pig_desktop.demo.server import ScriptedResponse
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import StartOptions
from pig_desktop.ui.watching.controller import NOTICE_TRAY_CLOSE, WatchController

pytestmark = pytest.mark.x11


@pytest.fixture
def trayer() -> Iterator[None]:
    with trayer_running():
        deadline = time.monotonic() + 10
        while not QSystemTrayIcon.isSystemTrayAvailable() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert QSystemTrayIcon.isSystemTrayAvailable(), "trayer did not become the system tray"
        yield


def balloon_visible() -> bool:
    return any(
        w.metaObject().className() == "QBalloonTip" and w.isVisible() for w in QApplication.topLevelWidgets()
    )


def test_close_keeps_watching_in_the_tray(qtbot: Any, sandbox: Any, trayer: None, open_window: Any) -> None:
    job = str(uuid.uuid4())
    row = bodies.job_row(job, status_code=202, status_message="Processing")
    sandbox.script_job(job, [ScriptedResponse(200, json.dumps(bodies.envelope([row])).encode())])
    window = open_window(StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url)))
    dunst_clear()
    controller = WatchController.for_window(window, initial_jobs=(job,))
    try:
        assert controller.tray.available and controller.tray.icon is not None
        qtbot.waitUntil(lambda: controller.model.rowCount() == 1, timeout=10000)
        qtbot.waitUntil(lambda: controller.tray.state == "watching", timeout=5000)
        assert controller.tray.icon.toolTip() == "PIG Desktop: watching 1 job"

        controller.tray.rebuild_menu()  # what aboutToShow does
        labels = [a.text() for a in controller.tray.menu.actions()]
        assert any(job[:8] in label for label in labels)
        assert {"Show window", "Pause watching", "Quit"} <= set(labels)

        window.close()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
        assert controller.service.is_running()
        notice = wait_for_notification("PIG Desktop is still watching", timeout=10)
        assert notice["appname"] == "PIG Desktop" and "Quit in the tray menu" in notice["body"]
        assert not balloon_visible()  # the notification service shows it, not a Qt balloon
        assert NOTICE_TRAY_CLOSE in window.settings().shown_notices
        dunst_clear()

        controller.show_window()
        qtbot.waitUntil(window.isVisible, timeout=3000)
        window.close()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
        qtbot.wait(500)
        assert [n for n in dunst_history() if "still watching" in n["summary"]] == []  # the first time only

        controller.tray.pause_requested.emit(True)
        qtbot.waitUntil(lambda: controller.tray.state == "paused", timeout=3000)
    finally:
        # The window is shut down, and every task must finish, in open_window's clean-up (tests/conftest.py).
        controller.shutdown()
