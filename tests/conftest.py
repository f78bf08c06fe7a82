"""Suite-wide test set-up: isolation from the real user, the two test groups, and shared fixtures.

Isolation (every test, automatically):
- ``PIG_DESKTOP_HOME`` and the XDG base directories point into a fresh temporary directory, so nothing a test
  runs (the app's own paths, QSettings, platformdirs, subprocesses) reads or writes the real user's files.
- python-keyring is pinned to ``keyring.backends.null.Keyring`` (also through ``PYTHON_KEYRING_BACKEND``, so
  subprocesses get it too): no test touches a real keychain unless it asks for ``real_keychain`` or is marked
  ``keychain``; then it gets gnome-keyring's Secret Service, or fails saying why.

Groups: ``./scripts/test.sh`` runs ``-m "not x11"`` with ``QT_QPA_PLATFORM=offscreen`` and ``-m x11`` with
``QT_QPA_PLATFORM=xcb`` on Xvfb. An ``x11`` test run any other way fails with a message saying how to run it.

Qt messages: a Qt warning (or worse) during a test fails it (pytest-qt's ``qt_log_level_fail`` = WARNING, set
here per test). Decision: that is deterministic, and it catches real bugs (cross-thread timers, bad
connections, model contract breaches) that would otherwise only print. Messages that are platform noise rather
than our bugs are ignored (``QT_LOG_NOISE``): the offscreen plugin's two warnings and Xvfb's asynchronous XCB
errors (timing dependent, so they would make the x11 group flaky). A test can still loosen it with pytest-qt's
own markers, e.g. ``@pytest.mark.qt_log_level_fail("CRITICAL")`` or ``@pytest.mark.qt_log_ignore("regex")``
(which extends ``QT_LOG_NOISE``).
"""

from __future__ import annotations

import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# pytester runs a throw-away pytest session; tests/test_environment.py uses it to prove the Qt log policy.
pytest_plugins = ["pytester"]

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


# scripts/test-session.sh runs pytest as a background job, and bash starts those with SIGINT ignored. Give
# SIGINT back its usual meaning (KeyboardInterrupt: fixtures tear down, child processes and servers stop, the
# junit XML is written); the script stops a step with SIGINT first. SIGTERM stays fatal on purpose: a
# Python-level handler would not run while a test hangs inside Qt's C++ event loop, so `timeout` could no
# longer stop a hung run.
signal.signal(signal.SIGINT, signal.default_int_handler)

# Without a display and without this, pytest-qt's qapp fixture aborts the whole run (SIGABRT). It must be set
# before the first QApplication exists, i.e. at import of this conftest.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt warns once when XDG_RUNTIME_DIR is missing; whichever test first makes a QApplication would then fail
# under the warning policy below, which depends on test order. Give it a private one (mode 0700, as required).
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="pig-tests-runtime-")

# Qt messages that are not bugs of ours (regexes, matched with re.search). See the module docstring.
QT_LOG_NOISE: tuple[str, ...] = (
    # offscreen plugin: it cannot do window-manager size hints, and has no system tray window.
    r"This plugin does not support propagateSizeHints\(\)",
    r"No such signal QPlatformNativeInterface::systemTrayWindowChanged",
    # Xvfb/trayer: asynchronous X protocol errors (e.g. a tray window already gone), timing dependent.
    r"QXcbConnection: XCB error",
    r"XDG_RUNTIME_DIR",
)

KEYCHAIN_HELP = (
    "Run the suite with ./scripts/test.sh: it starts a private D-Bus session with gnome-keyring's Secret "
    "Service unlocked."
)

_NULL_KEYRING = "keyring.backends.null.Keyring"


# ---- collection: Qt log policy -----------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("qt_log_level_fail") is None:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
        ignore = item.get_closest_marker("qt_log_ignore")
        if ignore is None:
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_NOISE))
        elif ignore.kwargs.get("extend", True):
            # pytest-qt's "extend" means "add to the ini list"; ours lives here, so add it explicitly.
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_NOISE, *ignore.args, extend=True), append=False)


# ---- the x11 group -----------------------------------------------------------------------------------------


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("x11") is None:
        return
    display = os.environ.get("DISPLAY", "")
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not display or platform != "xcb":
        pytest.fail(
            f"This test needs a real X server (DISPLAY={display!r}, QT_QPA_PLATFORM={platform!r}; it needs a "
            "display and 'xcb'). Run ./scripts/test.sh, which starts Xvfb and runs the x11 tests on it.",
            pytrace=False,
        )


# ---- isolation ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def pig_desktop_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty ``PIG_DESKTOP_HOME`` for every test; the XDG directories are private to the test too."""
    root = tmp_path_factory.mktemp("pig-user")
    home = root / "pig-home"
    home.mkdir()
    monkeypatch.setenv("PIG_DESKTOP_HOME", str(home))
    # Belt and braces for code that does not go through pig_desktop.store.paths (QSettings, platformdirs).
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = root / var.lower()
        path.mkdir()
        monkeypatch.setenv(var, str(path))
    return home


