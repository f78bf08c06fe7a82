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


def report(outcome: Outcome) -> StatusReport:
    return StatusReport(
        job_id=JOB, outcome=outcome, message="", checked_at=datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    )


def test_opens_in_a_worker_records_changes_only_and_closes(qtbot: Any, tmp_path: Path) -> None:
    settings = SettingsController(tmp_path / "settings.json", load_settings(tmp_path / "settings.json"))
    history = HistoryController(tmp_path / "history.sqlite3", settings)
    panels: list[object] = []
    history.panel_ready.connect(panels.append)
    assert history.store() is None
    with qtbot.waitSignal(history.open_done, timeout=10000):
        history.open()
    store = history.store()
    assert store is not None and panels == [history.panel]

    session = Session(Connection(server="https://api.cinx.com", email="a@example.com"), "Org")
    history.record_watch_report(report(Outcome.RUNNING), session)
    history.record_watch_report(report(Outcome.RUNNING), session)  # the same outcome and text: no new line
    history.record_watch_report(report(Outcome.PROCESSED), session)
    qtbot.waitUntil(lambda: store.count() == 2, timeout=10000)
    assert history.panel is not None
    qtbot.waitUntil(lambda: history.panel is not None and history.panel.model.rowCount() == 2, timeout=10000)

    history.shutdown(5000)
    reopened = HistoryStore(tmp_path / "history.sqlite3")
    try:
        assert reopened.count() == 2
        assert {entry.outcome for entry in map(reopened.get, (1, 2)) if entry is not None} == {
            Outcome.RUNNING.value,
            Outcome.PROCESSED.value,
        }
    finally:
        reopened.close()
