"""HistoryModel and HistoryPanel over a real HistoryStore (SQLite in tmp_path)."""

from __future__ import annotations

import dataclasses
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QMessageBox

from pig_desktop.store.history import HistoryEntry, HistoryStore, HistorySummary
from pig_desktop.ui.history.model import HistoryModel, RelativeTimeRole
from pig_desktop.ui.history.panel import HistoryPanel

NOW = datetime(2024, 6, 28, 12, 0, tzinfo=UTC)
APPS = ["json-rfq-import", "csv-po-export", "xml-catalog-sync", "pdf-invoice"]
ORGS = ["PSF Mechanical, Inc.", "Acme Plumbing", "Northwind HVAC"]
OUTCOMES = ["processed", "failed", "running", "not_found"]


def entry(n: int, when: datetime | None = None, **changes: object) -> HistoryEntry:
    values: dict[str, object] = dict(
        id=None,
        job_id=f"{n:08x}-1111-4222-8333-{n:012x}",
        outcome=OUTCOMES[n % 4],
        status_message=["Processed", "Internal Server Error", "Queued", "Failed to find a job"][n % 4],
        app=APPS[n % 4],
        organisation=ORGS[n % 3],
        server="https://api.cinx.com",
        checked_at=when or (NOW - timedelta(minutes=n)),
        report={"job_id": f"{n:08x}-1111-4222-8333-{n:012x}", "outcome": OUTCOMES[n % 4], "message": "m"},
    )
    values.update(changes)
    return HistoryEntry(**values)  # type: ignore[arg-type]


def summaries(count: int) -> list[HistorySummary]:
    return [
        HistorySummary(
            n + 1, e.job_id, e.outcome, e.status_message, e.app, e.organisation, e.server, e.checked_at
        )
        for n, e in enumerate(entry(i) for i in range(count))
    ]


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    history = HistoryStore(tmp_path / "history.sqlite3", max_entries=1000)
    history.add_many(entry(n) for n in range(20))
    yield history
    history.close()


