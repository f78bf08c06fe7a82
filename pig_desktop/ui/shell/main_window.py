"""The main window: it builds the shell (header, banners, job row, history beside the result, menus), creates
the feature controllers, connects their signals, and decides closing and quitting in one place.

What happens lives in the controllers (docs/architecture.md): ``check``, ``entry``, ``batch``, ``help`` and,
once attached, watching (``set_polling_service``, ``set_close_policy``). Settings, account and history come
from the app's :class:`~pig_desktop.ui.shell.background.Background`, which also runs without a window; a
window made without one makes its own.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from pig_desktop import APP_DISPLAY_NAME
from pig_desktop.core.session import Session
from pig_desktop.i18n import _
from pig_desktop.store.settings import Settings
from pig_desktop.ui.account.app_state import ClientHolder, StartOptions
from pig_desktop.ui.batch.host import BatchHost
from pig_desktop.ui.batch.job_files import JobDropFilter
from pig_desktop.ui.check.controller import CheckController
from pig_desktop.ui.check.job_entry import JobEntry
from pig_desktop.ui.help.controller import HelpController
from pig_desktop.ui.shell.actions import MenuSlots, build_menus
from pig_desktop.ui.shell.background import START_STEPS, Background
from pig_desktop.ui.shell.layout import JobRowSlots, build_shell, complete_shell, fit_to_screen
from pig_desktop.ui.shell.notices import connect_banner
from pig_desktop.ui.shell.panes import Panes
from pig_desktop.ui.shell.seams import ClosePolicy, Stoppable
from pig_desktop.ui.shell.staged_start import StagedStart
from pig_desktop.ui.shell.window_state import connect_header, enable_actions, show_account
from pig_desktop.ui.system.icons import app_icon
from pig_desktop.ui.watching.countdown import WatchCountdown

if TYPE_CHECKING:
    from pig_desktop.store.history import HistoryStore
    from pig_desktop.ui.account.signin_dialog import SignInDialog
    from pig_desktop.ui.check.result_pane import ResultPane
    from pig_desktop.ui.history.panel import HistoryPanel
    from pig_desktop.ui.watching.polling import PollingService

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    session_changed = Signal(object)  # Session | None
    quit_requested = Signal()
    #: Emitted once the deferred start (history opened, saved session restored or not) is done.
    ready = Signal()
    #: A single check finished and its result is on screen (StatusReport).
    check_finished = Signal(object)
    #: Emitted once, right after the first paint (or the fallback timer).
    first_painted = Signal()

    def __init__(
        self, options: StartOptions, parent: QWidget | None = None, *, background: Background | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.options = options
        # Qt appends the application display name to a title that does not end with it.
        demo_title = _("Demo with a sandbox server \u2014 {app}").format(app=APP_DISPLAY_NAME)
        self.setWindowTitle(demo_title if options.demo else APP_DISPLAY_NAME)
        self._polling: PollingService | None = None
        self._close_policy: ClosePolicy | None = None
        self._quitting = False
        self._shut_down = False

        self._owns_background = background is None
        self.background = background or Background(options, self)
        self.settings_controller = self.background.settings
        self.account = self.background.account
        self.history = self.background.history
        self.rate = self.background.rate
        self.account.set_dialog_parent(self)
        self._build_shell()
        self.check = CheckController(
            self.account,
            self.history,
            self.job_field,
            lambda: self.result_pane,
            self.offer_banner,
            self,
            limiter=self.rate.limiter,
        )
        self.help_controller = HelpController(self, self.actions, options.dirs.log_file, self)
        self.batch = BatchHost(
            self.account, self.history, lambda: self.check.ticket_context(), self.add_panel, self.rate, self
        )
        self.entry = JobEntry(
            self.account,
            self.check,
            self.batch,
            self.job_field,
            self.count_hint,
            self.banner,
            self.show_status,
            self,
        )
        self.drops = JobDropFilter(self)
        self.countdown = WatchCountdown(self.watch_label, self.check.current_job, self)
        self.start = StagedStart(START_STEPS, self)
        self._controllers: list[Stoppable] = [self.batch, self.check, self.countdown, self.start]
        self._connect()
        show_account(self.shell, self.account)
        self._update_actions()
        fit_to_screen(self, 1100, 720)
        self.job_field.edit.setFocus()

    # -- building --------------------------------------------------------------------------------------------

    def _build_shell(self) -> None:
        check = JobRowSlots(
            check=lambda: self.entry.check_field(),
            watch=lambda: self.entry.watch_field(),
            cancel=lambda: self.check.cancel_check(),
        )
        shell = self.shell = build_shell(self, check)
        self.header, self.banner, self.offer_banner = shell.header, shell.banner, shell.offer_banner
        self.account_label = shell.header.account_label
        self.job_field, self.watch_label = shell.job_field, shell.watch_label
        self.check_button, self.watch_button = shell.check_button, shell.watch_button
        self.cancel_button = shell.cancel_button
        self.count_hint, self.org_notice = shell.count_hint, shell.org_notice

    def _connect(self) -> None:
        account, check, settings, history = self.account, self.check, self.settings_controller, self.history
        self.menu_actions = build_menus(
            self,
            MenuSlots(
                save_as=lambda: self.result_pane.save_as(),
                open_job_list=self.entry.open_job_list,
                quit=self.request_quit,
                copy_ticket=lambda: self.result_pane.copy_ticket(),
                copy_json=lambda: self.result_pane.copy_json(),
                focus_job=self.entry.focus_field,
                refresh=check.refresh,
                sign_in=account.open_sign_in,
                switch_organisation=lambda: account.open_sign_in(switch=True),
                sign_out=account.sign_out,
                settings=lambda: settings.open_dialog(self),
                user_guide=self.help_controller.open_user_guide,
                shortcuts=self.help_controller.open_shortcuts,
                report_problem=self.help_controller.report_problem,
                about=self.help_controller.about,
            ),
        )
        self.panes = Panes(self, self.shell, check, self.menu_actions.raw)
        for source in (self.panes, self.batch, account, check, self.help_controller):
            source.status.connect(self.show_status)
        connect_header(self.header, account)
        self.drops.watch(self.job_field.edit, self)
        self.drops.file_dropped.connect(self.entry.load_job_file)
        self.drops.text_dropped.connect(self.entry.put_dropped_text)
        check.found_elsewhere.connect(self.org_notice.show_found)
        self.org_notice.switch_requested.connect(self.entry.switch_organisation)
        connect_banner(self.banner, self.background, check, self.shell.history_placeholder.setText)
        account.session_changed.connect(self._on_session_changed)
        check.busy_changed.connect(lambda _busy: self._update_actions())
        check.report_shown.connect(lambda _job: self.countdown.sync())
        check.check_finished.connect(self.check_finished)
        history.panel_ready.connect(self.panes.place_history)
        self.start.first_painted.connect(self._start_after_first_paint)
        self.start.ready.connect(self._on_ready)
        check.offer_clipboard_on_activation(self)

    def _start_after_first_paint(self) -> None:
        if self._shut_down:
            return
        complete_shell(self.shell, self.menu_actions)
        self.check.offer_clipboard_when_app_active()
        # Its history worker (Qt-free) reads the list while this thread builds the result pane and imports
        # the history panel. Already started (a window built after a hidden start): steps may be done.
        self.background.start()
        self.start.follow(self.background.step_done, self.background.is_done)
        self.history.want_panel()
        self.first_painted.emit()
        if not self._shut_down:
            self.panes.result_pane()
            import pig_desktop.ui.history.panel  # noqa: F401  # while the history worker reads

    def _on_ready(self) -> None:
        if self.options.jobs and not self._shut_down:
            # A pig-desktop:// link or job ids on the command line: shown (and checked) in the window too.
            self.entry.open_jobs(list(self.options.jobs))
        self.ready.emit()
        # All eight sizes of the icon: not before the history list is ready.
        self.setWindowIcon(app_icon())

    @property
    def is_ready(self) -> bool:
        return self.start.is_ready

    @property
    def result_pane(self) -> ResultPane:
        """The result pane; built right after the first paint, or now if asked for before that."""
        return self.panes.result_pane()

    def add_panel(self, widget: QWidget, title: str) -> None:
        """Place an extra panel (the watch list) below history and result, a quarter of the height."""
        self.panes.add_panel(widget, title)

    # -- the features' seams ---------------------------------------------------------------------------------

    def set_polling_service(self, service: PollingService) -> None:
        """Hook up the watch service; enables "Watch until finished"."""
        self._polling = service  # its sign-in, settings and history: Background.serve
        service.watch_changed.connect(self.countdown.watch_changed)
        service.watch_finished.connect(self.countdown.watch_finished)
        self.check.set_watcher(service)
        self.check.follow_watch_answers(service)
        self._update_actions()

    def set_close_policy(self, policy: ClosePolicy) -> None:
        self._close_policy = policy

    # -- the window's own state ------------------------------------------------------------------------------

    def _on_session_changed(self, session: Session | None) -> None:
        show_account(self.shell, self.account)
        self._update_actions()
        self.session_changed.emit(session)

    def _update_actions(self) -> None:
        checking, can_watch = self.check.is_checking(), self._polling is not None
        enable_actions(self.shell, self.menu_actions, self.account, checking=checking, can_watch=can_watch)

    def show_status(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_unexpected_error(self, message: str, detail: str) -> None:
        """The excepthook's target: a friendly inline message, the traceback only behind Copy details."""
        self.banner.show_error(message, detail)

    # -- short names for scripts and tests -------------------------------------------------------------------

    def session(self) -> Session | None:
        return self.account.session()

    def settings(self) -> Settings:
        return self.settings_controller.current()

    def history_store(self) -> HistoryStore | None:
        return self.history.store()

    @property
    def history_panel(self) -> HistoryPanel | None:
        return self.history.panel

    def client_holder(self) -> ClientHolder:
        return self.account.holder

    def open_sign_in(self, switch: bool = False) -> SignInDialog:
        return self.account.open_sign_in(switch)

    def open_settings(self) -> QWidget:
        return self.settings_controller.open_dialog(self)

    # -- closing and quitting: decided here only -------------------------------------------------------------

    def request_quit(self) -> None:
        """File > Quit (and the tray's Quit): really quit, even when the tray would keep the app running."""
        self._quitting = True
        self.quit_requested.emit()
        self.close()
        QApplication.quit()  # a hidden window's close does not end the app by itself

    def is_closed(self) -> bool:
        """True once the window has closed for good (shut down); nothing should show it again."""
        return self._shut_down

    def closeEvent(self, event: QCloseEvent) -> None:
        policy = self._close_policy
        if not self._quitting and policy is not None and policy.keep_running_on_close():
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop everything this window started; safe to call twice. Never terminates a thread."""
        if self._shut_down:
            return
        self._shut_down = True
        stoppables: list[Stoppable] = list(self._controllers)
        if self._polling is not None:
            stoppables.append(self._polling)
        if self._owns_background:
            stoppables.append(self.background)  # the history database closes last
        for part in stoppables:
            part.shutdown(timeout_ms)
        log.info("window shut down")


__all__ = ["MainWindow"]
