"""The watch panel: two groups, the jobs being watched (Stop watching, Stop all) and the finished ones
(outcome, when they finished, how long they took; Remove, Clear finished) until the user clears them.

The panel owns no logic: it shows a :class:`~pig_desktop.ui.watching.model.WatchModel` and asks, through its
signals, for a job to be stopped or opened. A one-second timer refreshes the times, and only runs while the
panel is visible and something is watched, so a window hidden in the tray costs no CPU.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.i18n import _, ngettext
from pig_desktop.ui.watching.finished_model import FCOL_JOB, FCOL_OUTCOME, FCOL_RESULT, FinishedModel
from pig_desktop.ui.watching.model import COL_JOB, COL_STATUS, JOB_ID_ROLE, WatchModel


class WatchPanel(QWidget):
    stop_requested = Signal(str)  # job_id
    stop_all_requested = Signal()
    job_opened = Signal(str)  # job_id: double-click / Enter (watched or finished)
    remove_requested = Signal(str)  # job_id: a finished job off the list
    clear_finished_requested = Signal()

    def __init__(
        self, model: WatchModel, finished: FinishedModel | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("watchPanel")
        self.model = model
        self.finished = finished if finished is not None else FinishedModel(self)
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
        self.watching_group = QGroupBox(_("Watching now"), self)
        self.watching_group.setObjectName("watchingGroup")
        watching = QVBoxLayout(self.watching_group)
        watching.addWidget(self.view, 1)
        watching.addLayout(buttons)

        self.finished_view = QTableView(self)
        self.finished_view.setObjectName("finishedView")
        self.finished_view.setModel(self.finished)
        self.finished_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.finished_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.finished_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.finished_view.verticalHeader().setVisible(False)
        self.finished_view.setWordWrap(False)
        self.finished_view.setAccessibleName(_("Finished jobs"))
        fheader = self.finished_view.horizontalHeader()
        fheader.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fheader.setSectionResizeMode(FCOL_RESULT, QHeaderView.ResizeMode.Stretch)
        fheader.resizeSection(FCOL_OUTCOME, 130)
        fheader.resizeSection(FCOL_JOB, 290)
        self.finished_view.activated.connect(self._activated)
        self.finished_info = QLabel(self)
        self.finished_info.setObjectName("finishedInfo")
        self.finished_info.setWordWrap(True)
        self.finished_info.setTextFormat(Qt.TextFormat.PlainText)
        self.remove_button = QPushButton(_("Remove"), self)
        self.remove_button.setObjectName("watchRemoveButton")
        self.remove_button.setAccessibleName(_("Remove the selected finished jobs from the list"))
        self.remove_button.setToolTip(_("Take the selected finished jobs off this list (history keeps them)"))
        self.remove_button.clicked.connect(self._remove_selected)
        self.clear_finished_button = QPushButton(_("Clear finished"), self)
        self.clear_finished_button.setObjectName("watchClearFinishedButton")
        self.clear_finished_button.setAccessibleName(_("Clear all finished jobs from the list"))
        self.clear_finished_button.setToolTip(_("Take every finished job off this list (history keeps them)"))
        self.clear_finished_button.clicked.connect(self.clear_finished_requested.emit)
        finished_buttons = QHBoxLayout()
        finished_buttons.addWidget(self.finished_info, 1)
        finished_buttons.addWidget(self.remove_button)
        finished_buttons.addWidget(self.clear_finished_button)
        self.finished_group = QGroupBox(_("Finished"), self)
        self.finished_group.setObjectName("finishedGroup")
        finished_layout = QVBoxLayout(self.finished_group)
        finished_layout.addWidget(self.finished_view, 1)
        finished_layout.addLayout(finished_buttons)

        # The tables' own size hints are ignored so the stretch factors below share the panel's height.
        for view in (self.view, self.finished_view):
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
            view.setMinimumHeight(
                view.horizontalHeader().sizeHint().height() + 2 * view.verticalHeader().defaultSectionSize()
            )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        # Finished jobs are what people come back for: their group gets the larger share of the height.
        layout.addWidget(self.watching_group, 2)
        layout.addWidget(self.finished_group, 3)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.model.tick)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._refresh)
        self.view.selectionModel().selectionChanged.connect(self._refresh)
        # The finished list comes whole after each change: the rows the user selected stay selected.
        self._kept_selection: list[str] = []
        self.finished.modelAboutToBeReset.connect(self._keep_selection)
        self.finished.modelReset.connect(self._restore_selection)
        for signal in (self.finished.rowsInserted, self.finished.rowsRemoved, self.finished.modelReset):
            signal.connect(self._refresh)
        self.finished_view.selectionModel().selectionChanged.connect(self._refresh)
        self._refresh()

    def selected_job_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.index(row, 0).data(JOB_ID_ROLE) for row in rows]

    def selected_finished_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.finished_view.selectionModel().selectedRows()})
        return [self.finished.index(row, 0).data(JOB_ID_ROLE) for row in rows]

    def select_job(self, job_id: str) -> None:
        """Select the job's row, in the watching group or else in the finished one."""
        row = self.model.row_of(job_id)
        if row is not None:
            _select_row(self.view, row)
            return
        row = self.finished.row_of(job_id)
        if row is not None:
            _select_row(self.finished_view, row)

    def show_finished(self) -> None:
        """Bring the finished group to the user: focus it and select its newest row."""
        if self.finished.rowCount():
            _select_row(self.finished_view, 0)
        self.finished_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_paused(self, paused: bool) -> None:
        self.model.set_paused(paused)
        self._refresh()

    def _activated(self, index: QModelIndex) -> None:
        job_id = index.siblingAtColumn(0).data(JOB_ID_ROLE)
        if job_id:
            self.job_opened.emit(job_id)

    def _keep_selection(self) -> None:
        self._kept_selection = self.selected_finished_ids()

    def _restore_selection(self) -> None:
        for job_id in self._kept_selection:
            row = self.finished.row_of(job_id)
            if row is not None:
                self.finished_view.selectionModel().select(
                    self.finished.index(row, 0),
                    self.finished_view.selectionModel().SelectionFlag.Select
                    | self.finished_view.selectionModel().SelectionFlag.Rows,
                )
        self._kept_selection = []
        self.finished_view.scrollToTop()  # the newest first: the one just finished is in sight

    def _remove_selected(self) -> None:
        for job_id in self.selected_finished_ids():
            self.remove_requested.emit(job_id)

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
        finished = self.finished.rowCount()
        self.remove_button.setEnabled(bool(self.finished_view.selectionModel().selectedRows()))
        self.clear_finished_button.setEnabled(finished > 0)
        if finished == 0:
            self.finished_info.setText(_("Finished jobs stay here until you remove them."))
        else:
            unseen = self.finished.unseen_count()
            text = ngettext("{count} finished job.", "{count} finished jobs.", finished).format(
                count=finished
            )
            if unseen:
                text += " " + ngettext(
                    "{count} new (in bold): not opened yet.", "{count} new (in bold): not opened yet.", unseen
                ).format(count=unseen)
            self.finished_info.setText(text)
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


def _select_row(view: QTableView, row: int) -> None:
    """Select exactly this row and make it current. ``QTableView.selectRow`` would extend or toggle the
    selection instead when Shift or Ctrl is held (or believed held), and picks its column from the header's
    layout."""
    index = view.model().index(row, 0)
    rows = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().setCurrentIndex(index, rows)
    view.scrollTo(index)


__all__ = ["WatchPanel"]
