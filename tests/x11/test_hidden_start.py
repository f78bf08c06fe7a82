"""``pig-desktop --hidden`` (what the sign-in autostart entry runs), for real on Xvfb with a tray (trayer),
dunst and the real keychain: no window on screen, the saved watch list resumes at once with the saved
sign-in, the watched job is polled and its notification comes, and opening from the tray shows the window.

No main window exists until the user opens it from the tray (issue 16: the tray, the notifications and the
polling need none); then it is built with the Watching panel in it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.dbus import dunst_clear, wait_for_notification
from helpers.tray import trayer_running

from pig_desktop.core.servers import server_for
from pig_desktop.demo import ACTIVE_ORG, ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD, PROCESSED_JOB
from pig_desktop.store.credentials import Keychain
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.store.settings import Settings, save_settings
from pig_desktop.store.watchlist import WatchEntry, WatchStore

pytestmark = [pytest.mark.x11, pytest.mark.keychain]

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
app = QApplication([sys.argv[0]])
seen = {"windows_before_open": 0}
def windows():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
def tick():
    from pig_desktop.ui.watching.controller import WatchController
    watch = app.findChild(WatchController)
    if "opened" not in seen:
        seen["windows_before_open"] = max(seen["windows_before_open"], len(windows()))
    if watch is not None and "tray" not in seen:
        seen["tray"] = watch.tray.available and watch.tray.icon is not None and watch.tray.icon.isVisible()
        watch.notifier.sent.connect(lambda message: seen.setdefault("notified", message.title))
    if "notified" in seen and "opened" not in seen:
        import PySide6.QtCore
        # PySide6 makes all the Qt namespace's enum members the first time anything touches it: a start in
        # the tray needs none of them (docs/performance.md, "Hidden start").
        seen["qt_namespace_before_open"] = "Qt" in PySide6.QtCore.__dict__
        seen["opened"] = True
        watch.tray.show_window_requested.emit()  # what a click on the tray icon does
    elif "opened" in seen:
        shown = [w for w in windows() if w.isVisible()]
        seen["shown_after_open"] = len(shown)
        seen["watching_panel"] = bool(shown) and shown[0].findChild(QWidget, "watchPanel") is not None
        print(repr(seen), flush=True)
        shown[0].request_quit()
        return
    QTimer.singleShot(50, tick)
QTimer.singleShot(0, tick)
from pig_desktop.app import main
sys.exit(main(["--hidden"]))
"""


@pytest.fixture
def trayer() -> Iterator[None]:
    with trayer_running():
        time.sleep(1.0)  # trayer takes the tray selection; the child's Qt looks for it at start
        yield


def test_hidden_start_resumes_watching_in_the_tray_and_opens_from_it(
    sandbox: Any, real_keychain: Any, trayer: None
) -> None:
    dirs = ensure(app_dirs())
    server = server_for("custom", sandbox.url)
    save_settings(
        Settings(
            server_kind="custom",
            custom_server=server,
            email=DEMO_EMAIL,
            org_name=ACTIVE_ORG,
            org_id="1",
            api_token=ACTIVE_TOKEN,
        ),
        dirs.settings_file,
    )
    Keychain().set(server, DEMO_EMAIL, DEMO_PASSWORD)
    watches = WatchStore(dirs.history_file)
    watches.add(WatchEntry(PROCESSED_JOB, server, ACTIVE_ORG, ACTIVE_TOKEN, datetime.now(UTC)))
    watches.close()
    dunst_clear()
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="xcb")
    try:
        result = subprocess.run(
            [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=90
        )
    finally:
        Keychain().delete(server, DEMO_EMAIL)
    assert result.returncode == 0, result.stderr
    seen = eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr() of a dict
    assert seen["windows_before_open"] == 0  # started hidden: no main window built, none on screen
    assert seen["tray"] is True
    assert sandbox.request_count(PROCESSED_JOB) >= 1  # the saved watch was polled without a window
    assert seen["notified"]
    assert seen["qt_namespace_before_open"] is False
    assert "Traceback" not in result.stderr and "cannot be converted" not in result.stderr, result.stderr
    notice = wait_for_notification(lambda n: "processed" in (n["summary"] + n["body"]).lower(), timeout=10)
    assert notice["appname"] == "PIG Desktop"
    assert seen["shown_after_open"] == 1  # opened from the tray: built then, and shown
    assert seen["watching_panel"] is True  # with the watch list in it
