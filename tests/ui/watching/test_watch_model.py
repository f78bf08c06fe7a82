"""The watch list model and panel: Qt's model contract, per-row updates (never a reset on a tick), the texts,
and the panel's buttons and timer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from pig_desktop.core.durations import format_elapsed
from pig_desktop.core.models import JobRow
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.scheduler import WatchState
from pig_desktop.ui.watching.model import (
    COL_APP,
    COL_ELAPSED,
    COL_LAST,
    COL_NEXT,
    COL_STATUS,
    JOB_ID_ROLE,
    WatchModel,
)
from pig_desktop.ui.watching.panel import WatchPanel

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


def state(job_id: str, outcome: Outcome | None = None, **kw: Any) -> WatchState:
    report = None
    if outcome is not None:
        row = JobRow(status_code=202, status_message="Processing", app="Estimating")
        report = StatusReport(job_id, outcome, "The job is still being processed.", job=row)
    kw.setdefault("started_at", NOW - timedelta(minutes=5))
    return WatchState(job_id=job_id, last_report=report, **kw)


def make_model() -> WatchModel:
    return WatchModel(now=lambda: NOW.timestamp())


def test_model_contract(qtmodeltester: Any) -> None:
    model = make_model()
    model.apply(state("a", Outcome.RUNNING, next_check_at=NOW + timedelta(seconds=40)))
    model.apply(state("b"))
    qtmodeltester.check(model)
    model.apply(state("c", Outcome.FAILED))
    model.remove("a")
    model.reset([state("x"), state("y", Outcome.RUNNING)])
    qtmodeltester.check(model)


def test_texts() -> None:
    model = make_model()
    model.apply(
        state(
            "job-1",
            Outcome.RUNNING,
            last_checked_at=NOW - timedelta(seconds=12),
            next_check_at=NOW + timedelta(seconds=40),
        )
    )
    text = [model.index(0, c).data() for c in range(model.columnCount())]
    assert text == ["In progress", "job-1", "Estimating", "5 min", "12 s ago", "in 40 s"]
    assert model.index(0, COL_STATUS).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(0, 0).data(JOB_ID_ROLE) == "job-1"
    model.apply(state("job-1", Outcome.RUNNING, checking=True))
    assert model.index(0, COL_NEXT).data() == "Checking now…"
    assert model.index(0, COL_LAST).data() == "Not yet"
    model.set_paused(True)
    model.apply(state("job-1", Outcome.RUNNING, next_check_at=NOW))
    assert model.index(0, COL_NEXT).data() == "Paused"
    assert model.index(0, COL_APP).data() == "Estimating"


def test_format_elapsed() -> None:
    assert [format_elapsed(s) for s in (0, 59, 60, 3599, 3600, 3900, 86400, 90000)] == [
        "0 s",
        "59 s",
        "1 min",
        "59 min",
        "1 h",
        "1 h 5 min",
        "1 day",
        "1 day 1 h",
    ]


def test_tick_updates_rows_one_by_one_without_a_reset(qtbot: Any) -> None:
    model = make_model()
    for i in range(3):
        model.apply(state(f"j{i}", Outcome.RUNNING))
    changes: list[tuple[int, int, int, int]] = []
    resets: list[bool] = []
    model.dataChanged.connect(
        lambda a, b, roles=(): changes.append((a.row(), b.row(), a.column(), b.column()))
    )
    model.modelReset.connect(lambda: resets.append(True))
    model.tick()
    assert resets == []
    assert changes == [(r, r, COL_ELAPSED, COL_NEXT) for r in range(3)]


def test_finished_watch_leaves_the_list() -> None:
    model = make_model()
    model.apply(state("a", Outcome.RUNNING))
    model.apply(state("a", Outcome.PROCESSED, finished_reason="final"))
    assert model.rowCount() == 0


def test_panel_buttons_and_timer(qtbot: Any) -> None:
    model = make_model()
    panel = WatchPanel(model)
    qtbot.addWidget(panel)
    stopped: list[str] = []
    all_stopped: list[bool] = []
    opened: list[str] = []
    panel.stop_requested.connect(stopped.append)
    panel.stop_all_requested.connect(lambda: all_stopped.append(True))
    panel.job_opened.connect(opened.append)
    panel.show()
    qtbot.waitExposed(panel)
    assert not panel.stop_button.isEnabled() and not panel.stop_all_button.isEnabled()
    assert not panel.timer_active()  # nothing watched: no ticking

    model.apply(state("a", Outcome.RUNNING))
    model.apply(state("b", Outcome.RUNNING))
    assert panel.timer_active()
    assert panel.info.text() == "Watching 2 jobs."
    panel.select_job("b")
    assert panel.stop_button.isEnabled()
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    assert stopped == ["b"]
    qtbot.mouseClick(panel.stop_all_button, Qt.MouseButton.LeftButton)
    assert all_stopped == [True]
    panel.view.activated.emit(model.index(0, 1))
    assert opened == ["a"]

    panel.hide()
    assert not panel.timer_active()  # hidden (window in the tray): no ticking
    panel.show()
    assert panel.timer_active()
    model.reset([])
    assert not panel.timer_active()
