"""Many jobs at once in the main window (issue 14, parts 2 and 4), against the sandbox over real sockets:
a paste of several ids says how many, Check opens the batch view, the rows fill in, export and copy work,
a job list file (opened or dropped) fills the field, and a damaged id gets its exact hint without a
request."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers.signin import demo_account
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QFileDialog

from pig_desktop.core.outcome import Outcome
from pig_desktop.demo import (
    FAILED_JOB,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    SECOND_ORG,
    SECOND_ORG_JOB,
)
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import StartOptions
from pig_desktop.ui.batch.model import COL_ORGANISATION, COL_RESULT, OutcomeRole
from pig_desktop.ui.shell.main_window import MainWindow

EMAIL = f"""Hi support,
these imports never showed up: {PROCESSED_JOB}, {FAILED_JOB.upper()}
and https://cinx.example/partner/sub/0b6ef6a4-7c45-4f7e-9a38-3f0f3f7f0a11/exec/{PROGRESS_JOB}
(again: {PROCESSED_JOB}) plus the Zenith one {SECOND_ORG_JOB}.
"""
EXPECTED = [PROCESSED_JOB, FAILED_JOB, PROGRESS_JOB, SECOND_ORG_JOB]


@pytest.fixture
def window(open_window: Any, sandbox: Any) -> MainWindow:
    made: MainWindow = open_window(StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url)))
    return made


def finish_batch(qtbot: Any, window: MainWindow, click: Callable[[], object]) -> None:
    click()
    controller = window.batch.controller
    assert controller is not None
    qtbot.waitUntil(lambda: not controller.is_running(), timeout=20000)


def test_paste_of_several_ids_says_how_many_and_check_opens_the_batch(
    qtbot: Any, window: MainWindow, sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.job_field.set_text(EMAIL)
    hint = window.count_hint
    assert hint.objectName() == "jobCountHint" and hint.isVisible()
    assert hint.text().startswith("4 different job ids found.")
    assert hint.scan.ids == tuple(EXPECTED)
    before = len(sandbox.requests)

    finish_batch(qtbot, window, lambda: qtbot.mouseClick(window.check_button, Qt.MouseButton.LeftButton))

    view = window.batch.view
    assert view is not None and view.isVisible()
    assert window.findChild(type(view), "batchView") is view
    model = view.table.model()
    assert [model.index(row, 0).data() for row in range(model.rowCount())] == EXPECTED
    outcomes = [model.index(row, COL_RESULT).data(OutcomeRole) for row in range(model.rowCount())]
    assert outcomes == ["processed", "failed", "running", "processed"]
    # The job of the second organisation was found there and says so.
    assert model.index(3, COL_ORGANISATION).data() == SECOND_ORG
    assert view.progress.value() == 4
    # Four jobs, not the first one alone (and no single check ran).
    assert window.check.current_job() == ""
    assert len(sandbox.requests) > before

    # Batch checks are recorded in history like single ones.
    store = window.history_store()
    assert store is not None
    assert {entry.job_id for entry in store.recent()} >= set(EXPECTED)
    panel = window.history_panel
    assert panel is not None
    listed = {panel.model.index(row, 0).data() for row in range(panel.model.rowCount())}
    assert listed >= set(EXPECTED)

    target = tmp_path / "jobs.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "CSV files (*.csv)"))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == EXPECTED
    assert rows[4][4] == SECOND_ORG

    qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    for job in EXPECTED:
        assert job in copied
    assert "pig-desktop://job/" in copied


def test_open_job_from_the_batch_checks_it_in_the_window(qtbot: Any, window: MainWindow) -> None:
    window.job_field.set_text(f"{PROCESSED_JOB} {FAILED_JOB}")
    finish_batch(qtbot, window, window.entry.check_field)
    view = window.batch.view
    assert view is not None
    view.table.selectRow(1)
    with qtbot.waitSignal(window.check_finished, timeout=15000) as blocker:
        qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].job_id == FAILED_JOB
    assert window.job_field.job_id() == FAILED_JOB
    assert window.result_pane.badge.text == "Failed"


def test_watch_all_unfinished_watches_the_running_jobs(qtbot: Any, window: MainWindow) -> None:
    watched: list[tuple[str, str]] = []

    class Recorder:
        def watch(self, job_id: str, organisation: str = "") -> None:
            watched.append((job_id, organisation))

    window.check.set_watcher(Recorder())
    window.job_field.set_text(f"{PROCESSED_JOB} {PROGRESS_JOB}")
    finish_batch(qtbot, window, window.entry.check_field)
    view = window.batch.view
    assert view is not None and view.watch_button.isEnabled()
    qtbot.mouseClick(view.watch_button, Qt.MouseButton.LeftButton)
    assert [job for job, _org in watched] == [PROGRESS_JOB]


def test_watch_with_several_ids_watches_them_all(window: MainWindow) -> None:
    watched: list[str] = []

    class Recorder:
        def watch(self, job_id: str, organisation: str = "") -> None:
            watched.append(job_id)

    window.check.set_watcher(Recorder())
    window.watch_button.setEnabled(True)
    window.job_field.set_text(f"{PROCESSED_JOB}, {PROGRESS_JOB}; {FAILED_JOB}")
    window.watch_button.click()
    assert watched == [PROCESSED_JOB, PROGRESS_JOB, FAILED_JOB]
    assert window.statusBar().currentMessage() == "Watching 3 jobs. You will be told when they finish."


def test_a_second_batch_replaces_the_first_in_the_same_panel(qtbot: Any, window: MainWindow) -> None:
    window.job_field.set_text(f"{PROCESSED_JOB} {FAILED_JOB}")
    finish_batch(qtbot, window, window.entry.check_field)
    first = window.batch.view
    window.job_field.set_text(f"{NOT_FOUND_JOB} {PROGRESS_JOB} {PROCESSED_JOB}")
    finish_batch(qtbot, window, window.entry.check_field)
    second = window.batch.view
    assert second is not None and second is not first
    assert second.table.model().rowCount() == 3
    assert len(window.findChildren(type(second), "batchView")) == 1


def test_a_damaged_guid_gets_the_exact_hint_and_no_request(
    qtbot: Any, window: MainWindow, sandbox: Any
) -> None:
    damaged = PROCESSED_JOB[:-1]  # 35 of 36 characters
    before = len(sandbox.requests)
    window.job_field.set_text(damaged)
    qtbot.mouseClick(window.check_button, Qt.MouseButton.LeftButton)
    assert window.job_field.error() == (
        "That job id has 35 of 36 characters: the 5th group has 11 characters, not 12. "
        "A job id has 36 characters in 5 groups, like 97b96860-ca73-4f8e-b6ba-37ce9f256871. "
        "Copy the whole id again."
    )
    assert window.job_field.hint.text() == window.job_field.error()
    assert not window.check.is_checking()
    assert window.batch.controller is None
    assert len(sandbox.requests) == before


def test_a_job_list_file_fills_the_field(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    listing = tmp_path / "jobs.csv"
    rows = f"job,note\n{PROCESSED_JOB},a\n{FAILED_JOB},b\n{PROCESSED_JOB},again\n"
    listing.write_text(rows, encoding="utf-8")
    assert window.entry.load_job_file(listing) == 2
    assert window.count_hint.scan.ids == (PROCESSED_JOB, FAILED_JOB)
    assert window.count_hint.text().startswith("2 different job ids found.")


def test_open_job_list_action_reads_the_chosen_file(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = tmp_path / "jobs.txt"
    listing.write_text(f"{FAILED_JOB}\n{PROGRESS_JOB}\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(listing), ""))
    action = window.menu_actions.open_job_list
    assert action.objectName() == "openJobListAction"
    action.trigger()
    assert window.count_hint.scan.ids == (FAILED_JOB, PROGRESS_JOB)


def test_a_file_without_ids_says_so(window: MainWindow, tmp_path: Path) -> None:
    listing = tmp_path / "notes.txt"
    listing.write_text("nothing to see here\n", encoding="utf-8")
    assert window.entry.load_job_file(listing) == 0
    assert window.banner.text().startswith("notes.txt holds no job ids.")


def drop(window: MainWindow, target: Any, mime: QMimeData) -> QDropEvent:
    """A drop of ``mime`` on ``target``, through the window's drop filter.

    Qt delivers drop events only during a real drag (QApplication.sendEvent of a QDropEvent reaches no
    filter), and offscreen has no drag; so the event goes to the filter the window installed on ``target``.
    """
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    event = QDropEvent(QPointF(5, 5), copy, mime, left, none)
    event.ignore()
    assert target.acceptDrops()
    window.drops.eventFilter(target, event)
    return event


def test_dropping_a_csv_file_on_the_field_reads_it(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    listing = tmp_path / "dropped.csv"
    listing.write_text(f"{PROGRESS_JOB}\n{SECOND_ORG_JOB}\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(listing))])
    event = drop(window, window.job_field.edit, mime)
    assert event.isAccepted()
    assert window.count_hint.scan.ids == (PROGRESS_JOB, SECOND_ORG_JOB)


def test_dropping_a_link_on_the_window_puts_its_job_in_the_field(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl(f"pig-desktop://job/{FAILED_JOB}")])
    event = drop(window, window, mime)
    assert event.isAccepted()
    assert window.job_field.job_id() == FAILED_JOB
    assert not window.count_hint.scan.several


def test_a_link_for_another_server_says_so(window: MainWindow) -> None:
    window.job_field.set_text(f"pig-desktop://job/{PROCESSED_JOB}?server=production")
    assert window.job_field.job_id() == PROCESSED_JOB
    text = window.count_hint.text()
    assert window.count_hint.isVisible()
    assert text.startswith("This link is for the production server, but you are signed in to Sandbox.")


def test_several_ids_signed_out_ask_to_sign_in_first(open_window: Any, qtbot: Any) -> None:
    window: MainWindow = open_window(StartOptions(dirs=ensure(app_dirs()), restore_session=False))
    window.job_field.set_text(f"{PROCESSED_JOB} {FAILED_JOB}")
    assert window.entry.check_field() is False
    assert window.batch.controller is None
    dialog = window.account.signin_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_outcome_values_are_the_ones_the_model_reports() -> None:
    # The batch test above compares OutcomeRole values with these words.
    assert [o.value for o in (Outcome.PROCESSED, Outcome.FAILED, Outcome.RUNNING)] == [
        "processed",
        "failed",
        "running",
    ]


def test_watching_and_batches_take_slots_from_one_limiter(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from pig_desktop.ui.watching.controller import WatchController

    limiter = window.rate.limiter()
    takers: list[str] = []
    acquire = limiter.acquire

    def counting(cancel: threading.Event | None = None) -> bool:
        takers.append(threading.current_thread().name)
        return acquire(cancel)

    monkeypatch.setattr(limiter, "acquire", counting)
    controller = WatchController.for_window(window, tray_available=False)
    try:
        with qtbot.waitSignal(controller.service.watch_finished, timeout=15000):
            window.check.watch_job(PROCESSED_JOB)
        watch_slots = len(takers)
        assert watch_slots >= 1  # the polling thread waited for its slot in the window's limiter
        window.job_field.set_text(f"{FAILED_JOB} {PROGRESS_JOB}")
        finish_batch(qtbot, window, window.entry.check_field)
        assert window.batch.controller is not None and window.batch.controller.limiter is limiter
        assert len(takers) >= watch_slots + 2  # and so did each check of the batch
    finally:
        controller.shutdown()
