"""The window's parts against the hostile server (issue 13): the polling service keeps checking other jobs
while one request stalls, server text is never markup, a huge field is shown cut with "Show all", and a
900-deep answer copies as JSON. Answers come from the real client over real sockets."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QPushButton

from hostile.server import HUGE_FIELD_BYTES, ORG_MARKUP, STATUS_MARKUP, TOKEN, HostileServer, job_for
from pig_desktop.core.client import CinxClient, Connection
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.policy import RetryPolicy, WatchPolicy
from pig_desktop.core.session import Session
from pig_desktop.core.ticket import TicketContext, default_context
from pig_desktop.ui.check.result_model import SHOWN_CHARS, VALUE_COLUMN, ElidedRole
from pig_desktop.ui.check.result_pane import ResultPane
from pig_desktop.ui.shell.header import AppHeader
from pig_desktop.ui.watching.polling import PollingService

EMAIL = "someone@example.com"
PASSWORD = "Hostile-Pa55word!"
TIMEOUT = 1.0


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer(trickle_interval=0.2) as server:
        yield server


def connection(server: HostileServer) -> Connection:
    return Connection(server.url, EMAIL, PASSWORD, TOKEN, connect_timeout=TIMEOUT, read_timeout=TIMEOUT)


def check(server: HostileServer, attack: str) -> StatusReport:
    with CinxClient(connection(server), retry=RetryPolicy(max_attempts=1)) as client:
        return client.check_once(job_for(attack))


def test_a_stalled_request_holds_other_watched_jobs_no_longer_than_its_budget(
    hostile: HostileServer, qtbot: Any
) -> None:
    policy = WatchPolicy(base_interval=0.3, max_interval=0.6, stretch=0.1, error_backoff_cap=2.0)
    service = PollingService(policy=policy, rate=20.0)
    service.start()
    reports: list[tuple[str, StatusReport, float]] = []
    service.report.connect(lambda job, report: reports.append((job, report, time.monotonic())))
    try:
        service.set_session(Session(connection(hostile), "Evil Org"))
        stalled, normal = job_for("trickle-headers"), job_for("processed")
        started = time.monotonic()
        service.watch(stalled)
        service.watch(normal)
        budget = connection(hostile).total_timeout
        qtbot.waitUntil(lambda: any(job == normal for job, _, _ in reports), timeout=int(budget * 1000 * 3))
        qtbot.waitUntil(lambda: any(job == stalled for job, _, _ in reports), timeout=int(budget * 1000 * 3))
    finally:
        assert service.shutdown(5000)
    normal_at = min(at for job, _, at in reports if job == normal)
    stalled_report = next(report for job, report, _ in reports if job == stalled)
    assert stalled_report.outcome is Outcome.ERROR and stalled_report.message.startswith("CINX took too long")
    assert any(r.outcome is Outcome.PROCESSED for job, r, _ in reports if job == normal)
    # Correctness bound, generous margin: the normal job waited at most one stalled request's budget.
    assert normal_at - started < budget + 3.0, (normal_at - started, budget)


def test_the_header_shows_a_markup_organisation_name_as_text(qtbot: Any) -> None:
    header = AppHeader()
    qtbot.addWidget(header)
    header.show_account(f"{EMAIL} · {ORG_MARKUP} · Demo", True)
    assert header.account_label.textFormat() == Qt.TextFormat.PlainText
    assert ORG_MARKUP in header.account_label.text()
    tip = header.account_label.toolTip()
    assert tip.startswith("<qt>") and "&lt;font" in tip and "<font" not in tip


def test_markup_in_an_answer_is_shown_as_text(hostile: HostileServer, qtbot: Any) -> None:
    report = check(hostile, "markup")
    pane = ResultPane()
    qtbot.addWidget(pane)
    pane.set_report(report, TicketContext())
    assert pane.sentence.textFormat() == Qt.TextFormat.PlainText
    assert STATUS_MARKUP in pane.sentence.text()
    assert pane.job_label.textFormat() == Qt.TextFormat.PlainText
    assert pane.badge.toolTip().startswith("<qt>")


def test_a_huge_field_is_shown_cut_with_show_all(hostile: HostileServer, qtbot: Any) -> None:
    report = check(hostile, "huge-field")
    pane = ResultPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.set_report(report, TicketContext())
    index = pane.model.find("job", "status_code")
    assert index.isValid()
    shown = str(index.data())
    assert len(shown) <= SHOWN_CHARS + 5 and shown.endswith("…")
    assert index.data(ElidedRole) is True
    assert len(pane.sentence.text()) < 1000
    pane.tree.setCurrentIndex(index.siblingAtColumn(0))
    assert pane.show_all_button.isVisible()
    pane.show_all()
    dialog = pane.findChild(QDialog, "fullValueDialog")
    assert dialog is not None
    text = dialog.findChild(QPlainTextEdit, "fullValueText")
    assert text is not None and len(text.toPlainText().replace("\n", "")) > HUGE_FIELD_BYTES
    copy = dialog.findChild(QPushButton, "fullValueCopyButton")
    assert copy is not None
    copy.click()
    assert len(QGuiApplication.clipboard().text()) > HUGE_FIELD_BYTES
    dialog.close()
    # A short value: no Show all.
    pane.tree.setCurrentIndex(pane.model.find("job", "partner"))
    assert not pane.show_all_button.isVisible()
    assert pane.model.find("job", "partner").siblingAtColumn(VALUE_COLUMN).data(ElidedRole) is False
    # Raw JSON: the whole answer, in lines short enough for Qt to lay out.
    pane.raw_button.click()
    raw = pane.raw_view.toPlainText()
    assert len(raw.replace("\n", "")) > HUGE_FIELD_BYTES
    assert max(len(line) for line in raw.split("\n")) <= 1000


def test_a_900_deep_answer_copies_as_json_and_for_a_ticket(hostile: HostileServer, qtbot: Any) -> None:
    report = check(hostile, "deep")
    pane = ResultPane()
    qtbot.addWidget(pane)
    pane.set_report(report, TicketContext())
    pane.copy_json()
    copied = QGuiApplication.clipboard().text()
    assert '"bottom"' in copied and copied.count("deeper") == 900  # in "job" and in "envelope"
    pane.copy_ticket()
    assert "bottom" in QGuiApplication.clipboard().text()
    pane.raw_button.setChecked(True)
    assert "bottom" in pane.raw_view.toPlainText()


def test_echoed_credentials_never_reach_the_pane_or_the_clipboard(hostile: HostileServer, qtbot: Any) -> None:
    import base64

    report = check(hostile, "echo-secrets")
    basic = base64.b64encode(f"{EMAIL}:{PASSWORD}".encode()).decode()
    pane = ResultPane()
    qtbot.addWidget(pane)
    pane.set_report(report, default_context(Session(connection(hostile), "Evil Org")))
    seen = [pane.sentence.text(), pane.job_label.text()]
    for copy in (pane.copy_json, pane.copy_ticket):
        copy()
        seen.append(QGuiApplication.clipboard().text())
    for group in pane.model.groups():
        seen.append(pane.model.copy_text(pane.model.group_index(group)))
    text = "\n".join(seen)
    assert "••••••" in text
    assert PASSWORD not in text and basic not in text
