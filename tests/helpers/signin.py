"""Signing in the way a person does: through the real sign-in dialog of a :class:`MainWindow`, against a
server URL (the sandbox on loopback, or an address where nothing listens), and the sandbox's demo account for
windows that start signed in.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from pig_desktop.demo import ACTIVE_ORG, ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import DemoAccount, StartOptions
from pig_desktop.ui.account.signin_dialog import SignInDialog
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.system import tasks


def demo_account(server: str, token: str = ACTIVE_TOKEN) -> DemoAccount:
    """The sandbox's demo account on ``server`` (its active organisation), for ``StartOptions(demo=...)``."""
    return DemoAccount(server, DEMO_EMAIL, DEMO_PASSWORD, token, ACTIVE_ORG)


def fill_sign_in(
    dialog: SignInDialog, server: str, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD
) -> None:
    """Type the email and password and choose a custom server ``server``."""
    dialog.email.setText(email)
    dialog.password.setText(password)
    dialog.server.setCurrentIndex(dialog.server.findData("custom"))
    dialog.custom_url.setText(server)


def click_sign_in(qtbot: Any, dialog: SignInDialog) -> None:
    """Click "Sign in" and wait until the dialog has its answer (organisations, or an error)."""
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=15000)


def full_sign_in(qtbot: Any, window: MainWindow, server: str, remember: bool = True) -> None:
    """Sign ``window`` in with the demo account on ``server`` and use the first organisation offered."""
    dialog = window.open_sign_in()
    fill_sign_in(dialog, server)
    dialog.remember.setChecked(remember)
    click_sign_in(qtbot, dialog)
    assert dialog.selected_organisation() is not None, dialog.error_text()
    with qtbot.waitSignal(window.session_changed, timeout=5000):
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    # The keychain job runs in a worker; wait for it.
    qtbot.waitUntil(lambda: tasks.running_count() == 0, timeout=10000)


def shown_demo_window(qtbot: Any, server: str, width: int = 1100, height: int = 700) -> MainWindow:
    """The real window signed in with the demo account on ``server``, shown at the screen's top left at
    ``width`` x ``height`` and ready (history open, signed in): what the screenshots are taken of."""
    window = MainWindow(StartOptions(dirs=ensure(app_dirs()), demo=demo_account(server)))
    qtbot.addWidget(window)
    window.resize(width, height)
    window.move(0, 0)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.is_ready, timeout=10000)
    return window
