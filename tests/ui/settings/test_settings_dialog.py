"""The Settings dialog's start-up, proxy, language and appearance controls, its wording, and what OK does with
them: the autostart entry written for real (in the test's own XDG_CONFIG_HOME), the proxy password only in the
keychain, the appearance at once, and the one-time "Start at sign-in" offer."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from pig_desktop.store.autostart import HIDDEN_OPTION, linux_entry_path
from pig_desktop.store.logsetup import redact
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.store.proxy_password import proxy_entry
from pig_desktop.store.settings import Settings, load_settings
from pig_desktop.ui.settings.appearance import apply_appearance
from pig_desktop.ui.settings.controller import (
    MSG_AUTOSTART_FAILED,
    NOTICE_OFFER_AUTOSTART,
    SettingsController,
)
from pig_desktop.ui.settings.dialog import SettingsDialog


def make_controller() -> SettingsController:
    dirs = ensure(app_dirs())
    return SettingsController(dirs.settings_file, load_settings(dirs.settings_file))


def test_new_controls_exist_with_names(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    check = dialog.findChild(QCheckBox, "startAtSignInCheck")
    assert check is not None and not check.isChecked()  # off by default
    port = dialog.findChild(QAbstractSpinBox, "proxyPortSpin")
    assert port is not None and (dialog.proxy_port.minimum(), dialog.proxy_port.maximum()) == (1, 65535)
    password = dialog.findChild(QLineEdit, "proxyPasswordEdit")
    assert password is not None and password.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.findChild(QLineEdit, "proxyHostEdit") is not None
    assert dialog.findChild(QLineEdit, "proxyUserEdit") is not None
    language = dialog.findChild(QComboBox, "languageCombo")
    assert language is not None
    assert [language.itemText(i) for i in range(language.count())] == ["System", "English", "Español"]
    appearance = dialog.findChild(QComboBox, "appearanceCombo")
    assert appearance is not None
    assert [appearance.itemData(i) for i in range(appearance.count())] == ["system", "light", "dark"]
    # Every control a user can reach has a name a screen reader can say (a spin box's or combo box's own
    # inner line edit is part of it, not a control of its own).
    for widget in dialog.findChildren(QWidget):
        if not isinstance(widget, QAbstractSpinBox | QLineEdit | QComboBox | QCheckBox | QPushButton):
            continue
        if isinstance(widget.parent(), QAbstractSpinBox | QComboBox):
            continue
        shown = widget.text() if isinstance(widget, QCheckBox | QPushButton) else ""
        name = widget.accessibleName() or shown
        assert name.strip(), f"{type(widget).__name__} {widget.objectName()!r} has no accessible name"
    assert "Applies after a restart" in [label.text() for label in dialog.findChildren(QLabel)]


def test_wording_says_checks_and_a_plain_rate(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings(watch_rate_limit=2.0))
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert not [t for t in texts if "lookup" in t.lower()]
    assert "lookup" not in dialog.history_limit.accessibleName().lower()
    assert dialog.watch_rate.text() == "2 checks per second"
    dialog.watch_rate.setValue(1.0)
    assert dialog.watch_rate.text() == "1 check per second"
    dialog.watch_rate.setValue(0.5)
    assert dialog.watch_rate.text() == "0.5 checks per second"


def test_ok_returns_the_new_fields_and_keeps_the_password_apart(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert not dialog.proxy_user.isEnabled()  # nothing to say about a user until there is a proxy
    dialog.proxy_host.setText("proxy.example.com")
    assert dialog.proxy_user.isEnabled()
    dialog.proxy_port.setValue(3128)
    dialog.proxy_user.setText("office")
    dialog.proxy_password.setText("pr0xy-s3cret")
    dialog.start_at_sign_in.setChecked(True)
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    dialog.appearance.setCurrentIndex(dialog.appearance.findData("dark"))
    dialog.buttons.accepted.emit()
    result = dialog.result_settings()
    assert result is not None
    assert (result.proxy_host, result.proxy_port, result.proxy_user) == ("proxy.example.com", 3128, "office")
    assert (result.start_at_sign_in, result.language, result.appearance) == (True, "es", "dark")
    assert dialog.result_proxy_password() == "pr0xy-s3cret"
    assert "pr0xy-s3cret" not in json.dumps(result.to_dict())


def test_a_proxy_address_with_a_scheme_is_refused_inline(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.proxy_host.setText("http://proxy.example.com")
    assert "proxy server" in dialog.error.text()
    dialog.proxy_host.setText("proxy.example.com")
    assert dialog.problem() == ""


def test_settings_file_keeps_language_and_appearance_and_refuses_unknown_ones(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "es", "appearance": "dark"}), encoding="utf-8")
    loaded = load_settings(path)
    assert (loaded.settings.language, loaded.settings.appearance) == ("es", "dark")
    assert loaded.notice is None
    path.write_text(json.dumps({"language": "klingon", "appearance": "purple"}), encoding="utf-8")
    loaded = load_settings(path)
    assert (loaded.settings.language, loaded.settings.appearance) == ("system", "system")
    assert loaded.notice is not None and "language" in loaded.notice and "appearance" in loaded.notice


def test_ok_writes_and_removes_the_autostart_entry(qtbot: Any) -> None:
    controller = make_controller()
    entry = linux_entry_path()
    assert not entry.exists()
    controller.apply_changes(dataclasses.replace(controller.current(), start_at_sign_in=True))
    text = entry.read_text(encoding="utf-8")
    assert HIDDEN_OPTION in text and text.startswith("[Desktop Entry]")
    assert load_settings(app_dirs().settings_file).settings.start_at_sign_in is True
    controller.apply_changes(dataclasses.replace(controller.current(), start_at_sign_in=False))
    assert not entry.exists()


def test_an_autostart_entry_that_cannot_be_written_is_said_plainly(qtbot: Any) -> None:
    controller = make_controller()
    blocker = linux_entry_path().parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the autostart folder should be", encoding="utf-8")
    with qtbot.waitSignal(controller.save_failed) as failed:
        controller.apply_changes(dataclasses.replace(controller.current(), start_at_sign_in=True))
    message, detail = failed.args
    assert message == MSG_AUTOSTART_FAILED and "Errno" not in message
    assert detail  # the OSError, for "Copy details"
    assert controller.current().start_at_sign_in is False  # the setting says what is true


def test_appearance_applies_at_once(qtbot: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = make_controller()
    try:
        controller.apply_changes(dataclasses.replace(controller.current(), appearance="dark"))
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 100
        controller.apply_changes(dataclasses.replace(controller.current(), appearance="light"))
        assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
    finally:
        apply_appearance(app, "system")


def test_autostart_is_offered_once_and_the_button_turns_it_on(qtbot: Any) -> None:
    controller = make_controller()
    with qtbot.waitSignal(controller.offer) as offered:
        controller.offer_autostart()
    text, label, key = offered.args
    assert label == "Start at sign-in" and key == NOTICE_OFFER_AUTOSTART and "sign in" in text
    with qtbot.assertNotEmitted(controller.offer):
        controller.offer_autostart()  # once only, also after a restart:
    assert NOTICE_OFFER_AUTOSTART in load_settings(app_dirs().settings_file).settings.shown_notices
    controller.accept_offer(key)
    assert linux_entry_path().is_file()
    assert controller.current().start_at_sign_in is True


@pytest.mark.keychain
def test_proxy_password_goes_to_the_keychain_only(qtbot: Any, real_keychain: Any) -> None:
    controller = make_controller()
    new = dataclasses.replace(
        controller.current(), proxy_host="127.0.0.1", proxy_port=3128, proxy_user="desk"
    )
    secret = "proxy-pw-7f3a91"
    try:
        controller.apply_changes(new, secret)
        assert real_keychain.get_password("pig-desktop", f"desk @ {proxy_entry('127.0.0.1', 3128)}") == secret
        on_disk = app_dirs().settings_file.read_text(encoding="utf-8")
        assert secret not in on_disk and json.loads(on_disk)["proxy_user"] == "desk"
        assert secret not in redact(f"proxy said {secret}")  # registered with the log's redaction
    finally:
        real_keychain.delete_password("pig-desktop", f"desk @ {proxy_entry('127.0.0.1', 3128)}")
