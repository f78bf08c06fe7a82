"""The main window's widgets: header, banners, the job row, history beside the result, the extra panels.

Part of the first frame: parents by keyword and enums by their text (docs/architecture.md). The history panel
and the result pane replace their placeholders once they exist (``MainWindow``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.i18n import _
from pig_desktop.ui.batch.job_count import JobCountHint
from pig_desktop.ui.check.job_field import JobField
from pig_desktop.ui.check.org_notice import OrganisationNotice
from pig_desktop.ui.shell.banner import Banner
from pig_desktop.ui.shell.header import AppHeader
from pig_desktop.ui.system.qt_startup import set_by_name
from pig_desktop.ui.system.widgets import make_button

__all__ = ["JobRowSlots", "Shell", "add_panel", "build_shell"]


@dataclass(frozen=True)
class JobRowSlots:
    """What the job row's buttons do."""

    check: Callable[[], object]
    watch: Callable[[], object]
    cancel: Callable[[], object]


@dataclass(frozen=True)
class Shell:
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
    grid = QGridLayout()
    grid.setHorizontalSpacing(8)
    grid.setVerticalSpacing(4)
    for column, widget in enumerate((job_label, job_field.edit, check_button)):
        grid.addWidget(widget, 0, column)
    grid.addWidget(watch_button, 0, 3)
    grid.addWidget(cancel_button, 0, 4)
    grid.addWidget(job_field.hint, 1, 1, 1, 4)
    # How many ids a paste holds (several: Check opens the batch view), and a link's other server.
    count_hint = JobCountHint(body)
    grid.addWidget(count_hint, 2, 1, 1, 4)
    # "This job belongs to <organisation>" with its Switch button.
    org_notice = OrganisationNotice(body)
    grid.addWidget(org_notice, 3, 1, 1, 4)
    grid.addWidget(watch_label, 4, 1, 1, 4)
    grid.setColumnStretch(1, 1)
    body_layout.addLayout(grid)

    # History | result. The first frame shows placeholders; the result pane (a heavy import) and the
    # history panel (once its database is open) replace them right after the first paint.
    splitter = QSplitter(parent=body)  # horizontal; parents by keyword (docs/architecture.md)
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
    window.setCentralWidget(central)
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
