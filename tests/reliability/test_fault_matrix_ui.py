"""The fault matrix through the window (issue 6): the window's check worker for every fault at once, the real
MainWindow for a representative subset, and the polling service with a normal job among faulty ones.

- Worker: ``ui.check.controller.check_and_record`` (exactly what the window runs for a check: the
  session's client via a ClientHolder, ``check_status`` with its retries, then the history write) in
  ``ui.system.tasks.run_in_thread``,
  every fault concurrently, each result rendered in a real ResultPane.
- Window: a real MainWindow (demo=None) signed in through a ``Session`` to each fault's server in turn.
- Polling: one PollingService thread watching PROGRESS_JOB and several faulty jobs on one sandbox.

The defined outcome and sentence of each fault are those of the generated table in docs/reliability.md
(test_fault_matrix.py keeps that table in step with the client).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from fault_catalogue import (
    ALL_KEYS,
    FAULTS,
    PROCESSED,
    TECHNICAL_WORDS,
    TLS_FAULTS,
    ArmedFault,
    Target,
    arm,
    connection_for,
    documented_outcomes,
)
from helpers.tls import https_server
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QTextEdit, QWidget

from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.policy import WatchPolicy
from pig_desktop.core.session import Session
from pig_desktop.demo import ACTIVE_ORG, FAILED_JOB, PROCESSED_JOB, PROGRESS_JOB
from pig_desktop.demo.server import SandboxServer
from pig_desktop.store.history import HistoryStore
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import ClientHolder, StartOptions
from pig_desktop.ui.check.controller import FinishedCheck, check_and_record
from pig_desktop.ui.check.result_pane import ResultPane
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.system import tasks
from pig_desktop.ui.watching.polling import PollingService

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "reliability.md"
TITLES = {fault.key: fault.title for fault in FAULTS} | {key: title for key, title, *_ in TLS_FAULTS}
# The window's representative subset (the list).
WINDOW_KEYS = ["refused", "read-timeout", "502-html", "truncated", "huge", "wrong-types", "tls-untrusted"]
# Faulty jobs watched next to a normal one. Auth faults are left out on purpose: a 401/403 means the
# credentials are refused, and the service then holds every watch until the user signs in again.
POLLED_KEYS = [
    "reset",
    "read-timeout",
    "trickle",
    "429-seconds",
    "429-absent",
    "502-html",
    "503",
    "truncated",
    "invalid-utf8",
    "huge",
    "deep",
    "array",
    "wrong-types",
]


def session_for(target: Target) -> Session:
    return Session(connection_for(target), ACTIVE_ORG)


@pytest.fixture(scope="module")
def defined() -> dict[str, tuple[str, str]]:
    """key -> (outcome, sentence), as documented."""
    rows = documented_outcomes(DOC)
    return {key: rows[TITLES[key]] for key in ALL_KEYS}


@pytest.fixture(scope="module")
def armed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ArmedFault]]:
    """Every fault armed at once on one sandbox (one job id each), plus the two TLS cases."""
    base = tmp_path_factory.mktemp("ui-faults")
    with SandboxServer() as server:
        cases = {fault.key: arm(fault, server, base) for fault in FAULTS}
        (base / "tls").mkdir()
        with https_server(base / "tls", PROCESSED) as tls:
            for key, title, outcome, code in TLS_FAULTS:
                ca = str(tls.ca_file) if key == "tls-trusted" else ""
                cases[key] = ArmedFault(key, title, outcome, code, Target(tls.url, ca_bundle=ca))
            yield cases


def _wait_all(handles: dict[str, tasks.TaskHandle], results: dict[str, Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(results) < len(handles) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


@pytest.fixture(scope="module")
def worker_results(
    qapp: QApplication, armed: dict[str, ArmedFault], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, Any], HistoryStore, int]]:
    """Run the window's check job for every fault at once; results arrive through the TaskHandle signals."""
    store = HistoryStore(tmp_path_factory.mktemp("ui-history") / "history.sqlite3")
    # Entries recorded before the faults: they must all survive.
    holder = ClientHolder()
    sandbox_target = Target(armed["slow-headers"].target.server)
    session = session_for(sandbox_target)
    before = [
        check_and_record(holder, session, job, store, threading.Event())
        for job in (PROCESSED_JOB, FAILED_JOB)
    ]
    holder.close()
    assert all(result.entry is not None for result in before)
    results: dict[str, Any] = {}
    handles: dict[str, tasks.TaskHandle] = {}
    holders: list[ClientHolder] = []
    started = time.monotonic()
    for key, case in armed.items():
        own = ClientHolder()  # one window, one session, one client each
        holders.append(own)
        handle = tasks.run_in_thread(
            None,
            check_and_record,
            own,
            session_for(case.target),
            case.target.job_id,
            store,
            on_cancel=own.abort,
        )
        handle.succeeded.connect(lambda result, key=key: results.__setitem__(key, result))
        handle.failed.connect(lambda message, detail, key=key: results.__setitem__(key, (message, detail)))
        handles[key] = handle
    _wait_all(handles, results, timeout=60)
    elapsed = time.monotonic() - started
    missing = set(handles) - set(results)
    for handle in handles.values():
        handle.shutdown(5000)
    for own in holders:
        own.close()
    assert not missing, f"no answer within 60 s for {sorted(missing)}"
    yield results, store, elapsed
    store.close()


