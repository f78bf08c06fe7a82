"""The main window on a real X server (Xvfb), driven with real input, and its screenshots.

Run by ./scripts/test.sh in the x11 group (QT_QPA_PLATFORM=xcb, DISPLAY set). Keyboard input goes through
xdotool (real X key events into the job field); the results are saved to test-artifacts/; with
PIG_UPDATE_DOCS=1 they are also copied to docs/ (screenshot-main.png: a processed job, screenshot-failed.png:
a failed one), so an ordinary run leaves the checkout untouched.
A 200 % run (QT_SCALE_FACTOR=2, a separate process, since the factor is read when Qt starts) checks that no
button or label is squeezed below the size its text needs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.signin import shown_demo_window
from helpers.xvfb import screenshot, xdotool
from PySide6.QtGui import QImage

from pig_desktop.demo import DEMO_EMAIL, DEMO_PASSWORD, FAILED_JOB, PROCESSED_JOB
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import StartOptions
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.system import tasks
from pig_desktop.ui.watching.polling import PollingService

pytestmark = pytest.mark.x11

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"


def publish(shot: Path, name: str) -> None:
    """Copy a screenshot into docs/ when asked (PIG_UPDATE_DOCS=1), as the reliability doc is refreshed."""
    if os.environ.get("PIG_UPDATE_DOCS") == "1":
        shutil.copyfile(shot, DOCS / name)


@pytest.fixture
def demo_window(qtbot: Any, sandbox: Any) -> Iterator[MainWindow]:
    window = shown_demo_window(qtbot, sandbox.url)
    # As in the app: the watch service is attached once the window is ready ("Watch until finished" enabled).
    service = PollingService()
    service.start()
    window.background.serve(service)  # as the watch controller does: the sign-in, settings, history
    window.set_polling_service(service)
    yield window
    window.shutdown()  # also shuts the polling service down
    assert tasks.shutdown_all(5000)


def type_job_with_xdotool(qtbot: Any, window: MainWindow, text: str) -> None:
    """Focus the window through X, then Ctrl+L, type the text and press Enter: real key events."""
    wid = str(int(window.winId()))
    xdotool("windowfocus", "--sync", wid)
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    xdotool("key", "--clearmodifiers", "ctrl+l")
    qtbot.waitUntil(lambda: window.job_field.edit.hasFocus(), timeout=5000)
    xdotool("type", "--delay", "5", text)
    qtbot.waitUntil(lambda: window.job_field.text() == text, timeout=10000)
    with qtbot.waitSignal(window.check_finished, timeout=15000):
        xdotool("key", "Return")


def save_shot(qtbot: Any, window: MainWindow, artifacts: Path, name: str) -> Path:
    qtbot.wait(300)  # let Qt paint, or the grab is black
    path = artifacts / name
    assert window.grab().save(str(path))
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 900
    # Not a blank image: the window has many distinct colours (text, badge, icons).
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 20
    return path


def test_processed_job_typed_with_real_keys(demo_window: MainWindow, qtbot: Any, artifacts_dir: Path) -> None:
    window = demo_window
    type_job_with_xdotool(qtbot, window, FAILED_JOB)  # something in the history list too
    type_job_with_xdotool(qtbot, window, f"https://cinx.example/partner/exec/{PROCESSED_JOB}/status")
    assert window.job_field.job_id() == PROCESSED_JOB
    assert window.result_pane.badge.text() == "Processed"
    shot = save_shot(qtbot, window, artifacts_dir, "window-processed.png")
    screenshot(artifacts_dir / "screen-processed.png")  # the whole X screen, as a user would see it
    publish(shot, "screenshot-main.png")


def test_failed_job_typed_with_real_keys(demo_window: MainWindow, qtbot: Any, artifacts_dir: Path) -> None:
    window = demo_window
    type_job_with_xdotool(qtbot, window, PROCESSED_JOB)
    type_job_with_xdotool(qtbot, window, FAILED_JOB)
    assert window.result_pane.badge.text() == "Failed"
    shot = save_shot(qtbot, window, artifacts_dir, "window-failed.png")
    publish(shot, "screenshot-failed.png")


SCALED_SCRIPT = r"""
import json, sys
from helpers.layout import squeezed_widgets
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
from pig_desktop.demo import *
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import DemoAccount, StartOptions
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.system import tasks
out = sys.argv[1]
with SandboxServer() as server:
    account = DemoAccount(server.url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN, ACTIVE_ORG)
    w = MainWindow(StartOptions(dirs=ensure(app_dirs()), demo=account))
    w.resize(1000, 680)
    w.show()
    done = []
    w.check_finished.connect(lambda r: done.append(r))
    deadline = __import__("time").monotonic() + 15
    while not w.is_ready and __import__("time").monotonic() < deadline:
        app.processEvents()
    w.job_field.set_text(FAILED_JOB)
    w.check.check_job()
    while not done and __import__("time").monotonic() < deadline:
        app.processEvents()
    for _ in range(30):
        app.processEvents()
        __import__("time").sleep(0.01)
    squeezed = squeezed_widgets(w)
    ok = w.grab().save(out)
    badge = w.result_pane.badge.text()
    info = {"saved": ok, "dpr": w.devicePixelRatio(), "badge": badge, "squeezed": squeezed}
    w.shutdown()
    tasks.shutdown_all(5000)
print(json.dumps(info))
"""


def test_window_at_200_percent_scale_is_not_clipped(artifacts_dir: Path) -> None:
    out = artifacts_dir / "window-failed-200pct.png"
    env = dict(os.environ, QT_SCALE_FACTOR="2", PYTHONPATH=os.pathsep.join((str(REPO), str(REPO / "tests"))))
    result = subprocess.run(
        [sys.executable, "-c", SCALED_SCRIPT, str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout.strip().splitlines()[-1])
    assert info["saved"] is True
    assert info["dpr"] == 2.0
    assert info["badge"] == "Failed"
    assert info["squeezed"] == []
    image = QImage(str(out))
    assert image.width() >= 1900  # 1000 logical pixels at 2x


def test_sign_in_dialog_with_organisations(qtbot: Any, sandbox: Any, artifacts_dir: Path) -> None:
    window = MainWindow(StartOptions(dirs=ensure(app_dirs())))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready, timeout=10000)
    try:
        dialog = window.open_sign_in()
        qtbot.waitExposed(dialog)
        dialog.email.setText(DEMO_EMAIL)
        dialog.password.setFocus()
        xdotool("windowfocus", "--sync", str(int(dialog.winId())))
        qtbot.waitUntil(lambda: dialog.password.hasFocus(), timeout=5000)
        xdotool("type", "--delay", "5", DEMO_PASSWORD)  # real keys into the password field
        qtbot.waitUntil(lambda: dialog.password.text() == DEMO_PASSWORD, timeout=10000)
        dialog.server.setCurrentIndex(dialog.server.findData("custom"))
        dialog.custom_url.setText(sandbox.url)
        dialog.sign_in_button.click()
        qtbot.waitUntil(lambda: bool(dialog.organisations()), timeout=15000)
        qtbot.wait(300)
        path = artifacts_dir / "sign-in-organisations.png"
        assert dialog.grab().save(str(path))
        # The password never shows on screen: the field only paints bullets.
        assert dialog.password.echoMode() == dialog.password.EchoMode.Password
        assert dialog.password.displayText() != DEMO_PASSWORD
        dialog.reject()
    finally:
        window.shutdown()
