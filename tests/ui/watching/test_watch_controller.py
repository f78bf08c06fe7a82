"""WatchController with the real MainWindow (demo account on the sandbox): the Watch button feeds the panel,
finished watches notify once (grouped), command-line jobs are watched, closing with no tray minimises and
keeps watching, and the "no tray" notice is shown once."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers.dbus import dunst_clear, dunst_history
from helpers.signin import demo_account

from pig_desktop.demo import bodies
from pig_desktop.demo.accounts import FAILED_JOB, PROCESSED_JOB
from pig_desktop.demo.server import ScriptedResponse
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import StartOptions
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.watching.controller import NOTICE_NO_TRAY, WatchController
from pig_desktop.ui.watching.notify import FreedesktopBackend, Message


@pytest.fixture
def make(open_window: Any, sandbox: Any) -> Iterator[Callable[..., tuple[MainWindow, WatchController]]]:
    made: list[WatchController] = []

    def build(initial_jobs: tuple[str, ...] = ()) -> tuple[MainWindow, WatchController]:
        window: MainWindow = open_window(
            StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url))
        )
        controller = WatchController.for_window(window, initial_jobs=initial_jobs, tray_available=False)
        made.append(controller)
        return window, controller

    yield build
    # Controllers first; the windows are shut down, and every task must finish, in open_window's clean-up.
    for controller in made:
        controller.shutdown()


def running(job: str) -> ScriptedResponse:
    row = bodies.job_row(job, status_code=202, status_message="Processing")
    return ScriptedResponse(200, json.dumps(bodies.envelope([row])).encode())


def test_watch_button_to_panel_to_one_grouped_notification(qtbot: Any, make: Any) -> None:
    window, controller = make()
    sent: list[Message] = []
    controller.notifier.sent.connect(sent.append)
    assert window.findChild(type(controller.panel), "watchPanel") is controller.panel  # placed in the window
    window.job_field.set_text(PROCESSED_JOB)
    window.watch_button.click()
    window.job_field.set_text(FAILED_JOB)
    window.watch_button.click()
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=15000)
    assert sent[0].title == "2 jobs finished: 1 processed, 1 failed"
    assert sent[0].job_id == FAILED_JOB
    assert controller.model.rowCount() == 0  # finished watches leave the list
    qtbot.wait(2500)
    assert len(sent) == 1  # one notification, no storm


def test_command_line_jobs_are_watched_and_close_minimises_without_a_tray(
    qtbot: Any, make: Any, sandbox: Any
) -> None:
    job = str(uuid.uuid4())
    sandbox.script_job(job, [running(job)])
    window, controller = make(initial_jobs=(job,))
    qtbot.waitUntil(lambda: controller.model.rowCount() == 1, timeout=10000)
    assert controller.model.job_ids() == [job]
    assert NOTICE_NO_TRAY in window.settings().shown_notices  # said once why there is no tray icon
    assert "no system tray" in window.banner.text()

    window.close()
    qtbot.waitUntil(window.isMinimized, timeout=3000)
    assert window.isVisible()  # minimised, not closed: watching goes on
    assert controller.service.is_running()

    controller.panel.stop_all_button.click()
    qtbot.waitUntil(lambda: controller.model.rowCount() == 0, timeout=5000)


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")  # offscreen platform
def test_open_job_shows_its_report(qtbot: Any, make: Any) -> None:
    window, controller = make()
    finished: list[str] = []
    controller.service.watch_finished.connect(lambda j, why, r: finished.append(j))
    window.job_field.set_text(PROCESSED_JOB)
    window.watch_button.click()
    qtbot.waitUntil(lambda: finished == [PROCESSED_JOB], timeout=10000)
    window.result_pane.set_report(None, None)
    assert window.result_pane.badge.text() != "Processed"
    controller.open_job(PROCESSED_JOB)  # e.g. a click on its notification
    assert window.check.current_job() == PROCESSED_JOB
    assert window.result_pane.badge.text() == "Processed"


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")  # offscreen platform
def test_open_on_the_real_notification_shows_the_job(qtbot: Any, make: Any) -> None:
    """Through the suite's dunst: the finished job's notification, its Open action clicked with dunstctl, and
    the window shows that job (issue 12: a notification's Open shows the job)."""
    window, controller = make()
    dunst_clear()
    sent: list[Message] = []
    controller.notifier.sent.connect(sent.append)
    window.job_field.set_text(PROCESSED_JOB)
    window.watch_button.click()
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=15000)
    backend = controller.notifier.backend
    assert isinstance(backend, FreedesktopBackend)  # the service, although there is no tray
    qtbot.waitUntil(lambda: backend.answered() and len(backend.shown_ids()) == 1, timeout=5000)
    window.result_pane.set_report(None, None)
    window.job_field.set_text("")
    assert window.result_pane.report() is None
    subprocess.run(["dunstctl", "action", "0"], check=True, timeout=10)  # a click on it: Open
    qtbot.waitUntil(lambda: window.result_pane.report() is not None, timeout=5000)
    shown_report = window.result_pane.report()
    assert shown_report is not None and shown_report.job_id == PROCESSED_JOB
    assert window.current_job() == PROCESSED_JOB
    assert window.result_pane.badge.text() == "Processed"
    (shown,) = dunst_history()
    assert shown["summary"] == "Job processed" and PROCESSED_JOB in shown["body"]


def test_network_coming_back_checks_a_backed_off_job_at_once(qtbot: Any, make: Any, sandbox: Any) -> None:
    """Qt's network information (the glib backend here; NetworkManager on most desktops) says "online" again:
    a job whose check failed, and which would otherwise wait two minutes, is checked at once. Nothing can
    really take this machine's network away, so the backend's own signal is emitted, through the real
    connection the controller made."""
    from PySide6.QtNetwork import QNetworkInformation

    from pig_desktop.core.policy import WatchPolicy

    job = str(uuid.uuid4())
    processed = bodies.envelope([bodies.job_row(job, status_code=200, status_message="Processed")])
    sandbox.script_job(
        job, [ScriptedResponse(503, b"busy"), ScriptedResponse(200, json.dumps(processed).encode())]
    )
    window, controller = make()
    info = QNetworkInformation.instance()
    assert info is not None, "the controller loads Qt's default network-information backend"
    # After an error the job waits 120 s before it is asked again.
    controller.service.set_policy(WatchPolicy(base_interval=60.0))
    finished: list[str] = []
    controller.service.watch_finished.connect(lambda j, why, r: finished.append(j))
    polls = lambda: sum(1 for r in sandbox.requests if job in r.path)  # noqa: E731

    controller.watch_jobs([job])
    qtbot.waitUntil(lambda: polls() == 1 and controller.model.rowCount() == 1, timeout=10000)
    qtbot.wait(300)  # the error is in and the job waits for its backoff
    info.reachabilityChanged.emit(QNetworkInformation.Reachability.Disconnected)
    qtbot.wait(1000)
    assert polls() == 1 and not finished  # going offline wakes nothing

    info.reachabilityChanged.emit(QNetworkInformation.Reachability.Online)
    qtbot.waitUntil(lambda: finished == [job], timeout=15000)  # far sooner than the 120 s backoff
    assert polls() == 2
