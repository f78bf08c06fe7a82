"""The finished group of the watch panel: jobs whose watch ended, with their outcome, when they finished and
how long they took, until the user removes them (the rows come from ``WatchStore.finished``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex

from pig_desktop.core.durations import format_elapsed
from pig_desktop.core.outcome import Outcome
from pig_desktop.i18n import N_, _
from pig_desktop.ui.system.plain_text import plain_tooltip
from pig_desktop.ui.system.qt_startup import (
    ACCESSIBLE_TEXT_ROLE,
    DECORATION_ROLE,
    DISPLAY_ROLE,
    FONT_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)
from pig_desktop.ui.watching.model import JOB_ID_ROLE

if TYPE_CHECKING:
    from pig_desktop.store.watchlist import WatchEntry  # sqlite3 behind it: types only

__all__ = ["FINISHED_HEADERS", "FinishedModel", "finished_when", "outcome_of"]

FCOL_OUTCOME, FCOL_JOB, FCOL_FINISHED, FCOL_TOOK, FCOL_RESULT = range(5)
FINISHED_HEADERS = (N_("Outcome"), N_("Job"), N_("Finished"), N_("Took"), N_("What it means"))

ENTRY_ROLE = USER_ROLE + 3

_Index = QModelIndex | QPersistentModelIndex


def outcome_of(entry: WatchEntry) -> Outcome:
    try:
        return Outcome(entry.last_outcome)
    except ValueError:
        return Outcome.ERROR


def finished_when(moment: datetime | None, now: datetime | None = None) -> str:
    """When a job finished, in local time: "Today 10:09", "Yesterday 17:40" or "2026-05-03 10:09"."""
    if moment is None:
        return ""
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).astimezone().date()
    if local.date() == today:
        return _("Today {time}").format(time=local.strftime("%H:%M"))
    if local.date() == today - timedelta(days=1):
        return _("Yesterday {time}").format(time=local.strftime("%H:%M"))
    return local.strftime("%Y-%m-%d %H:%M")


class FinishedModel(QAbstractTableModel):
    """Finished watches, the latest to finish first; unseen ones (not opened yet) in bold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[WatchEntry] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FINISHED_HEADERS)

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation, role: int = DISPLAY_ROLE) -> Any:
        if orientation == QtCore.Qt.Orientation.Horizontal and role == DISPLAY_ROLE:
            if 0 <= section < len(FINISHED_HEADERS):
                return _(FINISHED_HEADERS[section])  # noqa: PLE1205  # the words are listed above
        return None

    def data(self, index: _Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE):
            return self._text(entry, column)
        if role == DECORATION_ROLE and column == FCOL_OUTCOME:
            from pig_desktop.ui.system.icons import outcome_icon

            return outcome_icon(outcome_of(entry))
        if role == FONT_ROLE and not entry.seen:
            from PySide6.QtGui import QFont  # only a view asks for it (a start in the tray has none)

            font = QFont()
            font.setBold(True)
            return font
        if role == TOOLTIP_ROLE:
            tip = plain_tooltip(entry.last_message) if entry.last_message else ""
            if not entry.seen:
                tip = (tip + "\n" if tip else "") + _("New: you have not opened this result yet.")
            return tip or None
        if role == JOB_ID_ROLE:
            return entry.job_id
        if role == ENTRY_ROLE:
            return entry
        return None

    def flags(self, index: _Index) -> QtCore.Qt.ItemFlag:
        if not index.isValid():
            return QtCore.Qt.ItemFlag.NoItemFlags
        return QtCore.Qt.ItemFlag.ItemIsEnabled | QtCore.Qt.ItemFlag.ItemIsSelectable

    @staticmethod
    def _text(entry: WatchEntry, column: int) -> str:
        if column == FCOL_OUTCOME:
            return outcome_of(entry).label
        if column == FCOL_JOB:
            return entry.job_id
        if column == FCOL_FINISHED:
            return finished_when(entry.finished_at)
        if column == FCOL_TOOK:
            took = entry.duration
            return format_elapsed(took.total_seconds()) if took is not None else ""
        if column == FCOL_RESULT:
            return " ".join(entry.last_message.split())
        return ""

    # -- changes ---------------------------------------------------------------------------------------------

    def reset(self, entries: Iterable[WatchEntry]) -> None:
        self.beginResetModel()
        self._rows = list(entries)
        self.endResetModel()

    def entries(self) -> list[WatchEntry]:
        return list(self._rows)

    def entry(self, job_id: str) -> WatchEntry | None:
        wanted = job_id.lower()
        return next((e for e in self._rows if e.job_id.lower() == wanted), None)

    def row_of(self, job_id: str) -> int | None:
        wanted = job_id.lower()
        return next((row for row, e in enumerate(self._rows) if e.job_id.lower() == wanted), None)

    def unseen_count(self) -> int:
        return sum(1 for e in self._rows if not e.seen)