@pytest.mark.parametrize("key", ALL_KEYS)
def test_worker_gives_the_defined_badge_and_sentence(
    key: str,
    worker_results: tuple[dict[str, Any], HistoryStore, int],
    defined: dict[str, tuple[str, str]],
    armed: dict[str, ArmedFault],
    qtbot: Any,
) -> None:
    results, _store, _elapsed = worker_results
    result = results[key]
    # check_status never raises: the worker always succeeds, never reaches the "unexpected" failure path.
    assert isinstance(result, FinishedCheck), result
    report = result.report
    outcome, sentence = defined[key]
    assert report.outcome.value == outcome == armed[key].outcome, report.detail
    assert report.message == sentence
    assert not any(word in report.message for word in TECHNICAL_WORDS)
    pane = ResultPane()
    qtbot.addWidget(pane)
    pane.set_report(report)
    assert pane.badge.text() == Outcome(outcome).label
    assert pane.sentence.text() == sentence
    assert_no_traceback_in(pane)


def test_worker_records_every_fault_and_keeps_earlier_history(
    worker_results: tuple[dict[str, Any], HistoryStore, int], armed: dict[str, ArmedFault]
) -> None:
    results, store, elapsed = worker_results
    entries = store.recent()
    # Two normal checks first, then one check per fault: the window records failed checks too. History has
    # one entry per job and server (issue 12): faults served for the same job by the same server (the two
    # TLS cases share one server) share one entry, which holds the answer that came last.
    sandbox_server = armed["slow-headers"].target.server
    by_job: dict[tuple[str, str], list[str]] = {}
    for key, case in armed.items():
        by_job.setdefault((case.target.server, case.target.job_id.lower()), []).append(key)
    checked = {(sandbox_server, PROCESSED_JOB.lower()), (sandbox_server, FAILED_JOB.lower()), *by_job}
    assert len(entries) == len(checked)
    assert {(e.server, e.job_id.lower()) for e in entries} == checked
    assert {e.job_id for e in entries} >= {PROCESSED_JOB, FAILED_JOB}
    for keys in by_job.values():
        ids = set()
        for key in keys:
            entry = results[key].entry
            assert entry is not None and entry.id is not None, key
            ids.add(entry.id)
        assert len(ids) == 1, keys
        stored = store.get(ids.pop())
        assert stored is not None, keys
        assert stored.job_id == armed[keys[0]].target.job_id, keys
        assert stored.outcome in {armed[key].outcome for key in keys}, keys
        assert stored.check_count == len(keys), keys
    assert elapsed < 45, f"the faults took {elapsed:.1f} s together"


# ---- the real window ---------------------------------------------------------------------------------------


def visible_texts(window: QWidget) -> list[str]:
    """Every text a label, status bar or text view holds (shown or not: a hidden one may be shown later)."""
    texts = [label.text() for label in window.findChildren(QLabel)]
    texts += [edit.toPlainText() for edit in window.findChildren(QPlainTextEdit)]
    texts += [edit.toPlainText() for edit in window.findChildren(QTextEdit)]
    bar = getattr(window, "statusBar", None)
    if callable(bar):
        texts.append(bar().currentMessage())
    return texts


def tree_texts(view: Any) -> list[str]:
    model = view.model()
    found: list[str] = []

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            for column in range(model.columnCount(parent)):
                value = model.index(row, column, parent).data(Qt.ItemDataRole.DisplayRole)
                if value is not None:
                    found.append(str(value))
            walk(model.index(row, 0, parent))

    walk(QModelIndex())
    return found


def assert_no_traceback_in(widget: QWidget) -> None:
    texts = visible_texts(widget)
    pane = widget if isinstance(widget, ResultPane) else widget.findChild(ResultPane)
    if pane is not None:
        texts += tree_texts(pane.tree)
        texts.append(pane.raw_text())
    for text in texts:
        assert "Traceback" not in text and 'File "' not in text, text[:500]


@pytest.fixture
def window(qtbot: Any) -> Iterator[MainWindow]:
    win = MainWindow(StartOptions(dirs=ensure(app_dirs())))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.is_ready, timeout=10000)
    yield win
    if shiboken6.isValid(win):
        win.shutdown()
    assert tasks.shutdown_all(5000)


def check_in_window(qtbot: Any, win: MainWindow, target: Target) -> StatusReport:
    win.account.set_session(session_for(target))  # signed in to this fault's server (module docstring)
    win.job_field.set_text(target.job_id)
    with qtbot.waitSignal(win.check_finished, timeout=40000) as blocker:
        win.check_button.click()
    report = blocker.args[0]
    assert isinstance(report, StatusReport)
    return report


