"""The history list's model: compact rows of past checks, filtered in memory as the user types.

Made for 10,000 entries (issue 7: the list ready within 100 ms of the window showing, at most 16 ms a
keystroke):

- It is filled from ``HistoryStore.list_rows()``: plain tuples whose filter text (casefolded job id, outcome
  word, status message, app, organisation) was worked out when the entry was stored, so nothing is computed
  per entry at start; times are parsed and text formatted only for the rows a view asks about.
- A keystroke is one pass of ``in`` over those strings (typing more letters only searches the entries still
  shown) and one model reset.
- The model is a :class:`QStringListModel` holding the shown job ids, so ``rowCount`` and ``index`` are
  Qt's own C++: QListView lays a list out by asking for every row's index, and with ``rowCount`` in Python
  that was two Python calls per row, ~12 ms for 10,000 rows at start and at every keystroke that shows them
  all again. Python answers ``data()`` only, for the rows on screen.

Also the delegate that draws an entry on two lines: icon, job id and age; then app, status and organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, QStringListModel, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from pig_desktop.core.outcome import Outcome
from pig_desktop.core.summary import app_name
from pig_desktop.core.ticket import format_local
from pig_desktop.i18n import _
from pig_desktop.store.history import (
    ROW_APP,
    ROW_ID,
    ROW_JOB,
    ROW_ORG,
    ROW_OUTCOME,
    ROW_STATUS,
    ROW_TEXT,
    HistoryEntry,
    HistorySummary,
    ListRow,
    row_checked_at,
    row_of_summary,
    summary_of_row,
)
from pig_desktop.store.text import filter_needle, outcome_label
from pig_desktop.ui.check.badge import contrast_ratio
from pig_desktop.ui.check.result_model import relative_time
from pig_desktop.ui.system.icons import outcome_icon
from pig_desktop.ui.system.plain_text import plain_tooltip

SummaryRole = int(Qt.ItemDataRole.UserRole) + 1
IdRole = int(Qt.ItemDataRole.UserRole) + 2
OutcomeRole = int(Qt.ItemDataRole.UserRole) + 3
AppRole = int(Qt.ItemDataRole.UserRole) + 4
StatusRole = int(Qt.ItemDataRole.UserRole) + 5
OrganisationRole = int(Qt.ItemDataRole.UserRole) + 6
RelativeTimeRole = int(Qt.ItemDataRole.UserRole) + 7
DetailLineRole = int(Qt.ItemDataRole.UserRole) + 8

AnyIndex = QModelIndex | QPersistentModelIndex

__all__ = [
    "HistoryDelegate",
    "HistoryModel",
    "outcome_label",
    "summary_of",
]


def summary_of(entry: HistoryEntry) -> HistorySummary:
    """The list's view of a full entry (a new entry must have its store id)."""
    return HistorySummary(
        id=entry.id if entry.id is not None else -1,
        job_id=entry.job_id,
        outcome=entry.outcome,
        status_message=entry.status_message,
        app=entry.app,
        organisation=entry.organisation,
        server=entry.server,
        checked_at=entry.checked_at,
    )


_OUTCOME_VALUES = frozenset(outcome.value for outcome in Outcome)  # an older or newer app may store others


def _detail_line(row: ListRow) -> str:
    return " · ".join(p for p in (row[ROW_APP], row[ROW_STATUS], row[ROW_ORG]) if p)


def accessible_sentence(row: ListRow, now: datetime | None = None) -> str:
    """One sentence a screen reader reads for an entry, each fact once: "Processed, RFQ import for PSF
    Mechanical, Inc., job 97b9…, checked just now." plus what CINX said when it is not the outcome word."""
    outcome = outcome_label(row[ROW_OUTCOME]) or _("Not checked")
    app = app_name(row[ROW_APP]) if row[ROW_APP] else ""
    values = {
        "outcome": outcome,
        "app": app,
        "organisation": row[ROW_ORG],
        "job": row[ROW_JOB],
        "when": relative_time(row_checked_at(row), now),
    }
    if app and row[ROW_ORG]:
        sentence = _("{outcome}, {app} for {organisation}, job {job}, checked {when}.").format(**values)
    elif app:
        sentence = _("{outcome}, {app}, job {job}, checked {when}.").format(**values)
    elif row[ROW_ORG]:
        sentence = _("{outcome}, for {organisation}, job {job}, checked {when}.").format(**values)
    else:
        sentence = _("{outcome}, job {job}, checked {when}.").format(**values)
    status = row[ROW_STATUS].strip()
    if status and status.casefold() != outcome.casefold():
        sentence += " " + _("CINX said: {status}.").format(status=status.rstrip("."))
    return sentence


