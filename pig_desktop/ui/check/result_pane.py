"""The result pane: outcome badge, a plain sentence, the result tree, a raw JSON view and copy/save buttons.

Everything here happens on the GUI thread and is cheap: the tree model builds only what is shown, the raw JSON
text is made only when the raw view is opened, and the ticket text only when it is copied. Errors (a file that
cannot be saved) are reported through the ``notice`` signal for the window's status bar, never in a modal box.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFontDatabase, QGuiApplication, QHelpEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.core.outcome import StatusReport
from pig_desktop.core.summary import job_summary
from pig_desktop.core.ticket import (
    TicketContext,
    format_local,
    mask_text,
    mask_value,
    report_json,
    stored_cut_text,
    ticket_html,
    ticket_text,
)
from pig_desktop.core.walk import dumps
from pig_desktop.i18n import N_, _
from pig_desktop.store.atomic import write_text_atomically
from pig_desktop.ui.check.badge import OutcomeBadge
from pig_desktop.ui.check.result_model import (
    FIELD_COLUMN,
    VALUE_COLUMN,
    CopyTextRole,
    ElidedRole,
    FullTextRole,
    ResultModel,
    relative_time,
)
from pig_desktop.ui.system.accessibility import FocusedRowOnlyWithFocus
from pig_desktop.ui.system.plain_text import plain_tooltip

log = logging.getLogger(__name__)

EXPANDED_GROUPS = ("job", "args", "response", "answer")
TEXT_FILTER = N_("Text (*.txt)")
JSON_FILTER = N_("JSON (*.json)")


FULL_VALUE_LINE = 1000


def _broken_lines(text: str) -> list[str]:
    """``text``'s lines, each cut into pieces of at most FULL_VALUE_LINE characters."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(line[i : i + FULL_VALUE_LINE] for i in range(0, max(len(line), 1), FULL_VALUE_LINE))
    return lines


