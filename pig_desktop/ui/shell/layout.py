"""The main window's widgets: header, banners, the job row, history beside the result, the extra panels.

Part of the first frame: parents by keyword and enums by their text (docs/architecture.md). The history panel
and the result pane replace their placeholders once they exist (``MainWindow``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.i18n import _
from pig_desktop.ui.batch.job_count import JobCountHint
from pig_desktop.ui.check.job_field import JobField
from pig_desktop.ui.check.org_notice import OrganisationNotice
from pig_desktop.ui.shell.actions import WindowActions, add_standard_shortcuts
from pig_desktop.ui.shell.banner import Banner
from pig_desktop.ui.shell.header import AppHeader
from pig_desktop.ui.system.qt_startup import set_by_name
from pig_desktop.ui.system.widgets import make_button

__all__ = [
    "JobRow",
    "JobRowSlots",
    "Shell",
    "SidewaysSplitter",
    "add_panel",
    "build_shell",
    "complete_shell",
    "fit_to_screen",
]


class JobRowSlots(NamedTuple):
    """What the job row's buttons do."""

    check: Callable[[], object]
    watch: Callable[[], object]
    cancel: Callable[[], object]


def _least_width(widget: QWidget) -> int:
    """The narrowest a layout lets ``widget`` be (its own minimum width wins over its hint)."""
    return max(widget.minimumSizeHint().width(), widget.minimumWidth())


