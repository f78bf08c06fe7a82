"""The ``pig-desktop`` GUI entry point: parse the command line, set up Qt and logging, open the window.

``--version`` answers before Qt is even imported, so it works with no display. ``--demo`` starts the
sandbox CINX server in this process (serving from right after the first paint) and signs in with its
public demo account; its settings, history and log live in a "demo" subfolder of each app folder, apart from
the real ones, and it never touches the keychain. Job ids given on the command line go to the watch list.

Only what the first paint needs is imported before the window is shown; the window loads history, the
keychain and the network client right after.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from pig_desktop import APP_DISPLAY_NAME, APP_NAME, __version__

if TYPE_CHECKING:
    import _socket

    from pig_desktop.demo import SandboxServer
    from pig_desktop.ui.shell.main_window import MainWindow
    from pig_desktop.ui.watching.controller import WatchController

log = logging.getLogger(__name__)

DESKTOP_ID = "io.github.pigdesktop.PigDesktop"
ORGANISATION_NAME = "PIG Desktop"


class _EarlyLogBuffer(logging.Handler):
    """Keeps the records logged before the log file is opened (right after the first paint), to be written
    to it then. Nothing secret exists in the process that early: the keychain is read after the first paint.
    """

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _open_log_file(log_dir: Any, early: _EarlyLogBuffer) -> str:
    """Start the real log file (``store.logsetup``, which pulls in ``logging.handlers``: ~8 ms, so not before
    the first paint) and write the buffered early records to it. Safe to call twice. Returns a plain
    sentence when no log is kept this time ("" otherwise), for the window's banner."""
    logger = logging.getLogger("pig_desktop")  # logsetup.APP_LOGGER, without importing it early
    if early not in logger.handlers:
        return ""
    from pig_desktop.store.logsetup import LogFileRefused, configure_logging

    # The file handler first, then the buffer off: a record logged in between (a worker thread) is written
    # twice rather than lost.
    try:
        configure_logging(log_dir)
    except OSError as exc:  # a link planted at the log path (LogFileRefused) or an unwritable folder
        logger.removeHandler(early)
        early.records.clear()
        from pig_desktop.i18n import _

        fallback = _("PIG Desktop isn't keeping a log this time: {problem}").format(problem=exc)
        message = exc.message if isinstance(exc, LogFileRefused) else fallback
        print(message, file=sys.stderr)
        return message
    logger.removeHandler(early)
    for record in list(early.records):
        for handler in logger.handlers:
            if record.levelno >= handler.level:
                handler.handle(record)
    early.records.clear()
    return ""


class AppArgs(NamedTuple):
    demo: bool
    self_test: bool
    jobs: tuple[str, ...]
    qt_args: tuple[str, ...]
    hidden: bool = False  # --hidden (the sign-in autostart entry): start in the tray, no window until opened


def parse_args(argv: Sequence[str] | None) -> AppArgs:
    """The command line; ``--help`` speaks the language i18n was set up with (argparse's own few words,
    such as "usage", are Python's and stay English)."""
    from pig_desktop.i18n import _

    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description=_("Check the status of CINX Partner Integration Gateway (PIG) jobs."),
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_(
            "open against a built-in sandbox server, signed in with a demo account (no CINX account needed)"
        ),
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check this installation without a window (no display needed) and print what was checked"),
    )
    parser.add_argument(
        "--hidden",
        action="store_true",
        help=_("start without opening the window (in the tray; used when starting at sign-in)"),
    )
    parser.add_argument(
        "jobs", nargs="*", metavar="JOB", help=_("job ids (or links, e.g. pig-desktop://job/<id>) to watch")
    )
    # Unknown options (-platform, -style ...) are left for Qt.
    ns, rest = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    # pig-desktop://job/<id> links (the desktop entry's %u) become their job ids here, before any Qt import.
    from pig_desktop.core.jobid import command_line_jobs

    return AppArgs(
        demo=bool(ns.demo),
        self_test=bool(ns.self_test),
        jobs=tuple(command_line_jobs(list(ns.jobs))),
        qt_args=tuple(rest),
        hidden=bool(ns.hidden),
    )