@pytest.fixture
def panel(qtbot, store: HistoryStore) -> HistoryPanel:
    widget = HistoryPanel(store)
    qtbot.addWidget(widget)
    widget.resize(360, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown_jobs(model: HistoryModel) -> list[str]:
    return [model.index(r).data() for r in range(model.rowCount())]


# --- model ---


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.parametrize("state", ["empty", "filled", "filtered", "filtered_to_nothing"])
def test_history_model_contract(qtmodeltester, state: str) -> None:
    model = HistoryModel()
    if state != "empty":
        model.set_entries(summaries(50))
    if state == "filtered":
        model.set_filter("acme")
    if state == "filtered_to_nothing":
        model.set_filter("zzz")
    qtmodeltester.check(model)
    model.set_filter("")
    model.prepend(summaries(1)[0])


def test_a_job_checked_again_moves_to_the_top_once() -> None:
    """One entry per job: prepending an entry the list already shows (same id) moves it up, no second row."""
    model = HistoryModel()
    listed = summaries(3)
    model.set_entries(listed)
    again = dataclasses.replace(listed[2], outcome="processed")
    assert model.prepend(again)
    assert shown_jobs(model) == [listed[2].job_id, listed[0].job_id, listed[1].job_id]
    assert model.total_count() == 3
    summary = model.summary(0)
    assert summary is not None and summary.outcome == "processed"


def test_model_roles() -> None:
    model = HistoryModel()
    model.set_now(NOW)
    model.set_entries(summaries(3))
    index = model.index(1)
    assert index.data() == entry(1).job_id
    assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert index.data(RelativeTimeRole) == "1 min ago"
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Failed" in tooltip and "csv-po-export" in tooltip and "28 Jun 2024, " in tooltip
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith("Failed, ")
    # One sentence, each fact once: the outcome word is not repeated as the status.
    assert spoken.endswith(".") and spoken.count("Failed") == 1
    assert entry(1).job_id in spoken and "checked 1 min ago" in spoken


def test_filter_matches_each_field_ignoring_case() -> None:
    model = HistoryModel()
    model.set_entries(summaries(12))
    for needle, expected in (
        ("ACME", {1, 4, 7, 10}),
        ("csv-po", {1, 5, 9}),
        ("internal server", {1, 5, 9}),
        ("job not found", {3, 7, 11}),  # the outcome's word, not its code
        (entry(6).job_id.upper(), {6}),
        ("", set(range(12))),
    ):
        model.set_filter(needle)
        assert set(shown_jobs(model)) == {entry(n).job_id for n in expected}, needle
    model.set_filter("a")
    model.set_filter("acm")  # narrowing searches the shown rows only, same answer
    assert set(shown_jobs(model)) == {entry(n).job_id for n in (1, 4, 7, 10)}
    model.set_filter("a")  # widening searches everything again
    assert model.rowCount() > 4


def test_filter_is_fast_with_10000_entries(qtbot) -> None:
    model = HistoryModel()
    model.set_entries(summaries(10_000))
    timings = []
    typed = ""
    for key in "psf mech":
        typed += key
        started = time.perf_counter()
        model.set_filter(typed)
        timings.append(time.perf_counter() - started)
    for _ in "psf mech":
        typed = typed[:-1]
        started = time.perf_counter()
        model.set_filter(typed)
        timings.append(time.perf_counter() - started)
    assert max(timings) <= 0.016, [round(t * 1000, 1) for t in timings]
    assert statistics.median(timings) <= 0.008


# --- panel ---


def test_panel_lists_newest_first_with_names(panel: HistoryPanel) -> None:
    assert panel.findChild(type(panel.filter_edit), "historyFilter") is panel.filter_edit
    assert panel.findChild(type(panel.view), "historyView") is panel.view
    assert panel.filter_edit.placeholderText() == "Filter history"
    assert panel.filter_edit.isClearButtonEnabled()
    assert shown_jobs(panel.model)[:2] == [entry(0).job_id, entry(1).job_id]
    for widget in (panel.filter_edit, panel.view, panel.delete_button, panel.clear_button):
        assert widget.accessibleName()


def test_typing_filters(qtbot, panel: HistoryPanel) -> None:
    qtbot.keyClicks(panel.filter_edit, "acme")
    assert panel.model.rowCount() == 7  # n % 3 == 1 for n < 20
    qtbot.keyClicks(panel.filter_edit, "zzz")
    assert panel.model.rowCount() == 0
    assert panel.view.empty_text == "No checks match “acmezzz”"
    panel.filter_edit.clear()
    assert panel.model.rowCount() == 20


def test_delete_button_and_del_key(qtbot, panel: HistoryPanel, store: HistoryStore) -> None:
    assert not panel.delete_button.isEnabled()
    panel.view.setCurrentIndex(panel.model.index(0))
    assert panel.delete_button.isEnabled()
    with qtbot.waitSignal(panel.notice) as notice:
        qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert notice.args == ["Deleted 1 check"]
    assert store.count() == 19 and panel.model.rowCount() == 19
    assert entry(0).job_id not in shown_jobs(panel.model)
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    panel.view.setCurrentIndex(panel.model.index(0))
    with qtbot.waitSignal(panel.notice):  # deleted in a worker
        qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert store.count() == 18
    assert entry(1).job_id not in shown_jobs(panel.model)


def test_clear_all_asks_first(qtbot, panel: HistoryPanel, store: HistoryStore, monkeypatch) -> None:
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert store.count() == 20 and panel.model.rowCount() == 20
    with qtbot.waitSignal(panel.notice):  # cleared in a worker
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert asked[0] == "Remove all 20 checks from the history? This can't be undone."
    assert store.count() == 0 and panel.model.rowCount() == 0
    assert panel.view.empty_text == "No jobs checked yet"
    assert not panel.clear_button.isEnabled()


def test_add_goes_on_top_and_respects_the_filter(panel: HistoryPanel, store: HistoryStore) -> None:
    new = entry(500, when=NOW + timedelta(minutes=1), organisation="Brand New Org")
    new = HistoryEntry(**{**new.__dict__, "id": store.add(new)})
    panel.add(new)
    assert shown_jobs(panel.model)[0] == new.job_id
    panel.filter_edit.setText("acme")
    hidden = entry(501, when=NOW + timedelta(minutes=2), organisation="Brand New Org")
    hidden = HistoryEntry(**{**hidden.__dict__, "id": store.add(hidden)})
    panel.add(hidden)
    assert hidden.job_id not in shown_jobs(panel.model)
    shown = entry(502, when=NOW + timedelta(minutes=3), organisation="Acme Again")
    shown = HistoryEntry(**{**shown.__dict__, "id": store.add(shown)})
    panel.add(shown)
    assert shown_jobs(panel.model)[0] == shown.job_id
    panel.filter_edit.clear()
    assert shown_jobs(panel.model)[:3] == [shown.job_id, hidden.job_id, new.job_id]


def test_opening_an_entry_emits_the_full_entry(qtbot, panel: HistoryPanel) -> None:
    index = panel.model.index(2)
    panel.view.setCurrentIndex(index)
    with qtbot.waitSignal(panel.entry_opened) as opened:
        panel.view.activated.emit(index)
    got = opened.args[0]
    assert isinstance(got, HistoryEntry)
    assert got.job_id == entry(2).job_id
    assert got.report["job_id"] == entry(2).job_id
    panel.view.setFocus()
    with qtbot.waitSignal(panel.entry_opened) as opened:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert opened.args[0].job_id == entry(2).job_id


def test_context_menu_actions(qtbot, panel: HistoryPanel) -> None:
    index = panel.model.index(3)
    menu = panel.context_menu(index)
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Open",
        "Watch until finished",
        "Copy job id",
        "Delete",
        "Refresh list",
    ]
    with qtbot.waitSignal(panel.watch_requested) as watch:
        panel.watch_action.trigger()
    assert watch.args[0].job_id == entry(3).job_id
    panel.copy_id_action.trigger()
    assert QGuiApplication.clipboard().text() == entry(3).job_id
    with qtbot.waitSignal(panel.entry_opened):
        panel.open_action.trigger()


