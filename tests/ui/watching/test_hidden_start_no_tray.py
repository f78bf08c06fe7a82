"""A hidden start (``--hidden``) where the desktop has no tray: the window shows minimised instead, so the
user can still reach it, and watching goes on; with a tray the app counts as living in it (closing or
quitting behaves as after closing to the tray)."""

from __future__ import annotations

from typing import Any

from helpers.signin import demo_account

from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import StartOptions
from pig_desktop.ui.watching.controller import WatchController


def test_hidden_start_without_a_tray_shows_the_window_minimised(
    open_window: Any, sandbox: Any, qtbot: Any
) -> None:
    window = open_window(StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url)))
    window.hide()
    controller = WatchController.for_window(window, tray_available=False)
    try:
        controller.start_hidden()
        qtbot.waitUntil(window.isMinimized, timeout=3000)
        assert not controller.keeps_app_running()
        assert controller.service.is_running()
    finally:
        controller.shutdown()


def test_hidden_start_with_a_tray_lives_in_it(open_window: Any, sandbox: Any) -> None:
    window = open_window(StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url)))
    window.hide()
    controller = WatchController.for_window(window, tray_available=True)
    try:
        controller.start_hidden()
        assert controller.keeps_app_running()
        assert not window.isVisible() and not window.isMinimized()
    finally:
        controller.shutdown()
