"""macOS hands a clicked ``pig-desktop://job/<id>`` link to the running app as a QFileOpenEvent (not on the
command line). This filter on the application turns such events into job ids for the window.

Not testable here (no macOS); the URL parsing it relies on (``core.jobid.command_line_jobs``) is tested.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent

from pig_desktop.core.jobid import LINK_SCHEME, command_line_jobs

__all__ = ["LinkOpenFilter"]


class LinkOpenFilter(QObject):
    def __init__(self, open_jobs: Callable[[list[str]], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_jobs = open_jobs

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            url = event.url()
            if url.scheme().lower() == LINK_SCHEME:
                self._open_jobs(command_line_jobs([url.toString()]))
                return True
        return False
