"""The main window against a real sandbox CINX server over real sockets (pytest-qt, offscreen).

Each test gets a fresh PIG_DESKTOP_HOME and the null keyring (tests/conftest.py). Windows are built in demo
mode (signed in with the sandbox account) unless a test is about signing in.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers.net import closed_port_url
from helpers.signin import demo_account
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAccessible, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QTreeView, QVBoxLayout, QWidget

from pig_desktop.core.org_search import not_found_message
from pig_desktop.core.outcome import MSG_FAILED, MSG_PROCESSED, StatusReport
from pig_desktop.core.policy import RetryPolicy
from pig_desktop.demo import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    EXPIRED_TOKEN,
    FAILED_JOB,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    SECOND_ORG,
    SLOW_JOB,
)
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.store.settings import Settings, load_settings, save_settings
from pig_desktop.ui.account.app_state import DemoAccount, StartOptions
from pig_desktop.ui.shell.banner import KIND_INFO, BannerMessage
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.system import tasks
from pig_desktop.ui.system.excepthook import MSG_UNEXPECTED, install_excepthook

REPO = Path(__file__).resolve().parents[3]
STATUS = "/partner/exec/"


@pytest.fixture
def make_window(open_window: Any, sandbox: Any) -> Callable[..., MainWindow]:
    """Windows from ``open_window`` (tests/conftest.py), by default signed in with the demo account."""

    def make(
        *,
        demo: bool = True,
        server: str | None = None,
        token: str = ACTIVE_TOKEN,
        restore: bool = True,
        register: bool = True,
    ) -> MainWindow:
        account = demo_account(server or sandbox.url, token) if demo else None
        options = StartOptions(dirs=ensure(app_dirs()), demo=account, restore_session=restore)
        window: MainWindow = open_window(options, register=register)
        return window

    return make


def check_and_wait(qtbot: Any, window: MainWindow, text: str, timeout: int = 15000) -> StatusReport:
    window.job_field.set_text(text)
    with qtbot.waitSignal(window.check_finished, timeout=timeout) as blocker:
        window.check_button.click()
    report = blocker.args[0]
    assert isinstance(report, StatusReport)
    return report


# ---- start, names, focus -----------------------------------------------------------------------------------


def test_start_focus_is_in_the_job_field(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.activateWindow()
    assert window.focusWidget() is window.job_field.edit
    qtbot.waitUntil(lambda: window.job_field.edit.hasFocus())


def test_all_object_names_from_the_issue_exist(make_window: Any) -> None:
    window = make_window()
    for name in (
        "jobIdEdit",
        "checkButton",
        "watchButton",
        "cancelButton",
        "outcomeBadge",
        "resultTree",
        "historyView",
        "copyTicketButton",
    ):
        assert window.findChild(QWidget, name) is not None, name
    assert isinstance(window.findChild(QTreeView, "resultTree"), QTreeView)
    assert window.job_field.edit.placeholderText() == "Paste a job id or a link\u2026"


def test_every_visible_control_has_an_accessible_name(make_window: Any) -> None:
    window = make_window()
    missing = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if widget.metaObject().className() in ("QScrollBar", "QSplitterHandle", "QHeaderView", "QWidget"):
            continue
        if isinstance(widget, QPushButton) and widget.text():
            continue  # a button's text is its accessible name
        # What a screen reader gets: the accessible name, or a label's own text when it has none.
        iface = QAccessible.queryAccessibleInterface(widget)
        if iface is None or not iface.text(QAccessible.Text.Name).strip():
            missing.append(f"{widget.metaObject().className()}#{widget.objectName()}")
    assert missing == []


def test_header_names_the_account_organisation_and_server(make_window: Any) -> None:
    window = make_window()
    assert window.account_label.text() == f"{DEMO_EMAIL} \u00b7 {ACTIVE_ORG} \u00b7 Sandbox"
    assert window.header.sign_out_button.isVisible()
    assert not window.header.sign_in_button.isVisible()


def test_tab_order_goes_from_the_field_to_the_buttons(make_window: Any) -> None:
    window = make_window()

    def next_stop(widget: QWidget) -> QWidget:
        """What Tab reaches next (the field's own clear button is in the chain but takes no focus)."""
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value:
            widget = widget.nextInFocusChain()
        return widget

    assert next_stop(window.job_field.edit) is window.check_button
    assert next_stop(window.check_button) is window.watch_button


def test_tab_walks_every_panel_in_reading_order(make_window: Any, qtbot: Any) -> None:
    """Job row → result → history → the panels below → (round) header; docs in ui/shell/tab_order.py."""
    window = make_window()
    qtbot.waitUntil(lambda: window.history_panel is not None and window.is_ready, timeout=15000)
    table = QTreeView()
    table.setObjectName("watchTable")
    holder = QWidget()
    QVBoxLayout(holder).addWidget(table)
    window.add_panel(holder, "Watching")
    stops: list[QWidget] = []
    widget: QWidget = window.job_field.edit
    for _ in range(200):
        if widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value:
            stops.append(widget)
        widget = widget.nextInFocusChain()
        if widget is window.job_field.edit:
            break
    names = [w.objectName() for w in stops]
    pane, history = window.result_pane, window.history_panel
    assert history is not None

    def first(owner: QWidget) -> int:
        return next(i for i, w in enumerate(stops) if w is owner or owner.isAncestorOf(w))

    assert names[:4] == ["jobIdEdit", "checkButton", "watchButton", "cancelButton"], names
    assert names.index("resultTree") == 4, names
    assert names.index("resultTree") < names.index("copyTicketButton") < first(history)
    assert first(history) < names.index("watchTable") < first(window.header)
    # Every panel is on the way: nothing is skipped.
    for region in (pane, history, holder, window.header):
        assert any(w is region or region.isAncestorOf(w) for w in stops), region.objectName()


def test_a_banner_button_shown_later_is_in_reading_order(make_window: Any, qtbot: Any) -> None:
    """Header, then the banner (its action, then close), then round to the job row (ui/shell/tab_order.py):
    also for a banner button made long after the window was built."""
    window = make_window()
    qtbot.waitUntil(lambda: window.history_panel is not None and window.is_ready, timeout=15000)
    action = ("Sign in", lambda: None)
    window.banner.show_message(BannerMessage(KIND_INFO, "Sign in again to go on watching.", "", (action,)))
    (button,) = window.banner.action_buttons()
    stops: list[QWidget] = []
    widget: QWidget = window.job_field.edit
    for _ in range(300):
        if widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value and widget.isVisible():
            stops.append(widget)
        widget = widget.nextInFocusChain()
        if widget is window.job_field.edit:
            break
    close = window.banner.findChild(QWidget, "bannerClose")
    # (The clipboard offer's banner may follow: a job id left on the clipboard by another test.)
    assert stops.index(window.header.sign_out_button) < stops.index(button) < stops.index(close)
    assert stops.index(window.history_panel.filter_edit) < stops.index(window.header.sign_out_button)


# ---- the job field -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PROCESSED_JOB, PROCESSED_JOB),
        (PROCESSED_JOB.upper(), PROCESSED_JOB),
        ("{" + PROCESSED_JOB + "}", PROCESSED_JOB),
        (f"https://api.cinx.com/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{PROCESSED_JOB}/status", PROCESSED_JOB),
        (f"Hi, job urn:uuid:{PROCESSED_JOB} failed\nthanks", PROCESSED_JOB),
    ],
)
def test_pasted_text_shows_the_extracted_id(make_window: Any, text: str, expected: str) -> None:
    window = make_window()
    window.job_field.set_text(text)
    assert window.job_field.job_id() == expected
    assert window.job_field.hint.text() == f"Job id: {expected}"
    assert "\n" not in window.job_field.text()  # one line, even when a multi-line text is pasted


