"""Job lists from files: File > "Open job list…" and .csv/.txt files (or pig-desktop:// links) dropped on the
job field or the window.

``JobDropFilter`` is an event filter: a drop of local .csv/.txt files emits ``file_dropped(path)``; a drop of
text or links goes to ``text_dropped(text)`` (the window puts it in the job field, where the count and the
checks take over). ``choose_job_file(parent)`` is the open dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from pig_desktop.i18n import _

__all__ = ["JOB_FILE_SUFFIXES", "JobDropFilter", "choose_job_file", "job_files_in"]

JOB_FILE_SUFFIXES = (".csv", ".txt")


def job_files_in(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """The local .csv/.txt files a drag carries."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in JOB_FILE_SUFFIXES]


def _link_text(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> str:
    """pig-desktop:// (or web) links a drag carries as URLs, as text."""
    mime = event.mimeData()
    if mime.hasUrls():
        urls = [url.toString() for url in mime.urls() if not url.isLocalFile()]
        if urls:
            return "\n".join(urls)
    return mime.text() if mime.hasText() else ""


class JobDropFilter(QObject):
    file_dropped = Signal(object)  # Path
    text_dropped = Signal(str)

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.setAcceptDrops(True)
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event, (QDragEnterEvent, QDragMoveEvent)
        ):
            if job_files_in(event) or _link_text(event):
                event.acceptProposedAction()
                return True
            return False
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            files = job_files_in(event)
            if files:
                event.acceptProposedAction()
                self.file_dropped.emit(files[0])
                return True
            text = _link_text(event)
            if text:
                event.acceptProposedAction()
                self.text_dropped.emit(text)
                return True
        return False


def choose_job_file(parent: QWidget) -> Path | None:
    from PySide6.QtWidgets import QFileDialog  # off the first frame (docs/architecture.md)

    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Open a list of jobs"), "", _("Job lists (*.csv *.txt);;All files (*)")
    )
    return Path(path) if path else None
