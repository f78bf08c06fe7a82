"""The history list's model: lightweight summaries of past checks, filtered in memory as the user types.

Made for 10,000 entries: it is filled from ``HistoryStore.summaries()`` (one query, no report JSON parsed),
and each entry's lower-case "haystack" (job id, outcome, status message, app, organisation) is computed once,
so a keystroke is one pass of ``in`` over plain strings and one model reset. Typing more letters only searches
the entries still shown.

Also the delegate that draws an entry on two lines: icon, job id and age; then app, status and organisation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ..core.outcome import Outcome
from ..core.ticket import format_local
from ..store.history import HistoryEntry, HistorySummary
from .badge import contrast_ratio
from .icons import outcome_icon
from .result_model import relative_time

SummaryRole = int(Qt.ItemDataRole.UserRole) + 1
IdRole = int(Qt.ItemDataRole.UserRole) + 2
OutcomeRole = int(Qt.ItemDataRole.UserRole) + 3
AppRole = int(Qt.ItemDataRole.UserRole) + 4
StatusRole = int(Qt.ItemDataRole.UserRole) + 5
OrganisationRole = int(Qt.ItemDataRole.UserRole) + 6
RelativeTimeRole = int(Qt.ItemDataRole.UserRole) + 7
DetailLineRole = int(Qt.ItemDataRole.UserRole) + 8

AnyIndex = QModelIndex | QPersistentModelIndex


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


def outcome_label(value: str) -> str:
    try:
        return Outcome(value).label
    except ValueError:
        return value


def haystack(summary: HistorySummary) -> str:
    """What the filter searches, lower-cased once; newlines keep a match from spanning two fields."""
    parts = (
        summary.job_id,
        outcome_label(summary.outcome),
        summary.status_message,
        summary.app,
        summary.organisation,
    )
    return "\n".join(part.casefold() for part in parts)


def prepare_entries(summaries: list[HistorySummary]) -> list[tuple[HistorySummary, str]]:
    """Each summary with its filter text. Pure Python, no Qt: the window runs it in the worker that opens the
    history, so 10,000 entries cost the GUI thread nothing before the list appears."""
    return [(summary, haystack(summary)) for summary in summaries]


def normalise_needle(text: str) -> str:
    return " ".join(text.split()).casefold()


class HistoryModel(QAbstractListModel):
    """Newest first. ``set_filter`` shows only the entries whose fields contain the text (ignoring case)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[tuple[HistorySummary, str]] = []
        self._shown: list[tuple[HistorySummary, str]] = []
        self._needle = ""
        self._now: datetime | None = None

    # --- content ---

    def set_now(self, now: datetime | None) -> None:
        """Pin the clock used for "5 min ago" (tests); ``None`` means the real clock."""
        self._now = now

    def set_entries(self, summaries: list[HistorySummary]) -> None:
        self.set_prepared(prepare_entries(summaries))

    def set_prepared(self, items: list[tuple[HistorySummary, str]]) -> None:
        """Like :meth:`set_entries` with the output of :func:`prepare_entries` (made off the GUI thread)."""
        self.beginResetModel()
        self._all = list(items)
        self._shown = self._filtered(self._all, self._needle)
        self.endResetModel()

    @property
    def filter_text(self) -> str:
        return self._needle

    def set_filter(self, text: str) -> None:
        needle = normalise_needle(text)
        if needle == self._needle:
            return
        # Narrowing (one more letter) only needs to search what is shown now.
        source = self._shown if self._needle and needle.startswith(self._needle) else self._all
        self.beginResetModel()
        self._needle = needle
        self._shown = self._filtered(source, needle)
        self.endResetModel()

    @staticmethod
    def _filtered(source: list[tuple[HistorySummary, str]], needle: str) -> list[tuple[HistorySummary, str]]:
        if not needle:
            return list(source)
        return [item for item in source if needle in item[1]]

    def prepend(self, summary: HistorySummary) -> bool:
        """Add a new entry at the top; True if the current filter shows it."""
        item = (summary, haystack(summary))
        self._all.insert(0, item)
        if self._needle and self._needle not in item[1]:
            return False
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._shown.insert(0, item)
        self.endInsertRows()
        return True

    def trim(self, keep: int) -> None:
        """Forget all but the newest ``keep`` entries (the store has already dropped the rest)."""
        if len(self._all) <= keep:
            return
        dropped = {item[0].id for item in self._all[keep:]}
        del self._all[keep:]
        self._remove_shown(dropped)

    def remove_ids(self, ids: set[int]) -> None:
        self._all = [item for item in self._all if item[0].id not in ids]
        self._remove_shown(ids)

    def _remove_shown(self, ids: set[int]) -> None:
        # Remove contiguous runs from the bottom up, so earlier row numbers stay valid.
        rows = [row for row, item in enumerate(self._shown) if item[0].id in ids]
        for row in reversed(rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._shown[row]
            self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._all = []
        self._shown = []
        self.endResetModel()

    def total_count(self) -> int:
        return len(self._all)

    def summary(self, index: AnyIndex | int) -> HistorySummary | None:
        row = index if isinstance(index, int) else (index.row() if index.isValid() else -1)
        if 0 <= row < len(self._shown):
            return self._shown[row][0]
        return None

    def row_of(self, entry_id: int) -> int:
        for row, item in enumerate(self._shown):
            if item[0].id == entry_id:
                return row
        return -1

    def refresh_times(self) -> None:
        """Tell views the relative times ("5 min ago") may have changed."""
        if self._shown:
            self.dataChanged.emit(
                self.index(0),
                self.index(len(self._shown) - 1),
                [RelativeTimeRole, Qt.ItemDataRole.ToolTipRole],
            )

    # --- QAbstractListModel ---

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        summary = self.summary(index)
        if summary is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return summary.job_id
        if role == Qt.ItemDataRole.DecorationRole:
            return outcome_icon(summary.outcome) if summary.outcome in Outcome._value2member_map_ else None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [
                f"{outcome_label(summary.outcome)} · {summary.job_id}",
                " · ".join(p for p in (summary.app, summary.status_message, summary.organisation) if p),
                format_local(summary.checked_at),
            ]
            return "\n".join(line for line in lines if line)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = (
                outcome_label(summary.outcome),
                summary.job_id,
                summary.app,
                summary.status_message,
                summary.organisation,
                relative_time(summary.checked_at, self._now),
            )
            return ", ".join(p for p in parts if p)
        if role == SummaryRole:
            return summary
        if role == IdRole:
            return summary.id
        if role == OutcomeRole:
            return summary.outcome
        if role == AppRole:
            return summary.app
        if role == StatusRole:
            return summary.status_message
        if role == OrganisationRole:
            return summary.organisation
        if role == RelativeTimeRole:
            return relative_time(summary.checked_at, self._now or datetime.now(UTC))
        if role == DetailLineRole:
            return " · ".join(p for p in (summary.app, summary.status_message, summary.organisation) if p)
        return None


class HistoryDelegate(QStyledItemDelegate):
    """Two lines per entry: [icon] job id ........ age / app · status · organisation (muted)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        mono = QFont(self._mono)
        mono.setPointSizeF(max(option.font.pointSizeF(), 1.0))
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() * 0.9, 1.0))
        return mono, small

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        mono, small = self._fonts(option)
        height = QFontMetrics(mono).height() + QFontMetrics(small).height() + 12
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

        mono, small = self._fonts(option)
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
        mono_metrics, small_metrics = QFontMetrics(mono), QFontMetrics(small)
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
