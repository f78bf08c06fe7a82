"""The history controller on its own (no window): opened in a worker, watch lines written off the GUI
thread, the database closed at shutdown."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pig_desktop.core.connection import Connection
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.session import Session
from pig_desktop.store.history import HistoryStore
from pig_desktop.store.settings import load_settings
from pig_desktop.ui.history.controller import HistoryController
from pig_desktop.ui.settings.controller import SettingsController

JOB = "5f0c2a3e-1b2c-4d5e-8f90-123456789abc"


def report(outcome: Outcome, minute: int) -> StatusReport:
    return StatusReport(
        job_id=JOB, outcome=outcome, message="", checked_at=datetime(2026, 5, 1, 12, minute, tzinfo=UTC)
    )


def test_opens_in_a_worker_keeps_one_entry_per_job_and_closes(qtbot: Any, tmp_path: Path) -> None:
    settings = SettingsController(tmp_path / "settings.json", load_settings(tmp_path / "settings.json"))
    history = HistoryController(tmp_path / "history.sqlite3", settings)
    panels: list[object] = []
    history.panel_ready.connect(panels.append)
    assert history.store() is None
    with qtbot.waitSignal(history.open_done, timeout=10000):
        history.open()
    store = history.store()
    # No window asked for the panel yet (a start in the tray): the database is open, no widget is built.
    assert store is not None and panels == [] and history.panel is None
    history.want_panel()
    assert panels == [history.panel] and history.panel is not None

    session = Session(Connection(server="https://api.cinx.com", email="a@example.com"), "Org")
    server = session.server
    # Each answer in turn, as a watch delivers them (the writes run in workers, in any order otherwise).
    for checks, (outcome, minute) in enumerate(
        ((Outcome.RUNNING, 2), (Outcome.RUNNING, 5), (Outcome.PROCESSED, 9)), start=1
    ):
        history.record_watch_report(report(outcome, minute), session)
        qtbot.waitUntil(
            lambda checks=checks: (e := store.find(JOB, server)) is not None and e.check_count == checks,
            timeout=10000,
        )
    # One entry per job: the answers update it in place, and its timeline holds the outcome changes.
    assert len(store.timeline(JOB, server)) == 2
    assert store.count() == 1
    assert history.panel is not None
    qtbot.waitUntil(lambda: history.panel is not None and history.panel.model.rowCount() == 1, timeout=10000)
    shown = history.panel.model.summary(0)
    assert shown is not None and shown.job_id == JOB
    qtbot.waitUntil(
        lambda: (
            (s := history.panel.model.summary(0)) is not None and s.outcome == Outcome.PROCESSED.value
            if history.panel is not None
            else False
        ),
        timeout=10000,
    )

    history.shutdown(5000)
    reopened = HistoryStore(tmp_path / "history.sqlite3")
    try:
        assert reopened.count() == 1
        entry = reopened.find(JOB, server)
        assert entry is not None and entry.outcome == Outcome.PROCESSED.value
        assert [event.outcome for event in reopened.timeline(JOB, server)] == [
            Outcome.RUNNING.value,
            Outcome.PROCESSED.value,
        ]
    finally:
        reopened.close()
