"""``pig-desktop --self-test``: prove this installation works (no display needed) and say what it checked.

It is the first thing to run after installing (or when IT support asks "does it work on that machine?"):
it needs no display, no CINX account and no network beyond loopback. One line per check:

    ok   PIG Desktop 0.1.0 (installed package at /.../site-packages/pig_desktop, Python 3.11.2)
    ok   Qt 6.9.1, PySide6 6.9.1 (display: offscreen)
    ok   all 36 icons load (from /.../pig_desktop/resources)
    warn password keychain: ... (keyring.backends.fail.Keyring). PIG Desktop works without it ...
    ok   folders: settings /..., history /..., log /...
    ok   secure connections: the system's certificate store loads (truststore 0.10.1)
    ok   practice server check: job 97b96860-... is Processed (answered in 5 ms)
    Self-test passed: PIG Desktop is ready to use.

``ok`` and ``FAIL`` are the checks that decide the exit status (0 only if none failed); ``warn`` is something
the app works around (no usable keychain: passwords are then kept only until the app closes). Nothing raises
out of here: every failure becomes a plain line, with the technical detail in the log file when the log
folder could be made. Nothing is written outside the app's own folders (``store.paths.app_dirs()``).

Works the same from a source checkout, an installed wheel and the PyInstaller bundle: resources are found
through :mod:`pig_desktop.assets`, and everything else is imported like the app imports it.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pig_desktop import APP_DISPLAY_NAME, __version__
from pig_desktop.i18n import N_, _, ngettext

log = logging.getLogger(__name__)

OK = "ok  "
WARN = "warn"
FAIL = "FAIL"
# A locked keychain may put up an unlock prompt and wait for the user; the self-test does not wait forever.
KEYCHAIN_TIMEOUT_S = 20.0
MAX_NAMED_ICONS = 5
# The self-test's sentences are translated (gettext); the technical details after them are not.
REINSTALL = N_("Reinstall PIG Desktop; if that does not help, send this output to your IT support.")


@dataclass(frozen=True)
class CheckResult:
    """One line of the report. ``detail`` is technical and goes to the log only."""

    state: str  # OK, WARN or FAIL
    text: str
    detail: str = ""


def _technical(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


# ---- the checks --------------------------------------------------------------------------------------------


def _how_installed() -> str:
    if getattr(sys, "frozen", False):
        return f"bundled app at {Path(sys.executable).resolve().parent}"
    package = Path(__file__).resolve().parent
    if (package.parent / "pyproject.toml").is_file():
        return _("source checkout at {folder}").format(folder=package.parent)
    return _("installed package at {folder}").format(folder=package)


def check_version() -> CheckResult:
    python = ".".join(str(part) for part in sys.version_info[:3])
    return CheckResult(
        OK,
        _("{app} {version} ({installed}, Python {python})").format(
            app=APP_DISPLAY_NAME, version=__version__, installed=_how_installed(), python=python
        ),
    )


class _QtState:
    """What the Qt check found; the icon check needs the application object."""

    def __init__(self) -> None:
        self.app: Any = None


def check_qt(state: _QtState) -> CheckResult:
    try:
        import PySide6
        from PySide6.QtCore import qVersion
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        return CheckResult(
            FAIL,
            _("the Qt toolkit (PySide6) could not be loaded. {reinstall}").format(reinstall=_(REINSTALL)),
            _technical(exc),
        )
    app = QApplication.instance()
    if app is None:
        # No display is needed for any check, and a desktop session must not flash a window: force offscreen.
        # This has to be set before the application object exists; Qt reads it once.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication([sys.argv[0] if sys.argv else "pig-desktop"])
    elif not isinstance(app, QGuiApplication):
        # Icons need a GUI application; a bare QCoreApplication cannot be turned into one.
        return CheckResult(
            FAIL,
            _("Qt was started without graphics support, so icons cannot be checked."),
            f"existing instance is {type(app).__name__}",
        )
    state.app = app
    platform = QGuiApplication.platformName() or "unknown"
    return CheckResult(
        OK,
        _("Qt {qt}, PySide6 {pyside} (display: {platform})").format(
            qt=qVersion(), pyside=PySide6.__version__, platform=platform
        ),
    )


def _icon_problem(path: Path) -> str | None:
    """Why the icon at ``path`` does not load, or None if it does (needs a QGuiApplication)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon, QImage

    if path.suffix == ".svg":
        from PySide6.QtSvg import QSvgRenderer

        renderer = QSvgRenderer(str(path))
        if not renderer.isValid() or renderer.defaultSize().isEmpty():
            return _("not a readable SVG image")
    else:
        image = QImage(str(path))
        if image.isNull():
            return _("not a readable PNG image")
    # The way the app uses them: through QIcon, which for SVGs needs Qt's SVG icon plug-in (a bundle that
    # lost it would draw nothing at all).
    icon = QIcon(str(path))
    if icon.isNull() or icon.pixmap(QSize(32, 32)).isNull():
        return _("Qt draws it as an empty icon")
    return None