class HistoryModel(QStringListModel):
    """Newest first. ``set_filter`` shows only the entries whose fields contain the text (ignoring case).

    The Qt string list (the shown job ids) and ``_shown`` (their rows) always change together: each change
    goes through :meth:`_change`, which lets Qt change its list and brings ``_shown`` in line in the first
    slot of Qt's own "changed" signal, before any view hears of it.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[ListRow] = []
        self._shown: list[ListRow] = []
        self._needle = ""
        self._now: datetime | None = None
        self._pending: Callable[[], None] | None = None
        # Connected before any view can connect: these run first.
        self.modelReset.connect(self._apply_pending)
        self.rowsInserted.connect(self._apply_pending)
        self.rowsRemoved.connect(self._apply_pending)

    def _change(self, apply: Callable[[], None], qt_change: Callable[[], object]) -> None:
        self._pending = apply
        try:
            qt_change()
        finally:
            self._apply_pending()  # no-op if Qt's signal already applied it

    def _apply_pending(self, *_args: object) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending()

    def _show(self, rows: list[ListRow]) -> None:
        """Show exactly ``rows`` (one model reset)."""

        def apply() -> None:
            self._shown = rows

        self._change(apply, lambda: self.setStringList([row[ROW_JOB] for row in rows]))

    # --- content ---

    def set_now(self, now: datetime | None) -> None:
        """Pin the clock used for "5 min ago" (tests); ``None`` means the real clock."""
        self._now = now

    def set_entries(self, summaries: Iterable[HistorySummary]) -> None:
        self.set_rows([row_of_summary(summary) for summary in summaries])

    def set_rows(self, rows: Iterable[ListRow]) -> None:
        """All entries, newest first, as read by ``HistoryStore.list_rows()`` (one model reset)."""
        self._all = list(rows)
        self._show(self._filtered(self._all, self._needle))

    @property
    def filter_text(self) -> str:
        return self._needle

    def set_filter(self, text: str) -> None:
        needle = filter_needle(text)
        if needle == self._needle:
            return
        # Narrowing (one more letter) only needs to search what is shown now.
        source = self._shown if self._needle and needle.startswith(self._needle) else self._all
        self._needle = needle
        self._show(self._filtered(source, needle))

    @staticmethod
    def _filtered(source: list[ListRow], needle: str) -> list[ListRow]:
        if not needle:
            return list(source)
        return [row for row in source if needle in row[ROW_TEXT]]

    def prepend(self, summary: HistorySummary) -> bool:
        """Put an entry at the top; True if the current filter shows it. History holds one entry per job, so
        a job checked again moves up: its old row (same id) goes first."""
        self.remove_ids({summary.id})
        row = row_of_summary(summary)
        self._all.insert(0, row)
        if self._needle and self._needle not in row[ROW_TEXT]:
            return False
        self._change(lambda: self._shown.insert(0, row), lambda: self.insertRows(0, 1))
        super().setData(self.index(0), row[ROW_JOB])  # Qt's copy of the job id (shown rows are ours anyway)
        return True

    def trim(self, keep: int) -> None:
        """Forget all but the newest ``keep`` entries (the store has already dropped the rest)."""
        if len(self._all) <= keep:
            return
        dropped = {row[ROW_ID] for row in self._all[keep:]}
        del self._all[keep:]
        self._remove_shown(dropped)

    def remove_ids(self, ids: set[int]) -> None:
        self._all = [row for row in self._all if row[ROW_ID] not in ids]
        self._remove_shown(ids)

    def _remove_shown(self, ids: set[int]) -> None:
        rows = [n for n, row in enumerate(self._shown) if row[ROW_ID] in ids]
        # Remove contiguous runs from the bottom up, so earlier row numbers stay valid.
        runs: list[tuple[int, int]] = []
        for n in rows:
            if runs and runs[-1][0] + runs[-1][1] == n:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((n, 1))
        for first, count in reversed(runs):
            self._change(partial(self._drop_shown, first, count), partial(self.removeRows, first, count))

    def _drop_shown(self, first: int, count: int) -> None:
        del self._shown[first : first + count]

    def clear(self) -> None:
        self._all = []
        self._show([])

    def total_count(self) -> int:
        return len(self._all)

    def _row(self, index: AnyIndex | int) -> ListRow | None:
        n = index if isinstance(index, int) else (index.row() if index.isValid() else -1)
        if 0 <= n < len(self._shown):
            return self._shown[n]
        return None

    def summary(self, index: AnyIndex | int) -> HistorySummary | None:
        row = self._row(index)
        return None if row is None else summary_of_row(row)

    def row_of(self, entry_id: int) -> int:
        for n, row in enumerate(self._shown):
            if row[ROW_ID] == entry_id:
                return n
        return -1

    def refresh_times(self) -> None:
        """Tell views the relative times ("5 min ago") may have changed."""
        if self._shown:
            self.dataChanged.emit(
                self.index(0),
                self.index(len(self._shown) - 1),
                [RelativeTimeRole, Qt.ItemDataRole.ToolTipRole],
            )

    # --- the item model: Qt's own rowCount and index; only the data comes from here ---

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Not QStringListModel's editable and draggable items: the list is read-only.
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row[ROW_JOB]
        if role == Qt.ItemDataRole.DecorationRole:
            outcome = row[ROW_OUTCOME]
            return outcome_icon(outcome) if outcome in _OUTCOME_VALUES else None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [
                f"{outcome_label(row[ROW_OUTCOME])} · {row[ROW_JOB]}",
                _detail_line(row),
                format_local(row_checked_at(row)),
            ]
            return plain_tooltip("\n".join(line for line in lines if line))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_sentence(row, self._now)
        if role == SummaryRole:
            return summary_of_row(row)
        if role == IdRole:
            return row[ROW_ID]
        if role == OutcomeRole:
            return row[ROW_OUTCOME]
        if role == AppRole:
            return row[ROW_APP]
        if role == StatusRole:
            return row[ROW_STATUS]
        if role == OrganisationRole:
            return row[ROW_ORG]
        if role == RelativeTimeRole:
            return relative_time(row_checked_at(row), self._now or datetime.now(UTC))
        if role == DetailLineRole:
            return _detail_line(row)
        return None


class HistoryDelegate(QStyledItemDelegate):
    """Two lines per entry: [icon] job id ........ age / app · status · organisation (muted)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        # The view's font rarely changes: its two derived fonts and their metrics are made once per font,
        # not for every row painted (a repaint after each keystroke paints every visible row).
        self._cache: dict[str, tuple[QFont, QFont, QFontMetrics, QFontMetrics]] = {}

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFontMetrics, QFontMetrics]:
        key = option.font.key()
        fonts = self._cache.get(key)
        if fonts is None:
            mono = QFont(self._mono)
            mono.setPointSizeF(max(option.font.pointSizeF(), 1.0))
            small = QFont(option.font)
            small.setPointSizeF(max(option.font.pointSizeF() * 0.9, 1.0))
            fonts = self._cache[key] = (mono, small, QFontMetrics(mono), QFontMetrics(small))
        return fonts

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        _mono, _small, mono_metrics, small_metrics = self._fonts(option)
        height = mono_metrics.height() + small_metrics.height() + 12
        return QSize(200, max(height, 36))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        # The themed background (selection, hover, alternate rows) without the default text and icon.
        opt.text = ""
        opt.icon = QIcon()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        mono, small, mono_metrics, small_metrics = self._fonts(option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Active
            if option.state & QStyle.StateFlag.State_Active
            else (QPalette.ColorGroup.Inactive)
        )
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = option.palette.color(group, text_role)
        muted = option.palette.color(group, QPalette.ColorRole.PlaceholderText)
        if selected or _contrast_low(muted, option.palette.color(group, QPalette.ColorRole.Base)):
            muted = text_colour

        rect = option.rect.adjusted(8, 5, -8, -5)
        icon_size = 16
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        line1 = QRect(rect.left(), rect.top(), rect.width(), mono_metrics.height())
        if icon is not None and not icon.isNull():
            icon.paint(
                painter, QRect(rect.left(), line1.center().y() - icon_size // 2 + 1, icon_size, icon_size)
            )
        text_left = rect.left() + icon_size + 8

        painter.save()
        age = str(index.data(RelativeTimeRole) or "")
        painter.setFont(small)
        painter.setPen(muted)
        age_width = small_metrics.horizontalAdvance(age)
        age_rect = QRect(rect.right() - age_width, line1.top(), age_width, line1.height())
        painter.drawText(age_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), age)

        painter.setFont(mono)
        painter.setPen(text_colour)
        job_width = max(0, age_rect.left() - 8 - text_left)
        job = mono_metrics.elidedText(str(index.data() or ""), Qt.TextElideMode.ElideRight, job_width)
        painter.drawText(
            QRect(text_left, line1.top(), job_width, line1.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            job,
        )

        painter.setFont(small)
        painter.setPen(muted)
        line2 = QRect(text_left, line1.bottom() + 3, rect.right() - text_left, small_metrics.height())
        detail = small_metrics.elidedText(
            str(index.data(DetailLineRole) or ""), Qt.TextElideMode.ElideRight, line2.width()
        )
        painter.drawText(line2, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), detail)
        painter.restore()


def _contrast_low(fg: QColor, bg: QColor) -> bool:
    return contrast_ratio(fg, bg) < 4.5