def test_refresh_picks_up_entries_from_elsewhere(panel: HistoryPanel, store: HistoryStore) -> None:
    store.add(entry(900, when=NOW + timedelta(hours=1)))
    assert panel.model.rowCount() == 20
    panel.refresh_action.trigger()
    assert panel.model.rowCount() == 21 and shown_jobs(panel.model)[0] == entry(900).job_id


def test_empty_store_shows_the_hint(qtbot, tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "empty.sqlite3") as empty:
        widget = HistoryPanel(empty)
        qtbot.addWidget(widget)
        assert widget.model.rowCount() == 0
        assert widget.view.empty_text == "No jobs checked yet"


def test_list_of_10000_holds_every_entry(qtbot, tmp_path: Path) -> None:
    """(How fast it is ready: benchmarks/bench_history.py, with the issue's 100 ms target.)"""
    with HistoryStore(tmp_path / "big.sqlite3", max_entries=10_000) as big:
        big.add_many(entry(n) for n in range(10_000))
        widget = HistoryPanel(big)
        qtbot.addWidget(widget)
        assert widget.model.rowCount() == 10_000
        assert widget.model.summary(9_999) is not None and widget.model.summary(0) is not None


# --- issue 7: the list of 10,000 in a real view; the model's two lists never disagree ---


