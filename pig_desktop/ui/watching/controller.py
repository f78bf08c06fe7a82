"""The watch feature: polling service, watch panel, tray, notifications, single instance, closing to the tray.

The controller gets what it needs passed in: the app's :class:`~pig_desktop.ui.shell.background.Background`
(settings, account, history), and, once there is one, the window as a :class:`WatchWindow` (a small
protocol: add a panel, take the polling service, show a status line, quit) with its check controller
(:meth:`WatchController.attach_window`). The polling, the tray and the notifications need no window: at a
hidden start the window is built only when the user opens it (``open_window``). Attached, the controller
becomes the window's close policy: with jobs watched, closing the window hides it in the tray (or minimises
it) instead of quitting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.scheduler import WatchState
from pig_desktop.core.session import Session
from pig_desktop.i18n import N_, _
from pig_desktop.ui.shell.background import Background
from pig_desktop.ui.system.single_instance import SingleInstance
from pig_desktop.ui.watching.finished_model import FinishedModel, outcome_of
from pig_desktop.ui.watching.model import WatchModel
from pig_desktop.ui.watching.network_return import NetworkReturn
from pig_desktop.ui.watching.notify import Message, Notifier
from pig_desktop.ui.watching.polling import PollingService, policy_from_settings
from pig_desktop.ui.watching.tray import TrayController

if TYPE_CHECKING:
    from pig_desktop.store.watchlist import WatchEntry, WatchStore
    from pig_desktop.ui.check.controller import CheckController
    from pig_desktop.ui.shell.main_window import MainWindow
    from pig_desktop.ui.shell.seams import ClosePolicy
    from pig_desktop.ui.watching.panel import WatchPanel

log = logging.getLogger(__name__)

__all__ = ["NOTICE_NO_TRAY", "NOTICE_TRAY_CLOSE", "WatchController", "WatchHost", "WatchWindow"]

NOTICE_NO_TRAY = "no_tray"
NOTICE_TRAY_CLOSE = "tray_close"
TEXT_NO_TRAY = N_(
    "Your desktop has no system tray, so PIG Desktop shows no tray icon. Watching still works: keep the "
    "window open or minimised, and notifications still tell you when a job finishes."
)
TEXT_TRAY_CLOSE = N_(
    "PIG Desktop keeps watching your jobs in the background. Click the tray icon to open it again, or choose "
    "Quit in the tray menu to stop."
)


class WatchHost(Protocol):
    """What the watch feature needs of the window it lives in (``ui.shell.main_window.MainWindow``)."""

    def add_panel(self, widget: QWidget, title: str) -> None: ...
    def set_polling_service(self, service: PollingService) -> None: ...
    def set_close_policy(self, policy: ClosePolicy) -> None: ...
    def show_status(self, text: str, timeout_ms: int = 6000) -> None: ...
    def request_quit(self) -> None: ...


class WatchWindow(WatchHost, Protocol):
    """The host is also the window to show, hide and minimise (a QWidget)."""

    def isMinimized(self) -> bool: ...  # noqa: N802 - Qt's name
    def isActiveWindow(self) -> bool: ...  # noqa: N802 - Qt's name
    def showNormal(self) -> None: ...  # noqa: N802 - Qt's name
    def showMinimized(self) -> None: ...  # noqa: N802 - Qt's name
    def show(self) -> None: ...
    def hide(self) -> None: ...
    def raise_(self) -> None: ...
    def activateWindow(self) -> None: ...  # noqa: N802 - Qt's name
    def is_closed(self) -> bool: ...


class WatchController(QObject):
    """Owns the watch feature of the app, with or without its main window."""

    #: A line the user should see (also shown in the host's status bar).
    notice = Signal(str)

    def __init__(
        self,
        background: Background,
        *,
        open_window: Callable[[], object] | None = None,
        hidden: bool = False,
        single_instance: SingleInstance | None = None,
        initial_jobs: Iterable[str] = (),
        tray_available: bool | None = None,
        store: WatchStore | None = None,
        service: PollingService | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``open_window`` builds the main window when there is none yet (a hidden start) and attaches it
        with :meth:`attach_window` before it returns. ``hidden``: started at sign-in (``--hidden``); the
        command line's jobs are watched without opening the window (see :meth:`start_hidden`)."""
        super().__init__(parent)
        self.window: WatchWindow | None = None
        self._check: CheckController | None = None
        self.panel: WatchPanel | None = None
        self._open_window = open_window
        self._settings = settings = background.settings
        self._history = background.history
        self._account = account = background.account
        self._finished: dict[str, StatusReport] = {}
        self._pending_jobs: list[str] = [j for j in initial_jobs if j.strip()]
        # Jobs the user asked for (command line, a second start): shown as soon as their first answer comes.
        self._show_on_answer: set[str] = set()
        self._in_tray = False
        self._hidden = hidden
        self._shut_down = False

        # A store made here is ours to close at shutdown (an open connection keeps the SQLite WAL from being
        # checkpointed and removed when the app quits).
        self._owns_store = store is None
        if store is None:
            from pig_desktop.store.watchlist import WatchStore

            store = WatchStore(background.options.dirs.history_file)
        self.store = store
        current = settings.current()
        self.service = service or PollingService(
            store, rate=float(current.watch_rate_limit), policy=policy_from_settings(current), parent=self
        )
        self.model = WatchModel(self)
        self.finished = FinishedModel(self)
        self.tray = TrayController(self.model, self, available=tray_available, finished=self.finished)
        self.notifier = Notifier.for_desktop(settings.current, self.tray, parent=self)

        s = self.service
        s.watch_changed.connect(self._watch_changed)
        s.watch_removed.connect(self.model.remove)
        s.watches_reset.connect(self.model.reset)
        s.paused_changed.connect(self._paused_changed)
        s.watch_finished.connect(self._finished_slot)
        s.problem.connect(self._problem)
        s.finished_changed.connect(self.finished.reset)
        s.report.connect(self._first_answer)
        self.tray.show_window_requested.connect(self.show_window)
        self.tray.job_requested.connect(self.open_job)
        self.tray.pause_requested.connect(lambda pause: s.pause() if pause else s.resume())
        self.tray.quit_requested.connect(self.quit)
        self.notifier.open_job_requested.connect(lambda job_id, _server: self.open_job(job_id))
        self.notifier.open_finished_list_requested.connect(self.show_finished_list)
        self.notifier.copy_ticket_requested.connect(lambda job_id, _server: self.copy_ticket(job_id))
        self.tray.finished_list_requested.connect(self.show_finished_list)
        self.notifier.sent.connect(self._notified)

        account.session_changed.connect(self.set_session)
        background.serve(s)
        self.single_instance = single_instance
        if single_instance is not None:
            single_instance.jobs_received.connect(self.watch_jobs)
            single_instance.activate_requested.connect(self.show_window)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self.network_return = NetworkReturn(self)
        self.network_return.came_back.connect(s.wake)
        self.network_return.start()

        s.start()
        if hidden and self.tray.available:
            self._in_tray = True
        self.set_session(account.session())  # also starts watching the command line's jobs once signed in
        if self.tray.available:
            self.tray.show()
        else:
            self._notice_once(NOTICE_NO_TRAY, _(TEXT_NO_TRAY))

    @classmethod
    def for_window(
        cls,
        window: MainWindow,
        *,
        single_instance: SingleInstance | None = None,
        initial_jobs: Iterable[str] | None = None,
        tray_available: bool | None = None,
    ) -> WatchController:
        """The watch feature for a main window that is already built, attached to it; it watches the
        command line's jobs (``StartOptions.jobs``) unless given others."""
        controller = cls(
            window.background,
            single_instance=single_instance,
            initial_jobs=window.options.jobs if initial_jobs is None else initial_jobs,
            tray_available=tray_available,
            parent=window,
        )
        controller.attach_window(window, window.check)
        return controller

    def attach_window(self, window: WatchWindow, check: CheckController) -> None:
        """The main window exists: the Watching panel goes into it, "Watch until finished" works, and
        closing it keeps the app in the tray while jobs are watched."""
        if self.window is not None:
            return
        self.window, self._check = window, check
        from pig_desktop.ui.watching.panel import WatchPanel  # its widgets: only with a window

        s = self.service
        panel = self.panel = WatchPanel(self.model, self.finished)
        panel.remove_requested.connect(s.remove_finished)
        panel.clear_finished_requested.connect(s.clear_finished)
        panel.stop_requested.connect(s.unwatch)
        panel.stop_all_requested.connect(s.unwatch_all)
        panel.job_opened.connect(self.open_job)
        panel.set_paused(self.model.paused)  # paused before there was a panel
        window.add_panel(panel, _("Watching"))
        window.set_polling_service(s)
        window.set_close_policy(self)

    def _built_window(self) -> WatchWindow | None:
        """The main window, built now when there is none yet (and it can be); None after a failed build."""
        if self.window is None and self._open_window is not None and not self._shut_down:
            self._open_window()
        return self.window

    # -- actions ---------------------------------------------------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        if session is not None and self._pending_jobs:
            jobs, self._pending_jobs = self._pending_jobs, []
            self.watch_jobs(jobs, show=not self._hidden)  # started at sign-in: watched, not shown

    def watch_jobs(self, jobs: list[str], show: bool = True) -> None:
        """Jobs from the command line or a second start: watch them (once someone is signed in), and show
        each in the window when its first answer comes (unless ``show`` is False: living in the tray)."""
        if self._account.session() is None:
            self._pending_jobs.extend(jobs)
            self._status(_("Sign in to start watching the jobs you asked for."))
            return
        from pig_desktop.core.jobid import extract_job_id

        if show:
            self.show_window()
        for job in jobs:
            if show:
                try:
                    self._show_on_answer.add(extract_job_id(job).lower())
                except Exception:  # not a job id: the service says so in the status bar
                    pass
            self.service.watch(job)

    def show_window(self) -> None:
        w = self._built_window()
        if w is None or w.is_closed():
            # A job's answer queued before the window closed must not bring a closed window back: the app
            # would then run on with nothing to quit it.
            return
        if w.isMinimized():
            w.showNormal()
        else:
            w.show()
        w.raise_()
        w.activateWindow()
        self.tray.set_attention(False)

    def start_hidden(self) -> None:
        """Started at sign-in (``--hidden``): live in the tray with no window on screen until the user opens
        it (tray, notification, a second start); with no tray to live in, show the window minimised."""
        if self.tray.available:
            self._in_tray = True
        else:
            window = self._built_window()
            if window is not None:
                window.showMinimized()

    def show_finished_list(self) -> None:
        """The grouped notification's Open: the window up, the Watching panel's finished group selected."""
        self.show_window()
        if self.panel is not None:
            self.panel.show_finished()

    def open_job(self, job_id: str) -> None:
        """Bring a job's latest result to the window (from the watch list or a finished watch)."""
        self.show_window()
        if self.panel is not None:
            self.panel.select_job(job_id)
        report = self.report_of(job_id)
        if report is not None and self._check is not None:
            self._check.show_report(report)
        elif self.model.state(job_id) is not None:
            self._show_on_answer.add(job_id.lower())  # no answer yet: shown when it comes
        entry = self.finished.entry(job_id)
        if entry is not None and not entry.seen:
            self.service.mark_seen(entry.job_id)

    def report_of(self, job_id: str) -> StatusReport | None:
        """A job's latest answer: the watch's, a finished watch's (this run), the history's, or the finished
        list's outcome and sentence."""
        state = self.model.state(job_id)
        report = state.last_report if state is not None else None
        session = self._account.session()
        stored = self._history.stored_report(job_id, session.server) if session is not None else None
        report = report or self._finished.get(job_id) or stored
        if report is not None:
            return report
        entry = self.finished.entry(job_id)
        return _report_from_entry(entry) if entry is not None else None

    def copy_ticket(self, job_id: str) -> None:
        """The notification's "Copy for ticket": the same summary as the result pane's button."""
        from pig_desktop.core.ticket import ticket_html, ticket_text

        report = self.report_of(job_id)
        self._built_window()  # not shown: its check controller knows the ticket's context and timeline
        check = self._check
        if report is None or check is None:
            text = _("There is no result for job {job} to copy yet.").format(job=job_id)
            self.notifier.show_notice(_("Nothing to copy"), text)
            self._status(text)
            return
        ctx = check.with_timeline(report, check.ticket_context())
        mime = QMimeData()
        mime.setText(ticket_text(report, ctx))
        mime.setHtml(ticket_html(report, ctx))
        QGuiApplication.clipboard().setMimeData(mime)
        title = _("Copied for a support ticket")
        self.notifier.show_notice(
            title,
            _("The summary of job {job} is on the clipboard: paste it into the ticket.").format(job=job_id),
        )
        self._status(title)

    def quit(self) -> None:
        """The tray's Quit: the window's File > Quit (closes for real and quits the app)."""
        self._in_tray = False
        if self.window is not None:
            self.window.request_quit()
            return
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop polling and close the tray, notifier and single-instance socket (once; later calls do nothing:
        both the application's aboutToQuit and main()'s cleanup call it)."""
        if self._shut_down:
            return
        self._shut_down = True
        stopped = self.service.shutdown(timeout_ms)
        if stopped and self._owns_store:
            self.store.close()  # only once the polling thread, its only other user, has ended
        self.network_return.shutdown()
        self.notifier.close()
        self.tray.dispose()
        if self.single_instance is not None:
            self.single_instance.close()

    # -- closing the window (the window's close policy) ------------------------------------------------------

    def keeps_app_running(self) -> bool:
        return self._in_tray

    def keep_running_on_close(self) -> bool:
        """The user closed the window: with jobs watched, keep going in the tray (or minimised)."""
        window = self.window
        if window is None:
            return False
        if self._in_tray:
            window.hide()
            return True
        if self.model.rowCount() == 0:
            return False  # nothing to keep running for: the window closes (and the app quits) as usual
        if self.tray.available:
            self._in_tray = True
            window.hide()
            if not self._settings.was_shown(NOTICE_TRAY_CLOSE):
                self.notifier.show_notice(_("PIG Desktop is still watching"), _(TEXT_TRAY_CLOSE))
                self._settings.remember_shown(NOTICE_TRAY_CLOSE)
            return True
        # No tray to live in: minimise instead, so watching and notifications go on.
        window.showMinimized()
        self._status(_("Still watching your jobs. The window was minimised; use Quit to stop watching."))
        return True

    # -- slots -----------------------------------------------------------------------------------------------

    def _watch_changed(self, state: WatchState) -> None:
        self.model.apply(state)

    def _first_answer(self, job_id: str, report: StatusReport | None) -> None:
        if report is None or job_id.lower() not in self._show_on_answer:
            return
        self._show_on_answer.discard(job_id.lower())
        self.show_window()
        if self.panel is not None and self._check is not None:
            self.panel.select_job(job_id)
            self._check.show_report(report)
        log.info("job %s asked for is on screen: %s", job_id, report.label)

    def _finished_slot(self, job_id: str, reason: str, report: StatusReport | None) -> None:
        if report is not None:
            self._finished[job_id] = report
        self.notifier.job_finished(job_id, reason, report)
        if (
            report is not None
            and report.outcome in (Outcome.FAILED, Outcome.NOT_FOUND)
            or reason == "gave_up"
        ):
            if not self._window_is_active():
                self.tray.set_attention(True)
        if self._window_is_active() and self._check is not None and job_id == self._check.current_job():
            self.service.mark_seen(job_id)  # finished right in front of the user

    def _window_is_active(self) -> bool:
        return self.window is not None and self.window.isActiveWindow()

    def _paused_changed(self, paused: bool) -> None:
        if self.panel is not None:
            self.panel.set_paused(paused)  # the model and the panel's own line
        else:
            self.model.set_paused(paused)
        self.tray.set_paused(paused)

    def _problem(self, message: str, detail: str) -> None:
        log.warning("watching: %s (%s)", message, detail)
        self._status(message)

    def _notified(self, message: Message) -> None:
        self._status(message.title)

    def _status(self, text: str) -> None:
        self.notice.emit(text)
        if self.window is not None:
            self.window.show_status(text, 15000)

    def _notice_once(self, notice_id: str, text: str) -> None:
        self._settings.notice_once(notice_id, text)


def _report_from_entry(entry: WatchEntry) -> StatusReport:
    """A finished watch's stored outcome and sentence as a report (when the history has no answer)."""
    return StatusReport(
        entry.job_id,
        outcome_of(entry),
        entry.last_message,
        checked_at=entry.finished_at or entry.started_at,
        server=entry.server,
    )
