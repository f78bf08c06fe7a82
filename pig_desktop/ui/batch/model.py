"""The batch table: one row per job, in the order the ids were pasted; results fill in as they arrive."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.ticket import BatchItem
from pig_desktop.i18n import N_, _
from pig_desktop.ui.system.icons import outcome_icon

COLUMNS = (N_("Job id"), N_("Result"), N_("App"), N_("Status"), N_("Organisation"))
COL_JOB, COL_RESULT, COL_APP, COL_STATUS, COL_ORGANISATION = range(len(COLUMNS))
#: The row's Outcome value ("processed", ...) or "" while it waits; for filters and tests.
OutcomeRole = Qt.ItemDataRole.UserRole + 1
#: The job id of the row (any column).
JobIdRole = Qt.ItemDataRole.UserRole + 2

# A row's state before its report arrives, in English (translated where shown).
WAITING = N_("Waiting")
CHECKING = N_("Checking\u2026")
NOT_CHECKED = N_("Not checked")

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class BatchRow:
    job_id: str
    report: StatusReport | None = None
    organisation: str = ""
    state: str = WAITING  # WAITING, CHECKING or NOT_CHECKED until a report arrives

    @property
    def outcome(self) -> Outcome | None:
        return self.report.outcome if self.report is not None else None

    @property
    def unfinished(self) -> bool:
        """Still running at CINX: worth watching."""
        return self.outcome is Outcome.RUNNING

    def as_item(self) -> BatchItem:
        return BatchItem(self.job_id, self.report, self.organisation)


class BatchModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BatchRow] = []

    # -- contents ------------------------------------------------------------------------------------------
    def set_jobs(self, job_ids: list[str]) -> None:
        self.beginResetModel()
        self._rows = [BatchRow(job_id) for job_id in job_ids]
        self.endResetModel()

    def update_row(self, row: int, **changes: Any) -> None:
        if not 0 <= row < len(self._rows):
            return
        self._rows[row] = replace(self._rows[row], **changes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rows(self) -> list[BatchRow]:
        return list(self._rows)

    def row_at(self, row: int) -> BatchRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- Qt model API --------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(COLUMNS[section]) if 0 <= section < len(COLUMNS) else None
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        report = row.report
        if role == OutcomeRole:
            return report.outcome.value if report is not None else ""
        if role == JobIdRole:
            return row.job_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_RESULT and report is not None:
                return report.message
            return self._text(row, column) or None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_RESULT and report is not None:
            return outcome_icon(report.outcome)
        return None

    @staticmethod
    def _text(row: BatchRow, column: int) -> str:
        report = row.report
        if column == COL_JOB:
            return row.job_id
        if column == COL_RESULT:
            return report.label if report is not None else _(row.state)
        if report is None:
            return ""
        if column == COL_APP:
            return report.job.app if report.job is not None else ""
        if column == COL_STATUS:
            # Plain text only: CINX's words, one line (a status message is hostile input).
            text = report.status_message if report.job is not None else report.message
            return " ".join(text.split())
        if column == COL_ORGANISATION:
            return row.organisation
        return ""
