"""The environment that ./scripts/test.sh builds is really there: a broken one must fail loudly, not make
tray, notification or keychain tests skip or pass by accident.

Also checks the suite's own isolation (tests/conftest.py): a private PIG_DESKTOP_HOME, no keychain by default.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.backends.null
import pytest
from helpers.dbus import dunst_clear, dunst_history, name_has_owner, send_notification, wait_for_notification
from helpers.xvfb import screenshot, xdotool


def test_runs_in_a_private_session_bus() -> None:
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS"), "no session bus: run ./scripts/test.sh"
    assert name_has_owner("org.freedesktop.DBus")


def test_dunst_receives_notifications() -> None:
    assert name_has_owner("org.freedesktop.Notifications"), "dunst is not running: run ./scripts/test.sh"
    dunst_clear()
    summary = f"environment check {secrets.token_hex(4)}"
    send_notification(summary, "body text", appname="pig-env-test")
    received = wait_for_notification(summary, timeout=10)
    assert received == {"summary": summary, "body": "body text", "appname": "pig-env-test"}
    dunst_clear()
    assert dunst_history() == [], "dunst_clear() must hide what was received before it"


@pytest.mark.keychain
def test_real_keychain_round_trips_across_processes(real_keychain: object) -> None:
    from keyring.backends import SecretService

    assert isinstance(keyring.get_keyring(), SecretService.Keyring)
    assert "PYTHON_KEYRING_BACKEND" not in os.environ
    service, value = "pig-desktop-env-test", secrets.token_hex(8)
    keyring.set_password(service, "someone@example.com", value)
    try:
        # A second process (as the app and pig-status are) must find the same secret on its own.
        read = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import keyring; print(keyring.get_password({service!r}, 'someone@example.com'))",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert read.stdout.strip() == value
    finally:
        keyring.delete_password(service, "someone@example.com")
    assert keyring.get_password(service, "someone@example.com") is None


def test_no_keychain_unless_a_test_asks_for_it() -> None:
    assert os.environ["PYTHON_KEYRING_BACKEND"] == "keyring.backends.null.Keyring"
    assert isinstance(keyring.get_keyring(), keyring.backends.null.Keyring)
    keyring.set_password("pig-desktop-env-test", "nobody", "not stored")
    assert keyring.get_password("pig-desktop-env-test", "nobody") is None


def test_each_test_gets_a_private_empty_home(
    pig_desktop_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.getbasetemp()
    assert Path(os.environ["PIG_DESKTOP_HOME"]) == pig_desktop_home
    assert pig_desktop_home.is_dir() and not any(pig_desktop_home.iterdir())
    for var in ("PIG_DESKTOP_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        assert Path(os.environ[var]).is_relative_to(base), (
            f"{var} is not inside this run's temporary directory"
        )


@pytest.mark.x11
def test_real_x_server_shows_paints_and_takes_input(qtbot, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage, QMouseEvent, QPalette
    from PySide6.QtWidgets import QApplication, QWidget

    assert QApplication.platformName() == "xcb"
    assert (
        "dimensions:    1280x800 pixels"
        in subprocess.run(["xdpyinfo"], capture_output=True, text=True, check=True, timeout=30).stdout
    )

    clicks: list[tuple[int, int]] = []

    class Target(QWidget):
        def mousePressEvent(self, event: QMouseEvent) -> None:
            clicks.append((event.position().toPoint().x(), event.position().toPoint().y()))

    widget = Target()
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(200, 30, 40))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)
    widget.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    widget.setGeometry(100, 120, 200, 150)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(300)  # let it paint, or the screenshot is black

    shot = screenshot(artifacts_dir / "environment-x11.png")
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    origin = widget.mapToGlobal(widget.rect().topLeft())
    center = (origin.x() + 100, origin.y() + 75)
    assert image.pixelColor(*center).getRgb()[:3] == (200, 30, 40), "the widget is not on the screenshot"

    # Real input through the X server, not a synthesized Qt event.
    xdotool("mousemove", str(center[0]), str(center[1]), "click", "1")
    qtbot.waitUntil(lambda: bool(clicks), timeout=5000)
    assert clicks == [(100, 75)]


def test_qt_warnings_fail_a_test_but_known_platform_noise_does_not(pytester: pytest.Pytester) -> None:
    # Runs this suite's conftest in a throw-away pytest session, so the policy it documents is proven.
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nqt_api = pyside6\nmarkers =\n    x11: x\n    keychain: k\n")
    pytester.makepyfile(
        test_policy="""
import pytest
from PySide6.QtCore import qWarning

def test_real_warning(qapp):
    qWarning("QObject::startTimer: Timers cannot be started from another thread")

def test_platform_noise(qapp):
    qWarning("This plugin does not support propagateSizeHints()")

@pytest.mark.qt_log_level_fail("NO")
def test_opted_out(qapp):
    qWarning("an expected warning")
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["FAILED *test_real_warning*"])