def main(argv: Sequence[str] | None = None) -> int:
    from pig_desktop import i18n

    # The system's language for what is said before the settings are read (--help, self-test, no
    # display); the settings' own choice replaces it below, before any widget exists.
    i18n.setup("system")
    args = parse_args(argv)  # exits for --version / --help before any Qt import
    if args.self_test:
        from pig_desktop.selftest import run_self_test

        return run_self_test()
    from pig_desktop.display_check import exit_if_no_display

    exit_if_no_display(args.qt_args)  # exit 2 with one plain sentence, before Qt could abort

    # Qt-free modules before PySide6: once PySide6 is imported it reads the source of every module named in
    # an import statement, once per name, looking for ``from __feature__`` (docs/performance.md).
    # store.settings is imported here for that reason only (the window uses it).
    from pig_desktop.store.paths import app_dirs, ensure
    from pig_desktop.store.settings import load_settings  # noqa: F401
    from pig_desktop.ui.account.app_state import DemoAccount, StartOptions, demo_dirs

    # isort: split
    from PySide6.QtWidgets import QApplication

    from pig_desktop.ui.system.qt_startup import prepare_qt_start

    prepare_qt_start()  # before the window's own modules load
    # (No high-DPI rounding policy is set: Qt 6 passes fractional factors through, 150 % stays 150 %.)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME, *args.qt_args])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION_NAME)
    app.setDesktopFileName(DESKTOP_ID)

    dirs = ensure(app_dirs())
    if args.demo:
        dirs = ensure(demo_dirs(dirs))
    # The log file is opened right after the first paint (window.first_painted); until then records wait here.
    early_log = _EarlyLogBuffer()
    app_logger = logging.getLogger("pig_desktop")
    app_logger.addHandler(early_log)
    app_logger.setLevel(logging.INFO)
    log.info("%s %s starting%s", APP_NAME, __version__, " (demo)" if args.demo else "")
    if args.jobs:
        # Job ids are not secrets; the log shows which jobs a link or a command line brought in.
        log.info("job(s) from the command line: %s", ", ".join(job[:80] for job in args.jobs))
    from pig_desktop.store.crash import install_crash_handlers, stop_crash_handlers
    from pig_desktop.ui.system.qt_messages import install_qt_message_handler

    # Fatal signals traced to a file in the log folder; an earlier run's crash is reported once (the shell
    # shows app.previous_crash in its banner). Qt's own messages go to the redacted log.
    app.previous_crash = install_crash_handlers(dirs.log)  # type: ignore[attr-defined]
    install_qt_message_handler()

    # The demo's sandbox server starts after the first paint; until then its socket already listens (so its
    # address is known now) and holds any connection in its backlog.
    sandbox: list[SandboxServer] = []
    listener: _socket.socket | None = None
    demo = None
    if args.demo:
        from pig_desktop.demo import ACTIVE_ORG, ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD, listen_on_loopback

        listener = listen_on_loopback()
        host, port = listener.getsockname()[:2]
        demo = DemoAccount(f"http://{host}:{port}", DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN, ACTIVE_ORG)

    # The language and the looks before any widget exists: every string is translated when it is built.
    from pig_desktop.ui.settings.controller import load_start_settings

    loaded_settings = load_start_settings(dirs.settings_file, demo)
    i18n.setup(loaded_settings.settings.language)
    from pig_desktop.ui.system.qt_translations import install_qt_translations

    install_qt_translations(i18n.current_language(), app)  # Qt's own words (dialog buttons) in that language
    if loaded_settings.settings.appearance != "system":  # "system" is what Qt already shows
        from pig_desktop.ui.settings.appearance import apply_appearance

        apply_appearance(app, loaded_settings.settings.appearance)

    from PySide6.QtCore import QTimer

    from pig_desktop.ui.shell.background import Background
    from pig_desktop.ui.system.excepthook import install_excepthook

    def stop_sandbox() -> None:
        for server in sandbox:
            server.stop()
        if listener is not None:
            listener.close()  # never served (closed before the first paint), or already closed by stop()

    # Not pig_desktop.ui.watching.controller: it pulls in the polling service and with it httpx; it is
    # imported once the window is ready, after the first paint.
    from pig_desktop.ui.system.single_instance import claim_single_instance

    # A second start hands its job ids to the running app and ends (demo and real apps have separate data
    # folders, so each has its own instance). When no app can be running, it listens after the first paint.
    instance = claim_single_instance(dirs.data, list(args.jobs))
    if instance is None:
        log.info("handed %d job(s) to the running app", len(args.jobs))
        from pig_desktop.i18n import _

        print(_("Opened in the running PIG Desktop window"), flush=True)
        _open_log_file(dirs.log, early_log)
        stop_sandbox()
        return 0

    options = StartOptions(dirs=dirs, demo=demo, jobs=args.jobs, settings=loaded_settings)
    # Settings, account and history run with or without the window; a hidden start with a tray to live in
    # builds the window only when the user opens it (the tray, a notification, a second start).
    background = Background(options, app)
    windows: list[MainWindow] = []
    controller: list[WatchController] = []  # once attached
    watching_tried: list[bool] = []
    in_tray_only = False
    if args.hidden:
        from PySide6.QtWidgets import QSystemTrayIcon  # its binding is no part of a normal first frame

        in_tray_only = QSystemTrayIcon.isSystemTrayAvailable()

    def show_unexpected_error(message: str, detail: str) -> None:
        if windows:
            windows[0].show_unexpected_error(message, detail)  # else it is in the log (the hook logs it)

    reporter = install_excepthook(show_unexpected_error, background)

    def build_window() -> MainWindow:
        if windows:
            return windows[0]
        from pig_desktop.ui.shell.main_window import MainWindow  # at a start in the tray: when opened

        # Built late, the window shows no command-line job of its own: the watch list brought them.
        window = MainWindow(
            dataclasses.replace(options, jobs=()) if controller else options, background=background
        )
        windows.append(window)
        # A link clicked while the app runs: a second start hands its jobs over (Linux, Windows), macOS
        # sends a QFileOpenEvent. Either way the window shows the job (watching also gets them).
        instance.jobs_received.connect(window.entry.open_jobs)
        if sys.platform == "darwin":  # an application-wide filter runs Python for every event: macOS only
            from pig_desktop.ui.system.link_open import LinkOpenFilter

            app.installEventFilter(LinkOpenFilter(window.entry.open_jobs, window))
        window.first_painted.connect(lambda: show_start_notices(window))
        if controller:
            attach_window(window)
        else:
            window.ready.connect(lambda: start_watching(window))
        return window

    def attach_window(window: MainWindow) -> None:
        watch = controller[0]
        watch.attach_window(window, window.check)
        # Help > Report a problem says which tray and notification path are in use.
        window.help_controller.set_watching(watch.tray.available, watch.notifier.backend.name)

    def start_watching(window: MainWindow | None) -> None:
        # Once the history database is open (the watch list opens the same file, and two first opens at the
        # same moment can trip over each other's lock) and the saved sign-in was tried.
        if controller or watching_tried:
            return
        watching_tried.append(True)  # once: a window built to say it failed must not try again
        try:
            from pig_desktop.ui.watching.controller import WatchController

            watch = WatchController(
                background,
                open_window=build_window,
                hidden=args.hidden,
                single_instance=instance,
                initial_jobs=args.jobs,
                parent=background,
            )
            controller.append(watch)
            if window is not None:
                attach_window(window)
            if args.hidden:
                watch.start_hidden()
        except Exception:  # watching is an extra: the window still works without it
            log.exception("watching could not start")
            from pig_desktop.i18n import _

            window = build_window()  # at a start in the tray there is none yet: the news needs one
            window.banner.show_error(
                _("Watching jobs in the background isn't available this time. Checking jobs works as usual."),
                _("See the log file for details."),
            )
            window.show()

    def start_sandbox() -> None:
        if listener is not None:
            from pig_desktop.demo import SandboxServer

            server = SandboxServer(listen_socket=listener)
            server.start()
            sandbox.append(server)

    refused: list[str] = []

    def after_first_paint() -> None:
        # Once: right after the window's first paint, or at once at a start in the tray.
        if refused:
            return
        from pig_desktop.ui.system.icons import app_icon

        refused.append(_open_log_file(dirs.log, early_log))
        if instance.server is None and not instance.listen():
            log.info("another PIG Desktop started at the same moment; this one runs on its own")
        # All sizes of the app icon (for dialogs and the task bar); decoding them is ~9 ms.
        app.setWindowIcon(app_icon())

    def show_start_notices(window: MainWindow) -> None:
        from pig_desktop.ui.system.crash_notice import show_crash_notice

        after_first_paint()
        if refused[0]:
            window.banner.show_notice(refused[0], key="log-refused")
        show_crash_notice(window.banner, app.previous_crash)  # type: ignore[attr-defined]

    if in_tray_only:
        # Started at sign-in: no window; the watch feature lives in the tray. The saved watch list resumes as
        # soon as the history database is open.
        log.info("started hidden in the tray")

        def start_in_tray() -> None:
            start_sandbox()
            after_first_paint()
            background.start()

        def history_step(step: str) -> None:
            if step == "history":
                start_watching(None)

        background.step_done.connect(history_step)
        QTimer.singleShot(0, start_in_tray)
    else:
        window = build_window()
        window.first_painted.connect(start_sandbox)
        if args.hidden:
            # Started at sign-in with no tray to live in: the window shows minimised (start_hidden()).
            log.info("started hidden, no tray: the window is minimised")
        else:
            window.show()
    try:
        return int(app.exec())
    finally:
        _open_log_file(dirs.log, early_log)  # a window closed before its first paint
        if app.platformName() == "offscreen":
            # Qt would delete a copied ticket's QMimeData after Python has shut down and crash on the way out;
            # the offscreen clipboard is this process's own, so emptying it loses nothing.
            app.clipboard().clear()
        started = time.monotonic()
        for watch in controller:
            watch.shutdown()
        log.info("watching stopped in %.2f s", time.monotonic() - started)
        for window in windows:
            window.shutdown()
        background.shutdown()
        reporter.uninstall()
        from pig_desktop.ui.system.tasks import shutdown_all

        shutdown_all(5000)
        from pig_desktop.ui.system.accessibility import release_widgets

        release_widgets(app)  # a quit with a screen reader on must not crash on the way out
        stop_sandbox()
        log.info("%s stopped", APP_NAME)
        stop_crash_handlers()
