"""Recent checks: the history database, opened and written in workers, and the panel that lists it.

The history controller opens the database in a worker right after the first paint (with its list already
read), builds the :class:`~pig_desktop.ui.history.panel.HistoryPanel` once it is open and a window wants it
(:meth:`HistoryController.want_panel`; a hidden start has no window, and records watched jobs all the
same), writes the lines of
watched jobs off the GUI thread, follows the history limit in the settings, and closes the database last at
shutdown (after the workers that write to it have ended).
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from pig_desktop.core.session import Session
from pig_desktop.store.settings import Settings
from pig_desktop.ui.account.app_state import OpenedHistory, open_history_listed
from pig_desktop.ui.settings.controller import SettingsController
from pig_desktop.ui.system.task_group import TaskGroup

if TYPE_CHECKING:
    from pig_desktop.core.outcome import StatusReport
    from pig_desktop.store.database import StoreProblem
    from pig_desktop.store.history import HistoryEntry, HistoryStore
    from pig_desktop.ui.history.panel import HistoryPanel

log = logging.getLogger(__name__)

__all__ = ["HistoryController", "history_entry"]


def history_entry(report: StatusReport, organisation: str, server: str) -> HistoryEntry:
    """The history line for one answer."""
    from pig_desktop.store.history import (
        HistoryEntry,  # sqlite3: not in the first frame (docs/architecture.md)
    )

    return HistoryEntry(
        id=None,
        job_id=report.job_id,
        outcome=report.outcome.value,
        # Without a job row the envelope message is CINX's raw wording; the badge word reads better in a list.
        status_message=report.status_message if report.job is not None else report.label,
        app=report.job.app if report.job is not None else "",
        organisation=organisation,
        server=server,
        checked_at=report.checked_at,
        report=report.to_dict(),
    )


class HistoryController(QObject):
    #: The database is open and its panel built (HistoryPanel): the shell puts it in place.
    panel_ready = Signal(object)
    #: A history entry was written (HistoryEntry with its id): its job's timeline may have a new event.
    entry_added = Signal(object)
    #: The database could not be opened: (message, detail). The app goes on without history.
    open_failed = Signal(str, str)
    #: The start step is done (opened or failed).
    open_done = Signal()
    #: A notice for the banner: (text, detail, key).
    notice = Signal(str, str, str)
    #: The history file's write problem started (message, detail) or ended ("", ""). Emitted from the writing
    #: thread; Qt queues it to the GUI thread.
    problem_changed = Signal(str, str)

    def __init__(
        self, history_file: Path, settings: SettingsController, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._file = history_file
        self._settings = settings
        self._store: HistoryStore | None = None
        self.panel: HistoryPanel | None = None
        self._panel_wanted = False
        self._written = False
        self._listing: OpenedHistory | None = None  # the list read at open, for a panel built later
        self._tasks = TaskGroup(self)
        self._shut_down = False
        settings.applied.connect(self._on_settings_applied)

    def store(self) -> HistoryStore | None:
        return self._store

    def open(self) -> None:
        """Start step: open the database and read its list in a worker."""
        task = self._tasks.run(
            open_history_listed, self._file, self._settings.current().history_limit, name="open-history"
        )
        task.succeeded.connect(self._on_opened)
        task.failed.connect(self._on_open_failed)

    def _on_opened(self, opened: OpenedHistory) -> None:
        store: HistoryStore = opened.store
        if self._shut_down:
            store.close()
            return
        self._store = store
        self._listing = opened
        store.on_problem = self._on_store_problem
        if self._panel_wanted:
            self._build_panel()
        if store.notice:
            self.notice.emit(store.notice, store.detail, "history-notice")
        self.open_done.emit()

    def want_panel(self) -> None:
        """A window shows the history: build its panel now if the database is open, else once it is."""
        self._panel_wanted = True
        if self._store is not None and self.panel is None:
            self._build_panel()

    def _build_panel(self) -> None:
        from pig_desktop.ui.history.panel import HistoryPanel  # its PySide classes: after the first paint

        store = self._store
        assert store is not None
        # The list read at open is current only while nothing was written since (a watched job's answer).
        opened, self._listing = self._listing, None
        listing = opened.listing if opened is not None and not self._written else None
        # No parent yet: the shell's splitter.replaceWidget() refuses a widget already in it.
        self.panel = HistoryPanel(store, listing=listing)
        self.panel_ready.emit(self.panel)

    def _on_store_problem(self, problem: StoreProblem | None) -> None:
        # On the thread that wrote: only a signal, nothing else of Qt. A problem from how the file was opened
        # (moved aside, memory only) is already the start notice; only write problems come and go.
        from pig_desktop.store.database import WRITE_KINDS

        if problem is not None and problem.kind in WRITE_KINDS:
            self.problem_changed.emit(problem.message, problem.detail)
        else:
            self.problem_changed.emit("", "")

    def _on_open_failed(self, message: str, detail: str) -> None:
        self.open_failed.emit(message, detail)
        self.open_done.emit()

    def show_added(self, entry: HistoryEntry) -> None:
        """Put a line already written (by the check's worker) at the top of the list."""
        if self.panel is not None:
            self.panel.add(entry)
        self.entry_added.emit(entry)

    def stored_report(self, job_id: str, server: str) -> StatusReport | None:
        """The job's last answer kept in the history for ``server``, or None."""
        store = self._store
        if store is None:
            return None
        from pig_desktop.core.outcome import StatusReport  # not in the first frame (docs/architecture.md)

        try:
            entry = store.find(job_id, server)
            return StatusReport.from_dict(entry.report) if entry is not None and entry.report else None
        except Exception:  # a closed database or a damaged stored result: nothing to show
            log.warning("stored result of %s unreadable", job_id, exc_info=True)
            return None

    def record_watch_report(self, report: StatusReport, session: Session | None) -> None:
        """Update the job's one history entry with a watched job's answer, written in a worker (the store
        keeps one entry per job and adds to its timeline only when the outcome changes)."""
        store = self._store
        if store is None or session is None:
            return
        entry = history_entry(report, session.organisation, session.server)
        self._written = True
        task = self._tasks.run(lambda: dataclasses.replace(entry, id=store.add(entry)), name="history-add")
        task.succeeded.connect(self.show_added)

    def _on_settings_applied(self, old: Settings, new: Settings) -> None:
        if self._store is not None and new.history_limit != old.history_limit:
            self._tasks.run(self._store.set_max_entries, new.history_limit, name="history-limit")

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Wait for the history workers, then close the database (an open connection keeps SQLite's WAL)."""
        self._shut_down = True
        if self.panel is not None:
            self.panel.shutdown(timeout_ms)
        self._tasks.shutdown(timeout_ms)
        if self._store is not None:
            self._store.close()
