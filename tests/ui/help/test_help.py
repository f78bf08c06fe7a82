"""Help menu: user guide (bundled, offline, translated where a translation exists), keyboard shortcuts read
from the real actions, "Report a problem" (a redacted diagnostic on the clipboard) and About."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pig_desktop import __version__, i18n
from pig_desktop.store.logsetup import register_credentials, register_secret
from pig_desktop.ui.help.controller import HelpController
from pig_desktop.ui.help.guide import GuideViewer
from pig_desktop.ui.help.shortcuts import ShortcutsDialog, shortcut_rows
from pig_desktop.ui.shell.main_window import MainWindow

HELP_ACTIONS = ("helpUserGuideAction", "helpShortcutsAction", "helpReportProblemAction", "aboutAction")


@pytest.fixture
def english() -> Iterator[None]:
    yield
    i18n.install("en")


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def action_named(window: MainWindow, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


def test_the_help_menu_has_its_four_entries(open_window: Callable[..., MainWindow]) -> None:
    window = open_window()
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help")
    names = [a.objectName() for a in help_menu.actions() if not a.isSeparator()]
    assert names == list(HELP_ACTIONS)
    assert action_named(window, "helpUserGuideAction").shortcut().toString() == "F1"


def test_user_guide_opens_the_bundled_guide_in_the_app(open_window: Callable[..., MainWindow]) -> None:
    window = open_window()
    action_named(window, "helpUserGuideAction").trigger()
    viewer = window.help_controller.dialog
    assert isinstance(viewer, GuideViewer) and viewer.isVisible()
    assert viewer.guide == i18n.user_guide("en")
    text = viewer.browser.toPlainText()
    assert "Sign in" in text and "Keyboard shortcuts" in text
    # The screenshots are found next to the guide (offline, relative links).
    kind = QTextDocument.ResourceType.ImageResource.value
    image = viewer.browser.loadResource(kind, "guide/01-sign-in.png")
    assert image is not None and not image.isNull()


def test_user_guide_is_shown_in_the_users_language_where_translated(
    parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english: None
) -> None:
    (tmp_path / "user-guide.md").write_text("# First-run guide\n", encoding="utf-8")
    (tmp_path / "user-guide.es.md").write_text("# Guía de inicio\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "guide_dirs", lambda: [tmp_path])
    help_ = HelpController(parent, list, None)
    i18n.install("es")
    assert "Guía de inicio" in help_.open_user_guide().browser.toPlainText()  # type: ignore[attr-defined]
    i18n.install("en")
    assert "First-run guide" in help_.open_user_guide().browser.toPlainText()  # type: ignore[attr-defined]


def test_a_missing_guide_says_so_plainly(
    parent: QWidget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n, "guide_dirs", lambda: [tmp_path])
    box = HelpController(parent, list, None).open_user_guide()
    assert isinstance(box, QMessageBox) and box.objectName() == "userGuideMissingBox"
    assert "not installed" in box.text() and "Reinstall" in box.text()


def test_keyboard_shortcuts_lists_the_windows_real_shortcuts(open_window: Callable[..., MainWindow]) -> None:
    window = open_window()
    action_named(window, "helpShortcutsAction").trigger()
    dialog = window.help_controller.dialog
    assert isinstance(dialog, ShortcutsDialog)
    table = dialog.table
    shown = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    assert ("Ctrl+L", "Go to the job field") in shown
    assert ("Ctrl+Shift+C", "Copy for ticket") in shown
    assert ("Ctrl+Q", "Quit") in shown
    assert ("F1", "User guide") in shown
    assert ("Enter", "Check the job in the field") in shown
    # The platform's keys, added right after the first paint (Linux: Ctrl+S; F5 and, on GNOME, Ctrl+R).
    assert action_named(window, "saveAction").shortcut().toString() == "Ctrl+S"
    assert "F5" in [keys.toString() for keys in action_named(window, "refreshAction").shortcuts()]
    # Every action that has a shortcut is listed with it: the list cannot drift from the actions.
    with_keys = [a for a in window.actions() if a.shortcuts()]
    assert len(with_keys) >= 7  # save, quit, copy for ticket, job field, refresh, settings, user guide
    for action in with_keys:
        keys = action.shortcuts()[0].toString()
        assert any(keys in row_keys for row_keys, _what in shown), action.objectName()
    assert table.item(1, 0).data(Qt.ItemDataRole.AccessibleTextRole).count(":") == 1  # one sentence per row


def test_shortcut_rows_skip_actions_without_keys(parent: QWidget) -> None:
    plain = QAction("&Copy JSON", parent)
    keyed = QAction("&Save as\u2026", parent)
    keyed.setShortcut("Ctrl+S")
    assert shortcut_rows([plain, keyed])[1:] == [("Ctrl+S", "Save as")]


def test_report_a_problem_copies_a_redacted_diagnostic_and_says_so(
    open_window: Callable[..., MainWindow], qtbot: Any
) -> None:
    password = "Hunter2-report-pw"
    token = "tok-5f1e9c0a7b3d4e2f"
    email = "ann@example.com"
    register_credentials(email, password)
    register_secret(token)
    basic = base64.b64encode(f"{email}:{password}".encode()).decode()
    window = open_window()
    log_file = window.options.dirs.log_file
    log_file.parent.mkdir(parents=True, exist_ok=True)
    old = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    log_file.write_text(
        old
        + f"2026-12-01 10:00:00 INFO request Authorization: Basic {basic}\n"
        + f"2026-12-01 10:00:01 INFO password={password} for {email}\n"
        + f"2026-12-01 10:00:02 INFO GET https://api.cinx.com/sub/{token}/pig/status\n"
        + "2026-12-01 10:00:03 WARNING the last line before the report\n",
        encoding="utf-8",
    )
    window.help_controller.set_watching(True, "dbus")
    with qtbot.waitSignal(window.help_controller.diagnostic_copied) as copied:
        action_named(window, "helpReportProblemAction").trigger()
    text = QApplication.clipboard().text()
    assert text == copied.args[0]
    assert text.startswith("PIG Desktop diagnostic report")
    for expected in (__version__, "Python: ", "Qt: ", "OS: ", "Keychain: ", "Tray: system tray icon"):
        assert expected in text
    assert "Notifications: dbus" in text
    assert "the last line before the report" in text
    assert "Authorization" in text  # the line is kept, its value is not
    for secret in (password, basic, token):
        assert secret not in text
    box = window.help_controller.dialog
    assert isinstance(box, QMessageBox) and box.objectName() == "reportProblemBox"
    assert "clipboard" in box.text() and "without your password" in box.informativeText()
    assert "clipboard" in window.statusBar().currentMessage()


def test_the_diagnostic_without_a_log_or_watching(parent: QWidget, tmp_path: Path) -> None:
    text = HelpController(parent, list, tmp_path / "no-such.log").report_problem()
    assert "No log lines." in text and "Notifications: not started" in text


def test_about_opens_the_about_box(open_window: Callable[..., MainWindow]) -> None:
    window = open_window()
    action_named(window, "aboutAction").trigger()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None and __version__ in box.text()