def check_icons(state: _QtState) -> CheckResult:
    from pig_desktop import assets

    try:
        root = assets.resources_root()
        paths = assets.all_icon_paths()
    except FileNotFoundError as exc:
        return CheckResult(
            FAIL, _("the icon files are missing. {reinstall}").format(reinstall=_(REINSTALL)), _technical(exc)
        )
    if not paths:
        return CheckResult(
            FAIL,
            _("no icon files were found in {folder}. {reinstall}").format(
                folder=root, reinstall=_(REINSTALL)
            ),
        )
    if state.app is None:
        return CheckResult(FAIL, _("icons were not checked, because Qt could not start (see above)."))
    broken: list[str] = []
    reasons: list[str] = []
    for path in paths:
        try:
            problem = _icon_problem(path)
        except Exception as exc:  # an odd file must not stop the rest of the report
            problem = _technical(exc)
        if problem is not None:
            name = path.relative_to(root).as_posix()
            broken.append(name)
            reasons.append(f"{name}: {problem}")
    if broken:
        named = ", ".join(broken[:MAX_NAMED_ICONS]) + (" ..." if len(broken) > MAX_NAMED_ICONS else "")
        return CheckResult(
            FAIL,
            ngettext(
                "{broken} of {count} icon could not be loaded ({named}). {reinstall}",
                "{broken} of {count} icons could not be loaded ({named}). {reinstall}",
                len(paths),
            ).format(broken=len(broken), count=len(paths), named=named, reinstall=_(REINSTALL)),
            "; ".join(reasons),
        )
    return CheckResult(
        OK,
        ngettext(
            "all {count} icon loads (from {folder})", "all {count} icons load (from {folder})", len(paths)
        ).format(count=len(paths), folder=root),
    )


def _keychain_status() -> Any:
    from pig_desktop.store.credentials import Keychain

    return Keychain().status()


