"""Wires watching into the main window: polling service, watch panel, tray, notifications, single instance.

The app hooks it in with a couple of lines (see :class:`WatchController`). Everything here is optional for the
window: it talks to the window only through the names in docs/UI-CONTRACT (``session()``,
``session_changed``, ``show_report``, ``add_dock_or_tab``, ``statusBar()``, ``set_polling_service``,
``keep_running_in_tray``, ``quit_requested``) and checks for each with ``getattr``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication

from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.scheduler import WatchState
from pig_desktop.ui.notify import Message, Notifier
from pig_desktop.ui.polling import PollingService, policy_from_settings
from pig_desktop.ui.single_instance import SingleInstance, claim_single_instance
from pig_desktop.ui.tray import TrayController
from pig_desktop.ui.watch_model import WatchModel
from pig_desktop.ui.watch_panel import WatchPanel

log = logging.getLogger(__name__)

__all__ = ["NOTICE_NO_TRAY", "NOTICE_TRAY_CLOSE", "WatchController", "claim_single_instance"]

NOTICE_NO_TRAY = "no_tray"
NOTICE_TRAY_CLOSE = "tray_close"
TEXT_NO_TRAY = (
    "Your desktop has no system tray, so PIG Desktop shows no tray icon. Watching still works: keep the "
    "window open or minimised, and notifications still tell you when a job finishes."
)
TEXT_TRAY_CLOSE = (
    "PIG Desktop keeps watching your jobs in the background. Click the tray icon to open it again, or choose "
    "Quit in the tray menu to stop."
)


class WatchController(QObject):
    """Owns the watch feature for one main window.

    ``settings`` returns the current ``store.settings.Settings``; ``save_settings`` stores a changed copy (for
    the one-time notices). ``dirs`` is ``store.paths.AppDirs``.
    """

    notice = Signal(str)

    def __init__(
        self,
        window: Any,
        settings: Callable[[], Any] | None = None,
        dirs: Any | None = None,
        *,
        save_settings: Callable[[Any], None] | None = None,
        history_panel: Any | None = None,
        single_instance: SingleInstance | None = None,
        initial_jobs: Iterable[str] = (),
        tray_available: bool | None = None,
        store: Any | None = None,
        service: PollingService | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        # Defaults read the MainWindow's own settings, so a notice remembered here is not lost when the window
        # saves its copy later.
        if settings is None:
            settings = window.settings
        if save_settings is None:
            save_settings = getattr(window, "_save_settings", None)
        if dirs is None:
            dirs = window.options.dirs
        self._settings = settings
        self._save_settings = save_settings
        self._finished: dict[str, StatusReport] = {}
        self._pending_jobs: list[str] = [j for j in initial_jobs if j.strip()]
        self._closing_for_real = False
        self._shut_down = False

        # A store made here is ours to close at shutdown (an open connection keeps the SQLite WAL from being
        # checkpointed and removed when the app quits).
        self._owns_store = store is None
        if store is None:
            from pig_desktop.store.history import WatchStore

            store = WatchStore(dirs.history_file)
        self.store = store
        current = settings()
        self.service = service or PollingService(
            store, rate=float(current.watch_rate_limit), policy=policy_from_settings(current), parent=self
        )
        self.model = WatchModel(self)
        self.panel = WatchPanel(self.model)
        self.tray = TrayController(self.model, self, available=tray_available)
        self.notifier = Notifier.for_desktop(settings, self.tray, parent=self)

        s = self.service
        s.watch_changed.connect(self._watch_changed)
        s.watch_removed.connect(self.model.remove)
        s.watches_reset.connect(self.model.reset)
        s.paused_changed.connect(self._paused_changed)
        s.watch_finished.connect(self._finished_slot)
        s.problem.connect(self._problem)
        self.panel.stop_requested.connect(s.unwatch)
        self.panel.stop_all_requested.connect(s.unwatch_all)
        self.panel.job_opened.connect(self.open_job)
        self.tray.show_window_requested.connect(self.show_window)
        self.tray.job_requested.connect(self.open_job)
        self.tray.pause_requested.connect(lambda pause: s.pause() if pause else s.resume())
        self.tray.quit_requested.connect(self.quit)
        self.notifier.open_job_requested.connect(lambda job_id, _server: self.open_job(job_id))
        self.notifier.open_finished_list_requested.connect(self.show_window)
        self.notifier.sent.connect(self._notified)

        add = getattr(window, "add_dock_or_tab", None)
        if callable(add):
            add(self.panel, "Watching")
        # The MainWindow passes sessions and settings to the service itself once it has it, and wires its
        # Watch button and history's "Watch until finished"; otherwise this controller does.
        self._window_drives_session = hasattr(window, "set_polling_service")
        changed = getattr(window, "session_changed", None)
        if changed is not None:
            changed.connect(self.set_session)
        if history_panel is not None and hasattr(history_panel, "watch_requested"):
            history_panel.watch_requested.connect(
                lambda entry: s.watch(entry.job_id, getattr(entry, "organisation", ""))
            )
        self.single_instance = single_instance
        if single_instance is not None:
            single_instance.jobs_received.connect(self.watch_jobs)
            single_instance.activate_requested.connect(self.show_window)

        requested = getattr(window, "quit_requested", None)
        if requested is not None:
            requested.connect(self._really_closing)
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._network_watch()

        s.start()
        session_of = getattr(window, "session", None)
        session = session_of() if callable(session_of) else None
        if self._window_drives_session:
            window.set_polling_service(s)
        self.set_session(session)  # also starts watching the command line's jobs once signed in
        if self.tray.available:
            self.tray.show()
        else:
            self._notice_once(NOTICE_NO_TRAY, TEXT_NO_TRAY)

    # -- actions ---------------------------------------------------------------------------------------------

    def set_session(self, session: Any) -> None:
        if not self._window_drives_session:
            self.service.set_session(session)
        if session is not None and self._pending_jobs:
            jobs, self._pending_jobs = self._pending_jobs, []
            self.watch_jobs(jobs)

    def watch_jobs(self, jobs: list[str]) -> None:
        """Jobs from the command line or a second start: watch them (once someone is signed in)."""
        session_of = getattr(self.window, "session", None)
        if callable(session_of) and session_of() is None:
            self._pending_jobs.extend(jobs)
            self._status("Sign in to start watching the jobs you asked for.")
            return
        for job in jobs:
            self.service.watch(job)

    def apply_settings(self) -> None:
        self.service.apply_settings(self._settings())

    def show_window(self) -> None:
        w = self.window
        if w.isMinimized():
            w.showNormal()
        else:
            w.show()
        w.raise_()
        w.activateWindow()
        self.tray.set_attention(False)

    def open_job(self, job_id: str) -> None:
        """Bring a job's latest result to the window (from the watch list or a finished watch)."""
        self.show_window()
        self.panel.select_job(job_id)
        state = self.model.state(job_id)
        report = state.last_report if state is not None else None
        report = report or self._finished.get(job_id)
        show = getattr(self.window, "show_report", None)
        if report is not None and callable(show):
            show(report)

    def quit(self) -> None:
        self._closing_for_real = True
        if hasattr(self.window, "keep_running_in_tray"):
            self.window.keep_running_in_tray = False
        request_quit = getattr(self.window, "request_quit", None)
        if callable(request_quit):
            request_quit()  # the window's File > Quit: closes for real and quits the app
            return
        self.window.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def _really_closing(self) -> None:
        self._closing_for_real = True

    def shutdown(self) -> None:
        """Stop polling and close the tray, notifier and single-instance socket (once; later calls do nothing:
        both the application's aboutToQuit and main()'s cleanup call it)."""
        if self._shut_down:
            return
        self._shut_down = True
        stopped = self.service.shutdown()
        if stopped and self._owns_store:
            self.store.close()  # only once the polling thread, its only other user, has ended
        self.notifier.close()
        self.tray.dispose()
        if self.single_instance is not None:
            self.single_instance.close()

    # -- closing the window ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() == QEvent.Type.Close and not self._closing_for_real:
            return self._close(event)  # type: ignore[arg-type]
        return False

    def _close(self, event: QCloseEvent) -> bool:
        watching = self.model.rowCount() > 0
        if not watching:
            return False  # nothing to keep running for: the window closes (and the app quits) as usual
        if self.tray.available:
            if hasattr(self.window, "keep_running_in_tray"):
                self.window.keep_running_in_tray = True
            event.ignore()
            self.window.hide()
            if not self._shown(NOTICE_TRAY_CLOSE):
                self.notifier.show_notice("PIG Desktop is still watching", TEXT_TRAY_CLOSE)
                self._remember(NOTICE_TRAY_CLOSE)
            return True
        # No tray to live in: minimise instead, so watching and notifications go on.
        event.ignore()
        self.window.showMinimized()
        self._status("Still watching your jobs. The window was minimised; use Quit to stop watching.")
        return True

    # -- slots -----------------------------------------------------------------------------------------------

    def _watch_changed(self, state: WatchState) -> None:
        self.model.apply(state)

    def _finished_slot(self, job_id: str, reason: str, report: StatusReport | None) -> None:
        if report is not None:
            self._finished[job_id] = report
        self.notifier.job_finished(job_id, reason, report)
        if (
            report is not None
            and report.outcome in (Outcome.FAILED, Outcome.NOT_FOUND)
            or reason == "gave_up"
        ):
            if not self.window.isActiveWindow():
                self.tray.set_attention(True)

    def _paused_changed(self, paused: bool) -> None:
        self.panel.set_paused(paused)
        self.tray.set_paused(paused)

    def _problem(self, message: str, detail: str) -> None:
        log.warning("watching: %s (%s)", message, detail)
        self._status(message)

    def _notified(self, message: Message) -> None:
        self._status(message.title)

    def _status(self, text: str) -> None:
        self.notice.emit(text)
        bar = getattr(self.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 15000)

    # -- one-time notices ------------------------------------------------------------------------------------

    def _shown(self, notice_id: str) -> bool:
        return notice_id in tuple(getattr(self._settings(), "shown_notices", ()))

    def _remember(self, notice_id: str) -> None:
        settings = self._settings()
        if self._save_settings is None or notice_id in settings.shown_notices:
            return
        updated = (
            settings.with_notice_shown(notice_id)
            if hasattr(settings, "with_notice_shown")
            else dataclasses.replace(settings, shown_notices=(*settings.shown_notices, notice_id))
        )
        try:
            self._save_settings(updated)
        except OSError as exc:
            log.warning("could not remember notice %s: %s", notice_id, exc)

    def _notice_once(self, notice_id: str, text: str) -> None:
        if self._shown(notice_id):
            return
        banner = getattr(self.window, "banner", None)
        if banner is not None and hasattr(banner, "show_notice"):
            banner.show_notice(text, key=notice_id)
        else:
            self._status(text)
        self._remember(notice_id)

    # -- network comes back ----------------------------------------------------------------------------------

    def _network_watch(self) -> None:
        """Run due checks at once when the network returns, where Qt can tell (NetworkManager, macOS...)."""
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if not QNetworkInformation.loadDefaultBackend():
                return
            info = QNetworkInformation.instance()
        except (ImportError, RuntimeError, AttributeError):
            return
        if info is None:
            return

        def changed(reachability: Any) -> None:
            if reachability == QNetworkInformation.Reachability.Online:
                self.service.wake()

        info.reachabilityChanged.connect(changed)
