"""The main window: job field and buttons on top, history beside the result, who is signed in where.

Threading: every network and keychain call runs in a worker (``ui.tasks.run_in_thread``); the GUI thread
only builds widgets, reads small files and updates views. History writes happen in the check's worker right
after the answer (one SQLite transaction with an fsync each: cheap, but an fsync has no place on the GUI
thread when the disk is slow), and the history database itself is opened in a worker right after the first
paint. Settings are written on the GUI thread: one small JSON file (atomic replace), only when the user
changes something.

Start-up cost: this module imports no keyring, truststore, httpx or sqlite3 at module level. The history
panel, the keychain and the session (``core.session`` pulls in httpx) are loaded right after the first paint
(``event()`` sees it, ``_start_once`` runs next), so the first paint does not wait for them; the first frame
does not touch ``Qt``'s enums either (ui/system/by_name.py).
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pig_desktop import APP_DISPLAY_NAME, __version__
from pig_desktop.core.jobid import find_guid
from pig_desktop.store.settings import LoadedSettings, Settings, load_settings, save_settings
from pig_desktop.ui.account.app_state import (
    NOTICE_KEYCHAIN,
    ClientHolder,
    KeychainResult,
    OpenedHistory,
    PasswordMemory,
    StartOptions,
    connection_for,
    find_password,
    forget_password,
    open_history_listed,
    remember_password,
    server_display_name,
    settings_server,
    with_preferences,
)
from pig_desktop.ui.check.job_field import JobField
from pig_desktop.ui.shell.banner import Banner
from pig_desktop.ui.shell.header import AppHeader
from pig_desktop.ui.system.by_name import set_by_name
from pig_desktop.ui.system.icons import app_icon
from pig_desktop.ui.system.pyside_source_cache import stop_pyside_source_caching
from pig_desktop.ui.system.tasks import TaskHandle, run_in_thread

if TYPE_CHECKING:
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.outcome import StatusReport
    from pig_desktop.core.scheduler import WatchState
    from pig_desktop.core.session import Session
    from pig_desktop.core.ticket import TicketContext
    from pig_desktop.store.history import HistoryEntry, HistoryStore
    from pig_desktop.ui.account.signin_dialog import SignInChoice, SignInDialog
    from pig_desktop.ui.check.result_pane import ResultPane
    from pig_desktop.ui.history.panel import HistoryPanel

log = logging.getLogger(__name__)

#: When the deferred start runs anyway if the window has not been painted by then (e.g. started hidden).
START_FALLBACK_MS = 500

MSG_SAVE_FAILED = "PIG Desktop couldn't save your settings. They apply until you close it."


@dataclass(frozen=True)
class CheckResult:
    """A finished check: the report, the history entry written for it (or None) and the session used."""

    report: StatusReport
    entry: HistoryEntry | None
    session: Session


def _check_job(
    holder: ClientHolder, session: Session, job_id: str, history: HistoryStore | None, cancel: Any
) -> CheckResult:
    """Worker: one check (with the client's retries) and its history record."""
    import sqlite3

    client: CinxClient = holder.get(session.connection)
    report = client.check_status(job_id, cancel=cancel)
    entry: HistoryEntry | None = None
    if history is not None and not cancel.is_set():
        entry = history_entry(report, session.organisation, session.server)
        try:
            entry = dataclasses.replace(entry, id=history.add(entry))
        except (sqlite3.Error, OSError):
            # Losing one history line must not lose the answer the user is waiting for.
            log.warning("could not record check of %s in history", job_id, exc_info=True)
            entry = None
    return CheckResult(report, entry, session)


def history_entry(report: StatusReport, organisation: str, server: str) -> HistoryEntry:
    from pig_desktop.store.history import HistoryEntry

    return HistoryEntry(
        id=None,
        job_id=report.job_id,
        outcome=report.outcome.value,
        # Without a job row the envelope message is CINX's raw wording; the badge word reads better in a list.
        status_message=report.status_message if report.job is not None else report.label,
        app=report.job.app if report.job is not None else "",
        organisation=organisation,
        server=server,
        checked_at=report.checked_at,
        report=report.to_dict(),
    )


class MainWindow(QMainWindow):
    """See the module docstring. Public API for the watch helper: ``session()``, ``session_changed``,
    ``show_report()``, ``watch_button``, ``add_dock_or_tab()``, ``statusBar()``, ``set_polling_service()``,
    ``quit_requested``, ``keep_running_in_tray``."""

    session_changed = Signal(object)  # Session | None
    quit_requested = Signal()
    #: Emitted once the deferred start (history opened, saved session restored or not) is done.
    ready = Signal()
    #: A single check finished and its result is on screen (StatusReport).
    check_finished = Signal(object)
    #: Emitted once, right after the first paint (or the fallback timer): the app finishes its own start-up
    #: (log file, window icon) then, off the first frame's path.
    first_painted = Signal()

    def __init__(self, options: StartOptions, parent: QWidget | None = None) -> None:
        stop_pyside_source_caching()  # before the network, history and keychain modules load: ~8 MB
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.options = options
        self.keep_running_in_tray = False
        self.is_ready = False
        self._demo = options.demo
        loaded = self._load_settings()
        self._settings: Settings = loaded.settings
        self._settings_notice = loaded
        self._session: Session | None = None
        self._holder = ClientHolder()
        self._memory = PasswordMemory()
        self._history: HistoryStore | None = None
        self.history_panel: HistoryPanel | None = None
        self._check_task: TaskHandle | None = None
        self._checking_job = ""
        self._tasks: list[TaskHandle] = []
        self._current_job = ""
        self._shown: StatusReport | None = None
        self._offered: set[str] = set()
        self._pending_job = ""
        self._polling: Any = None
        self._watch_state: WatchState | None = None
        self._signin_dialog: SignInDialog | None = None
        self._settings_dialog: QWidget | None = None
        self._start_steps = {"history", "session"}
        self._quitting = False
        self._shut_down = False
        self._recorded_watch: dict[str, str] = {}

        # Qt appends the application display name to a title that does not end with it; so the demo's
        # title ends with it, and the normal title is just the name.
        demo_title = self.tr("Demo with a sandbox server") + " \u2014 " + APP_DISPLAY_NAME
        self.setWindowTitle(demo_title if self._demo else APP_DISPLAY_NAME)
        # The window icon (eight PNG sizes, ~9 ms to decode) is set once the window is ready (_step_done); the
        # header logo in the first frame uses the two small sizes only.
        self._result_pane: ResultPane | None = None
        self._build_ui()
        self._build_menus()
        self._update_account()
        self._update_actions()
        self.resize(1100, 720)
        self.job_field.edit.setFocus()

        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(1000)
        self._watch_timer.timeout.connect(self._update_watch_label)

        # History, keychain and session are loaded right after the first paint (see event()): a 0 ms timer
        # set here could fire before it, and its imports and thread would then delay it. The fallback timer
        # covers a window that is never painted (started hidden).
        self._started = False
        QTimer.singleShot(START_FALLBACK_MS, self._start_once)

    # ------------------------------------------------------------------------------------------------------
    # building
    # ------------------------------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        central = QWidget(self)
        central.setObjectName("centralWidget")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        # -- header: app name on the left, who is signed in where on the right --
        self.header = AppHeader(central)
        self.header.sign_in_requested.connect(lambda: self.open_sign_in())
        self.header.switch_requested.connect(lambda: self.open_sign_in(switch=True))
        self.header.sign_out_requested.connect(self.sign_out)
        self.account_label = self.header.account_label
        self.sign_in_button = self.header.sign_in_button
        self.switch_button = self.header.switch_button
        self.sign_out_button = self.header.sign_out_button
        outer.addWidget(self.header)
        line = QFrame(central)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)

        body = QWidget(central)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(16, 12, 16, 8)
        body_layout.setSpacing(10)

        self.banner = Banner(body, "banner")
        self.offer_banner = Banner(body, "clipboardOffer")
        body_layout.addWidget(self.banner)
        body_layout.addWidget(self.offer_banner)

        # -- the job row --
        self.job_field = JobField(body, own_layout=False)
        self.job_field.hide()
        self.job_field.submitted.connect(self.check_job)
        job_label = QLabel(self.tr("&Job:"), body)
        job_label.setBuddy(self.job_field.edit)
        self.check_button = QPushButton(self.tr("Check"), body)
        self.check_button.setObjectName("checkButton")
        self.check_button.setDefault(True)
        self.check_button.setAccessibleName(self.tr("Check the job"))
        self.check_button.setToolTip(self.tr("Ask CINX about this job now (Enter)"))
        self.check_button.clicked.connect(self.check_job)
        self.watch_button = QPushButton(self.tr("Watch until finished"), body)
        self.watch_button.setObjectName("watchButton")
        self.watch_button.setAccessibleName(self.tr("Watch the job until it finishes"))
        self.watch_button.clicked.connect(self.watch_job)
        self.cancel_button = QPushButton(self.tr("Cancel"), body)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName(self.tr("Cancel the check"))
        self.cancel_button.setToolTip(self.tr("Stop the check that is running"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_check)
        self.watch_label = QLabel(body)
        self.watch_label.setObjectName("watchStatusLabel")
        self.watch_label.setAccessibleName(self.tr("Watch status"))
        self.watch_label.setWordWrap(True)
        self.watch_label.hide()

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.addWidget(job_label, 0, 0)
        grid.addWidget(self.job_field.edit, 0, 1)
        grid.addWidget(self.check_button, 0, 2)
        grid.addWidget(self.watch_button, 0, 3)
        grid.addWidget(self.cancel_button, 0, 4)
        grid.addWidget(self.job_field.hint, 1, 1, 1, 4)
        grid.addWidget(self.watch_label, 2, 1, 1, 4)
        grid.setColumnStretch(1, 1)
        body_layout.addLayout(grid)

        # -- history | result --
        # Parents by keyword and enums by name in the first frame: see ui/system/by_name.py.
        self.splitter = QSplitter(parent=body)  # horizontal
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self._history_placeholder = QLabel(self.tr("Loading recent lookups\u2026"), self.splitter)
        set_by_name(self._history_placeholder, "alignment", "AlignCenter")
        self._history_placeholder.setEnabled(False)
        self._history_placeholder.setMinimumWidth(220)
        # The first frame shows an empty result area with its hint; the real ResultPane (tree, model, badge,
        # ticket formatting: ~30 ms of imports and building) replaces it right after the first paint, or at
        # once when something asks for ``result_pane`` earlier.
        self._result_placeholder = QLabel(
            self.tr("No job checked yet.\nPaste a job id above and press Enter."), self.splitter
        )
        self._result_placeholder.setObjectName("resultPlaceholder")
        set_by_name(self._result_placeholder, "alignment", "AlignCenter")
        self._result_placeholder.setEnabled(False)
        self.splitter.addWidget(self._history_placeholder)
        self.splitter.addWidget(self._result_placeholder)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 700])
        # Extra panels (the watch list) go below history and result, in a vertical splitter.
        self.panels = QSplitter(parent=body)
        set_by_name(self.panels, "orientation", "Vertical")
        self.panels.setObjectName("panelSplitter")
        self.panels.setChildrenCollapsible(False)
        self.panels.addWidget(self.splitter)
        body_layout.addWidget(self.panels, 1)
        outer.addWidget(body, 1)
        self.setCentralWidget(central)

        self.setTabOrder(self.job_field.edit, self.check_button)
        self.setTabOrder(self.check_button, self.watch_button)
        self.setTabOrder(self.watch_button, self.cancel_button)
        self.statusBar().setObjectName("statusBar")
        self.statusBar().setSizeGripEnabled(True)

    def _build_menus(self) -> None:
        bar = self.menuBar()

        def action(
            text: str,
            slot: Any,
            shortcut: QKeySequence.StandardKey | str | None = None,
            name: str = "",
        ) -> QAction:
            act = QAction(text, self)
            # Not QKeySequence(...): building one in Python creates all of Qt's enums (ui/system/by_name.py).
            if isinstance(shortcut, str):
                set_by_name(act, "shortcut", shortcut)
            elif shortcut is not None:
                act.setShortcuts(shortcut)
            if name:
                act.setObjectName(name)
            act.triggered.connect(lambda _checked=False: slot())
            self.addAction(act)  # shortcuts work even when the menu bar is hidden
            return act

        file_menu = bar.addMenu(self.tr("&File"))
        self.save_action = action(
            self.tr("&Save as\u2026"),
            lambda: self.result_pane.save_as(),
            QKeySequence.StandardKey.Save,
            "saveAction",
        )
        file_menu.addAction(self.save_action)
        file_menu.addSeparator()
        self.quit_action = action(self.tr("&Quit"), self.request_quit, "Ctrl+Q", "quitAction")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.copy_ticket_action = action(
            self.tr("Copy for &ticket"),
            lambda: self.result_pane.copy_ticket(),
            "Ctrl+Shift+C",
            "copyTicketAction",
        )
        self.copy_json_action = action(
            self.tr("Copy &JSON"), lambda: self.result_pane.copy_json(), None, "copyJsonAction"
        )
        edit_menu.addAction(self.copy_ticket_action)
        edit_menu.addAction(self.copy_json_action)
        edit_menu.addSeparator()
        self.focus_job_action = action(
            self.tr("Go to the &job field"), self.focus_job_field, "Ctrl+L", "focusJobAction"
        )
        edit_menu.addAction(self.focus_job_action)

        view_menu = bar.addMenu(self.tr("&View"))
        self.raw_action = QAction(self.tr("&Raw JSON"), self)
        self.raw_action.setObjectName("rawJsonAction")
        self.raw_action.setCheckable(True)
        # Linked to the result pane's Raw button once the pane exists (_ensure_result_pane).
        view_menu.addAction(self.raw_action)
        self.refresh_action = action(
            self.tr("Re&fresh"), self.refresh, QKeySequence.StandardKey.Refresh, "refreshAction"
        )
        if "F5" not in [keys.toString() for keys in self.refresh_action.shortcuts()]:  # e.g. macOS: Cmd+R
            self.refresh_action.setShortcuts([*self.refresh_action.shortcuts(), QKeySequence("F5")])
        view_menu.addAction(self.refresh_action)

        account_menu = bar.addMenu(self.tr("&Account"))
        self.sign_in_action = action(self.tr("&Sign in\u2026"), self.open_sign_in, None, "signInAction")
        self.switch_action = action(
            self.tr("Switch &organisation\u2026"),
            lambda: self.open_sign_in(switch=True),
            None,
            "switchOrgAction",
        )
        self.sign_out_action = action(self.tr("Sign &out"), self.sign_out, None, "signOutAction")
        for act in (self.sign_in_action, self.switch_action, self.sign_out_action):
            account_menu.addAction(act)

        settings_menu = bar.addMenu(self.tr("&Settings"))
        self.settings_action = action(
            self.tr("&Settings\u2026"), self.open_settings, "Ctrl+,", "settingsAction"
        )
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        settings_menu.addAction(self.settings_action)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.about_action = action(self.tr("&About PIG Desktop"), self.show_about, None, "aboutAction")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)

    # ------------------------------------------------------------------------------------------------------
    # start-up
    # ------------------------------------------------------------------------------------------------------

    def _load_settings(self) -> LoadedSettings:
        loaded = load_settings(self.options.dirs.settings_file)
        demo = self.options.demo
        if demo is None:
            return loaded
        # The demo keeps its own settings file; point it at the sandbox so the sign-in dialog is prefilled.
        settings = dataclasses.replace(
            loaded.settings,
            server_kind="custom",
            custom_server=demo.server,
            email=demo.email,
            remember_me=False,
        )
        return dataclasses.replace(loaded, settings=settings)

    @property
    def result_pane(self) -> ResultPane:
        """The result pane; built right after the first paint, or now if asked for before that."""
        pane = self._result_pane
        if pane is None:
            pane = self._ensure_result_pane()
        return pane

    def _ensure_result_pane(self) -> ResultPane:
        if self._result_pane is not None:
            return self._result_pane
        from pig_desktop.ui.check.result_pane import ResultPane

        pane = ResultPane()  # no parent yet: replaceWidget() refuses a widget already in the splitter
        self._result_pane = pane
        pane.notice.connect(self.show_status)
        self.raw_action.toggled.connect(pane.raw_button.setChecked)
        pane.raw_button.toggled.connect(self.raw_action.setChecked)
        sizes = self.splitter.sizes()
        self.splitter.replaceWidget(self.splitter.indexOf(self._result_placeholder), pane)
        self._result_placeholder.deleteLater()
        self.splitter.setSizes(sizes)
        self.setTabOrder(self.cancel_button, pane.tree)
        if self.history_panel is not None:
            self.setTabOrder(self.cancel_button, self.history_panel)
        return pane

    def _start_once(self) -> None:
        if not self._started:
            self._started = True
            self._after_first_frame()
            # The history worker next: it only opens SQLite and reads the list (Qt-free; SQLite's own
            # work runs outside the GIL), so it works while this thread does the rest (the app's own
            # start-up, the result pane, the history panel's imports); the list goes in as soon as both are
            # done. It imports no PySide module: PySide6 creating its lazy types in two threads at once
            # crashed.
            self._deferred_start()
            self.first_painted.emit()
            self._build_after_first_paint()

    def _build_after_first_paint(self) -> None:
        """What the first frame does without: the result pane and the history panel's code (the window icon
        follows at ``ready``)."""
        if self._shut_down:
            return
        self._ensure_result_pane()
        # Imported here, while the history worker reads, so that the list goes in without waiting for them.
        import pig_desktop.ui.history.panel  # noqa: F401

    def _deferred_start(self) -> None:
        if self._shut_down:
            return
        loaded = self._settings_notice
        if loaded.notice:
            self.banner.show_notice(loaded.notice, loaded.detail, key="settings-notice")
        task = self._run(
            open_history_listed,
            self.options.dirs.history_file,
            self._settings.history_limit,
            name="open-history",
        )
        task.succeeded.connect(self._on_history_opened)
        task.failed.connect(self._on_history_failed)
        self._restore_session()

    def _step_done(self, step: str) -> None:
        self._start_steps.discard(step)
        if not self._start_steps and not self.is_ready:
            self.is_ready = True
            # Everything made during start-up (Qt's wrappers, modules, widgets) lives as long as the app: move
            # it out of the cycle collector's sight. Otherwise a big answer (1,000 rows: ~100,000 new objects)
            # triggers full collections that walk all of it while holding the GIL: 30-50 ms GUI stalls
            # measured (docs/performance.md). Objects are still freed by reference counting as usual.
            gc.freeze()
            self.ready.emit()
            # Decoding all eight sizes takes ~9 ms: not before the history list is ready. (The app sets the
            # same icon on the application right after the first paint; the window shows that until then.)
            self.setWindowIcon(app_icon())

    def _on_history_opened(self, opened: OpenedHistory) -> None:
        from pig_desktop.ui.history.panel import HistoryPanel

        store: HistoryStore = opened.store
        if self._shut_down:
            store.close()
            return
        self._history = store
        # No parent yet: replaceWidget() refuses a widget already in the splitter.
        panel = HistoryPanel(store, listing=opened.listing)
        panel.entry_opened.connect(self.open_history_entry)
        panel.watch_requested.connect(lambda entry: self.watch_job(entry.job_id))
        panel.notice.connect(self.show_status)
        self.splitter.replaceWidget(0, panel)
        self._history_placeholder.deleteLater()
        self.history_panel = panel
        self.splitter.setSizes([360, max(400, self.width() - 360)])
        self.setTabOrder(self.cancel_button, panel)
        if store.notice:
            self.banner.show_notice(store.notice, store.detail, key="history-notice")
        self._step_done("history")

    def _on_history_failed(self, message: str, detail: str) -> None:
        self.banner.show_error(message, detail)
        self._history_placeholder.setText(self.tr("Recent lookups are not available."))
        self._step_done("history")

    def _restore_session(self) -> None:
        demo = self._demo
        if demo is not None:
            # The demo signs in with the sandbox account at once: no keychain, no dialog.
            from pig_desktop.core.session import Session

            conn = connection_for(self._settings, demo.server, demo.email, demo.password, demo.api_token)
            self._set_session(Session(conn, demo.organisation, demo.org_id))
            self._step_done("session")
            return
        settings = self._settings
        if not (self.options.restore_session and settings.email and settings.api_token):
            self._step_done("session")
            return
        try:
            server = settings_server(settings)
        except Exception as exc:  # ConfigError: a hand-edited custom address
            self.banner.show_error(getattr(exc, "message", str(exc)), getattr(exc, "detail", ""))
            self._step_done("session")
            return
        task = self._run(find_password, self._memory, server, settings.email, name="keychain-get")
        task.succeeded.connect(lambda result: self._on_password_found(server, result))
        task.failed.connect(lambda message, detail: self._on_restore_failed(message, detail))

    def _on_password_found(self, server: str, result: KeychainResult) -> None:
        from pig_desktop.core.session import Session

        settings = self._settings
        if result.password:
            conn = connection_for(settings, server, settings.email, result.password, settings.api_token)
            self._set_session(Session(conn, settings.org_name, settings.org_id))
            self.show_status(self.tr("Signed in as %s.") % settings.email)
        else:
            if result.notice:
                self._notice_once(NOTICE_KEYCHAIN, result.notice, result.detail)
            self.open_sign_in()
        self._step_done("session")

    def _on_restore_failed(self, message: str, detail: str) -> None:
        self.banner.show_error(message, detail)
        self._step_done("session")

    # ------------------------------------------------------------------------------------------------------
    # public API
    # ------------------------------------------------------------------------------------------------------

    def session(self) -> Session | None:
        return self._session

    def settings(self) -> Settings:
        return self._settings

    def history_store(self) -> HistoryStore | None:
        return self._history

    def client_holder(self) -> ClientHolder:
        return self._holder

    def current_job(self) -> str:
        """The job whose result the window shows (or is checking)."""
        return self._current_job

    def is_checking(self) -> bool:
        return self._check_task is not None

    def show_status(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_unexpected_error(self, message: str, detail: str) -> None:
        """The excepthook's target: a friendly inline message, the traceback only behind Copy details."""
        self.banner.show_error(message, detail)

    def show_report(self, report: StatusReport, ticket: TicketContext | None = None) -> None:
        """Bring a job's result to the view (used by the watch panel and history)."""
        self._current_job = report.job_id
        self._shown = report
        if ticket is None:
            ticket = self._ticket_context()
        self.result_pane.set_report(report, ticket)
        self._sync_watch_label()

    def add_dock_or_tab(self, widget: QWidget, title: str) -> None:
        """Place an extra panel (the watch list) below history and result, a quarter of the height."""
        frame = QFrame(self)
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
            # Line the panel up with the rest of the window (the window's margins already apply).
            inner.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        self.panels.addWidget(frame)
        self.panels.setStretchFactor(0, 3)
        self.panels.setStretchFactor(self.panels.count() - 1, 1)
        extra = self.panels.count() - 1
        total = max(400, self.panels.height())
        share = total // (3 + extra)
        self.panels.setSizes([total - share * extra] + [share] * extra)

    def set_polling_service(self, service: Any) -> None:
        """Hook up the watch service (ui.polling.PollingService); enables "Watch until finished"."""
        self._polling = service
        service.watch_changed.connect(self._on_watch_changed)
        service.watch_finished.connect(self._on_watch_finished)
        service.report.connect(self._on_watch_report)
        service.set_session(self._session)
        if hasattr(service, "apply_settings"):
            service.apply_settings(self._settings)
        self._update_actions()

    def focus_job_field(self) -> None:
        self.job_field.edit.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.job_field.edit.selectAll()

    # ------------------------------------------------------------------------------------------------------
    # checking
    # ------------------------------------------------------------------------------------------------------

    def check_job(self) -> bool:
        """Check the id in the field (Enter / Check). Refuses inline, with no request, when there is none."""
        job_id = self.job_field.validate()
        if not job_id:
            self.job_field.edit.setFocus()
            return False
        return self.start_check(job_id)

    def refresh(self) -> bool:
        """F5: check the job on screen again (or the one in the field)."""
        if self._current_job:
            return self.start_check(self._current_job)
        return self.check_job()

    def start_check(self, job_id: str) -> bool:
        session = self._session
        if session is None:
            self._pending_job = job_id
            self.show_status(self.tr("Sign in first; the job is checked right after."))
            self.open_sign_in()
            return False
        if self._check_task is not None:
            self._drop_check_task()
        self._pending_job = ""
        self._current_job = job_id
        self._checking_job = job_id
        self.result_pane.set_checking(job_id)
        task = self._run(
            _check_job,
            self._holder,
            session,
            job_id,
            self._history,
            on_cancel=self._holder.abort,
            name="check",
        )
        task.succeeded.connect(self._on_check_done)
        task.failed.connect(self._on_check_failed)
        self._check_task = task
        self._update_actions()
        self.show_status(self.tr("Checking job %s\u2026") % job_id, 0)
        return True

    def cancel_check(self) -> None:
        """Cancel: abort the request and go back to idle at once; the thread ends on its own."""
        if self._check_task is None:
            return
        self._drop_check_task()
        previous = self._shown
        self.result_pane.set_report(previous, self._ticket_context() if previous else None)
        if previous is not None:
            self._current_job = previous.job_id
        self.show_status(self.tr("Check cancelled"))

    def _drop_check_task(self) -> None:
        task, self._check_task = self._check_task, None
        self._checking_job = ""
        if task is not None:
            task.succeeded.disconnect(self._on_check_done)
            task.failed.disconnect(self._on_check_failed)
            task.cancel()
        self._update_actions()

    def _on_check_done(self, result: CheckResult) -> None:
        self._check_task = None
        self._checking_job = ""
        self._update_actions()
        self.show_report(result.report, self._ticket_context(result.session))
        if result.entry is not None and self.history_panel is not None:
            self.history_panel.add(result.entry)
        when = result.report.checked_at.astimezone().strftime("%H:%M:%S")
        self.show_status(self.tr("Checked at %s: %s") % (when, result.report.outcome.label))
        self.check_finished.emit(result.report)

    def _on_check_failed(self, message: str, detail: str) -> None:
        # check_status never raises for network trouble; this is a bug or a local problem.
        self._check_task = None
        self._checking_job = ""
        self._update_actions()
        self.result_pane.set_report(self._shown, self._ticket_context() if self._shown else None)
        self.banner.show_error(message, detail)

    def open_history_entry(self, entry: HistoryEntry) -> None:
        """Show the stored result at once, then refresh it (when it belongs to the current sign-in)."""
        if not self.job_field.text().strip() or self.job_field.job_id() != entry.job_id:
            self.job_field.set_text(entry.job_id)
        from pig_desktop.core.outcome import StatusReport

        report: StatusReport | None = None
        if entry.report:
            try:
                report = StatusReport.from_dict(entry.report)
            except Exception:  # a damaged stored result: still refresh it
                log.warning("stored result of history entry %s unreadable", entry.id, exc_info=True)
        if report is not None:
            from pig_desktop.core.ticket import TicketContext

            stored_ctx = TicketContext(organisation=entry.organisation, server=entry.server)
            self.show_report(report, stored_ctx)
        session = self._session
        same_place = (
            session is not None
            and session.server == entry.server
            and (not entry.organisation or entry.organisation == session.organisation)
        )
        if same_place:
            self.start_check(entry.job_id)
        elif session is not None:
            self.show_status(
                self.tr(
                    "Stored result shown. It was checked for %s; switch to that organisation to refresh it."
                )
                % (entry.organisation or entry.server),
                10000,
            )
        else:
            self.show_status(self.tr("Stored result shown. Sign in to refresh it."), 10000)

    def _ticket_context(self, session: Session | None = None) -> TicketContext:
        from pig_desktop.core.ticket import default_context

        ctx = default_context(session or self._session)
        if self._demo is not None and ctx.server:
            ctx = dataclasses.replace(ctx, server=f"{ctx.server} (sandbox)")
        return ctx

    # ------------------------------------------------------------------------------------------------------
    # watching (delegated to the polling service)
    # ------------------------------------------------------------------------------------------------------

    def watch_job(self, job_id: str | None = None) -> bool:
        if self._polling is None:
            return False
        if not job_id:
            job_id = self.job_field.validate()
            if not job_id:
                self.job_field.edit.setFocus()
                return False
        session = self._session
        if session is None:
            self.show_status(self.tr("Sign in first, then watch the job."))
            self.open_sign_in()
            return False
        self._current_job = job_id
        if self._shown is None or self._shown.job_id != job_id:
            self.result_pane.set_checking(job_id)
        self._polling.watch(job_id, session.organisation)
        self.show_status(self.tr("Watching job %s. You will be told when it finishes.") % job_id)
        return True

    def _on_watch_changed(self, state: WatchState) -> None:
        if state.job_id != self._current_job:
            return
        self._watch_state = state
        self._sync_watch_label()

    def _on_watch_finished(self, job_id: str, reason: str, report: object) -> None:
        from pig_desktop.core.outcome import StatusReport

        if job_id == self._current_job:
            self._watch_state = None
            self._sync_watch_label()
        if isinstance(report, StatusReport):
            self._record_watch_report(report)

    def _on_watch_report(self, job_id: str, report: object) -> None:
        from pig_desktop.core.outcome import StatusReport

        if not isinstance(report, StatusReport):
            return
        self._record_watch_report(report)
        if job_id == self._current_job and self._check_task is None:
            self.show_report(report)

    def _record_watch_report(self, report: StatusReport) -> None:
        """History gets a line whenever a watched job's outcome or status text changes (not every poll)."""
        if self._history is None or self._session is None:
            return
        seen = f"{report.outcome.value}:{report.status_message}"
        if self._recorded_watch.get(report.job_id) == seen:
            return
        self._recorded_watch[report.job_id] = seen
        entry = history_entry(report, self._session.organisation, self._session.server)
        store = self._history
        task = self._run(lambda: dataclasses.replace(entry, id=store.add(entry)), name="history-add")
        task.succeeded.connect(lambda saved: self.history_panel.add(saved) if self.history_panel else None)

    def _sync_watch_label(self) -> None:
        state = self._watch_state
        watching = state is not None and state.job_id == self._current_job and state.finished_reason is None
        self.watch_label.setVisible(watching)
        if watching:
            if not self._watch_timer.isActive():
                self._watch_timer.start()
            self._update_watch_label()
        else:
            self._watch_timer.stop()

    def _update_watch_label(self) -> None:
        from pig_desktop.ui.watching.model import format_duration, next_check_text

        state = self._watch_state
        if state is None:
            self._watch_timer.stop()
            return
        now = datetime.now(UTC)
        parts = [
            self.tr("Watching this job for %s") % format_duration((now - state.started_at).total_seconds())
        ]
        if state.checking:
            parts.append(self.tr("checking now\u2026"))
        elif state.next_check_at is not None:
            parts.append(
                self.tr("next check %s") % next_check_text((state.next_check_at - now).total_seconds())
            )
        self.watch_label.setText(" \u00b7 ".join(parts))

    # ------------------------------------------------------------------------------------------------------
    # account
    # ------------------------------------------------------------------------------------------------------

    def open_sign_in(self, switch: bool = False) -> SignInDialog:
        from pig_desktop.ui.account.signin_dialog import SignInDialog

        dialog = self._signin_dialog
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        session = self._session
        password = session.connection.password if (switch and session is not None) else ""
        dialog = SignInDialog(self._settings, self, password=password, switch_organisation=switch)
        dialog.signed_in.connect(self._on_signed_in)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self._signin_dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: QObject) -> None:
        if self._signin_dialog is dialog:
            self._signin_dialog = None
        dialog.deleteLater()
        if self._pending_job and self._session is None:
            self._pending_job = ""

    def _on_signed_in(self, choice: SignInChoice) -> None:
        from pig_desktop.core.session import Session

        org = choice.organisation
        conn = connection_for(self._settings, choice.server, choice.email, choice.password, org.api_token)
        self._set_session(Session(conn, org.name, org.org_id))
        if self._demo is None:
            self._save_settings(
                dataclasses.replace(
                    self._settings,
                    server_kind=choice.server_kind,  # type: ignore[arg-type]
                    custom_server=choice.custom_server,
                    email=choice.email,
                    org_name=org.name,
                    org_id=org.org_id,
                    api_token=org.api_token,
                    remember_me=choice.remember,
                )
            )
            task = self._run(
                remember_password,
                self._memory,
                choice.server,
                choice.email,
                choice.password,
                choice.remember,
                name="keychain-set",
            )
            task.succeeded.connect(self._on_keychain_result)
            task.failed.connect(lambda message, detail: self.banner.show_error(message, detail))
        self.show_status(self.tr("Signed in to %s.") % org.name)
        if self._pending_job:
            job, self._pending_job = self._pending_job, ""
            self.start_check(job)

    def _on_keychain_result(self, result: KeychainResult) -> None:
        if result.notice:
            self._notice_once(NOTICE_KEYCHAIN, result.notice, result.detail)

    def sign_out(self) -> None:
        session = self._session
        if session is None:
            return
        if self._demo is None:
            self._run(
                forget_password,
                self._memory,
                session.server,
                session.connection.email,
                name="keychain-delete",
            )
            self._save_settings(dataclasses.replace(self._settings, api_token="", org_name="", org_id=""))
        self._set_session(None)
        self.show_status(self.tr("Signed out."))

    def _set_session(self, session: Session | None) -> None:
        if session == self._session:
            return
        if self._check_task is not None:
            self.cancel_check()
        self._session = session
        # A new sign-in gets a fresh client (and pool); the old one is closed off the GUI thread's way.
        self._holder.close()
        self._update_account()
        self._update_actions()
        if self._polling is not None:
            self._polling.set_session(session)
        self.session_changed.emit(session)

    def _update_account(self) -> None:
        session = self._session
        signed_in = session is not None
        signed_in_as = None
        if session is not None:
            place = server_display_name(session.server, demo=self._demo is not None)
            parts = [session.connection.email, session.organisation or self.tr("(no organisation)"), place]
            signed_in_as = " \u00b7 ".join(parts)
        self.header.show_account(signed_in_as, can_switch=self._demo is None)
        self.job_field.set_empty_hint(
            self.tr("A whole link or a line from an email works too: the job id is found in it.")
            if signed_in
            else self.tr("Sign in first (top right). Then paste a job id or a link here and press Enter.")
        )

    def _update_actions(self) -> None:
        checking = self._check_task is not None
        self.cancel_button.setEnabled(checking)
        signed_in = self._session is not None
        self.sign_in_action.setEnabled(True)
        self.switch_action.setEnabled(signed_in and self._demo is None)
        self.sign_out_action.setEnabled(signed_in)
        has_service = self._polling is not None
        self.watch_button.setEnabled(has_service)
        self.watch_button.setToolTip(
            self.tr("Keep checking in the background and tell me when the job finishes")
            if has_service
            else self.tr("Watching is not available yet.")
        )

    # ------------------------------------------------------------------------------------------------------
    # settings
    # ------------------------------------------------------------------------------------------------------

    def open_settings(self) -> QWidget:
        from pig_desktop.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self._settings, self)
        dialog.accepted.connect(lambda: self._on_settings_accepted(dialog))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self._settings_dialog = dialog
        dialog.open()
        return dialog

    def _on_settings_accepted(self, dialog: Any) -> None:
        new = dialog.result_settings()
        if new is not None:
            self.apply_settings(new)

    def apply_settings(self, new: Settings) -> None:
        old = self._settings
        self._save_settings(new)
        session = self._session
        if session is not None:
            try:
                server = settings_server(new)
            except Exception:
                server = ""
            if (new.server_kind, new.custom_server) != (
                old.server_kind,
                old.custom_server,
            ) and server != session.server:
                self._set_session(None)
                self.show_status(self.tr("The server changed: sign in to it."))
                self.open_sign_in()
            else:
                self._set_session(with_preferences(session, new))
        if self._history is not None and new.history_limit != old.history_limit:
            self._run(self._history.set_max_entries, new.history_limit, name="history-limit")
        if self._polling is not None and hasattr(self._polling, "apply_settings"):
            self._polling.apply_settings(new)

    def _save_settings(self, settings: Settings) -> None:
        """Keep and write the settings. On the GUI thread on purpose: one small file, atomic replace, only on
        user action."""
        self._settings = settings
        try:
            save_settings(settings, self.options.dirs.settings_file)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            self.banner.show_error(self.tr(MSG_SAVE_FAILED), str(exc), key="settings-save")

    def _notice_once(self, notice_id: str, text: str, detail: str = "") -> None:
        """Show a notice the first time only (remembered in settings.shown_notices)."""
        if notice_id in self._settings.shown_notices:
            return
        self.banner.show_notice(text, detail, key=notice_id)
        self._save_settings(self._settings.with_notice_shown(notice_id))

    # ------------------------------------------------------------------------------------------------------
    # clipboard offer
    # ------------------------------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._started:
            QTimer.singleShot(0, self._start_once)
        if event.type() == QEvent.Type.WindowActivate:
            QTimer.singleShot(0, self.offer_clipboard)
        return super().event(event)

    def _after_first_frame(self) -> None:
        """First thing after the first paint, on the GUI thread: create the ``Qt`` namespace's enums, which
        the first frame did without (ui/system/by_name.py), before any worker thread might (PySide6 creating
        types in two threads at once crashed). Only then can a signal that carries one reach Python: connected
        before, applicationStateChanged failed with "cannot be converted"."""
        QtCore.Qt.ApplicationState  # noqa: B018  # creates the namespace
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_app_state)

    def _on_app_state(self, state: QtCore.Qt.ApplicationState) -> None:
        if state == QtCore.Qt.ApplicationState.ApplicationActive:
            QTimer.singleShot(0, self.offer_clipboard)

    def offer_clipboard(self) -> bool:
        """Offer a job id found on the clipboard (once per id), without touching the field or the focus."""
        if self._shut_down:
            return False
        text = QGuiApplication.clipboard().text()
        guid = find_guid(text[:20000]) if text else None
        if not guid or guid == self.job_field.job_id() or guid in self._offered:
            return False
        self._offered.add(guid)
        self.offer_banner.show_offer(
            self.tr("There is a job id on the clipboard: %s. Check it?") % guid,
            [
                (self.tr("Check"), lambda: self._accept_offer(guid)),
                (self.tr("Dismiss"), self.offer_banner.clear),
            ],
            key="clipboard",
        )
        return True

    def _accept_offer(self, guid: str) -> None:
        self.offer_banner.clear()
        self.job_field.set_text(guid)
        self.check_job()

    # ------------------------------------------------------------------------------------------------------
    # misc
    # ------------------------------------------------------------------------------------------------------

    def show_about(self) -> None:
        # Not at module level: creating PySide's QMessageBox type and its enums costs ~2 ms before the first
        # paint, for a dialog few open.
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About PIG Desktop"))
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setText(f"<b>{APP_DISPLAY_NAME}</b> {__version__}")
        box.setInformativeText(
            self.tr(
                "Checks the status of CINX Partner Integration Gateway jobs, and puts the details in a form "
                "support can use."
            )
        )
        box.setObjectName("aboutBox")
        box.open()

    def _run(self, fn: Any, *args: Any, on_cancel: Any = None, name: str = "") -> TaskHandle:
        task = run_in_thread(self, fn, *args, on_cancel=on_cancel, name=name)
        self._tasks.append(task)
        task.finished.connect(lambda: self._task_finished(task))
        return task

    def _task_finished(self, task: TaskHandle) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
        task.deleteLater()

    # ------------------------------------------------------------------------------------------------------
    # quitting
    # ------------------------------------------------------------------------------------------------------

    def request_quit(self) -> None:
        """File > Quit: really quit, even when the tray would keep the app running."""
        self._quitting = True
        self.quit_requested.emit()
        self.close()
        if self.keep_running_in_tray:
            app = QApplication.instance()
            if app is not None:
                app.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.keep_running_in_tray and not self._quitting:
            self.hide()
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop everything this window started; safe to call twice. Never terminates a thread."""
        if self._shut_down:
            return
        self._shut_down = True
        self._watch_timer.stop()
        app = QGuiApplication.instance()
        if self._started and isinstance(app, QGuiApplication):  # connected in _after_first_frame
            try:
                app.applicationStateChanged.disconnect(self._on_app_state)
            except (RuntimeError, TypeError):
                pass
        if self._check_task is not None:
            self._drop_check_task()
        for dialog in (self._signin_dialog,):
            if dialog is not None:
                dialog.reject()
        started = time.monotonic()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        self._holder.abort()
        for task in tasks:
            task.shutdown(timeout_ms)
        tasks_done = time.monotonic()
        if self._polling is not None:
            self._polling.shutdown(timeout_ms)
        self._holder.close()
        if self._history is not None:
            self._history.close()
        log.info(
            "window shut down: %d task(s) in %.2f s, the rest in %.2f s",
            len(tasks),
            tasks_done - started,
            time.monotonic() - tasks_done,
        )
