"""The "Recent checks" panel: a filter field over the history list, with open, delete and clear.

The list comes from ``HistoryStore.list_rows()`` in one query (compact rows, no stored reports parsed), and
filtering runs in memory in :class:`HistoryModel`. A full entry (with its stored report) is read only when the
user opens it. Store errors (disk full, a locked file) become a short ``notice``; the panel keeps working.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.i18n import _, ngettext
from pig_desktop.store.history import HistoryEntry, HistoryStore, ListRow
from pig_desktop.ui.history.model import HistoryDelegate, HistoryModel, summary_of
from pig_desktop.ui.system.accessibility import FocusedRowOnlyWithFocus
from pig_desktop.ui.system.task_group import TaskGroup

log = logging.getLogger(__name__)

_RECENT_CACHE = 32  # full entries added this session, so opening a fresh one needs no database read
# Entries whose stored answer has more job rows than this are not cached: a 1,000-row answer is ~100,000
# Python objects, and every one kept alive makes each full garbage collection (which holds the GIL, so the
# GUI waits) walk it again. Opening such an entry reads it back from the database instead.
_RECENT_CACHE_MAX_ROWS = 50
_TIME_REFRESH_MS = 60_000


class HistoryView(QListView):
    """The list, with a centred hint when it is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(
                self.palette().color(self.palette().ColorGroup.Disabled, self.palette().ColorRole.Text)
            )
            rect = self.viewport().rect().adjusted(12, 12, -12, -12)
            painter.drawText(
                rect,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                self.empty_text,
            )
            painter.end()


def _small_enough_to_cache(entry: HistoryEntry) -> bool:
    envelope = entry.report.get("envelope") if isinstance(entry.report, dict) else None
    rows = envelope.get("rows") if isinstance(envelope, dict) else None
    return not (isinstance(rows, list) and len(rows) > _RECENT_CACHE_MAX_ROWS)


def _delete_entries(store: HistoryStore, ids: list[int]) -> tuple[set[int], bool]:
    """Worker: delete ``ids``; returns the ones deleted and whether one failed."""
    deleted: set[int] = set()
    try:
        for entry_id in ids:
            store.delete(entry_id)
            deleted.add(entry_id)
    except (sqlite3.Error, OSError) as exc:
        log.warning("Could not delete history entries: %s", exc)
        return deleted, True
    return deleted, False


def _clear_entries(store: HistoryStore) -> bool:
    """Worker: remove every entry; False when that failed."""
    try:
        store.clear()
    except (sqlite3.Error, OSError) as exc:
        log.warning("Could not clear the history: %s", exc)
        return False
    return True


