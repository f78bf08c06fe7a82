"""The batch package on its own (issue 14, part 2): controller, model (qtmodeltester) and view, against the
sandbox CINX server over real sockets. The demo account belongs to two active organisations."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from pig_desktop.core.client import CinxClient, Connection
from pig_desktop.core.outcome import Outcome
from pig_desktop.core.ticket import TicketContext
from pig_desktop.demo import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    FAILED_JOB,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    SECOND_ORG,
    SECOND_ORG_JOB,
    SLOW_JOB,
    SandboxServer,
    ScriptedResponse,
)
from pig_desktop.store.history import HistoryStore
from pig_desktop.ui.batch import BatchController, BatchView, JobCountHint, paste_summary
from pig_desktop.ui.batch.model import COL_ORGANISATION, COL_RESULT, NOT_CHECKED, OutcomeRole

FAST_RATE = 20.0  # the sandbox is local; the benchmark measures the real cap


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(slow_seconds=30.0, progress_steps=5) as srv:
        yield srv


@pytest.fixture
def server(sandbox: SandboxServer) -> SandboxServer:
    sandbox.reset()
    return sandbox


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        yield store


def make_controller(server: SandboxServer, history: HistoryStore | None) -> BatchController:
    connection = Connection(server.url, DEMO_EMAIL, DEMO_PASSWORD, api_token=ACTIVE_TOKEN)
    with CinxClient(connection) as client:
        organisations = client.subscriptions()
    controller = BatchController(
        lambda: CinxClient(connection),
        FAST_RATE,
        history,
        organisations=organisations,
        organisation=ACTIVE_ORG,
    )
    return controller


def run_batch(controller: BatchController, qtbot: Any, jobs: list[str]) -> bool:
    with qtbot.waitSignal(controller.finished, timeout=20000) as blocker:
        controller.start(jobs)
    return bool(blocker.args[0])


def test_model_contract(qtmodeltester: Any, server: SandboxServer, qtbot: Any) -> None:
    controller = make_controller(server, None)
    qtmodeltester.check(controller.model)
    run_batch(controller, qtbot, [PROCESSED_JOB, FAILED_JOB, NOT_FOUND_JOB])
    qtmodeltester.check(controller.model)


def test_a_batch_fills_every_row_records_history_and_finds_other_organisations(
    server: SandboxServer, history: HistoryStore, qtbot: Any
) -> None:
    controller = make_controller(server, history)
    progress: list[tuple[int, int]] = []
    updated: list[int] = []
    controller.progress.connect(lambda done, total: progress.append((done, total)))
    controller.row_updated.connect(updated.append)
    jobs = [PROCESSED_JOB, FAILED_JOB, SECOND_ORG_JOB, NOT_FOUND_JOB, PROGRESS_JOB]
    assert run_batch(controller, qtbot, jobs) is False
    model = controller.model
    outcomes = [model.index(r, COL_RESULT).data(OutcomeRole) for r in range(model.rowCount())]
    assert outcomes == ["processed", "failed", "processed", "not_found", "running"]
    assert model.index(2, COL_ORGANISATION).data() == SECOND_ORG
    assert model.index(0, COL_ORGANISATION).data() == ACTIVE_ORG
    assert progress[0] == (0, 5) and progress[-1] == (5, 5)
    assert [done for done, _ in progress] == [0, 1, 2, 3, 4, 5]  # results arrive one by one
    assert set(updated) == set(range(5))
    # Every check is recorded like a single one, with the organisation that answered.
    entries = {entry.job_id: entry for entry in history.recent()}
    assert set(entries) == set(jobs)
    assert entries[SECOND_ORG_JOB].organisation == SECOND_ORG
    not_found_message = model.row_at(3).report.message  # type: ignore[union-attr]
    assert ACTIVE_ORG in not_found_message and SECOND_ORG in not_found_message


def test_cancel_stops_at_once_and_marks_the_rest_not_checked(server: SandboxServer, qtbot: Any) -> None:
    controller = make_controller(server, None)
    checking: list[int] = []
    controller.row_updated.connect(checking.append)
    controller.start([PROCESSED_JOB, SLOW_JOB, FAILED_JOB, PROGRESS_JOB])
    qtbot.waitUntil(lambda: controller.done == 1 and 1 in checking[1:], timeout=10000)
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        controller.cancel()  # the slow job (30 s in this sandbox) is cut short, not waited for
    assert blocker.args == [True]
    assert not controller.is_running()
    rows = controller.model.rows()
    assert rows[0].outcome is Outcome.PROCESSED
    assert [row.state for row in rows[1:]] == [NOT_CHECKED] * 3 and all(r.report is None for r in rows[1:])
    assert server.request_count(FAILED_JOB) == 0


def test_view_controls_names_and_actions(
    server: SandboxServer, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller = make_controller(server, None)
    view = BatchView(controller, ticket_context=TicketContext(server=server.url, api_token=ACTIVE_TOKEN))
    qtbot.addWidget(view)
    view.show()
    for name in (
        "batchProgress",
        "batchTable",
        "batchCancelButton",
        "batchOpenButton",
        "batchWatchButton",
        "batchExportButton",
        "batchCopyButton",
        "batchSummary",
    ):
        widget = view.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    assert view.objectName() == "batchView"

    server.script_job(
        FAILED_JOB,
        [
            ScriptedResponse(
                200,
                b'{"response":{"status_code":200},"rows":[{"status_code":500,'
                b'"status_message":"=HYPERLINK(\\"http://x\\")","app":"@SUM(A1)"}]}',
            )
        ],
    )
    run_batch(controller, qtbot, [PROCESSED_JOB, FAILED_JOB, PROGRESS_JOB])
    assert view.progress.value() == 3 and view.progress.maximum() == 3
    assert "Checked 3 of 3 jobs" in view.summary.text()
    assert view.watch_button.isEnabled() and not view.cancel_button.isEnabled()

    with qtbot.waitSignal(controller.watch_requested) as watched:
        qtbot.mouseClick(view.watch_button, Qt.MouseButton.LeftButton)
    assert watched.args == [[PROGRESS_JOB]]

    view.table.selectRow(1)
    assert view.open_button.isEnabled()
    with qtbot.waitSignal(controller.open_job_requested) as opened:
        qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [FAILED_JOB]

    qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("PIG Desktop: CINX status of 3 jobs")
    assert all(job in copied for job in (PROCESSED_JOB, FAILED_JOB, PROGRESS_JOB))
    assert ACTIVE_TOKEN not in copied and DEMO_PASSWORD not in copied

    target = tmp_path / "jobs.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV files (*.csv)"))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0][:5] == ["Job id", "Outcome", "App", "Status", "Organisation"]
    assert [row[0] for row in rows[1:]] == [PROCESSED_JOB, FAILED_JOB, PROGRESS_JOB]
    failed = rows[2]
    # CSV injection: the hostile cells start with an apostrophe, never with = or @.
    assert failed[2] == "'@SUM(A1)"
    assert failed[3] == '500 =HYPERLINK("http://x")'  # starts with "5": nothing to neutralise
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_table_shows_plain_text_from_a_hostile_status(server: SandboxServer, qtbot: Any) -> None:
    controller = make_controller(server, None)
    server.script_job(
        FAILED_JOB,
        [
            ScriptedResponse(
                200,
                b'{"response":{"status_code":200},"rows":[{"status_code":202,'
                b'"status_message":"<b>bold</b>\\nsecond line"}]}',
            )
        ],
    )
    run_batch(controller, qtbot, [FAILED_JOB])
    shown = controller.model.index(0, 3).data()
    assert shown == "<b>bold</b> second line"  # one line, shown as text (the view never renders rich text)


def test_job_count_hint(qtbot: Any) -> None:
    hint = JobCountHint()
    qtbot.addWidget(hint)
    assert hint.update_for(PROCESSED_JOB).ids == (PROCESSED_JOB,)
    assert hint.text() == "" and hint.isHidden()
    scan = hint.update_for(f"{PROCESSED_JOB}, {FAILED_JOB}; {PROCESSED_JOB.upper()} {SECOND_ORG_JOB}")
    assert scan.ids == (PROCESSED_JOB, FAILED_JOB, SECOND_ORG_JOB)
    assert hint.text().startswith("3 different job ids found") and not hint.isHidden()
    assert hint.objectName() == "jobCountHint" and hint.accessibleName()
    assert "35 of 36" in paste_summary(hint.update_for(f"{PROCESSED_JOB} {FAILED_JOB[:-1]}"))
