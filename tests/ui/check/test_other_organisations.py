"""A job of another organisation, and Copy link, in the main window (issue 14, parts 1 and 3), against the
sandbox over real sockets. The demo account belongs to two active organisations; SECOND_ORG_JOB lives only
in the second one, Zenith Fabrication LLC."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.signin import demo_account
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from pig_desktop.core.org_search import not_found_message
from pig_desktop.core.outcome import StatusReport
from pig_desktop.demo import ACTIVE_ORG, NOT_FOUND_JOB, PROCESSED_JOB, SECOND_ORG, SECOND_ORG_JOB
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import StartOptions
from pig_desktop.ui.shell.main_window import MainWindow

STATUS = "/partner/exec/"


@pytest.fixture
def window(open_window: Any, sandbox: Any) -> MainWindow:
    made: MainWindow = open_window(StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url)))
    return made


def check(qtbot: Any, window: MainWindow, text: str) -> StatusReport:
    window.job_field.set_text(text)
    with qtbot.waitSignal(window.check_finished, timeout=15000) as blocker:
        qtbot.mouseClick(window.check_button, Qt.MouseButton.LeftButton)
    report: StatusReport = blocker.args[0]
    return report


def test_a_job_of_the_other_organisation_is_found_with_a_switch(
    qtbot: Any, window: MainWindow, sandbox: Any
) -> None:
    assert window.session() is not None and window.session().organisation == ACTIVE_ORG  # type: ignore[union-attr]
    report = check(qtbot, window, SECOND_ORG_JOB)
    assert report.job_id == SECOND_ORG_JOB
    assert window.result_pane.badge.text == "Processed"
    notice = window.org_notice
    assert notice.isVisible()
    assert notice.label.objectName() == "organisationNotice"
    assert notice.label.text().startswith(f"This job belongs to {SECOND_ORG}.")
    button = notice.switch_button
    assert button.objectName() == "switchOrganisationButton"
    assert button.text() == f"Switch to {SECOND_ORG}"
    assert button.accessibleName() == f"Switch to {SECOND_ORG}"
    # The ticket names the organisation that has the job; the history line too.
    assert window.result_pane.ticket_context().organisation == SECOND_ORG
    store = window.history_store()
    assert store is not None
    entry = store.find(SECOND_ORG_JOB, sandbox.url)
    assert entry is not None and entry.organisation == SECOND_ORG
    # Still signed in with the chosen organisation until the user switches.
    assert window.session().organisation == ACTIVE_ORG  # type: ignore[union-attr]

    asked = sandbox.request_count(SECOND_ORG_JOB)
    with qtbot.waitSignal(window.check_finished, timeout=15000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    session = window.session()
    assert session is not None and session.organisation == SECOND_ORG
    assert SECOND_ORG in window.account_label.text()
    assert blocker.args[0].job_id == SECOND_ORG_JOB
    # Checked again with the new organisation's token: found at once, no search, no notice.
    assert sandbox.request_count(SECOND_ORG_JOB) == asked + 1
    assert not notice.isVisible()
    assert window.result_pane.badge.text == "Processed"


def test_not_found_anywhere_names_the_organisations_searched(qtbot: Any, window: MainWindow) -> None:
    check(qtbot, window, NOT_FOUND_JOB)
    assert window.result_pane.badge.text == "Job not found"
    assert window.result_pane.sentence.text() == not_found_message(NOT_FOUND_JOB, (ACTIVE_ORG, SECOND_ORG))
    assert f"({ACTIVE_ORG}, {SECOND_ORG})" in window.result_pane.sentence.text()
    assert not window.org_notice.isVisible()


def test_a_job_of_the_chosen_organisation_asks_no_other(qtbot: Any, window: MainWindow, sandbox: Any) -> None:
    check(qtbot, window, PROCESSED_JOB)
    assert sandbox.request_count(PROCESSED_JOB) == 1
    assert sandbox.request_count("/2.0/subs") == 0
    assert not window.org_notice.isVisible()


def test_the_notice_goes_when_another_job_is_checked(qtbot: Any, window: MainWindow) -> None:
    check(qtbot, window, SECOND_ORG_JOB)
    assert window.org_notice.isVisible()
    check(qtbot, window, PROCESSED_JOB)
    assert not window.org_notice.isVisible()


def test_copy_link_puts_the_app_link_on_the_clipboard(qtbot: Any, window: MainWindow) -> None:
    check(qtbot, window, PROCESSED_JOB)
    pane = window.result_pane
    button = pane.copy_link_button
    assert button.objectName() == "copyLinkButton" and button.accessibleName()
    assert button.isEnabled() and button.isVisible()
    # Next to "Copy for ticket".
    assert abs(button.geometry().left() - pane.copy_ticket_button.geometry().right()) < 20
    messages: list[str] = []
    pane.notice.connect(messages.append)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # The sandbox is not a CINX server: the link names no server (a custom address is never put in a link).
    assert QGuiApplication.clipboard().text() == f"pig-desktop://job/{PROCESSED_JOB}"
    assert messages == [f"Copied the link: pig-desktop://job/{PROCESSED_JOB}"]
    assert window.statusBar().currentMessage() == messages[0]


def test_copy_link_before_any_check_says_what_to_do(window: MainWindow) -> None:
    QGuiApplication.clipboard().setText("unchanged")
    assert window.result_pane.copy_link() == ""
    assert QGuiApplication.clipboard().text() == "unchanged"


def test_a_watched_job_of_the_other_organisation_is_found_with_a_switch(
    qtbot: Any, window: MainWindow, sandbox: Any
) -> None:
    from pig_desktop.ui.watching.controller import WatchController

    controller = WatchController.for_window(window, tray_available=False)
    try:
        window.job_field.set_text(SECOND_ORG_JOB)
        with qtbot.waitSignal(window.check.found_elsewhere, timeout=20000, check_params_cb=bool):
            window.watch_button.click()
        # The watch asked with the chosen organisation (not found), the window then looked in the other one.
        assert window.org_notice.isVisible()
        assert window.org_notice.label.text().startswith(f"This job belongs to {SECOND_ORG}.")
        assert window.result_pane.badge.text == "Processed"
        assert window.result_pane.ticket_context().organisation == SECOND_ORG
        store = window.history_store()
        assert store is not None
        entry = store.find(SECOND_ORG_JOB, sandbox.url)
        assert entry is not None and entry.organisation == SECOND_ORG
    finally:
        controller.shutdown()


def test_a_watched_job_found_nowhere_names_the_organisations_searched(qtbot: Any, window: MainWindow) -> None:
    from pig_desktop.ui.watching.controller import WatchController

    controller = WatchController.for_window(window, tray_available=False)
    expected = not_found_message(NOT_FOUND_JOB, (ACTIVE_ORG, SECOND_ORG))
    try:
        window.job_field.set_text(NOT_FOUND_JOB)
        window.watch_button.click()
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == expected, timeout=20000)
        assert not window.org_notice.isVisible()
    finally:
        controller.shutdown()
