"""Issue 16 §4, Qt side: the one-time crash notice in the banner; Qt messages in the redacted log."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import qWarning
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from pig_desktop.store.crash import MSG_CLOSED_UNEXPECTEDLY, CrashReport
from pig_desktop.ui.shell.banner import Banner
from pig_desktop.ui.system.crash_notice import show_crash_notice
from pig_desktop.ui.system.qt_messages import install_qt_message_handler, uninstall_qt_message_handler


def test_crash_notice_shows_once_with_copy_details(qtbot: QtBot) -> None:
    banner = Banner()
    qtbot.addWidget(banner)
    assert show_crash_notice(banner, None) is False
    assert banner.text() == ""
    report = CrashReport(
        crashed_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        details="Fatal Python error: Segmentation fault\nAuthorization: Basic c2VjcmV0OnNlY3JldA==",
        kept_file=Path("/tmp/crash.txt"),
    )
    assert show_crash_notice(banner, report) is True
    show_crash_notice(banner, report)  # same key: replaces, does not queue a second copy
    assert banner.text() == MSG_CLOSED_UNEXPECTEDLY and banner.pending() == 0
    copy = [b for b in banner.findChildren(QPushButton) if b.text() == "Copy details"]
    assert len(copy) == 1 and copy[0].isVisibleTo(banner)
    banner.copy_details()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("PIG Desktop closed unexpectedly last time")
    assert "Segmentation fault" in copied and "c2VjcmV0OnNlY3JldA==" not in copied


@pytest.mark.qt_log_level_fail("CRITICAL")
def test_qt_messages_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    install_qt_message_handler()
    try:
        with caplog.at_level(logging.INFO, logger="pig_desktop.qt"):
            qWarning("a warning from Qt about Authorization: Basic c2VjcmV0OnNlY3JldA==")
    finally:
        uninstall_qt_message_handler()
    records = [r for r in caplog.records if r.name == "pig_desktop.qt"]
    assert [r.levelno for r in records] == [logging.WARNING]
    assert "a warning from Qt" in records[0].getMessage()