class _ElidedTipDelegate(QStyledItemDelegate):
    """Shows the full text as a tooltip when a cell is elided (plus the model's own tooltip, if any), and
    gives rows a little air: the default rows are cramped for reading dozens of fields."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), hint.height() + max(4, option.fontMetrics.height() // 3))

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event is None or event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        margin = view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) * 2 + 4
        elided = opt.fontMetrics.horizontalAdvance(text) + margin > opt.rect.width()
        if elided:
            full = text if not tip else f"{text}\n{tip}"  # both plain text, escaped by plain_tooltip
            # Rich text so that Qt wraps a long value instead of making a screen-wide tooltip.
            QToolTip.showText(event.globalPos(), plain_tooltip(full), view)
            return True
        if tip:
            # A JSON key from the server can be the tooltip: shown as text, never as markup.
            QToolTip.showText(event.globalPos(), plain_tooltip(str(tip)), view)
            return True
        return super().helpEvent(event, view, option, index)


class ResultPane(QWidget):
    """Shows one :class:`StatusReport` (or the empty / checking state) and copies or saves it."""

    notice = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultPane")
        self._report: StatusReport | None = None
        self._ticket: TicketContext | None = None
        self._raw_for: StatusReport | None = None  # the report whose raw text the raw view holds

        self.badge = OutcomeBadge(self)
        self.job_label = QLabel(self)
        self.job_label.setObjectName("resultJobLabel")
        self.job_label.setTextFormat(Qt.TextFormat.PlainText)  # the job id is the user's paste: never markup
        self.job_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Selectable with the mouse, but no focus stop of its own (empty before a check, it read as nothing).
        self.job_label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.job_label.setWordWrap(True)
        # No fixed accessible name: a screen reader reads the label's own text (the job and the time).
        self.job_label.setAccessibleDescription(_("Job and time of the check"))
        self.job_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.sentence = QLabel(self)
        self.sentence.setObjectName("resultSentence")
        self.sentence.setWordWrap(True)
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # The sentence itself is what a screen reader reads; the description says what it is.
        self.sentence.setAccessibleDescription(_("What the result means"))
        self.sentence.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        # The job's outcome changes, under the sentence ("Queued 10:02, Processing 10:05, Processed 10:09").
        self.timeline = QLabel(self)
        self.timeline.setObjectName("resultTimeline")
        self.timeline.setWordWrap(True)
        self.timeline.setTextFormat(Qt.TextFormat.PlainText)
        self.timeline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timeline.setAccessibleName(_("What happened to the job so far"))
        self.timeline.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.timeline.hide()

        # One plain sentence about the job (app, organisation, who, when, files, how it ended), above the
        # details: what a non-technical person takes away, and what "Copy for ticket" starts with.
        self.summary = QLabel(self)
        self.summary.setObjectName("resultSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # built from CINX's values: never markup
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.summary.setAccessibleDescription(_("Summary of the job"))
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.summary.hide()

        self.model = ResultModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("resultTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setItemDelegate(_ElidedTipDelegate(self.tree))
        self._tree_focus = FocusedRowOnlyWithFocus(self.tree)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_menu)
        self.tree.setAccessibleName(_("Result details"))
        self.tree.setAccessibleDescription(
            _("The job, its arguments and CINX's answer. Right-click a row to copy it.")
        )
        # However small the window, the tree keeps a few rows in sight (the window scrolls instead).
        self.tree.setMinimumHeight(self.fontMetrics().height() * 9)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(FIELD_COLUMN, QHeaderView.ResizeMode.Interactive)

        self.show_all_action = QAction(_("Show all"), self.tree)
        self.show_all_action.setObjectName("showAllAction")
        self.show_all_action.triggered.connect(self.show_all)
        self.show_all_button = QPushButton(_("Show all"), self)
        self.show_all_button.setObjectName("showAllButton")
        self.show_all_button.setToolTip(_("Show the whole of a long value"))
        self.show_all_button.setAccessibleName(_("Show the whole value"))
        self.show_all_button.clicked.connect(self.show_all)
        self.show_all_button.hide()
        self.tree.selectionModel().currentChanged.connect(self._update_show_all)
        self.model.modelReset.connect(self._update_show_all)

        self.copy_value_action = QAction(_("Copy value"), self.tree)
        self.copy_value_action.triggered.connect(self.copy_value)
        self.copy_row_action = QAction(_("Copy row"), self.tree)
        self.copy_row_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_row_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_row_action.triggered.connect(self.copy_row)
        self.tree.addAction(self.copy_row_action)

        self.raw_view = QPlainTextEdit(self)
        self.raw_view.setObjectName("rawJsonView")
        self.raw_view.setReadOnly(True)
        self.raw_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw_view.setAccessibleName(_("Raw JSON answer"))

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("resultEmptyLabel")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)  # the disabled (grey) text colour: a hint, not content
        self.empty_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.raw_view)

        self.raw_button = QPushButton(_("Raw JSON"), self)
        self.raw_button.setObjectName("rawJsonButton")
        self.raw_button.setCheckable(True)
        self.raw_button.setToolTip(_("Show CINX's answer exactly as it was received"))
        self.raw_button.setAccessibleName(_("Show raw JSON"))
        self.raw_button.toggled.connect(self._show_raw)

        self.copy_ticket_button = QPushButton(_("Copy for ticket"), self)
        self.copy_ticket_button.setObjectName("copyTicketButton")
        self.copy_ticket_button.setToolTip(_("Copy a summary for a support ticket (Ctrl+Shift+C)"))
        self.copy_ticket_button.setAccessibleName(_("Copy for a support ticket"))
        self.copy_ticket_button.setAccessibleDescription(
            _("Puts a summary of this job on the clipboard. Your password is never included.")
        )
        self.copy_ticket_button.clicked.connect(self.copy_ticket)

        self.copy_link_button = QPushButton(_("Copy link"), self)
        self.copy_link_button.setObjectName("copyLinkButton")
        self.copy_link_button.setToolTip(_("Copy a pig-desktop:// link that opens this job in PIG Desktop"))
        self.copy_link_button.setAccessibleName(_("Copy a link to this job"))
        self.copy_link_button.clicked.connect(self.copy_link)

        self.copy_json_button = QPushButton(_("Copy JSON"), self)
        self.copy_json_button.setObjectName("copyJsonButton")
        self.copy_json_button.setToolTip(_("Copy the full result as JSON"))
        self.copy_json_button.setAccessibleName(_("Copy JSON"))
        self.copy_json_button.clicked.connect(self.copy_json)

        self.save_button = QPushButton(_("Save as…"), self)
        self.save_button.setObjectName("saveResultButton")
        self.save_button.setToolTip(_("Save the result as a text or JSON file"))
        self.save_button.setAccessibleName(_("Save result as a file"))
        self.save_button.clicked.connect(self.save_as)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.job_label, 1, Qt.AlignmentFlag.AlignVCenter)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.raw_button)
        buttons.addWidget(self.show_all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_ticket_button)
        buttons.addWidget(self.copy_link_button)
        buttons.addWidget(self.copy_json_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.sentence)
        layout.addWidget(self.summary)
        layout.addWidget(self.timeline)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

        self.setTabOrder(self.tree, self.raw_button)
        self.setTabOrder(self.raw_button, self.copy_ticket_button)
        self.setTabOrder(self.copy_ticket_button, self.copy_link_button)
        self.setTabOrder(self.copy_link_button, self.copy_json_button)
        self.setTabOrder(self.copy_json_button, self.save_button)
        self._show_empty(_("No job checked yet.\nPaste a job id above and press Enter."))

    # --- state ---

    def report(self) -> StatusReport | None:
        return self._report

    def ticket_context(self) -> TicketContext:
        return self._ticket or TicketContext()

    def set_report(self, report: StatusReport | None, ticket: TicketContext | None = None) -> None:
        self._report = report
        if ticket is not None or report is None:
            self._ticket = ticket
        rebuilt = self.model.set_report(report)
        self._raw_for = None
        if report is None:
            self.badge.clear()
            self.sentence.clear()
            self.sentence.hide()
            self.summary.clear()
            self.summary.hide()
            self.timeline.clear()
            self.timeline.hide()
            self.job_label.clear()
            self._show_empty(_("No job checked yet.\nPaste a job id above and press Enter."))
            return
        self.badge.set_report(report)
        self.sentence.setText(report.message)
        self.sentence.show()
        summary = mask_text(job_summary(report), self._ticket)
        self.summary.setText(summary)
        self.summary.setVisible(bool(summary))
        self._show_timeline(self.ticket_context())
        checked = report.checked_at
        self.job_label.setText(
            _("Job {job} · checked {when}").format(
                job=report.job_id or _("(no id)"), when=relative_time(checked)
            )
        )
        self.job_label.setToolTip(format_local(checked))
        self._set_buttons(True)
        if rebuilt:  # updated in place, the tree keeps what the user opened and closed
            for group in EXPANDED_GROUPS:
                index = self.model.group_index(group)
                if index.isValid():
                    self.tree.expand(index)
            self._fit_field_column()
        if self.raw_button.isChecked():
            self._fill_raw()
            self.stack.setCurrentWidget(self.raw_view)
        else:
            self.stack.setCurrentWidget(self.tree)

    def set_ticket_context(self, ctx: TicketContext) -> None:
        """New context for the report on screen (its timeline grew): the line under the sentence follows."""
        if self._report is None:
            return
        self._ticket = ctx
        self._show_timeline(ctx)

    def _show_timeline(self, ctx: TicketContext) -> None:
        lines = []
        if ctx.timeline:
            lines.append(_("So far: {timeline}").format(timeline=ctx.timeline))
        cut = stored_cut_text(ctx.stored_cut_bytes)
        if cut:
            lines.append(cut)
        self.timeline.setText("\n".join(lines))
        self.timeline.setVisible(bool(lines))

    def set_checking(self, job_id: str) -> None:
        """A check of ``job_id`` is running: neutral badge; a different job's old result is cleared."""
        self.badge.set_checking(_("Checking…"))
        self.sentence.setText(_("Asking CINX about job {job}…").format(job=job_id))
        self.sentence.show()
        if self._report is None or not self._report.is_about(job_id):
            self._report = None
            self.model.set_report(None)
            self.summary.clear()
            self.summary.hide()
            self.job_label.clear()
            self._show_empty(_("Asking CINX…"))

    def _show_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self.stack.setCurrentWidget(self.empty_label)
        self._set_buttons(False)
        if not self.sentence.text():
            self.sentence.hide()

    def _set_buttons(self, enabled: bool) -> None:
        for button in (
            self.raw_button,
            self.copy_ticket_button,
            self.copy_link_button,
            self.copy_json_button,
            self.save_button,
        ):
            button.setEnabled(enabled)

    def _fit_field_column(self) -> None:
        self.tree.resizeColumnToContents(FIELD_COLUMN)
        # A gap between the labels and the values, so the two columns read apart.
        gap = self.fontMetrics().horizontalAdvance("M") * 2
        self.tree.setColumnWidth(FIELD_COLUMN, self.tree.columnWidth(FIELD_COLUMN) + gap)
        # Long unknown keys must not push the values out of sight: cap the label column.
        cap = max(self.fontMetrics().horizontalAdvance("M") * 18, self.tree.viewport().width() * 2 // 5)
        if self.tree.columnWidth(FIELD_COLUMN) > cap:
            self.tree.setColumnWidth(FIELD_COLUMN, cap)

    # --- raw view ---

    def raw_text(self) -> str:
        """What the raw view shows: the body as pretty JSON (token masked), or the unreadable text."""
        report = self._report
        if report is None:
            return ""
        if report.body is not None:
            return dumps(mask_value(report.body, self._ticket), indent=2, ensure_ascii=False) + "\n"
        if report.raw_text:
            return report.raw_text
        return report_json(report, self._ticket)

    def _fill_raw(self) -> None:
        if self._raw_for is not self._report:
            # One 3.5 MB line would take Qt minutes to lay out: shown in pieces ("Copy JSON" copies it exact).
            self.raw_view.setPlainText("\n".join(_broken_lines(self.raw_text())))
            self._raw_for = self._report

    def _show_raw(self, on: bool) -> None:
        if self._report is None:
            return
        if on:
            self._fill_raw()
            self.stack.setCurrentWidget(self.raw_view)
        else:
            self.stack.setCurrentWidget(self.tree)

    # --- copying and saving ---

    def copy_ticket(self) -> None:
        """Put the support-ticket summary on the clipboard as plain text and HTML."""
        if self._report is None:
            self.notice.emit(_("Check a job first, then copy it for a ticket."))
            return
        ctx = self.ticket_context()
        mime = QMimeData()
        mime.setText(ticket_text(self._report, ctx))
        mime.setHtml(ticket_html(self._report, ctx))
        QGuiApplication.clipboard().setMimeData(mime)
        self.notice.emit(_("Copied for a support ticket"))

    def copy_link(self) -> str:
        """Put ``pig-desktop://job/<id>`` (with the CINX server, never a custom address) on the clipboard."""
        if self._report is None:
            self.notice.emit(_("Check a job first, then copy its link."))
            return ""
        from pig_desktop.core.ticket import copy_link_text

        server = self._report.server or self.ticket_context().server
        link = copy_link_text(self._report.job_id, server)
        QGuiApplication.clipboard().setText(link)
        self.notice.emit(_("Copied the link: {link}").format(link=link))
        return link

    def copy_json(self) -> None:
        if self._report is None:
            return
        QGuiApplication.clipboard().setText(report_json(self._report, self.ticket_context()))
        self.notice.emit(_("Copied the result as JSON"))

    def _current_index(self) -> QModelIndex:
        return self._tree_focus.current()

    def _update_show_all(self, *_args: object) -> None:
        index = self._current_index()
        elided = index.isValid() and bool(index.siblingAtColumn(VALUE_COLUMN).data(ElidedRole))
        self.show_all_button.setVisible(elided)
        self.show_all_action.setEnabled(elided)

    def show_all(self) -> None:
        """The whole of the current (elided) value, in a read-only text view of its own."""
        index = self._current_index()
        if not index.isValid():
            return
        value = index.siblingAtColumn(VALUE_COLUMN)
        dialog = QDialog(self)
        dialog.setObjectName("fullValueDialog")
        dialog.setWindowTitle(str(index.siblingAtColumn(FIELD_COLUMN).data() or _("Value")))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        text = QPlainTextEdit(dialog)
        text.setObjectName("fullValueText")
        text.setReadOnly(True)
        text.setAccessibleName(_("The whole value"))
        full = str(value.data(FullTextRole) or "")
        # Qt lays out a text block whole, in more than linear time: one 3.5 MB line froze the window for
        # minutes. Shown in lines of at most FULL_VALUE_LINE characters; "Copy" copies the exact value.
        text.setPlainText("\n".join(_broken_lines(full)))
        copy = QPushButton(_("Copy"), dialog)
        copy.setObjectName("fullValueCopyButton")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(full))
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(copy, 0, Qt.AlignmentFlag.AlignRight)
        dialog.resize(700, 450)
        dialog.show()  # not exec(): a nested event loop would hold up queued results

    def copy_value(self) -> None:
        index = self._current_index()
        if not index.isValid():
            return
        value = index.siblingAtColumn(VALUE_COLUMN).data(Qt.ItemDataRole.DisplayRole) or ""
        QGuiApplication.clipboard().setText(str(value))
        self.notice.emit(_("Copied the value"))

    def copy_row(self) -> None:
        index = self._current_index()
        if not index.isValid():
            return
        if self.model.hasChildren(index.siblingAtColumn(0)):
            text = self.model.copy_text(index.siblingAtColumn(0))
        else:
            text = str(index.data(CopyTextRole) or "")
        QGuiApplication.clipboard().setText(text)
        self.notice.emit(_("Copied the row"))

    def context_menu(self, index: QModelIndex) -> QMenu:
        """The tree's right-click menu for ``index`` (made current, so the actions work on it)."""
        self.tree.setCurrentIndex(index)
        menu = QMenu(self.tree)
        menu.addAction(self.copy_value_action)
        menu.addAction(self.copy_row_action)
        if index.siblingAtColumn(VALUE_COLUMN).data(ElidedRole):
            menu.addAction(self.show_all_action)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if index.isValid():
            menu = self.context_menu(index)
            # popup(), not exec(): a nested event loop would hold up every queued signal (watch results,
            # finished checks) until the menu closes.
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _default_file_name(self) -> str:
        job = self._report.job_id if self._report else ""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", job).strip("._")[:64]
        return f"pig-job-{safe}.txt" if safe else "pig-job.txt"

    def save_as(self) -> None:
        """Ask where, then write the ticket text (.txt) or the JSON (.json) atomically."""
        if self._report is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        start = str(Path(folder) / self._default_file_name()) if folder else self._default_file_name()
        path_text, chosen = QFileDialog.getSaveFileName(
            self,
            _("Save the result"),
            start,
            f"{_(TEXT_FILTER)};;{_(JSON_FILTER)}",
        )
        if not path_text:
            return
        path = Path(path_text)
        suffix = path.suffix.lower()
        if suffix == ".json":
            as_json = True
        elif suffix == ".txt":
            as_json = False
        else:
            as_json = "json" in (chosen or "").lower()
            if not suffix:
                path = path.with_suffix(".json" if as_json else ".txt")
        ctx = self.ticket_context()
        content = report_json(self._report, ctx) if as_json else ticket_text(self._report, ctx)
        try:
            write_text_atomically(path, content)
        except OSError as exc:
            log.warning("Could not save the result to %s: %s", path, exc)
            reason = exc.strerror or type(exc).__name__
            self.notice.emit(
                _("Couldn't save the file ({reason}). Choose another folder and try again.").format(
                    reason=reason
                )
            )
            return
        self.notice.emit(_("Saved to {name}").format(name=path.name))