class HistoryPanel(QWidget):
    entry_opened = Signal(object)  # HistoryEntry
    watch_requested = Signal(object)  # HistoryEntry
    notice = Signal(str)

    def __init__(
        self,
        store: HistoryStore,
        parent: QWidget | None = None,
        listing: Sequence[ListRow] | None = None,
    ) -> None:
        """``listing``: the entries already read off the GUI thread (``store.list_rows()``); without it the
        panel reads them itself."""
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self._store = store
        self._tasks = TaskGroup(self)
        self._recent: OrderedDict[int, HistoryEntry] = OrderedDict()

        self.model = HistoryModel(self)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("historyFilter")
        self.filter_edit.setPlaceholderText(_("Filter history"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(_("Filter history"))
        self.filter_edit.setAccessibleDescription(
            _("Shows only the checks whose job id, result, app, status or organisation contain this text")
        )
        self.filter_edit.textChanged.connect(self._filter_changed)

        self.view = HistoryView(self)
        self.view.setObjectName("historyView")
        self._view_focus = FocusedRowOnlyWithFocus(self.view)
        self.view.setModel(self.model)
        self.view.setItemDelegate(HistoryDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.view.activated.connect(self._activated)
        self.view.setAccessibleName(_("Recent checks"))
        self.view.setAccessibleDescription(
            _("Jobs you checked before, newest first. Press Enter to open one, Delete to remove it.")
        )

        self.open_action = QAction(_("Open"), self)
        self.open_action.triggered.connect(self.open_current)
        self.refresh_action = QAction(_("Refresh list"), self)
        self.refresh_action.triggered.connect(self.reload)
        self.watch_action = QAction(_("Watch until finished"), self)
        self.watch_action.triggered.connect(self.watch_current)
        self.copy_id_action = QAction(_("Copy job id"), self)
        self.copy_id_action.triggered.connect(self.copy_job_id)
        self.delete_action = QAction(_("Delete"), self.view)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.view.addAction(self.delete_action)

        self.delete_button = QPushButton(_("Delete"), self)
        self.delete_button.setObjectName("historyDeleteButton")
        self.delete_button.setToolTip(_("Remove the selected checks from the list (Del)"))
        self.delete_button.setAccessibleName(_("Delete selected checks"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.clear_button = QPushButton(_("Clear all"), self)
        self.clear_button.setObjectName("historyClearButton")
        self.clear_button.setToolTip(_("Remove every check from the list"))
        self.clear_button.setAccessibleName(_("Clear all history"))
        self.clear_button.clicked.connect(self.clear_all)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self.setTabOrder(self.filter_edit, self.view)
        self.setTabOrder(self.view, self.delete_button)
        self.setTabOrder(self.delete_button, self.clear_button)

        self.model.modelReset.connect(self._update_state)
        self.model.rowsInserted.connect(self._update_state)
        self.model.rowsRemoved.connect(self._update_state)
        self.view.selectionModel().selectionChanged.connect(self._update_state)

        # "5 min ago" must keep moving while the window stays open.
        self._clock = QTimer(self)
        self._clock.setInterval(_TIME_REFRESH_MS)
        self._clock.timeout.connect(self.model.refresh_times)
        self._clock.start()

        if listing is not None:
            self.model.set_rows(listing)
        else:
            self.reload()

    # --- loading ---

    def reload(self) -> None:
        """Read the list again from the store (one query without the stored results)."""
        try:
            rows = self._store.list_rows()
        except (sqlite3.Error, OSError) as exc:
            log.warning("Could not read the history: %s", exc)
            self.notice.emit(_("Couldn't read the list of recent checks. Try again later."))
            return
        self.model.set_rows(rows)

    def add(self, entry: HistoryEntry) -> None:
        """Show a just-recorded entry at the top (no reload); hidden if the filter does not match it."""
        if entry.id is not None and _small_enough_to_cache(entry):
            self._recent[entry.id] = entry
            while len(self._recent) > _RECENT_CACHE:
                self._recent.popitem(last=False)
        self.model.prepend(summary_of(entry))
        self.model.trim(self._store.max_entries)

    # --- state ---

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)

    def _update_state(self, *_args: object) -> None:
        if self.model.total_count() == 0:
            self.view.empty_text = _("No jobs checked yet")
        else:
            self.view.empty_text = _("No checks match “{text}”").format(text=self.filter_edit.text().strip())
        has_selection = bool(self.view.selectionModel().selectedRows())
        self.delete_button.setEnabled(has_selection)
        self.delete_action.setEnabled(has_selection)
        self.clear_button.setEnabled(self.model.total_count() > 0)
        if self.model.rowCount() == 0:
            # The hint is only drawn on an empty list (a list with rows repaints itself on any change).
            # Not on every change: PySide's first viewport() call sets up dozens of widget types
            # (~5 ms), and that would land on the start-up path.
            self.view.viewport().update()

    def _selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        ids = []
        for row in rows:
            summary = self.model.summary(row)
            if summary is not None:
                ids.append(summary.id)
        return ids

    def _current_summary_id(self) -> int | None:
        summary = self.model.summary(self._view_focus.current())
        return summary.id if summary else None

    def _load(self, entry_id: int) -> HistoryEntry | None:
        cached = self._recent.get(entry_id)
        if cached is not None:
            return cached
        try:
            entry = self._store.get(entry_id)
        except (sqlite3.Error, OSError) as exc:
            log.warning("Could not read history entry %d: %s", entry_id, exc)
            self.notice.emit(_("Couldn't read that check from the history."))
            return None
        if entry is None:
            self.model.remove_ids({entry_id})
            self.notice.emit(_("That check is no longer in the history."))
        return entry

    # --- actions ---

    def _activated(self, index: QModelIndex) -> None:
        summary = self.model.summary(index)
        if summary is not None:
            self._open(summary.id)

    def open_current(self) -> None:
        entry_id = self._current_summary_id()
        if entry_id is not None:
            self._open(entry_id)

    def _open(self, entry_id: int) -> None:
        entry = self._load(entry_id)
        if entry is not None:
            self.entry_opened.emit(entry)

    def watch_current(self) -> None:
        entry_id = self._current_summary_id()
        if entry_id is None:
            return
        entry = self._load(entry_id)
        if entry is not None:
            self.watch_requested.emit(entry)

    def copy_job_id(self) -> None:
        summary = self.model.summary(self._view_focus.current())
        if summary is not None:
            QGuiApplication.clipboard().setText(summary.job_id)
            self.notice.emit(_("Copied the job id"))

    def delete_selected(self) -> None:
        """Delete the selected entries, in a worker (no SQLite write on the GUI thread)."""
        ids = self._selected_ids()
        if not ids:
            return
        task = self._tasks.run(_delete_entries, self._store, ids, name="history-delete")
        task.succeeded.connect(self._on_deleted)

    def _on_deleted(self, outcome: tuple[set[int], bool]) -> None:
        deleted, failed = outcome
        if failed:
            self.notice.emit(_("Couldn't delete that check. Try again."))
        for entry_id in deleted:
            self._recent.pop(entry_id, None)
        self.model.remove_ids(deleted)
        if deleted:
            count = len(deleted)
            self.notice.emit(
                ngettext("Deleted {count} check", "Deleted {count} checks", count).format(count=count)
            )

    def clear_all(self) -> None:
        """Remove every entry, after the user confirms (a destructive action they started)."""
        if self.model.total_count() == 0:
            return
        answer = QMessageBox.question(
            self,
            _("Clear history"),
            ngettext(
                "Remove the {count} check from the history? This can't be undone.",
                "Remove all {count} checks from the history? This can't be undone.",
                self.model.total_count(),
            ).format(count=self.model.total_count()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        task = self._tasks.run(_clear_entries, self._store, name="history-clear")
        task.succeeded.connect(self._on_cleared)

    def _on_cleared(self, cleared: bool) -> None:
        if not cleared:
            self.notice.emit(_("Couldn't clear the history. Try again."))
            return
        self._recent.clear()
        self.model.clear()
        self.notice.emit(_("History cleared"))

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Wait for a delete or clear still running (before the store is closed)."""
        self._tasks.shutdown(timeout_ms)

    def context_menu(self, index: QModelIndex) -> QMenu:
        """The right-click menu for ``index`` (an invalid index: only "Refresh list")."""
        menu = QMenu(self.view)
        if index.isValid():
            selection = self.view.selectionModel()
            if selection.isSelected(index):
                selection.setCurrentIndex(index, selection.SelectionFlag.NoUpdate)
            else:
                self.view.setCurrentIndex(index)
            menu.addAction(self.open_action)
            menu.addAction(self.watch_action)
            menu.addAction(self.copy_id_action)
            menu.addSeparator()
            menu.addAction(self.delete_action)
            menu.addSeparator()
        menu.addAction(self.refresh_action)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(self.view.indexAt(pos))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(pos))  # not exec(): see ResultPane._show_menu
