"""The batch view: progress bar, the table filling in as answers arrive, and the actions on the batch.

Every control has an objectName (screen readers, tests) and an accessible name: batchView, batchSummary,
batchProgress, batchTable, batchCancelButton, batchOpenButton, batchWatchButton, batchExportButton,
batchCopyButton.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.core.outcome import Outcome
from pig_desktop.core.ticket import TicketContext
from pig_desktop.i18n import _, ngettext

from .controller import BatchController
from .model import COL_JOB, COL_ORGANISATION, COL_RESULT

log = logging.getLogger(__name__)


class BatchView(QWidget):
    """Shows one BatchController. ``ticket_context`` (who, where; for masking) is used by Copy all."""

    def __init__(
        self,
        controller: BatchController,
        parent: QWidget | None = None,
        *,
        ticket_context: TicketContext | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("batchView")
        self.setAccessibleName(_("Batch of jobs"))
        self.controller = controller
        self.ticket_context = ticket_context or TicketContext()
        self.last_message = ""

        self.summary = QLabel(self)
        self.summary.setObjectName("batchSummary")
        self.summary.setAccessibleName(_("Batch progress in words"))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("batchProgress")
        self.progress.setAccessibleName(_("Jobs checked"))
        self.progress.setFormat(_("%v of %m checked"))

        self.table = QTableView(self)
        self.table.setObjectName("batchTable")
        self.table.setAccessibleName(_("Jobs in the batch"))
        self.table.setModel(controller.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # Fixed starting widths, fitted to the contents once the batch ends: ResizeToContents would measure
        # every row again on each arriving answer, and stall the window on a batch of a hundred.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        digit = self.fontMetrics().horizontalAdvance("0")
        header.resizeSection(COL_JOB, digit * 38)
        header.resizeSection(COL_RESULT, digit * 18)
        header.resizeSection(COL_ORGANISATION, digit * 22)

        self.cancel_button = self._button("batchCancelButton", _("Cancel"), _("Cancel the batch"))
        self.open_button = self._button("batchOpenButton", _("Open job"), _("Open the selected job"))
        self.watch_button = self._button(
            "batchWatchButton", _("Watch all unfinished"), _("Watch every job still in progress")
        )
        self.export_button = self._button(
            "batchExportButton", _("Export as CSV\u2026"), _("Export the batch as a CSV file")
        )
        self.copy_button = self._button(
            "batchCopyButton", _("Copy all for a ticket"), _("Copy a summary of every job")
        )

        buttons = QHBoxLayout()
        for button in (self.open_button, self.watch_button, self.export_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.cancel_button.clicked.connect(controller.cancel)
        self.open_button.clicked.connect(self.open_selected)
        self.watch_button.clicked.connect(controller.watch_unfinished)
        self.export_button.clicked.connect(self.export_csv)
        self.copy_button.clicked.connect(self.copy_for_ticket)
        self.table.doubleClicked.connect(lambda index: controller.open_job(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        controller.progress.connect(self._on_progress)
        controller.row_updated.connect(self._update_buttons)
        controller.finished.connect(self._on_finished)
        controller.model.modelReset.connect(self._update_buttons)
        self._on_progress(controller.done, controller.total)

    def _button(self, name: str, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        return button

    # -- state -------------------------------------------------------------------------------------------
    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self, *_args: object) -> None:
        running = self.controller.is_running()
        rows = self.controller.model.rows()
        self.cancel_button.setEnabled(running)
        selected = self.selected_row()
        self.open_button.setEnabled(selected is not None)
        self.watch_button.setEnabled(any(row.unfinished for row in rows))
        anything = any(row.report is not None for row in rows)
        self.export_button.setEnabled(anything)
        self.copy_button.setEnabled(anything)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        if self.controller.is_running():
            self.summary.setText(
                ngettext(
                    "Checking {count} job\u2026 {done}/{total}",
                    "Checking {count} jobs\u2026 {done}/{total}",
                    total,
                ).format(count=total, done=done, total=total)
            )
        self._update_buttons()

    def _on_finished(self, cancelled: bool) -> None:
        rows = self.controller.model.rows()
        counts: dict[str, int] = {}
        for row in rows:
            if row.report is not None:
                counts[row.report.label] = counts.get(row.report.label, 0) + 1
        parts = [f"{label}: {count}" for label, count in counts.items()]
        if cancelled:
            skipped = sum(1 for row in rows if row.report is None)
            parts.append(_("not checked (cancelled): {count}").format(count=skipped))
        running = sum(1 for row in rows if row.outcome is Outcome.RUNNING)
        text = ngettext(
            "Checked {done} of {total} job.", "Checked {done} of {total} jobs.", len(rows)
        ).format(done=self.controller.done, total=len(rows))
        if parts:
            text += " " + ", ".join(parts) + "."
        if running:
            text += " " + _("Use Watch all unfinished to follow the jobs still in progress.")
        self.summary.setText(text)
        for column in (COL_RESULT, COL_ORGANISATION):
            self.table.resizeColumnToContents(column)
        self._update_buttons()

    # -- actions -----------------------------------------------------------------------------------------
    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.controller.open_job(row)

    def copy_for_ticket(self) -> str:
        text = self.controller.ticket_text(self.ticket_context)
        QGuiApplication.clipboard().setText(text)
        self.last_message = _("Copied a summary of every job for a ticket.")
        self.summary.setText(self.last_message)
        return text

    def export_csv(self) -> Path | None:
        path_text, _filter = QFileDialog.getSaveFileName(
            self, _("Export the batch as CSV"), "pig-jobs.csv", _("CSV files (*.csv)")
        )
        if not path_text:
            return None
        path = Path(path_text)
        try:
            path.write_text(self.controller.csv_text(self.ticket_context.server), encoding="utf-8-sig")
        except OSError as exc:
            log.warning("CSV export to %s failed: %s", path, exc)
            self.last_message = _("Couldn't save the CSV file. Choose another folder and try again.")
            self.summary.setText(self.last_message)
            return None
        self.last_message = _("Saved {name}.").format(name=path.name)
        self.summary.setText(self.last_message)
        return path

    def open_index(self, index: QModelIndex) -> None:
        self.controller.open_job(index.row())