@pytest.fixture(autouse=True)
def _pinned_keyring(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pin python-keyring to the null backend, unless the test asked for the real keychain."""
    import keyring
    import keyring.backends.null

    wants_real = (
        request.node.get_closest_marker("keychain") is not None or "real_keychain" in request.fixturenames
    )
    if wants_real:
        request.getfixturevalue("real_keychain")
    else:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", _NULL_KEYRING)
        keyring.set_keyring(keyring.backends.null.Keyring())
    yield
    # Back to "no keychain" rather than to whatever was there: asking keyring for its current backend would
    # run its detection, which may D-Bus-activate a keychain daemon.
    keyring.set_keyring(keyring.backends.null.Keyring())


@pytest.fixture
def real_keychain(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The real keychain (gnome-keyring's Secret Service), proven usable; else the test fails saying why.

    Returns the keyring backend, also installed with ``keyring.set_keyring``. Subprocesses find it on their
    own (``PYTHON_KEYRING_BACKEND`` is removed). Delete what you store; the keychain lives as long as the run.
    """
    import secrets

    import keyring
    from keyring.backends import SecretService

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.fail(f"No D-Bus session bus, so no keychain. {KEYCHAIN_HELP}", pytrace=False)
    backend = SecretService.Keyring()
    probe_service = "pig-desktop-tests-probe"
    value = secrets.token_hex(8)
    try:
        backend.set_password(probe_service, "probe", value)
        read_back = backend.get_password(probe_service, "probe")
        backend.delete_password(probe_service, "probe")
    except Exception as exc:  # any failure means "not usable"; say which one
        pytest.fail(
            f"The real keychain (Secret Service) is not usable: {type(exc).__name__}: {exc}. {KEYCHAIN_HELP}",
            pytrace=False,
        )
    if read_back != value:
        pytest.fail(
            f"The real keychain returned a different value than was stored. {KEYCHAIN_HELP}", pytrace=False
        )
    keyring.set_keyring(backend)
    return backend


# ---- shared fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pyinstaller_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder bundle, built once per session by packaging/build.sh into a temporary folder (the
    costliest step of the suite): tests/test_bundle.py runs it, tests/test_deb.py packages it."""
    from helpers.bundle import build_bundle

    return build_bundle(tmp_path_factory.mktemp("bundle"))


@pytest.fixture
def fixture_body() -> Callable[[str], bytes]:
    """``fixture_body("status-processed")`` -> the bytes of tests/fixtures/status-processed.json."""

    def read(name: str) -> bytes:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or ".." in name:
            raise ValueError(f"not a fixture name: {name!r}")
        path = FIXTURES_DIR / (name if name.endswith(".json") else f"{name}.json")
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in FIXTURES_DIR.glob("*.json")))
            raise FileNotFoundError(f"no fixture {path.name} in tests/fixtures (there are: {known})")
        return path.read_bytes()

    return read


@pytest.fixture
def sandbox() -> Iterator[Any]:
    """A started sandbox CINX server on 127.0.0.1 (``.url``), stopped after the test."""
    from pig_desktop.demo.server import SandboxServer

    with SandboxServer() as server:
        yield server


@pytest.fixture
def berlin_time() -> Iterator[None]:
    """A fixed local zone (TZ=Europe/Berlin) so that "local time" has a known value (and differs from UTC).

    Not autouse: a module asks for it with ``pytestmark = pytest.mark.usefixtures("berlin_time")``.
    """
    import time

    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """``open_window(options=None, *, register=True)`` -> a shown, ready ``MainWindow``.

    ``options`` defaults to a signed-out start in the test's own folders. ``register=False`` leaves the
    window out of qtbot's clean-up (for tests that close or delete it themselves). After the test every
    window still alive is shut down, and all background tasks must finish within 5 s.
    """
    import shiboken6

    from pig_desktop.store.paths import app_dirs, ensure
    from pig_desktop.ui.account.app_state import StartOptions
    from pig_desktop.ui.shell.main_window import MainWindow
    from pig_desktop.ui.system import tasks

    windows: list[MainWindow] = []

    def make(options: StartOptions | None = None, *, register: bool = True) -> MainWindow:
        window = MainWindow(options or StartOptions(dirs=ensure(app_dirs())))
        if register:
            qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.is_ready, timeout=10000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if shiboken6.isValid(window):
            window.shutdown()
    assert tasks.shutdown_all(5000)


@pytest.fixture
def app_log() -> Iterator[Path]:
    """The app's real rotating log file in PIG_DESKTOP_HOME, at DEBUG (the most the app can write); the
    handler is removed and closed again afterwards."""
    import logging

    from pig_desktop.store.logsetup import APP_LOGGER, configure_logging
    from pig_desktop.store.paths import app_dirs, ensure

    path = configure_logging(ensure(app_dirs()).log, level=logging.DEBUG)
    yield path
    logger = logging.getLogger(APP_LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, "_pig_desktop_handler", False):
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ at the repo root (created): screenshots and other files worth keeping from a run."""
    path = Path(os.environ.get("PIG_TEST_ARTIFACTS") or REPO_ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Empty the clipboard before Python shuts down.

    Offscreen, Qt deletes the clipboard's QMimeData (made in Python by "Copy for ticket") in its own exit
    handler, after the interpreter is gone, and the process dies with SIGSEGV although every test passed.
    The offscreen clipboard belongs to this process only, so nothing is lost.
    """
    import sys

    if "PySide6.QtGui" not in sys.modules:
        return
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()
