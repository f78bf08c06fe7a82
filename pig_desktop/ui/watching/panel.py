"""The watch panel: the list of watched jobs with Stop watching (one job) and Stop all.

The panel owns no logic: it shows a :class:`~pig_desktop.ui.watching.model.WatchModel` and asks, through its
signals, for a job to be stopped or opened. A one-second timer refreshes the times, and only runs while the
panel is visible and something is watched, so a window hidden in the tray costs no CPU.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.i18n import _, ngettext
from pig_desktop.ui.watching.model import COL_JOB, COL_STATUS, JOB_ID_ROLE, WatchModel


class WatchPanel(QWidget):
    stop_requested = Signal(str)  # job_id
    stop_all_requested = Signal()
    job_opened = Signal(str)  # job_id: double-click / Enter

    def __init__(self, model: WatchModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchPanel")
        self.model = model
        self.view = QTableView(self)
        self.view.setObjectName("watchView")
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.view.setAccessibleName(_("Watched jobs"))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_JOB, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COL_STATUS, 130)
        self.view.activated.connect(self._activated)

        self.info = QLabel(self._empty_text(), self)
        self.info.setObjectName("watchInfo")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)

        self.stop_button = QPushButton(_("Stop watching"), self)
        self.stop_button.setObjectName("stopWatchButton")
        self.stop_button.setToolTip(_("Stop watching the selected jobs"))
        self.stop_button.clicked.connect(self._stop_selected)
        self.stop_all_button = QPushButton(_("Stop all"), self)
        self.stop_all_button.setObjectName("stopAllButton")
        self.stop_all_button.setToolTip(_("Stop watching every job"))
        self.stop_all_button.clicked.connect(self.stop_all_requested.emit)

        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.stop_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.model.tick)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._refresh)
        self.view.selectionModel().selectionChanged.connect(self._refresh)
        self._refresh()

    def selected_job_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.index(row, 0).data(JOB_ID_ROLE) for row in rows]

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row is not None:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def set_paused(self, paused: bool) -> None:
        self.model.set_paused(paused)
        self._refresh()

    def _activated(self, index: QModelIndex) -> None:
        job_id = index.siblingAtColumn(0).data(JOB_ID_ROLE)
        if job_id:
            self.job_opened.emit(job_id)

    def _stop_selected(self) -> None:
        for job_id in self.selected_job_ids():
            self.stop_requested.emit(job_id)

    def _empty_text(self) -> str:
        return _(
            "No jobs are being watched. Check a job and press Watch, "
            "and PIG Desktop tells you when it finishes."
        )

    def _refresh(self) -> None:
        count = self.model.rowCount()
        self.stop_button.setEnabled(bool(self.view.selectionModel().selectedRows()))
        self.stop_all_button.setEnabled(count > 0)
        if self.model.paused:
            self.info.setText(_("Watching is paused. Choose Resume watching in the tray menu to carry on."))
        elif count == 0:
            self.info.setText(self._empty_text())
        else:
            self.info.setText(
                ngettext("Watching {count} job.", "Watching {count} jobs.", count).format(count=count)
            )
        self._update_timer()

    def _update_timer(self) -> None:
        wanted = self.isVisible() and self.model.rowCount() > 0
        if wanted and not self._timer.isActive():
            self._timer.start()
        elif not wanted and self._timer.isActive():
            self._timer.stop()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # type: ignore[arg-type]
        self._update_timer()

    def hideEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)  # type: ignore[arg-type]
        self._update_timer()

    def timer_active(self) -> bool:
        return self._timer.isActive()


__all__ = ["WatchPanel"]