def check_keychain(timeout: float = KEYCHAIN_TIMEOUT_S) -> CheckResult:
    """Which keychain backend passwords would go to, and whether it works. Never a failure: the app works
    without a keychain (it keeps the password in memory until it closes)."""
    box: dict[str, Any] = {}

    def probe() -> None:
        try:
            box["status"] = _keychain_status()
        except BaseException as exc:  # reported below; a thread must not die with a traceback on stderr
            box["error"] = exc

    # A daemon thread: a keychain stuck behind an unlock prompt must not keep the process alive.
    worker = threading.Thread(target=probe, name="self-test keychain", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return CheckResult(
            WARN,
            _(
                "password keychain: no answer within {seconds} s (it may be locked and waiting for you to "
                "unlock it). PIG Desktop works without it, but will forget your password when it closes."
            ).format(seconds=f"{timeout:.0f}"),
            "Keychain().status() timed out",
        )
    if "error" in box:
        return CheckResult(
            WARN,
            _(
                "password keychain: it could not be checked. PIG Desktop works without it, but will forget "
                "your password when it closes."
            ),
            _technical(box["error"]),
        )
    status = box["status"]
    if status.usable:
        return CheckResult(OK, _("password keychain works ({backend})").format(backend=status.backend))
    # The status message already says what it means for the user ("... only until you close it").
    if status.backend:
        text = _("password keychain not used ({backend}): {reason}").format(
            backend=status.backend, reason=status.message
        )
    else:
        text = _("password keychain not used: {reason}").format(reason=status.message)
    return CheckResult(WARN, text, status.detail)


def check_folders() -> tuple[CheckResult, Path | None]:
    """Make the app's folders (as the app does on start) and report them; returns the log folder if made."""
    from pig_desktop.store.paths import HOME_ENV, app_dirs, ensure

    try:
        dirs = app_dirs()
    except Exception as exc:
        return CheckResult(
            FAIL, _("Couldn't work out where to keep PIG Desktop's files."), _technical(exc)
        ), None
    where = _("settings {settings}, history {history}, log {log}").format(
        settings=dirs.config, history=dirs.data, log=dirs.log
    )
    try:
        ensure(dirs)
    except OSError as exc:
        place = exc.filename or dirs.config
        if os.environ.get(HOME_ENV, "").strip():
            text = _(
                "PIG Desktop cannot create its folders: {place} is not a folder it can write to (the "
                "{setting} setting points there). Free up or fix that location, or ask your IT support."
            ).format(place=place, setting=HOME_ENV)
        else:
            text = _(
                "PIG Desktop cannot create its folders: {place} is not a folder it can write to. Free up or "
                "fix that location, or ask your IT support."
            ).format(place=place)
        return (
            CheckResult(
                FAIL,
                text,
                _technical(exc),
            ),
            None,
        )
    return CheckResult(OK, _("folders: {where}").format(where=where)), dirs.log


def check_tls() -> CheckResult:
    try:
        import truststore

        from pig_desktop.core.client import tls_context

        tls_context()
    except Exception as exc:
        return CheckResult(
            FAIL,
            _(
                "secure connections cannot be set up: the system's certificate store could not be loaded. "
                "{reinstall}"
            ).format(reinstall=_(REINSTALL)),
            _technical(exc),
        )
    return CheckResult(
        OK,
        _("secure connections: the system's certificate store loads (truststore {version})").format(
            version=truststore.__version__
        ),
    )


def check_practice_server() -> CheckResult:
    """One real status check over HTTP against the built-in practice server on 127.0.0.1."""
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.connection import Connection
    from pig_desktop.core.outcome import Outcome
    from pig_desktop.demo import ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD, PROCESSED_JOB, SandboxServer

    sandbox = SandboxServer()
    try:
        sandbox.start()
    except Exception as exc:
        return CheckResult(
            FAIL,
            _(
                "the built-in practice server could not start on this computer (127.0.0.1), so no check "
                "was run."
            ),
            _technical(exc),
        )
    client = None
    try:
        connection = Connection(
            server=sandbox.url, email=DEMO_EMAIL, password=DEMO_PASSWORD, api_token=ACTIVE_TOKEN
        )
        client = CinxClient(connection)
        started = time.monotonic()
        report = client.check_status(PROCESSED_JOB)
        took_ms = (time.monotonic() - started) * 1000
    finally:
        if client is not None:
            client.close()
        sandbox.stop()
    if report.outcome is not Outcome.PROCESSED:
        return CheckResult(
            FAIL,
            _(
                "a status check against the built-in practice server answered {outcome} instead of "
                "Processed: {message} {reinstall}"
            ).format(outcome=report.label, message=report.message, reinstall=_(REINSTALL)),
            f"outcome={report.outcome.value} http={report.http_status} detail={report.detail}",
        )
    return CheckResult(
        OK,
        _("practice server check: job {job_id} is {outcome} (answered in {milliseconds} ms)").format(
            job_id=PROCESSED_JOB, outcome=report.label, milliseconds=f"{took_ms:.0f}"
        ),
    )


# ---- the run -----------------------------------------------------------------------------------------------


def _safely(name: str, check: Callable[[], CheckResult]) -> CheckResult:
    try:
        return check()
    except Exception:  # a bug in one check must still give a plain line, and the other checks must run
        # The traceback goes to the log (written at the end, once the log folder is known), never the screen.
        return CheckResult(
            FAIL,
            _("{check}: something unexpected went wrong while checking this. {reinstall}").format(
                check=name, reinstall=_(REINSTALL)
            ),
            traceback.format_exc(),
        )


def _setup_logging(log_dir: Path) -> str:
    try:
        from pig_desktop.store.logsetup import configure_logging

        return str(configure_logging(log_dir))
    except Exception:  # no log file is no reason to stop the self-test; the lines on screen still tell all
        return ""


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print one line per check to ``out`` (default: ``sys.stdout`` at call time).

    Returns 0 if every required check passed, else 1. Never raises (except KeyboardInterrupt).
    """
    stream = out if out is not None else sys.stdout
    # Until the log file is set up, log records go nowhere (not to logging's last-resort stderr handler).
    app_logger = logging.getLogger("pig_desktop")
    if not app_logger.handlers:
        app_logger.addHandler(logging.NullHandler())
    results: list[tuple[str, CheckResult]] = []

    def emit(name: str, result: CheckResult) -> None:
        results.append((name, result))
        if stream is not None:  # a Windows GUI program has no stdout at all
            try:
                stream.write(f"{result.state} {result.text}\n")
                stream.flush()
            except (OSError, ValueError):
                pass

    qt = _QtState()
    previous_handler = _capture_qt_messages()
    try:
        emit("version", _safely(_("version"), check_version))
        emit("qt", _safely(_("Qt"), lambda: check_qt(qt)))
        emit("icons", _safely(_("icons"), lambda: check_icons(qt)))
        emit("keychain", _safely(_("password keychain"), check_keychain))
        folders_box: dict[str, Path | None] = {}

        def folders() -> CheckResult:
            result, folders_box["log"] = check_folders()
            return result

        emit("folders", _safely(_("folders"), folders))
        log_dir = folders_box.get("log")
        log_file = _setup_logging(log_dir) if log_dir is not None else ""
        emit("tls", _safely(_("secure connections"), check_tls))
        emit("practice server", _safely(_("practice server check"), check_practice_server))
    finally:
        _restore_qt_messages(previous_handler)

    failed = [name for name, result in results if result.state == FAIL]
    log.info("self-test of %s %s: %s", APP_DISPLAY_NAME, __version__, "FAILED" if failed else "passed")
    for name, result in results:
        detail = f" [{result.detail}]" if result.detail else ""
        log.info("self-test %s: %s %s%s", name, result.state.strip(), result.text, detail)
    if failed:
        summary = ngettext(
            "Self-test FAILED: {failed} of {count} check failed (marked FAIL above).",
            "Self-test FAILED: {failed} of {count} checks failed (marked FAIL above).",
            len(results),
        ).format(failed=len(failed), count=len(results))
        if log_file:
            summary += " " + _("Details are in {log_file}.").format(log_file=log_file)
    else:
        summary = _("Self-test passed: {app} is ready to use.").format(app=APP_DISPLAY_NAME)
    if stream is not None:
        try:
            stream.write(summary + "\n")
            stream.flush()
        except (OSError, ValueError):
            pass
    return 1 if failed else 0


def _capture_qt_messages() -> Any:
    """Send Qt's own warnings to the log instead of the terminal, so the report stays one line per check."""
    try:
        from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    except ImportError:
        return None

    def handler(kind: Any, context: Any, message: str) -> None:
        level = logging.DEBUG if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) else logging.WARNING
        log.log(level, "Qt: %s", message)

    return (qInstallMessageHandler(handler),)


def _restore_qt_messages(previous: Any) -> None:
    if previous is None:
        return
    try:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(previous[0])
    except Exception:
        log.debug("could not restore the previous Qt message handler")


__all__ = ["CheckResult", "run_self_test"]