@pytest.mark.parametrize("text", ["", "   ", "../../etc/passwd", "abc", "hello world", "a/b/c"])
def test_text_without_an_id_is_refused_inline_without_a_request(
    make_window: Any, sandbox: Any, qtbot: Any, text: str
) -> None:
    window = make_window()
    window.job_field.set_text(text)
    window.check_button.click()
    QTest.keyClick(window.job_field.edit, Qt.Key.Key_Return)
    qtbot.wait(200)
    assert not window.check.is_checking()
    hint = window.job_field.hint.text()
    assert hint and not hint.startswith("Job id:")
    assert "job id" in hint.lower()
    assert sandbox.request_count(STATUS) == 0


# ---- checking ----------------------------------------------------------------------------------------------


def test_enter_in_the_field_checks(make_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = make_window()
    window.job_field.set_text(PROCESSED_JOB)
    with qtbot.waitSignal(window.check_finished, timeout=15000):
        QTest.keyClick(window.job_field.edit, Qt.Key.Key_Return)
    assert window.result_pane.badge.text() == "Processed"
    assert sandbox.request_count(PROCESSED_JOB) == 1


@pytest.mark.parametrize(
    ("job", "label", "sentence"),
    [
        (PROCESSED_JOB, "Processed", MSG_PROCESSED),
        (FAILED_JOB, "Failed", MSG_FAILED),
        # The demo account has two active organisations: not found names both (issue 14, part 1).
        (NOT_FOUND_JOB, "Job not found", not_found_message(NOT_FOUND_JOB, (ACTIVE_ORG, SECOND_ORG))),
    ],
)
def test_outcomes_show_badge_and_sentence(
    make_window: Any, qtbot: Any, job: str, label: str, sentence: str
) -> None:
    window = make_window()
    report = check_and_wait(qtbot, window, job)
    assert window.result_pane.badge.text() == label
    assert window.result_pane.sentence.text() == sentence
    assert report.job_id == job
    assert window.result_pane.tree.model().rowCount() > 0


def test_expired_subscription_shows_a_sign_in_problem(make_window: Any, qtbot: Any) -> None:
    window = make_window(token=EXPIRED_TOKEN)
    check_and_wait(qtbot, window, PROCESSED_JOB)
    assert window.result_pane.badge.text() == "Sign-in problem"
    assert "subscription" in window.result_pane.sentence.text().lower()


def test_unreachable_server_shows_cant_reach(make_window: Any, qtbot: Any) -> None:
    window = make_window(server=closed_port_url())
    window.client_holder().retry = RetryPolicy(max_attempts=1)
    check_and_wait(qtbot, window, PROCESSED_JOB)
    assert window.result_pane.badge.text() == "Can't reach CINX"
    assert "Couldn't reach CINX" in window.result_pane.sentence.text()
    assert QApplication.activeModalWidget() is None  # never a modal error


def test_the_badge_says_checking_while_a_check_runs(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.job_field.set_text(SLOW_JOB)
    window.check_button.click()
    assert window.result_pane.badge.text() == "Checking\u2026"
    assert window.cancel_button.isEnabled()
    window.check.cancel_check()


def test_one_client_is_kept_for_the_session(make_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = make_window()
    check_and_wait(qtbot, window, PROCESSED_JOB)
    check_and_wait(qtbot, window, FAILED_JOB)
    # Keep-alive: both checks went over one TCP connection of one client.
    assert sandbox.connections_accepted == 1


def test_f5_refreshes_the_current_job(make_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = make_window()
    check_and_wait(qtbot, window, FAILED_JOB)
    window.job_field.set_text("")  # F5 refreshes the job on screen, not the field
    window.activateWindow()
    with qtbot.waitSignal(window.check_finished, timeout=15000):
        QTest.keyClick(window, Qt.Key.Key_F5)
    assert sandbox.request_count(FAILED_JOB) == 2
    assert window.result_pane.badge.text() == "Failed"


def test_ctrl_l_focuses_and_selects_the_job_field(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.activateWindow()
    window.job_field.set_text(PROCESSED_JOB)
    window.check_button.setFocus()
    qtbot.waitUntil(lambda: window.check_button.hasFocus())
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.job_field.edit.hasFocus())
    assert window.job_field.edit.selectedText() == PROCESSED_JOB


def test_ctrl_shift_c_copies_for_a_ticket(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    check_and_wait(qtbot, window, FAILED_JOB)
    QGuiApplication.clipboard().clear()
    window.activateWindow()
    window.result_pane.tree.setFocus()
    QTest.keyClick(
        window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    text = QGuiApplication.clipboard().text()
    assert FAILED_JOB in text
    assert "Failed" in text
    assert ACTIVE_ORG in text
    assert DEMO_PASSWORD not in text
    assert ACTIVE_TOKEN not in text  # at most the last 4 characters


# ---- responsiveness, cancel, quitting ----------------------------------------------------------------------


def test_gui_stays_responsive_during_a_slow_check_and_cancel_works(
    make_window: Any, qtbot: Any, sandbox: Any
) -> None:
    window = make_window()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    window.job_field.set_text(SLOW_JOB)
    window.check_button.click()
    qtbot.waitUntil(lambda: sandbox.request_count(SLOW_JOB) == 1, timeout=5000)
    qtbot.wait(600)  # the sandbox holds the answer for 3 s
    assert window.check.is_checking()
    # The GUI thread kept running its timer while the request was blocked in the worker.
    assert len(ticks) >= 15
    assert max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 0.5

    started = time.monotonic()
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.check.is_checking()
    assert not window.cancel_button.isEnabled()
    assert window.statusBar().currentMessage() == "Check cancelled"
    assert window.result_pane.badge.text() != "Checking\u2026"
    # The abort closed the socket: the worker ends long before the sandbox would have answered.
    qtbot.waitUntil(lambda: tasks.running_count() == 0, timeout=2000)
    assert time.monotonic() - started < 2.0
    timer.stop()


def test_closing_during_a_slow_check_is_clean(make_window: Any, qtbot: Any, sandbox: Any, qtlog: Any) -> None:
    window = make_window(register=False)
    window.job_field.set_text(SLOW_JOB)
    window.check_button.click()
    qtbot.waitUntil(lambda: sandbox.request_count(SLOW_JOB) == 1, timeout=5000)
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 3.0
    assert tasks.running_count() == 0
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(100)
    messages = [record.message for record in qtlog.records]
    assert not any("Destroyed while thread" in m for m in messages), messages


# ---- history -----------------------------------------------------------------------------------------------


def test_history_records_each_check_and_reopens_it(make_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = make_window()
    check_and_wait(qtbot, window, PROCESSED_JOB)
    check_and_wait(qtbot, window, FAILED_JOB)
    store = window.history_store()
    assert store is not None
    entries = store.recent()
    assert [e.job_id for e in entries] == [FAILED_JOB, PROCESSED_JOB]
    assert entries[1].organisation == ACTIVE_ORG
    assert entries[1].outcome == "processed"
    panel = window.history_panel
    assert panel is not None
    assert panel.view.model().rowCount() == 2

    # Re-open the older one: its stored result shows at once, then a refresh check runs.
    before = sandbox.request_count(PROCESSED_JOB)
    with qtbot.waitSignal(window.check_finished, timeout=15000):
        window.check.open_history_entry(entries[1])
        assert window.result_pane.badge.text() in ("Processed", "Checking\u2026")
        assert window.check.current_job() == PROCESSED_JOB
    assert window.result_pane.badge.text() == "Processed"
    assert sandbox.request_count(PROCESSED_JOB) == before + 1
    assert window.job_field.job_id() == PROCESSED_JOB


def test_history_entry_from_another_organisation_is_shown_without_refresh(
    make_window: Any, qtbot: Any, sandbox: Any
) -> None:
    window = make_window()
    check_and_wait(qtbot, window, FAILED_JOB)
    store = window.history_store()
    assert store is not None
    entry = store.recent()[0]
    import dataclasses

    other = dataclasses.replace(entry, organisation="Someone Else Ltd")
    window.check.open_history_entry(other)
    assert window.result_pane.badge.text() == "Failed"
    assert not window.check.is_checking()
    assert "Someone Else Ltd" in window.statusBar().currentMessage()
    assert sandbox.request_count(FAILED_JOB) == 1


def test_corrupt_history_file_still_opens_with_a_notice(make_window: Any, qtbot: Any) -> None:
    dirs = ensure(app_dirs())
    dirs.history_file.write_bytes(b"this is not a database" * 100)
    window = make_window()
    assert window.banner.isVisible()
    assert "history" in window.banner.text().lower()
    assert "Traceback" not in window.banner.text()
    assert window.history_panel is not None
    check_and_wait(qtbot, window, PROCESSED_JOB)
    store = window.history_store()
    assert store is not None and store.count() == 1
    assert list(dirs.data.glob("history.sqlite3.corrupt-*"))


def test_bad_settings_file_gives_a_notice_once(make_window: Any) -> None:
    dirs = ensure(app_dirs())
    dirs.settings_file.write_text("{ not json", encoding="utf-8")
    window = make_window(demo=False)
    assert "settings" in window.banner.text().lower()
    window.banner.dismiss()
    window.shutdown()
    second = make_window(demo=False)
    assert "settings" not in second.banner.text().lower()


# ---- settings ----------------------------------------------------------------------------------------------


def test_settings_dialog_saves_atomically_and_reloads(make_window: Any, qtbot: Any) -> None:
    window = make_window(demo=False)
    dialog = window.open_settings()
    dialog.history_limit.setValue(250)
    dialog.read_timeout.setValue(30)
    dialog.notifications.setChecked(False)
    dialog.buttons.accepted.emit()
    dirs = app_dirs()
    path = dirs.settings_file
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["history_limit"] == 250
    reloaded = load_settings(path).settings
    assert reloaded.history_limit == 250
    assert reloaded.read_timeout == 30.0
    assert reloaded.notifications is False
    assert window.settings() == reloaded


def test_settings_dialog_refuses_a_bad_custom_server_inline(make_window: Any) -> None:
    window = make_window(demo=False)
    dialog = window.open_settings()
    dialog.server.setCurrentIndex(dialog.server.findData("custom"))
    dialog.custom_url.setText("http://example.com")
    assert dialog.error.isVisible() or dialog.error.text()
    assert "http://" in dialog.error.text()
    from PySide6.QtWidgets import QDialogButtonBox

    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None and not ok.isEnabled()
    dialog.reject()


# ---- errors and notices ------------------------------------------------------------------------------------


def test_excepthook_shows_a_friendly_banner_not_a_traceback(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    reporter = install_excepthook(window.show_unexpected_error, window)
    try:
        try:
            raise ValueError("internal detail 42")
        except ValueError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: window.banner.isVisible())
    finally:
        reporter.uninstall()
    shown = window.banner.text()
    assert shown == MSG_UNEXPECTED
    assert "Traceback" not in shown and "ValueError" not in shown
    assert "ValueError: internal detail 42" in window.banner.detail()
    assert QApplication.activeModalWidget() is None
    window.banner.copy_details()
    assert "internal detail 42" in QGuiApplication.clipboard().text()
    # No widget anywhere shows the traceback.
    from PySide6.QtWidgets import QLabel

    assert not any("Traceback" in label.text() for label in window.findChildren(QLabel))


def test_clipboard_job_id_is_offered_without_touching_the_field(make_window: Any, qtbot: Any) -> None:
    QGuiApplication.clipboard().clear()  # an id left there by another test would be offered at start
    window = make_window()
    window.activateWindow()
    window.job_field.set_text("")
    QGuiApplication.clipboard().setText(f"see https://x.example/exec/{FAILED_JOB}/status")
    assert window.check.offer_clipboard()
    assert window.offer_banner.isVisible()
    assert FAILED_JOB in window.offer_banner.text()
    assert window.job_field.text() == ""
    assert window.focusWidget() is window.job_field.edit
    # The same id is not offered twice.
    window.offer_banner.clear()
    assert not window.check.offer_clipboard()
    # A window activation triggers the offer for a new id; accepting it checks that job.
    QGuiApplication.clipboard().setText(PROCESSED_JOB)
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    qtbot.waitUntil(lambda: window.offer_banner.isVisible())
    check = [b for b in window.offer_banner.action_buttons() if b.text() == "Check"]
    assert len(check) == 1
    with qtbot.waitSignal(window.check_finished, timeout=15000):
        check[0].click()
    assert window.job_field.job_id() == PROCESSED_JOB
    assert window.result_pane.badge.text() == "Processed"


def test_clipboard_id_equal_to_the_field_is_not_offered(make_window: Any) -> None:
    QGuiApplication.clipboard().clear()
    window = make_window()
    window.job_field.set_text(PROCESSED_JOB)
    QGuiApplication.clipboard().setText(PROCESSED_JOB)
    assert not window.check.offer_clipboard()
    assert not window.offer_banner.isVisible()


# ---- watching ----------------------------------------------------------------------------------------------


def test_watch_button_waits_for_the_polling_service(make_window: Any, qtbot: Any) -> None:
    from pig_desktop.ui.watching.polling import PollingService

    window = make_window()
    assert not window.watch_button.isEnabled()
    assert window.watch_button.toolTip()
    service = PollingService()
    service.start()
    window.background.serve(service)  # as the watch controller does: the sign-in, settings, history
    window.set_polling_service(service)
    assert window.watch_button.isEnabled()
    window.job_field.set_text(PROCESSED_JOB)
    window.watch_button.click()
    qtbot.waitUntil(lambda: window.result_pane.badge.text() == "Processed", timeout=15000)
    assert window.check.current_job() == PROCESSED_JOB


# ---- entry points and start-up cost ---------------------------------------------------------------------


def _env_without_display() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO)
    return env


def test_version_needs_no_display() -> None:
    from pig_desktop import __version__

    result = subprocess.run(
        [sys.executable, "-m", "pig_desktop", "--version"],
        capture_output=True,
        text=True,
        env=_env_without_display(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"pig-desktop {__version__}"


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "start without opening the window"), ("es", "iniciar sin abrir la ventana")],
)
def test_help_speaks_the_systems_language_without_a_display(language: str, said: str) -> None:
    """``pig-desktop --help`` in the system's language (as pig-status's), with no display and no Qt."""
    env = _env_without_display() | {"LANGUAGE": language, "LANG": "C.UTF-8"}
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    result = subprocess.run(
        [sys.executable, "-m", "pig_desktop", "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert said in " ".join(result.stdout.split())  # argparse wraps the lines
    assert "--demo" in result.stdout and "--hidden" in result.stdout


def test_window_module_does_not_import_slow_modules_at_import() -> None:
    code = (
        "import sys; import pig_desktop.ui.shell.main_window, pig_desktop.app; "
        "print(','.join(m for m in ('keyring', 'truststore', 'sqlite3') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env_without_display(), timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


#: The rule "what the first frame may import" (docs/architecture.md), as this test enforces it: none of these.
SLOW_START_MODULES = ("keyring", "truststore", "httpx", "sqlite3", "PySide6.QtNetwork")
#: ... and with --demo, not the sandbox server's module either (http.server, socketserver, email).
DEMO_SERVER_MODULE = "pig_desktop.demo.server"
#: Smaller ones the first frame does without too (docs/performance.md, "Start-up"); socket only without
#: --demo, whose sandbox socket listens before the first paint.
FIRST_FRAME_SPARED = ("html", "importlib.resources", "datetime")
#: Qt classes whose Python bindings the first frame does without: PySide6 makes a class's binding (its
#: methods' signatures, its enums) the first time Python names it, or resolves an overload that could take
#: it (``QPushButton(text, parent)`` could be ``QPushButton(icon, text)``).
FIRST_FRAME_UNBOUND = (
    "QByteArray",
    "QDir",
    "QIcon",
    "QKeySequence",
    "QLibraryInfo",
    "QPainter",
    "QStyle",
    "QSystemTrayIcon",
    "QTranslator",
)


@pytest.mark.parametrize("args", [[], ["--demo"]], ids=["normal", "demo"])
def test_real_start_path_imports_no_slow_module_before_the_first_paint(
    tmp_path: Path, args: list[str]
) -> None:
    """``pig_desktop.app.main([])`` as started from the desktop: at the main window's first QEvent.Paint,
    none of keyring, truststore, httpx or sqlite3 is imported yet (they come right after), nor QtNetwork, and
    PySide6 has not created the enums of its ``Qt`` namespace (docs/architecture.md); sqlite3 and the ``Qt``
    enums exist by the time the window is ready (so the checks are not vacuous), and nothing went wrong on the
    way (a signal carrying a ``Qt`` enum before they exist fails). ``--demo`` the same, and its sandbox
    server starts after the first paint too. On POSIX, QtNetwork is not loaded even then: the single-instance
    server is a Unix socket of Python's and the desktop's proxy is read from the environment. Nor are the Qt
    classes of ``FIRST_FRAME_UNBOUND`` bound yet, nor has the job field its clear button (whose icon Qt
    looks up in the desktop's icon theme); all are there once the window is ready."""
    slow = SLOW_START_MODULES + FIRST_FRAME_SPARED + ((DEMO_SERVER_MODULE,) if args else ("socket",))
    code = f"""
import sys
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
import pig_desktop.ui.shell.main_window as main_window
SLOW = {slow!r}
UNBOUND = {FIRST_FRAME_UNBOUND!r}
seen = {{}}
def loaded(window):
    bound = [name for name in UNBOUND if any(name in vars(m) for m in (QtCore, QtGui, QtWidgets))]
    clear_button = ["clear button"] * window.job_field.edit.isClearButtonEnabled()
    return [m for m in SLOW if m in sys.modules] + ["Qt"] * ("Qt" in vars(QtCore)) + bound + clear_button
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "paint" not in seen:
            seen["paint"] = loaded(obj)
        return False
probe = FirstPaint()
original_show = main_window.MainWindow.show
def show(self):
    self.installEventFilter(probe)
    original_show(self)
    def wait_ready():
        if self.is_ready and "paint" in seen:
            seen["ready"] = loaded(self)
            seen["banner"] = self.banner.messages()
            QApplication.instance().quit()
        else:
            QTimer.singleShot(20, wait_ready)
    QTimer.singleShot(20, wait_ready)
main_window.MainWindow.show = show
from pig_desktop.app import main
rc = main({args!r})
print(repr(seen))
sys.exit(rc)
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), PIG_DESKTOP_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    seen = eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr() of a dict of lists
    assert seen["paint"] == [], f"imported or bound before the first paint: {seen['paint']}"
    # Loaded right after the first paint: the history database (sqlite3), Qt's enums.
    assert {"sqlite3", "Qt", "QIcon", "QKeySequence", "clear button"} <= set(seen["ready"])
    assert ("PySide6.QtNetwork" in seen["ready"]) == (os.name != "posix")
    if args:
        assert DEMO_SERVER_MODULE in seen["ready"]
    # (a notice that there is no tray is fine; the window's "something unexpected" error is not)
    assert not [m for m in seen["banner"] if "unexpected" in m], seen["banner"]
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr, result.stderr


#: The data types a start makes before the first paint that stay dataclasses (they are copied with
#: ``dataclasses.replace``); the rest of the first frame's records are NamedTuples (docs/architecture.md).
FIRST_FRAME_DATACLASSES = {
    "BannerMessage",
    "Connection",
    "CrashReport",
    "DemoAccount",
    "JobIdScan",
    "LoadedSettings",
    "Session",
    "Settings",
    "StartOptions",
}


def test_the_first_frame_makes_only_its_data_types_as_dataclasses(tmp_path: Path) -> None:
    """Each dataclass compiles its methods when its module is imported (about 1 ms each here): the real
    ``main([])`` creates no other before the window's first paint, and does create these (not vacuous)."""
    code = """
import dataclasses, sys
made = []
process_class = dataclasses._process_class
def recording(cls, *args, **kwargs):
    made.append(cls.__qualname__)
    return process_class(cls, *args, **kwargs)
dataclasses._process_class = recording
import pig_desktop.ui.shell.staged_start as staged_start
painted = staged_start.StagedStart.painted
seen = {}
def first_paint(self):
    if "paint" not in seen:
        seen["paint"] = list(made)
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        QTimer.singleShot(0, QApplication.instance().quit)
    return painted(self)
staged_start.StagedStart.painted = first_paint
from pig_desktop.app import main
main([])
print(repr(seen))
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), PIG_DESKTOP_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    made = set(eval(result.stdout.strip().splitlines()[-1])["paint"])  # noqa: S307 - our own repr()
    assert made - FIRST_FRAME_DATACLASSES == set()
    assert {"Settings", "Session", "StartOptions"} <= made


def test_demo_entry_point_opens_signed_in_and_keeps_its_files_apart(tmp_path: Path) -> None:
    home = Path(os.environ["PIG_DESKTOP_HOME"])
    code = f"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
seen = {{}}
def look():
    from pig_desktop.ui.shell.main_window import MainWindow
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    w = windows[0]
    seen['account'] = w.account_label.text()
    seen['focus'] = w.focusWidget() is w.job_field.edit
    seen['jobs'] = list(w.options.jobs)
    seen['name'] = app.desktopFileName()
    seen['watch'] = w.watch_button.isEnabled()  # the watch controller was attached after the first paint
    w.request_quit()
def wait_ready():
    from pig_desktop.ui.shell.main_window import MainWindow
    ws = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    if ws and ws[0].is_ready and ws[0].watch_button.isEnabled():
        look()
    else:
        QTimer.singleShot(50, wait_ready)
QTimer.singleShot(50, wait_ready)
from pig_desktop.app import main
rc = main(["--demo", "{PROCESSED_JOB}"])
print(repr(seen))
sys.exit(rc)
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    seen = eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr() of a dict of str/bool
    assert seen["account"].endswith("\u00b7 Sandbox")
    assert ACTIVE_ORG in seen["account"]
    assert seen["focus"] is True
    assert seen["jobs"] == [PROCESSED_JOB]
    assert seen["name"] == "io.github.pigdesktop.PigDesktop"
    assert seen["watch"] is True
    assert (home / "log" / "demo" / "pig-desktop.log").is_file()
    assert (home / "data" / "demo").is_dir()
    assert not (home / "data" / "history.sqlite3").exists()  # the demo's history stays in demo/
    assert "Traceback" not in result.stderr


def test_saved_settings_without_a_password_open_the_sign_in_dialog_prefilled(
    make_window: Any, sandbox: Any, qtbot: Any
) -> None:
    dirs = ensure(app_dirs())
    save_settings(
        Settings(
            server_kind="custom",
            custom_server=sandbox.url,
            email=DEMO_EMAIL,
            org_name=ACTIVE_ORG,
            org_id="x",
            api_token=ACTIVE_TOKEN,
        ),
        dirs.settings_file,
    )
    window = make_window(demo=False)
    dialog = window.account.signin_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.email.text() == DEMO_EMAIL
    assert dialog.custom_url.text() == sandbox.url
    assert dialog.password.text() == ""
    assert window.session() is None
    dialog.reject()


def test_long_names_do_not_widen_the_window(qtbot: Any, sandbox: Any) -> None:
    long_org = "Very Long Organisation Name Mechanical Plumbing and Heating Contractors International " * 3
    account = DemoAccount(
        sandbox.url, "someone.with.a.long.address@" + "sub." * 20 + "example", "pw", "t", long_org
    )
    window = MainWindow(StartOptions(dirs=ensure(app_dirs()), demo=account))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready, timeout=10000)
    window.job_field.set_text("x" * 500)  # a long refusal reason wraps instead of widening
    window.banner.show_error("A long message " * 60, "detail")
    try:
        assert window.account_label.text().startswith("someone.with")
        assert window.minimumSizeHint().width() < 1000
        window.resize(800, 600)
        qtbot.wait(50)
        assert window.width() <= 820
    finally:
        window.shutdown()