def test_views_see_matching_data_while_rows_come_and_go(qtbot) -> None:
    """The model keeps Qt's list (row count) and its own rows in step: a view reacting to a change (any
    slot connected after the model is made) sees the new rows, never a mix."""
    model = HistoryModel()
    seen: list[tuple[str, list[str]]] = []

    def record(name: str):
        return lambda *args: seen.append((name, shown_jobs(model)))

    model.modelReset.connect(record("reset"))
    model.rowsInserted.connect(record("inserted"))
    model.rowsRemoved.connect(record("removed"))
    first = summaries(6)
    model.set_entries(first[1:])
    assert seen[-1] == ("reset", [s.job_id for s in first[1:]])
    model.prepend(first[0])
    assert seen[-1] == ("inserted", [s.job_id for s in first])
    model.remove_ids({first[2].id, first[3].id, first[5].id})  # two runs: rows 2-3 and row 5
    assert [name for name, _ in seen[-2:]] == ["removed", "removed"]
    assert seen[-1][1] == [first[0].job_id, first[1].job_id, first[4].job_id]
    model.set_filter(first[4].job_id.upper())
    assert seen[-1] == ("reset", [first[4].job_id])
    assert model.summary(0) == first[4]
    assert model.rowCount() == 1 and model.total_count() == 3
    model.clear()
    assert seen[-1] == ("reset", []) and model.summary(0) is None


def test_history_list_is_read_only() -> None:
    model = HistoryModel()
    model.set_entries(summaries(2))
    flags = model.flags(model.index(0))
    assert not flags & Qt.ItemFlag.ItemIsEditable and not flags & Qt.ItemFlag.ItemIsDragEnabled


class PaintedRows(QObject):
    """Notes the model's row count each time the list's viewport is painted."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        self.rows: list[int] = []
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rows.append(self.view.model().rowCount())
        return False


def test_typing_in_a_shown_list_of_10000_filters_it(qtbot, tmp_path: Path) -> None:
    """Typing into the filter of a shown list of 10,000, key by key, with each repaint. (How fast: issue 7's
    16 ms a keystroke is measured in benchmarks/bench_history.py, not here.)"""
    from PySide6.QtWidgets import QApplication

    with HistoryStore(tmp_path / "big.sqlite3", max_entries=10_000) as big:
        big.add_many(entry(n) for n in range(10_000))
        widget = HistoryPanel(big)
        qtbot.addWidget(widget)
        painted = PaintedRows(widget.view)
        widget.resize(360, 700)
        widget.show()
        qtbot.waitExposed(widget)
        assert widget.view.verticalScrollBar().maximum() > 0
        qtbot.waitUntil(lambda: bool(painted.rows))
        assert painted.rows[0] == 10_000  # the first paint already showed the whole list
        widget.filter_edit.setFocus()
        counts = []
        for key in [*"acme", *([Qt.Key.Key_Backspace] * 4), *"4222"]:
            qtbot.keyClick(widget.filter_edit, key)
            QApplication.processEvents()
            counts.append(widget.model.rowCount())
        acme = sum(1 for n in range(10_000) if ORGS[n % 3] == "Acme Plumbing")
        assert counts[3] == acme and counts[7] == 10_000  # "acme": one organisation; four backspaces: all
        assert widget.model.rowCount() == 10_000  # "4222" is in every job id


def test_the_history_worker_imports_no_qt(tmp_path: Path) -> None:
    """The window starts open_history_listed while the GUI thread is still creating PySide types; PySide6
    doing that in two threads at once crashed. So the job and everything it imports must be Qt-free."""
    import json
    import subprocess
    import sys

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.add_many(entry(n) for n in range(3))
    code = (
        "import json, sys; from pathlib import Path\n"
        "from pig_desktop.ui.account.app_state import open_history_listed\n"
        "opened = open_history_listed(Path(sys.argv[1]), 100)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(json.dumps({'rows': [r[1] for r in opened.listing], 'qt': qt}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "h.sqlite3")],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["rows"] == [entry(n).job_id for n in (0, 1, 2)]  # newest first
    assert got["qt"] == []
