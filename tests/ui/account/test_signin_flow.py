"""Signing in through the dialog against the sandbox server over real sockets; keychain and no-keychain modes.

The suite's conftest pins keyring to its null backend (no keychain at all) unless a test is marked
``keychain`` / asks for ``real_keychain``: then it is gnome-keyring's Secret Service in the private D-Bus
session that ./scripts/test.sh starts.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from helpers.net import closed_port_url
from helpers.signin import click_sign_in, fill_sign_in, full_sign_in
from PySide6.QtCore import Qt

from pig_desktop.demo import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    EXPIRED_ORG,
    NO_API_ORG,
    PROCESSED_JOB,
    SECOND_ORG,
)
from pig_desktop.store.credentials import MSG_UNAVAILABLE, Keychain
from pig_desktop.store.paths import app_dirs
from pig_desktop.store.settings import load_settings
from pig_desktop.ui.system import tasks

# ---- the dialog on its own ---------------------------------------------------------------------------------


def test_wrong_password_names_the_credentials_step(open_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = open_window()
    dialog = window.open_sign_in()
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    fill_sign_in(dialog, sandbox.url, password="not-the-password")
    click_sign_in(qtbot, dialog)
    assert dialog.failed_step == "credentials"
    assert "email and password" in dialog.error_text()
    assert dialog.error.isVisible()
    assert not dialog.org_list.isVisible()
    assert window.session() is None
    assert "not-the-password" not in dialog.error_text()


def test_unreachable_server_names_the_reach_step(open_window: Any, qtbot: Any) -> None:
    window = open_window()
    dialog = window.open_sign_in()
    fill_sign_in(dialog, closed_port_url())
    click_sign_in(qtbot, dialog)
    assert dialog.failed_step == "reach"
    assert "Couldn't reach CINX" in dialog.error_text()
    assert dialog.error_text().count("reach CINX") == 1  # once: the sentence is not said twice


def test_plain_http_to_a_remote_host_is_refused_without_a_request(open_window: Any, qtbot: Any) -> None:
    window = open_window()
    dialog = window.open_sign_in()
    fill_sign_in(dialog, "http://cinx.example.com")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert not dialog.is_busy()
    assert dialog.failed_step == "reach"
    assert "http://" in dialog.error_text()


def test_organisations_are_listed_with_their_state(open_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = open_window()
    dialog = window.open_sign_in()
    fill_sign_in(dialog, sandbox.url)
    click_sign_in(qtbot, dialog)
    assert dialog.failed_step == ""
    items = {dialog.org_list.item(i).text().split("\n")[0]: dialog.org_list.item(i) for i in range(4)}
    assert set(items) == {ACTIVE_ORG, EXPIRED_ORG, NO_API_ORG, SECOND_ORG}
    assert dialog.org_list.count() == 4
    assert items[SECOND_ORG].text().endswith("\nActive")
    assert items[ACTIVE_ORG].text().endswith("\nActive")
    assert items[EXPIRED_ORG].text().split("\n")[1].startswith("Expired: ")
    assert items[NO_API_ORG].text().endswith("\nNot enabled for API access")
    # Only the active ones can be chosen; the first is preselected, and the user confirms.
    assert items[ACTIVE_ORG].flags() & Qt.ItemFlag.ItemIsSelectable
    assert not items[EXPIRED_ORG].flags() & Qt.ItemFlag.ItemIsSelectable
    assert not items[NO_API_ORG].flags() & Qt.ItemFlag.ItemIsSelectable
    assert items[ACTIVE_ORG].isSelected()
    # Clicking an expired organisation does not select it.
    rect = dialog.org_list.visualItemRect(items[EXPIRED_ORG])
    qtbot.mouseClick(dialog.org_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    chosen = dialog.selected_organisation()
    assert chosen is not None and chosen.name == ACTIVE_ORG
    assert window.session() is None  # nothing happens before the user confirms
    assert dialog.use_button.isEnabled()
    with qtbot.waitSignal(window.session_changed, timeout=5000):
        dialog.use_button.click()
    session = window.session()
    assert session is not None
    assert session.organisation == ACTIVE_ORG
    assert session.connection.api_token == ACTIVE_TOKEN
    assert ACTIVE_ORG in window.account_label.text()
    assert DEMO_EMAIL in window.account_label.text()


def test_a_job_checked_before_sign_in_is_checked_after_it(open_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = open_window()
    window.job_field.set_text(PROCESSED_JOB)
    window.check_button.click()
    dialog = window.account.signin_dialog
    assert dialog is not None and dialog.isVisible()
    fill_sign_in(dialog, sandbox.url)
    click_sign_in(qtbot, dialog)
    with qtbot.waitSignal(window.check_finished, timeout=15000):
        dialog.use_button.click()
    assert window.result_pane.badge.text() == "Processed"


# ---- passwords: no keychain --------------------------------------------------------------------------------


def test_no_keychain_works_for_the_session_says_so_once_and_writes_no_password(
    open_window: Any, qtbot: Any, sandbox: Any, app_log: Path
) -> None:
    window = open_window()
    full_sign_in(qtbot, window, sandbox.url, remember=True)
    assert window.session() is not None
    # The keychain step's answer reaches the GUI thread as a queued signal, a moment after its worker ends.
    qtbot.waitUntil(lambda: window.banner.text() == MSG_UNAVAILABLE, timeout=5000)
    with qtbot.waitSignal(window.check_finished, timeout=15000):
        window.job_field.set_text(PROCESSED_JOB)
        window.check_button.click()
    assert window.result_pane.badge.text() == "Processed"

    # Sign out and in again: the notice is not repeated.
    window.banner.dismiss()
    window.account.sign_out()
    assert window.session() is None
    full_sign_in(qtbot, window, sandbox.url, remember=True)
    assert window.session() is not None
    assert MSG_UNAVAILABLE not in window.banner.messages()
    settings = load_settings(app_dirs().settings_file).settings
    assert "keychain-unavailable" in settings.shown_notices
    assert settings.email == DEMO_EMAIL and settings.api_token == ACTIVE_TOKEN

    # Nothing on disk holds the password (settings, history, log), in any common encoding.
    window.shutdown()
    home = Path(app_dirs().config).parent
    basic = base64.b64encode(f"{DEMO_EMAIL}:{DEMO_PASSWORD}".encode())
    files = [p for p in home.rglob("*") if p.is_file()]
    assert app_log in files and app_log.stat().st_size > 0
    for path in files:
        data = path.read_bytes()
        assert DEMO_PASSWORD.encode() not in data, path
        assert basic not in data, path


def test_restart_without_keychain_asks_again(open_window: Any, qtbot: Any, sandbox: Any) -> None:
    window = open_window()
    full_sign_in(qtbot, window, sandbox.url, remember=True)
    window.shutdown()
    window.close()
    second = open_window()
    assert second.session() is None
    dialog = second.account.signin_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.email.text() == DEMO_EMAIL
    assert dialog.custom_url.text() == sandbox.url
    dialog.reject()


# ---- passwords: the real keychain --------------------------------------------------------------------------


@pytest.mark.keychain
def test_remember_me_with_a_keychain_signs_in_silently_after_a_restart(
    real_keychain: Any, open_window: Any, qtbot: Any, sandbox: Any
) -> None:
    server = sandbox.url
    keychain = Keychain()
    try:
        window = open_window()
        full_sign_in(qtbot, window, server, remember=True)
        assert keychain.get(server, DEMO_EMAIL) == DEMO_PASSWORD
        assert window.banner.text() == ""
        window.shutdown()
        window.close()

        second = open_window()
        assert second.account.signin_dialog is None  # no dialog: restored silently from the keychain
        session = second.session()
        assert session is not None
        assert session.organisation == ACTIVE_ORG
        assert session.connection.password == DEMO_PASSWORD
        with qtbot.waitSignal(second.check_finished, timeout=15000):
            second.job_field.set_text(PROCESSED_JOB)
            second.check_button.click()
        assert second.result_pane.badge.text() == "Processed"

        # Sign out deletes the keychain entry.
        second.account.sign_out()
        qtbot.waitUntil(lambda: tasks.running_count() == 0, timeout=10000)
        assert keychain.get(server, DEMO_EMAIL) is None
    finally:
        keychain.delete(server, DEMO_EMAIL)


@pytest.mark.keychain
def test_remember_me_off_keeps_the_password_out_of_the_keychain(
    real_keychain: Any, open_window: Any, qtbot: Any, sandbox: Any
) -> None:
    server = sandbox.url
    keychain = Keychain()
    keychain.set(server, DEMO_EMAIL, "an-old-password")
    try:
        window = open_window()
        full_sign_in(qtbot, window, server, remember=False)
        assert window.session() is not None
        # Remember me off removes the stored entry too.
        assert keychain.get(server, DEMO_EMAIL) is None
        assert load_settings(app_dirs().settings_file).settings.remember_me is False
    finally:
        keychain.delete(server, DEMO_EMAIL)
