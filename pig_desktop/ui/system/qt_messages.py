"""Qt's own messages (qWarning, qCritical, qFatal ...) into the app's redacted log instead of a lost stderr.

A windowed bundle has no stderr, so without this a Qt warning that explains a later failure is gone. The
handler is installed once, from the start-up path (``install_qt_message_handler``); it logs through the
``pig_desktop.qt`` logger (whose records the log's RedactingFilter cleans) and then passes the message on to
the handler that was there before (pytest-qt's capture, or Qt's default printing), so nothing else changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("pig_desktop.qt")

LEVEL_OF_QT_TYPE: Final = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

QtHandler = Callable[[QtMsgType, QMessageLogContext, str], Any]
_installed: list[QtHandler] = []  # our handler, once installed
_previous: list[QtHandler | None] = []


def _handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    try:
        where = f" ({context.category})" if context.category and context.category != "default" else ""
        log.log(LEVEL_OF_QT_TYPE.get(kind, logging.WARNING), "Qt%s: %s", where, message)
    except Exception:  # a log failure must never become a crash inside Qt
        pass
    previous = _previous[0] if _previous else None
    if previous is not None:
        previous(kind, context, message)


def install_qt_message_handler() -> None:
    """Route Qt's messages into the log (once; a second call does nothing)."""
    if _installed:
        return
    _previous.append(qInstallMessageHandler(_handler))
    _installed.append(_handler)


def uninstall_qt_message_handler() -> None:
    """Give Qt back the handler it had before (for tests and a clean shutdown)."""
    if not _installed:
        return
    qInstallMessageHandler(_previous.pop() if _previous else None)
    _installed.clear()


__all__ = ["LEVEL_OF_QT_TYPE", "install_qt_message_handler", "uninstall_qt_message_handler"]