class JobRow(QWidget):
    """The job row: label, field and buttons on one line when they fit; on a narrow window (a small screen, a
    200 % scale) the buttons move to a line of their own instead of squeezing over the field. The hint and
    the watch status always sit under the field."""

    def __init__(
        self, parent: QWidget, label: QLabel, field: QWidget, buttons: list[QPushButton], below: list[QWidget]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("jobRow")
        self._label, self._field, self._below = label, field, below
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(4)
        self._grid.setColumnStretch(1, 1)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(8)
        # Reparented in reading order: that is the order of the focus chain too.
        for widget in (label, field, *buttons, *below):
            widget.setParent(self)
        for button in buttons:
            self._buttons.addWidget(button)
        self._stacked: bool | None = None
        self._arrange(False)

    @property
    def stacked(self) -> bool:
        """True while the buttons are on their own line."""
        return bool(self._stacked)

    def _arrange(self, stacked: bool) -> None:
        if stacked == self._stacked:
            return
        self._stacked = stacked
        grid = self._grid
        for widget in (self._label, self._field, *self._below):
            grid.removeWidget(widget)
        grid.removeItem(self._buttons)
        grid.addWidget(self._label, 0, 0)
        grid.addWidget(self._field, 0, 1)
        row = 1
        if stacked:
            grid.addLayout(self._buttons, 1, 1)
            row = 2
        else:
            grid.addLayout(self._buttons, 0, 2)
        for widget in self._below:
            grid.addWidget(widget, row, 1, 1, 2)
            row += 1
        self.updateGeometry()

    def one_line_width(self) -> int:
        """The width the row needs to keep the buttons beside the field."""
        spacing = self._grid.horizontalSpacing()
        return (
            self._label.sizeHint().width()
            + _least_width(self._field)
            + self._buttons.sizeHint().width()
            + 2 * spacing
        )

    def minimumSizeHint(self) -> QSize:
        # As narrow as the stacked arrangement allows: the row stacks rather than holding the window wide.
        spacing = self._grid.horizontalSpacing()
        width = (
            self._label.sizeHint().width()
            + spacing
            + max(_least_width(self._field), self._buttons.minimumSize().width())
        )
        return QSize(width, self._grid.minimumSize().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width() < self.one_line_width())
        super().resizeEvent(event)


class SidewaysSplitter(QSplitter):
    """History beside the result while the window is wide enough; above it on a narrow one, so neither is
    squeezed below a usable width."""

    def __init__(self, parent: QWidget, narrow_below: int) -> None:
        super().__init__(parent=parent)
        self._narrow_below = narrow_below
        self._orientation = "Horizontal"  # by name: no Qt enum before the first paint

    @property
    def sideways(self) -> bool:
        """True while history and result are side by side."""
        return self._orientation == "Horizontal"

    def resizeEvent(self, event: QResizeEvent) -> None:
        wanted = "Vertical" if event.size().width() < self._narrow_below else "Horizontal"
        if self._orientation != wanted:
            self._orientation = wanted
            set_by_name(self, "orientation", wanted)
        super().resizeEvent(event)


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Size ``window`` to ``width`` x ``height`` or less, so that it opens inside the screen's available area
    (the screen less panels and docks) at any scale, centred on it."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    area = screen.availableGeometry()
    # A little room for the window manager's frame and title bar, which are not known before showing.
    w = min(width, area.width() * 19 // 20)
    h = min(height, area.height() * 9 // 10)
    window.resize(w, h)
    window.move(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 3)


class Shell(NamedTuple):
    header: AppHeader
    banner: Banner
    offer_banner: Banner
    job_field: JobField
    check_button: QPushButton
    watch_button: QPushButton
    cancel_button: QPushButton
    watch_label: QLabel
    count_hint: JobCountHint
    org_notice: OrganisationNotice
    splitter: QSplitter
    panels: QSplitter
    history_placeholder: QLabel
    result_placeholder: QLabel


def build_shell(window: QMainWindow, slots: JobRowSlots) -> Shell:
    central = QWidget(window)
    central.setObjectName("centralWidget")
    outer = QVBoxLayout(central)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(0)
    header = AppHeader(central)
    outer.addWidget(header)
    line = QFrame(central)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    outer.addWidget(line)

    body = QWidget(central)
    body_layout = QVBoxLayout(body)
    body_layout.setContentsMargins(16, 12, 16, 8)
    body_layout.setSpacing(10)
    banner = Banner(body, "banner")
    offer_banner = Banner(body, "clipboardOffer")
    body_layout.addWidget(banner)
    body_layout.addWidget(offer_banner)

    job_field = JobField(body, own_layout=False)
    job_field.hide()
    job_label = QLabel(_("&Job:"), body)
    job_label.setBuddy(job_field.edit)
    check_button = make_button(
        body, _("Check"), "checkButton", _("Check the job"), slots.check,
        _("Ask CINX about this job now (Enter)"),
    )  # fmt: skip
    check_button.setDefault(True)
    watch_button = make_button(
        body, _("Watch until finished"), "watchButton", _("Watch the job until it finishes"),
        slots.watch,
    )  # fmt: skip
    cancel_button = make_button(
        body, _("Cancel"), "cancelButton", _("Cancel the check"), slots.cancel,
        _("Stop the check that is running"),
    )  # fmt: skip
    cancel_button.setEnabled(False)
    watch_label = QLabel(body)
    watch_label.setObjectName("watchStatusLabel")
    watch_label.setAccessibleName(_("Watch status"))
    watch_label.setWordWrap(True)
    watch_label.hide()
    # How many ids a paste holds (several: Check opens the batch view), and a link's other server.
    count_hint = JobCountHint(body)
    # "This job belongs to <organisation>" with its Switch button.
    org_notice = OrganisationNotice(body)
    buttons = [check_button, watch_button, cancel_button]
    job_row = JobRow(
        body, job_label, job_field.edit, buttons, [job_field.hint, count_hint, org_notice, watch_label]
    )
    body_layout.addWidget(job_row)

    # History | result. The first frame shows placeholders; the result pane (a heavy import) and the
    # history panel (once its database is open) replace them right after the first paint.
    em = body.fontMetrics().horizontalAdvance("M")
    splitter = SidewaysSplitter(body, narrow_below=em * 50)  # horizontal; parents by keyword
    splitter.setObjectName("mainSplitter")
    splitter.setChildrenCollapsible(False)
    history_placeholder = QLabel(_("Loading recent checks\u2026"), splitter)
    result_placeholder = QLabel(_("No job checked yet.\nPaste a job id above and press Enter."), splitter)
    result_placeholder.setObjectName("resultPlaceholder")
    history_placeholder.setMinimumWidth(220)
    for placeholder in (history_placeholder, result_placeholder):
        set_by_name(placeholder, "alignment", "AlignCenter")
        placeholder.setEnabled(False)
        splitter.addWidget(placeholder)
    splitter.setStretchFactor(0, 0)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([360, 700])
    # Extra panels (the watch list) go below history and result, in a vertical splitter.
    panels = QSplitter(parent=body)
    set_by_name(panels, "orientation", "Vertical")
    panels.setObjectName("panelSplitter")
    panels.setChildrenCollapsible(False)
    panels.addWidget(splitter)
    body_layout.addWidget(panels, 1)
    outer.addWidget(body, 1)
    # On a small screen (or at 200 %) the window may be smaller than its content needs: then the content
    # scrolls, every control at its usable size, instead of being squeezed until widgets overlap.
    scroll = QScrollArea(parent=window)
    scroll.setObjectName("centralScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    set_by_name(scroll, "focusPolicy", "NoFocus")
    scroll.setWidget(central)
    window.setCentralWidget(scroll)
    window.setTabOrder(job_field.edit, check_button)
    window.setTabOrder(check_button, watch_button)
    window.setTabOrder(watch_button, cancel_button)
    window.statusBar().setObjectName("statusBar")
    window.statusBar().setSizeGripEnabled(True)

    return Shell(
        header,
        banner,
        offer_banner,
        job_field,
        check_button,
        watch_button,
        cancel_button,
        watch_label,
        count_hint,
        org_notice,
        splitter,
        panels,
        history_placeholder,
        result_placeholder,
    )


def complete_shell(shell: Shell, actions: WindowActions) -> None:
    """What the first frame leaves out, added right after it, before a key press or a menu can reach it:
    the job field's clear button (Qt looks its icon up in the desktop's icon theme, a search of the theme's
    folders on X11; the button shows only once there is text) and the platform's Save and Refresh keys."""
    shell.job_field.edit.setClearButtonEnabled(True)
    add_standard_shortcuts(actions)


def add_panel(window: QWidget, panels: QSplitter, widget: QWidget, title: str) -> None:
    """Place an extra panel (the watch list) below history and result, a quarter of the height."""
    frame = QFrame(window)
    frame.setObjectName(f"panel-{widget.objectName() or 'extra'}")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(0, 6, 0, 0)
    layout.setSpacing(4)
    label = QLabel(title, frame)
    bold = QFont(label.font())
    bold.setBold(True)
    label.setFont(bold)
    layout.addWidget(label)
    inner = widget.layout()
    if inner is not None:
        inner.setContentsMargins(0, 0, 0, 0)  # the window's margins already apply
    layout.addWidget(widget)
    panels.addWidget(frame)
    panels.setStretchFactor(0, 3)
    panels.setStretchFactor(panels.count() - 1, 1)
    extra = panels.count() - 1
    total = max(400, panels.height())
    share = total // (3 + extra)
    panels.setSizes([total - share * extra] + [share] * extra)
