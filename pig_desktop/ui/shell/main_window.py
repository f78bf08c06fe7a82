"""The main window: it builds the shell (header, banners, job row, history beside the result, menus), creates
the feature controllers, connects their signals, and decides closing and quitting in one place.

What happens lives in the controllers (docs/architecture.md): ``check`` (the check worker, the job on screen,
the clipboard offer), ``batch``, ``help`` and, once attached, watching (``set_polling_service``,
``set_close_policy``). The settings, the account and the history come from the app's
:class:`~pig_desktop.ui.shell.background.Background`, which runs with or without this window (a hidden start
builds the window only when the user opens it); a window made without one makes its own.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QWidget,
)

from pig_desktop import APP_DISPLAY_NAME
from pig_desktop.core.session import Session
from pig_desktop.i18n import _, ngettext
from pig_desktop.store.settings import Settings
from pig_desktop.ui.account.app_state import ClientHolder, StartOptions
from pig_desktop.ui.batch.host import BatchHost
from pig_desktop.ui.batch.job_files import JobDropFilter, choose_job_file
from pig_desktop.ui.check.controller import CheckController
from pig_desktop.ui.help.controller import HelpController
from pig_desktop.ui.shell.about import show_about
from pig_desktop.ui.shell.actions import MenuSlots, build_menus
from pig_desktop.ui.shell.background import START_STEPS, Background, BannerLine
from pig_desktop.ui.shell.banner import KIND_INFO, BannerMessage
from pig_desktop.ui.shell.layout import JobRowSlots, add_panel, build_shell, fit_to_screen
from pig_desktop.ui.shell.staged_start import StagedStart
from pig_desktop.ui.system.icons import app_icon
from pig_desktop.ui.watching.countdown import WatchCountdown

if TYPE_CHECKING:
    from pathlib import Path

    from pig_desktop.core.jobid import JobIdScan
    from pig_desktop.core.models import Organisation
    from pig_desktop.core.outcome import StatusReport
    from pig_desktop.store.history import HistoryStore
    from pig_desktop.ui.account.signin_dialog import SignInDialog
    from pig_desktop.ui.check.result_pane import ResultPane
    from pig_desktop.ui.history.panel import HistoryPanel
    from pig_desktop.ui.watching.polling import PollingService

log = logging.getLogger(__name__)

#: The banner key of a history write problem (shown until a write works again).
HISTORY_PROBLEM_KEY = "history-problem"


class Stoppable(Protocol):
    def shutdown(self, timeout_ms: int) -> object: ...


class ClosePolicy(Protocol):
    """Who may keep the app running when the user closes the window (the watch feature)."""

    def keep_running_on_close(self) -> bool:
        """The user closed the window: True when the window was hidden or minimised instead."""
        ...

    def keeps_app_running(self) -> bool:
        """True while the app lives on without its window (in the tray)."""
        ...


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
        demo = options.demo
        # Qt appends the application display name to a title that does not end with it.
        demo_title = _("Demo with a sandbox server \u2014 {app}").format(app=APP_DISPLAY_NAME)
        self.setWindowTitle(demo_title if demo else APP_DISPLAY_NAME)
        self._result_pane: ResultPane | None = None
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
        self.drops = JobDropFilter(self)
        self.countdown = WatchCountdown(self.watch_label, self.check.current_job, self)
        self.start = StagedStart(START_STEPS, self)
        self._controllers: list[Stoppable] = [self.batch, self.check, self.countdown, self.start]
        self._connect()
        self._update_account()
        self._update_actions()
        fit_to_screen(self, 1100, 720)
        self.job_field.edit.setFocus()

    # -- building --------------------------------------------------------------------------------------------

    def _build_shell(self) -> None:
        check = JobRowSlots(
            check=lambda: self.check_field(),
            watch=lambda: self.watch_field(),
            cancel=lambda: self.check.cancel_check(),
        )
        shell = self.shell = build_shell(self, check)
        self.header, self.banner, self.offer_banner = shell.header, shell.banner, shell.offer_banner
        self.account_label = shell.header.account_label
        self.job_field, self.watch_label, self.splitter = shell.job_field, shell.watch_label, shell.splitter
        self.check_button, self.watch_button = shell.check_button, shell.watch_button
        self.cancel_button = shell.cancel_button
        self.count_hint, self.org_notice = shell.count_hint, shell.org_notice

    def _connect(self) -> None:
        account, check, settings, history = self.account, self.check, self.settings_controller, self.history
        self.menu_actions = build_menus(
            self,
            MenuSlots(
                save_as=lambda: self.result_pane.save_as(),
                open_job_list=self.open_job_list,
                quit=self.request_quit,
                copy_ticket=lambda: self.result_pane.copy_ticket(),
                copy_json=lambda: self.result_pane.copy_json(),
                focus_job=self.focus_job_field,
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
        self.header.sign_in_requested.connect(lambda: account.open_sign_in())
        self.header.switch_requested.connect(lambda: account.open_sign_in(switch=True))
        self.header.sign_out_requested.connect(account.sign_out)
        self.job_field.submitted.connect(self.check_field)
        self.job_field.edit.textChanged.connect(self._on_field_text)
        self.drops.watch(self.job_field.edit)
        self.drops.watch(self)
        self.drops.file_dropped.connect(self.load_job_file)
        self.drops.text_dropped.connect(self._on_text_dropped)
        check.found_elsewhere.connect(self.org_notice.show_found)
        self.org_notice.switch_requested.connect(self._switch_organisation)
        self.batch.open_job_requested.connect(self.open_job)
        self.batch.watch_requested.connect(self._watch_jobs)
        self.batch.status.connect(self.show_status)
        self.background.take_kept_messages(self._show_kept)
        settings.notice.connect(lambda text, detail, key: self.banner.show_notice(text, detail, key=key))
        settings.save_failed.connect(
            lambda msg, detail: self.banner.show_error(msg, detail, key="settings-save")
        )
        settings.offer.connect(self._show_settings_offer)
        account.session_changed.connect(self._on_session_changed)
        account.status.connect(self.show_status)
        account.error.connect(self.banner.show_error)
        check.status.connect(self.show_status)
        self.help_controller.status.connect(self.show_status)
        check.error.connect(self.banner.show_error)
        check.busy_changed.connect(lambda _busy: self._update_actions())
        check.report_shown.connect(lambda _job: self.countdown.sync())
        check.check_finished.connect(self.check_finished)
        history.panel_ready.connect(self._place_history_panel)
        history.open_failed.connect(self._on_history_failed)
        history.notice.connect(lambda text, detail, key: self.banner.show_notice(text, detail, key=key))
        history.problem_changed.connect(self._on_history_problem)
        self.start.first_painted.connect(self._start_after_first_paint)
        self.start.ready.connect(self._on_ready)

    def _start_after_first_paint(self) -> None:
        if self._shut_down:
            return
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_app_state)
        # Its history worker only opens SQLite and reads the list (Qt-free), so it works while this thread
        # builds the result pane and imports the history panel's code. Already started (a window built
        # after a hidden start): its steps may be done.
        background = self.background
        background.start()
        background.step_done.connect(self.start.step_done)
        for step in START_STEPS:
            if background.is_done(step):
                self.start.step_done(step)
        self.history.want_panel()
        if background.is_done("history") and self.history.store() is None:
            self.shell.history_placeholder.setText(_("Recent checks are not available."))
        self.first_painted.emit()
        if not self._shut_down:
            self._ensure_result_pane()
            import pig_desktop.ui.history.panel  # noqa: F401  # while the history worker reads

    def _on_ready(self) -> None:
        if self.options.jobs and not self._shut_down:
            # A pig-desktop:// link or job ids on the command line: shown (and checked) in the window too.
            self.open_jobs(list(self.options.jobs))
        self.ready.emit()
        # All eight sizes of the icon: not before the history list is ready.
        self.setWindowIcon(app_icon())

    @property
    def is_ready(self) -> bool:
        return self.start.is_ready

    @property
    def result_pane(self) -> ResultPane:
        """The result pane; built right after the first paint, or now if asked for before that."""
        return self._result_pane or self._ensure_result_pane()

    def _ensure_result_pane(self) -> ResultPane:
        if self._result_pane is not None:
            return self._result_pane
        from pig_desktop.ui.check.result_pane import ResultPane  # a heavy import: after the first paint

        pane = ResultPane()  # no parent yet: replaceWidget() refuses a widget already in the splitter
        self._result_pane = pane
        pane.notice.connect(self.show_status)
        self.menu_actions.raw.toggled.connect(pane.raw_button.setChecked)
        pane.raw_button.toggled.connect(self.menu_actions.raw.setChecked)
        sizes = self.splitter.sizes()
        self.splitter.replaceWidget(self.splitter.indexOf(self.shell.result_placeholder), pane)
        self.shell.result_placeholder.deleteLater()
        self.splitter.setSizes(sizes)
        self.update_tab_order()
        return pane

    def _place_history_panel(self, panel: HistoryPanel) -> None:
        panel.entry_opened.connect(self.check.open_history_entry)
        panel.watch_requested.connect(lambda entry: self.check.watch_job(entry.job_id))
        panel.notice.connect(self.show_status)
        self.splitter.replaceWidget(0, panel)
        self.shell.history_placeholder.deleteLater()
        self.splitter.setSizes([360, max(400, self.width() - 360)])
        self.update_tab_order()

    def _show_kept(self, line: BannerLine) -> None:
        kind, text, detail, key = line
        if kind == "error":
            self.banner.show_error(text, detail, key=key)
        else:
            self.banner.show_notice(text, detail, key=key)

    def _on_history_failed(self, message: str, detail: str) -> None:
        self.banner.show_error(message, detail)
        self.shell.history_placeholder.setText(_("Recent checks are not available."))

    def _on_history_problem(self, message: str, detail: str) -> None:
        """A history write failed (a full disk...): say so until a write works again; checking goes on."""
        if message:
            self.banner.show_error(message, detail, key=HISTORY_PROBLEM_KEY)
        else:
            self.banner.withdraw(HISTORY_PROBLEM_KEY)

    def _show_settings_offer(self, text: str, label: str, key: str) -> None:
        def accept() -> None:
            self.banner.withdraw(key)
            self.settings_controller.accept_offer(key)

        self.banner.show_message(BannerMessage(KIND_INFO, text, "", ((label, accept),), key=key))

    def add_panel(self, widget: QWidget, title: str) -> None:
        """Place an extra panel (the watch list) below history and result, a quarter of the height."""
        add_panel(self, self.shell.panels, widget, title)
        self.update_tab_order()

    def update_tab_order(self) -> list[QWidget]:
        """Tab walks every panel in reading order (pig_desktop/ui/shell/tab_order.py documents it)."""
        from pig_desktop.ui.shell.tab_order import apply_tab_order

        panels = self.shell.panels
        extra = [w for w in (panels.widget(i) for i in range(1, panels.count())) if w is not None]
        parts: list[QWidget | list[QWidget]] = [
            self.header,
            self.banner,
            self.offer_banner,
            [self.job_field.edit, self.check_button, self.watch_button, self.cancel_button],
        ]
        if self._result_pane is not None:
            parts.append(self._result_pane)
        if self.history.panel is not None:
            parts.append(self.history.panel)
        parts.extend(extra)
        return apply_tab_order(self, parts)

    # -- the job field: one job, many jobs, files and links --------------------------------------------------

    def check_field(self) -> bool:
        """Check / Enter: several different ids open the batch view (never silently the first one)."""
        scan = self.count_hint.scan
        if scan.several:
            if self.account.session() is None:
                self.show_status(_("Sign in first, then press Check again to check every job."))
                self.account.open_sign_in()
                return False
            return self.batch.start(list(scan.ids))
        return self.check.check_job()

    def watch_field(self) -> bool:
        """Watch until finished: several different ids are all watched (never silently the first one)."""
        scan = self.count_hint.scan
        if not scan.several:
            return self.check.watch_job()
        watched = [job for job in scan.ids if self.check.watch_job(job)]
        if watched:
            self.show_status(
                ngettext(
                    "Watching {count} job. You will be told when it finishes.",
                    "Watching {count} jobs. You will be told when they finish.",
                    len(watched),
                ).format(count=len(watched))
            )
        return bool(watched)

    def _on_field_text(self, text: str) -> None:
        scan = self.count_hint.update_for(text)
        self._say_link_server(scan)

    def _say_link_server(self, scan: JobIdScan) -> None:
        """A link naming another server than the one signed in to: say so; never switch silently."""
        session = self.account.session()
        if scan.link_server is None or session is None:
            return
        from pig_desktop.core.ticket import server_name_of

        current = server_name_of(session.server)
        if current == scan.link_server:
            return
        named = _("production") if scan.link_server == "production" else _("development")
        here = self.account.signed_in_as() or session.server
        sentence = _(
            "This link is for the {server} server, but you are signed in to {current}. The job is checked "
            "there; if it is not found, sign in to the {server} server (Settings) and try again."
        ).format(server=named, current=here.split(" \u00b7 ")[-1])
        text = " ".join(part for part in (self.count_hint.text(), sentence) if part)
        self.count_hint.setText(text)
        self.count_hint.show()

    def open_job(self, job_id: str) -> None:
        """Put one job in the field and check it (the batch view's Open job)."""
        self.job_field.set_text(job_id)
        self.check.start_check(job_id)

    def open_jobs(self, jobs: list[str]) -> None:
        """Jobs from the command line, a second start or a link: one is checked, several open the batch."""
        text = " ".join(job.strip() for job in jobs if job.strip())
        if not text:
            return
        self.job_field.set_text(text)
        self.check_field()

    def open_job_list(self) -> None:
        path = choose_job_file(self)
        if path is not None:
            self.load_job_file(path)

    def load_job_file(self, path: Path) -> int:
        """A .csv or .txt of job ids (opened or dropped): its ids go into the field; returns how many."""
        from pig_desktop.core.batch import read_job_file

        try:
            scan = read_job_file(path)
        except OSError as exc:
            log.warning("could not read job list %s: %s", path, exc)
            message = _("Couldn't read {name}. Check that the file exists and that you may open it.")
            self.banner.show_error(message.format(name=path.name), str(exc))
            return 0
        if not scan.ids:
            message = _("{name} holds no job ids. A job id looks like {example}.")
            self.banner.show_notice(
                message.format(name=path.name, example="97b96860-ca73-4f8e-b6ba-37ce9f256871"),
                scan.hint_detail,
                key="job-file",
            )
            return 0
        self.job_field.set_text(" ".join(scan.ids))
        if scan.truncated:
            self.show_status(_("{name} is large: only its first job ids were read.").format(name=path.name))
        self.job_field.edit.setFocus()
        return scan.count

    def _on_text_dropped(self, text: str) -> None:
        self.job_field.set_text(text)
        self.job_field.edit.setFocus()

    def _switch_organisation(self, organisation: Organisation) -> None:
        job = self.check.current_job()
        self.account.switch_organisation(organisation)
        if job:
            self.check.start_check(job)

    def _watch_jobs(self, jobs: list[str]) -> None:
        for job in jobs:
            self.check.watch_job(job)

    # -- the features' seams ---------------------------------------------------------------------------------

    def set_polling_service(self, service: PollingService) -> None:
        """Hook up the watch service; enables "Watch until finished"."""
        self._polling = service  # its sign-in, settings and history: Background.serve
        service.watch_changed.connect(self.countdown.watch_changed)
        service.watch_finished.connect(self._on_watch_finished)
        service.report.connect(self._on_watch_report)
        self.check.set_watcher(service)
        self._update_actions()

    def _on_watch_finished(self, job_id: str, _reason: str, report: StatusReport | None) -> None:
        self.countdown.watch_finished(job_id)
        if report is not None:
            from pig_desktop.core.outcome import Outcome  # not in the first frame (docs/architecture.md)

            if report.outcome is Outcome.NOT_FOUND:
                # The same as a single check: the job may belong to another of the account's organisations.
                self.check.look_in_other_organisations(report)

    def _on_watch_report(self, job_id: str, report: StatusReport | None) -> None:
        if report is not None:
            self.check.show_watch_report(job_id, report)

    def set_close_policy(self, policy: ClosePolicy) -> None:
        self._close_policy = policy

    # -- the window's own state ------------------------------------------------------------------------------

    def _on_session_changed(self, session: Session | None) -> None:
        self._update_account()
        self._update_actions()
        self.session_changed.emit(session)

    def _update_account(self) -> None:
        self.header.show_account(self.account.signed_in_as(), can_switch=not self.account.is_demo)
        self.job_field.set_empty_hint(
            _("A whole link or a line from an email works too: the job id is found in it.")
            if self.account.session() is not None
            else _("Sign in first (top right). Then paste a job id or a link here and press Enter.")
        )

    def _update_actions(self) -> None:
        self.cancel_button.setEnabled(self.check.is_checking())
        signed_in = self.account.session() is not None
        self.menu_actions.switch.setEnabled(signed_in and not self.account.is_demo)
        self.menu_actions.sign_out.setEnabled(signed_in)
        has_service = self._polling is not None
        self.watch_button.setEnabled(has_service)
        self.watch_button.setToolTip(
            _("Keep checking in the background and tell me when the job finishes")
            if has_service
            else _("Watching is not available yet.")
        )

    def show_status(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_unexpected_error(self, message: str, detail: str) -> None:
        """The excepthook's target: a friendly inline message, the traceback only behind Copy details."""
        self.banner.show_error(message, detail)

    def focus_job_field(self) -> None:
        self.job_field.edit.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.job_field.edit.selectAll()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.start.painted()
        if event.type() == QEvent.Type.WindowActivate:
            QTimer.singleShot(0, self.check.offer_clipboard)
        return super().event(event)

    def _on_app_state(self, state: QtCore.Qt.ApplicationState) -> None:
        if state == QtCore.Qt.ApplicationState.ApplicationActive:
            QTimer.singleShot(0, self.check.offer_clipboard)

    def show_about(self) -> None:
        show_about(self)

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
        app = QApplication.instance()
        if app is not None:
            app.quit()  # a hidden window's close does not end the app by itself

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
        app = QGuiApplication.instance()
        if self.start.started and isinstance(app, QGuiApplication):
            try:
                app.applicationStateChanged.disconnect(self._on_app_state)
            except (RuntimeError, TypeError):
                pass
        stoppables: list[Stoppable] = list(self._controllers)
        if self._polling is not None:
            stoppables.append(self._polling)
        if self._owns_background:
            stoppables.append(self.background)  # the history database closes last
        for part in stoppables:
            part.shutdown(timeout_ms)
        log.info("window shut down")


__all__ = ["ClosePolicy", "MainWindow"]
