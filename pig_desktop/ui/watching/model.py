"""The table model behind the watch panel: one row per watched job.

Rows are :class:`~pig_desktop.core.scheduler.WatchState` values sent by the polling service. The times shown
("5 min", "12 s ago", "in 40 s") change every second; :meth:`WatchModel.tick` emits ``dataChanged`` for the
time columns of one row at a time, never a model reset, so selection and scrolling stay put.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex

from pig_desktop.core.durations import format_elapsed, format_next_check
from pig_desktop.core.outcome import Outcome
from pig_desktop.core.scheduler import WatchState
from pig_desktop.i18n import N_, _
from pig_desktop.ui.system.plain_text import plain_tooltip
from pig_desktop.ui.system.qt_startup import (
    ACCESSIBLE_TEXT_ROLE,
    DECORATION_ROLE,
    DISPLAY_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)

COL_STATUS, COL_JOB, COL_APP, COL_ELAPSED, COL_LAST, COL_NEXT = range(6)
HEADERS = (N_("Status"), N_("Job"), N_("App"), N_("Watched for"), N_("Last check"), N_("Next check"))
TIME_COLUMNS = (COL_ELAPSED, COL_LAST, COL_NEXT)

JOB_ID_ROLE = USER_ROLE + 1
STATE_ROLE = USER_ROLE + 2

_Index = QModelIndex | QPersistentModelIndex


def app_of(state: WatchState) -> str:
    report = state.last_report
    if report is not None and report.job is not None:
        return report.job.app
    return ""


class WatchModel(QAbstractTableModel):
    """Watched jobs in the order they were added. ``now`` returns epoch seconds (injectable for tests)."""

    def __init__(self, parent: QObject | None = None, now: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._rows: list[WatchState] = []
        self._now = now
        self.paused = False

    # -- Qt model API ----------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation, role: int = DISPLAY_ROLE) -> Any:
        if orientation == QtCore.Qt.Orientation.Horizontal and role == DISPLAY_ROLE:
            if 0 <= section < len(HEADERS):
                return _(HEADERS[section])  # marked with N_ in HEADERS
        return None

    def data(self, index: _Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        state = self._rows[index.row()]
        column = index.column()
        if role == DISPLAY_ROLE:
            return self._text(state, column)
        if role == DECORATION_ROLE and column == COL_STATUS:
            outcome = state.outcome
            if outcome is None:
                return None
            from pig_desktop.ui.system.icons import outcome_icon

            return outcome_icon(outcome)
        if role == TOOLTIP_ROLE:
            if state.last_report is not None:
                return plain_tooltip(state.last_report.message)
            return _("Not checked yet.")
        if role == ACCESSIBLE_TEXT_ROLE:
            return self._text(state, column)
        if role == JOB_ID_ROLE:
            return state.job_id
        if role == STATE_ROLE:
            return state
        return None

    def flags(self, index: _Index) -> QtCore.Qt.ItemFlag:
        if not index.isValid():
            return QtCore.Qt.ItemFlag.NoItemFlags
        return QtCore.Qt.ItemFlag.ItemIsEnabled | QtCore.Qt.ItemFlag.ItemIsSelectable

    # -- text ------------------------------------------------------------------------------------------------

    def _text(self, state: WatchState, column: int) -> str:
        now = self._now()
        if column == COL_STATUS:
            if state.outcome is None:
                return _("Checking…") if state.checking else _("Waiting")
            return state.outcome.label if state.outcome is not Outcome.RUNNING else _("In progress")
        if column == COL_JOB:
            return state.job_id
        if column == COL_APP:
            return app_of(state)
        if column == COL_ELAPSED:
            return format_elapsed(now - state.started_at.timestamp())
        if column == COL_LAST:
            if state.last_checked_at is None:
                return _("Not yet")
            # TRANSLATORS: {duration} is e.g. "5 s" or "3 min".
            return _("{duration} ago").format(
                duration=format_elapsed(now - state.last_checked_at.timestamp())
            )
        if column == COL_NEXT:
            if state.checking:
                return _("Checking now…")
            if self.paused:
                return _("Paused")
            if state.next_check_at is None:
                return "—"
            return format_next_check(state.next_check_at.timestamp() - now)
        return ""

    # -- changes ---------------------------------------------------------------------------------------------

    def job_ids(self) -> list[str]:
        return [s.job_id for s in self._rows]

    def state(self, job_id: str) -> WatchState | None:
        row = self.row_of(job_id)
        return None if row is None else self._rows[row]

    def states(self) -> list[WatchState]:
        return list(self._rows)

    def row_of(self, job_id: str) -> int | None:
        for row, state in enumerate(self._rows):
            if state.job_id == job_id:
                return row
        return None

    def apply(self, state: WatchState) -> None:
        """Add or update a job's row; a finished or stopped watch leaves the list."""
        row = self.row_of(state.job_id)
        if state.finished_reason is not None:
            if row is not None:
                self.remove(state.job_id)
            return
        if row is None:
            end = len(self._rows)
            self.beginInsertRows(QModelIndex(), end, end)
            self._rows.append(state)
            self.endInsertRows()
            return
        self._rows[row] = state
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def remove(self, job_id: str) -> None:
        row = self.row_of(job_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def reset(self, states: Iterable[WatchState]) -> None:
        """Replace every row (a new session, or the list restored at start)."""
        self.beginResetModel()
        self._rows = [s for s in states if s.finished_reason is None]
        self.endResetModel()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.tick()

    def tick(self) -> None:
        """The clock moved: refresh the time columns, one row's dataChanged at a time."""
        first, last = min(TIME_COLUMNS), max(TIME_COLUMNS)
        for row in range(len(self._rows)):
            self.dataChanged.emit(self.index(row, first), self.index(row, last), [DISPLAY_ROLE])

    def summary(self) -> tuple[int, int]:
        """(watched, needing attention): a failure or sign-in problem among the last reports."""
        attention = sum(1 for s in self._rows if s.outcome in (Outcome.FAILED, Outcome.AUTH_ERROR))
        return len(self._rows), attention
