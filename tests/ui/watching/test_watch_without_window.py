"""The watch feature with no main window (a start in the tray, issue 16): the Background signs in and opens
the history, the WatchController polls and records answers in the history with no window built, and the
window is built only when the user opens a job, with the Watching panel and that job's result in it."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.signin import demo_account
from PySide6.QtWidgets import QApplication

from pig_desktop.demo.accounts import PROCESSED_JOB
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import StartOptions
from pig_desktop.ui.shell.background import START_STEPS, Background
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.system import tasks
from pig_desktop.ui.watching.controller import WatchController


def _main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and not w.is_closed()]


@pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise\(\)|propagateSizeHints\(\))"  # offscreen platform
)
def test_watching_runs_without_a_window_until_a_job_is_opened(qtbot: Any, sandbox: Any) -> None:
    options = StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url))
    background = Background(options)
    background.start()
    qtbot.waitUntil(lambda: all(background.is_done(step) for step in START_STEPS), timeout=15000)
    built: list[MainWindow] = []

    def open_window() -> None:
        window = MainWindow(options, background=background)
        qtbot.addWidget(window)
        built.append(window)
        watch.attach_window(window, window.check)

    watch = WatchController(background, open_window=open_window, tray_available=False, hidden=True)
    try:
        assert watch.panel is None and watch.window is None
        watch.service.watch(PROCESSED_JOB)
        store = background.history.store()
        assert store is not None
        # Answered and written to Recent checks, with no window anywhere.
        qtbot.waitUntil(lambda: store.find(PROCESSED_JOB, background.account.session().server) is not None,
                        timeout=15000)  # fmt: skip
        assert built == [] and _main_windows() == []
        assert background.history.panel is None  # no window wanted it

        watch.open_job(PROCESSED_JOB)  # a notification's "Open", a click in the tray's list
        assert len(built) == 1
        window = built[0]
        assert window.isVisible()
        assert window.findChild(type(watch.panel), "watchPanel") is watch.panel
        qtbot.waitUntil(lambda: window.result_pane.badge.text() == "Processed", timeout=15000)
        qtbot.waitUntil(lambda: background.history.panel is not None, timeout=15000)
        assert window.watch_button.isEnabled()  # the window got the watch service

        watch.open_job(PROCESSED_JOB)  # again: the same window, not a second one
        assert len(built) == 1
    finally:
        watch.shutdown()
        for window in built:
            window.shutdown()
        background.shutdown()
        assert tasks.shutdown_all(5000)


def test_a_hidden_start_watches_the_command_line_jobs_without_opening_the_window(
    qtbot: Any, sandbox: Any
) -> None:
    options = StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url), jobs=(PROCESSED_JOB,))
    background = Background(options)
    background.start()
    qtbot.waitUntil(lambda: all(background.is_done(step) for step in START_STEPS), timeout=15000)
    opened: list[bool] = []
    watch = WatchController(
        background,
        open_window=lambda: opened.append(True),
        initial_jobs=options.jobs,
        tray_available=False,
        hidden=True,
    )
    try:
        store = background.history.store()
        session = background.account.session()
        assert store is not None and session is not None
        qtbot.waitUntil(lambda: store.find(PROCESSED_JOB, session.server) is not None, timeout=15000)
        assert opened == []  # watched and answered; the window was not asked for
    finally:
        watch.shutdown()
        background.shutdown()
        assert tasks.shutdown_all(5000)