def test_the_window_shows_each_fault_plainly_and_keeps_working(
    window: MainWindow, qtbot: Any, armed: dict[str, ArmedFault], defined: dict[str, tuple[str, str]]
) -> None:
    store = window.history_store()
    assert store is not None and window.history_panel is not None
    sandbox_target = Target(armed["slow-headers"].target.server)
    for job in (PROCESSED_JOB, FAILED_JOB):
        check_in_window(qtbot, window, Target(sandbox_target.server, job))
    assert store.count() == 2
    seen_ids = {e.id for e in store.recent()}

    for key in WINDOW_KEYS:
        case = armed[key]
        report = check_in_window(qtbot, window, case.target)
        outcome, sentence = defined[key]
        assert report.outcome.value == outcome, (key, report.detail)
        # The defined badge word and sentence, on screen.
        pane = window.result_pane
        assert pane.badge.text() == Outcome(outcome).label, key
        assert pane.sentence.text() == sentence, key
        assert pane.sentence.isVisible()
        # No traceback anywhere in the window (labels, status bar, text views, the result tree, raw view);
        # no technical words in the sentences people read (labels and status bar).
        assert_no_traceback_in(window)
        for text in [label.text() for label in window.findChildren(QLabel)]:
            assert not any(word in text for word in TECHNICAL_WORDS), (key, text)
        # A fault is a result, not an app error: no error banner, no dialog.
        assert window.banner.messages() == [], (key, window.banner.messages())
        assert QApplication.activeModalWidget() is None
        # History intact: everything recorded before is still there, and the failed check was recorded.
        entries = store.recent()
        ids = {e.id for e in entries}
        assert seen_ids <= ids, key
        new = ids - seen_ids
        assert len(new) == 1, key
        newest = entries[0]
        assert newest.id in new and newest.job_id == case.target.job_id and newest.outcome == outcome
        assert window.history_panel.model.rowCount() == len(entries)
        seen_ids = ids

    # No crash, nothing stuck: a normal check afterwards works as usual.
    report = check_in_window(qtbot, window, Target(sandbox_target.server, PROCESSED_JOB))
    assert report.outcome is Outcome.PROCESSED
    assert window.result_pane.badge.text() == "Processed"
    # Checked again, the job's one entry is updated and on top (issue 12: one entry per job and server).
    assert store.count() == 2 + len(WINDOW_KEYS)
    newest = store.recent(limit=1)[0]
    assert (newest.job_id, newest.outcome, newest.check_count) == (PROCESSED_JOB, "processed", 2)


# ---- the polling service -----------------------------------------------------------------------------------

FAST = WatchPolicy(base_interval=0.3, max_interval=0.6, stretch=0.1, error_backoff_cap=1.0)


def test_polling_of_a_normal_job_is_unaffected_by_faulty_ones(
    sandbox: SandboxServer, tmp_path: Path, qtbot: Any, defined: dict[str, tuple[str, str]]
) -> None:
    cases = {key: arm(fault, sandbox, tmp_path) for fault in FAULTS if (key := fault.key) in POLLED_KEYS}
    service = PollingService(None, rate=20.0, policy=FAST)
    reports: dict[str, list[StatusReport]] = {}
    finished: dict[str, tuple[str, StatusReport | None]] = {}
    problems: list[tuple[str, str]] = []
    service.report.connect(lambda job, report: reports.setdefault(job, []).append(report))
    service.watch_finished.connect(lambda job, why, report: finished.__setitem__(job, (why, report)))
    service.problem.connect(lambda message, detail: problems.append((message, detail)))
    service.start()
    try:
        service.set_session(session_for(Target(sandbox.url)))
        service.watch(PROGRESS_JOB)
        for case in cases.values():
            service.watch(case.target.job_id)
        qtbot.waitUntil(lambda: PROGRESS_JOB in finished, timeout=40000)
        # Every faulty job was asked about at least once meanwhile, and got its defined answer.
        qtbot.waitUntil(lambda: all(c.target.job_id in reports for c in cases.values()), timeout=20000)
        assert service.is_running()
    finally:
        assert service.shutdown(10000)

    why, report = finished[PROGRESS_JOB]
    assert why == "final"
    assert report is not None and report.outcome is Outcome.PROCESSED
    progress = [r.outcome for r in reports[PROGRESS_JOB]]
    assert progress[-1] is Outcome.PROCESSED and Outcome.RUNNING in progress
    for key, case in cases.items():
        first = reports[case.target.job_id][0]
        outcome, sentence = defined[key]
        if key == "429-seconds":
            # One request per check, no retries inside: the first check is the 429 itself, then processed.
            assert first.outcome is Outcome.ERROR and first.retry_after == 1.0
            continue
        assert first.outcome.value == outcome, (key, first.detail)
        assert first.message == sentence, key
    # Faulty answers are results, not service problems (no "background checks stopped").
    assert problems == []
