"""The account and check controllers on their own, without the main window: a demo sign-in, one check
against the real sandbox server from the job field to the result pane, with its history line, and
shutdown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from pig_desktop.demo import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    FAILED_JOB,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
)
from pig_desktop.store.settings import load_settings
from pig_desktop.ui.account.app_state import DemoAccount
from pig_desktop.ui.account.controller import AccountController
from pig_desktop.ui.check.controller import CheckController
from pig_desktop.ui.check.job_field import JobField
from pig_desktop.ui.check.result_pane import ResultPane
from pig_desktop.ui.history.controller import HistoryController
from pig_desktop.ui.settings.controller import SettingsController
from pig_desktop.ui.shell.banner import Banner
from pig_desktop.ui.system import tasks


class Parts:
    def __init__(self, tmp_path: Path, demo: DemoAccount | None) -> None:
        self.host = QWidget()
        path = tmp_path / "settings.json"
        self.settings = SettingsController(path, load_settings(path))
        self.account = AccountController(self.settings, self.host, demo=demo, restore_session=False)
        self.history = HistoryController(tmp_path / "history.sqlite3", self.settings)
        self.history.want_panel()  # as the window does
        self.field = JobField(self.host)
        self.pane = ResultPane(self.host)
        self.offer = Banner(self.host, "clipboardOffer")
        self.check = CheckController(self.account, self.history, self.field, lambda: self.pane, self.offer)
        self.statuses: list[str] = []
        self.check.status.connect(lambda text, _ms: self.statuses.append(text))

    def shutdown(self) -> None:
        for part in (self.check, self.account, self.history):
            part.shutdown(5000)


@pytest.fixture
def parts(qtbot: Any, tmp_path: Path, sandbox: Any) -> Iterator[Parts]:
    demo = DemoAccount(sandbox.url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN, ACTIVE_ORG)
    made = Parts(tmp_path, demo)
    qtbot.addWidget(made.host)
    yield made
    made.shutdown()
    assert tasks.shutdown_all(5000)


def test_the_demo_account_signs_in_at_once(qtbot: Any, parts: Parts) -> None:
    sessions: list[object] = []
    parts.account.session_changed.connect(sessions.append)
    with qtbot.waitSignal(parts.account.restore_done, timeout=5000):
        parts.account.restore()
    session = parts.account.session()
    assert session is not None and sessions == [session]
    assert parts.account.signed_in_as() == f"{DEMO_EMAIL} \u00b7 {ACTIVE_ORG} \u00b7 Sandbox"


def test_one_check_from_the_field_to_the_badge_and_the_history(qtbot: Any, parts: Parts) -> None:
    with qtbot.waitSignal(parts.history.open_done, timeout=10000):
        parts.history.open()
    parts.account.restore()
    parts.field.set_text(f"https://cinx.example/partner/exec/{PROCESSED_JOB}/status")
    busy: list[bool] = []
    parts.check.busy_changed.connect(busy.append)
    with qtbot.waitSignal(parts.check.check_finished, timeout=15000) as finished:
        assert parts.check.check_job()
        assert parts.check.is_checking()
    assert finished.args[0].job_id == PROCESSED_JOB
    assert busy == [True, False] and not parts.check.is_checking()
    assert parts.pane.badge.text() == "Processed"
    assert parts.check.current_job() == PROCESSED_JOB
    store = parts.history.store()
    assert store is not None and store.count() == 1
    assert parts.history.panel is not None and parts.history.panel.model.rowCount() == 1
    assert parts.statuses[0] == f"Checking job {PROCESSED_JOB}\u2026"


def test_a_check_before_sign_in_waits_for_it(qtbot: Any, tmp_path: Path) -> None:
    made = Parts(tmp_path, demo=None)
    qtbot.addWidget(made.host)
    try:
        made.field.set_text(PROCESSED_JOB)
        assert not made.check.check_job()
        assert made.statuses == ["Sign in first; the job is checked right after."]
        dialog = made.account.signin_dialog
        assert dialog is not None and dialog.isVisible()
        with qtbot.waitSignal(made.account.sign_in_closed, timeout=5000) as closed:
            dialog.reject()
        assert closed.args == [False]
        assert not made.check.is_checking()
    finally:
        made.shutdown()


def test_shutdown_drops_a_running_check(qtbot: Any, parts: Parts) -> None:
    parts.account.restore()
    assert parts.check.start_check(PROCESSED_JOB)
    parts.check.shutdown(5000)
    assert not parts.check.is_checking()
    assert tasks.shutdown_all(5000)


class FakeWatchService(QObject):
    """The two answers of ``PollingService`` that the job on screen follows."""

    report = Signal(str, object)
    watch_finished = Signal(str, str, object)


def test_the_job_on_screen_follows_the_watch_services_answers(
    qtbot: Any, parts: Parts, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pig_desktop.core.outcome import Outcome, StatusReport

    parts.account.restore()
    parts.field.set_text(PROCESSED_JOB)
    with qtbot.waitSignal(parts.check.check_finished, timeout=15000):
        assert parts.check.check_job()
    service = FakeWatchService()
    parts.check.follow_watch_answers(service)
    service.report.emit(FAILED_JOB, StatusReport(FAILED_JOB, Outcome.FAILED, "Another job failed."))
    assert parts.pane.badge.text() == "Processed"  # not the job on screen
    service.report.emit(PROCESSED_JOB, None)  # a check that could not be made: nothing to show
    assert parts.pane.badge.text() == "Processed"
    service.report.emit(PROCESSED_JOB, StatusReport(PROCESSED_JOB, Outcome.FAILED, "It failed after all."))
    assert parts.pane.badge.text() == "Failed"
    searched: list[str] = []

    def look_elsewhere(report: StatusReport) -> bool:
        searched.append(report.job_id)
        return True

    monkeypatch.setattr(parts.check, "look_in_other_organisations", look_elsewhere)
    service.watch_finished.emit(FAILED_JOB, "finished", StatusReport(FAILED_JOB, Outcome.FAILED, "Failed."))
    service.watch_finished.emit(
        NOT_FOUND_JOB, "finished", StatusReport(NOT_FOUND_JOB, Outcome.NOT_FOUND, "?")
    )
    assert searched == [NOT_FOUND_JOB]  # only a watch that ends "not found" is looked for elsewhere


def test_activating_the_window_offers_the_clipboards_job_id(qtbot: Any, parts: Parts) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    parts.check.offer_clipboard_on_activation(parts.host)
    QGuiApplication.clipboard().setText(f"job {FAILED_JOB} please")
    QApplication.sendEvent(parts.host, QEvent(QEvent.Type.WindowActivate))
    qtbot.waitUntil(lambda: FAILED_JOB in parts.offer.text(), timeout=5000)
    assert parts.field.text() == ""  # offered, not pasted
    QGuiApplication.clipboard().clear()
