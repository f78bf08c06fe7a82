"""The tray icon: overall state at a glance (idle, watching N, a failure needs attention, paused) and a menu.

The menu is rebuilt each time it opens (``aboutToShow``), so it always lists the jobs watched right now. When
there is no system tray (``QSystemTrayIcon.isSystemTrayAvailable()`` is False: plain GNOME, offscreen), no
icon is made at all and :attr:`TrayController.available` is False; the app then works from its window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from pig_desktop.i18n import _, ngettext
from pig_desktop.ui.watching.finished_model import FinishedModel, finished_when, outcome_of
from pig_desktop.ui.watching.model import WatchModel, app_of

log = logging.getLogger(__name__)

__all__ = ["TrayController", "tray_state"]

MAX_MENU_JOBS = 15
MAX_MENU_FINISHED = 8


def tray_state(watched: int, paused: bool, attention: bool, unseen: int = 0) -> str:
    """The icon to show: "paused", "attention" (a failure, or a finished job not opened yet), "watching" or
    "idle"."""
    if paused and watched:
        return "paused"
    if attention or unseen:
        return "attention"
    return "watching" if watched else "idle"


def tray_tooltip(state: str, watched: int, unseen: int = 0, failed: bool = False) -> str:
    # Whole sentences per number: a translator may need to change more than the noun.
    if state == "paused":
        text = ngettext(
            "PIG Desktop: watching paused ({count} job)",
            "PIG Desktop: watching paused ({count} jobs)",
            watched,
        ).format(count=watched)
    elif watched:
        text = ngettext(
            "PIG Desktop: watching {count} job", "PIG Desktop: watching {count} jobs", watched
        ).format(count=watched)
    else:
        text = _("PIG Desktop: not watching any jobs")
    if unseen:
        text += "\n" + ngettext(
            "{count} job finished that you have not opened yet",
            "{count} jobs finished that you have not opened yet",
            unseen,
        ).format(count=unseen)
    elif failed or state == "attention":
        text += "\n" + _("A job failed: open the window to see it")
    return text


class TrayController(QObject):
    """Owns the QSystemTrayIcon (when there is a tray) and asks for things through signals."""

    show_window_requested = Signal()
    finished_list_requested = Signal()  # "Show all finished jobs"
    job_requested = Signal(str)  # open this job's details
    pause_requested = Signal(bool)  # True: pause, False: resume
    quit_requested = Signal()
    message_clicked = Signal()

    def __init__(
        self,
        model: WatchModel,
        parent: QObject | None = None,
        *,
        available: bool | None = None,
        finished: FinishedModel | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.finished = finished if finished is not None else FinishedModel(self)
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        self.paused = False
        self.attention = False
        self.state = ""
        self.icon: QSystemTrayIcon | None = None
        self.menu: QMenu | None = None
        if self.available:
            self.menu = QMenu()
            self.menu.setObjectName("trayMenu")
            self.menu.aboutToShow.connect(self.rebuild_menu)
            self.icon = QSystemTrayIcon(self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.icon.messageClicked.connect(self.message_clicked.emit)
            self.rebuild_menu()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
            signal.connect(self.update_state)
        self.finished.modelReset.connect(self.update_state)
        self.update_state()

    def show(self) -> None:
        if self.icon is not None:
            self.icon.show()

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.update_state()

    def set_attention(self, attention: bool) -> None:
        self.attention = attention
        self.update_state()

    def update_state(self) -> None:
        watched, failing = self.model.summary()
        unseen = self.finished.unseen_count()
        state = tray_state(watched, self.paused, self.attention or failing > 0, unseen)
        tooltip = tray_tooltip(state, watched, unseen, failing > 0)
        if state == self.state and (self.icon is None or self.icon.toolTip() == tooltip):
            return
        self.state = state
        if self.icon is not None:
            from pig_desktop.ui.system.icons import tray_icon

            self.icon.setIcon(tray_icon(state))
            self.icon.setToolTip(tooltip)

    def tooltip(self) -> str:
        watched, failing = self.model.summary()
        return tray_tooltip(self.state, watched, self.finished.unseen_count(), failing > 0)

    def show_message(self, title: str, body: str, *, warning: bool = False, msecs: int = 8000) -> bool:
        """A balloon/notification through the tray. False when there is no tray or it cannot show messages."""
        if self.icon is None or not QSystemTrayIcon.supportsMessages():
            return False
        kind = QSystemTrayIcon.MessageIcon.Warning if warning else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage(title, body, kind, msecs)
        return True

    def rebuild_menu(self) -> None:
        menu = self.menu
        if menu is None:
            return
        menu.clear()
        states = self.model.states()
        from pig_desktop.ui.system.icons import outcome_icon

        if states:
            header = menu.addAction(
                ngettext("Watching {count} job", "Watching {count} jobs", len(states)).format(
                    count=len(states)
                )
            )
            header.setEnabled(False)
            for state in states[:MAX_MENU_JOBS]:
                word = state.outcome.label if state.outcome is not None else _("Waiting")
                app = app_of(state)
                # TRANSLATORS: a tray menu entry: the start of the job id, its app and its outcome.
                label = (_("{job}…  {app}  ({outcome})") if app else _("{job}…  ({outcome})")).format(
                    job=state.job_id[:8], app=app, outcome=word
                )
                action = menu.addAction(label)
                action.setToolTip(state.job_id)
                if state.outcome is not None:
                    action.setIcon(outcome_icon(state.outcome))
                action.triggered.connect(
                    lambda _checked=False, job=state.job_id: self.job_requested.emit(job)
                )
            if len(states) > MAX_MENU_JOBS:
                rest = len(states) - MAX_MENU_JOBS
                more = menu.addAction(
                    ngettext(
                        "…and {count} more (Show window)", "…and {count} more (Show window)", rest
                    ).format(count=rest)
                )
                more.triggered.connect(self.show_window_requested.emit)
        else:
            idle = menu.addAction(_("Not watching any jobs"))
            idle.setEnabled(False)
        finished = self.finished.entries()
        if finished:
            menu.addSeparator()
            header = menu.addAction(_("Finished recently"))
            header.setEnabled(False)
            for entry in finished[:MAX_MENU_FINISHED]:
                new = "  " + _("(new)") if not entry.seen else ""
                word = outcome_of(entry).label
                label = f"{entry.job_id[:8]}…  {word}, {finished_when(entry.finished_at)}{new}"
                action = menu.addAction(outcome_icon(outcome_of(entry)), label)
                action.setToolTip(entry.job_id)
                action.setObjectName("trayFinishedJob")
                action.triggered.connect(
                    lambda _checked=False, job=entry.job_id: self.job_requested.emit(job)
                )
            if len(finished) > MAX_MENU_FINISHED:
                more = menu.addAction(_("Show all {count} finished jobs").format(count=len(finished)))
                more.triggered.connect(self.finished_list_requested.emit)
        menu.addSeparator()
        show = menu.addAction(_("Show window"))
        show.setObjectName("trayShow")
        show.triggered.connect(self.show_window_requested.emit)
        pause: QAction = menu.addAction(_("Resume watching") if self.paused else _("Pause watching"))
        pause.setObjectName("trayPause")
        pause.triggered.connect(lambda _checked=False: self.pause_requested.emit(not self.paused))
        menu.addSeparator()
        quit_action = menu.addAction(_("Quit"))
        quit_action.setObjectName("trayQuit")
        quit_action.triggered.connect(self.quit_requested.emit)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window_requested.emit()

    def dispose(self) -> None:
        if self.icon is not None:
            self.icon.hide()
            self.icon.deleteLater()
            self.icon = None
        if self.menu is not None:
            self.menu.deleteLater()
            self.menu = None
