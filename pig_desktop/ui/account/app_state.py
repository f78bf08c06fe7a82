"""The window's account state: start options, the one CinxClient of the session, and the keychain jobs.

Nothing here imports httpx, keyring or sqlite at module level: the window imports this module before its first
paint, and those imports cost time the user would see. They are imported inside the functions that run in
worker threads (``pig_desktop.ui.system.tasks``).

Password rules (issue 3): the password lives in the OS keychain ("Remember me" on and a usable keychain) or in
:class:`~pig_desktop.store.credentials.SessionPasswords` (memory, this run only). It never goes to a file:
settings carry server, email and the chosen organisation only.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from pig_desktop.core.connection import Connection
from pig_desktop.core.servers import describe_server, server_for
from pig_desktop.core.session import Session
from pig_desktop.i18n import N_, _
from pig_desktop.store.paths import AppDirs

if TYPE_CHECKING:
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.policy import RetryPolicy
    from pig_desktop.core.proxy import ResolvedProxy
    from pig_desktop.store.credentials import SessionPasswords
    from pig_desktop.store.settings import LoadedSettings, Settings

log = logging.getLogger(__name__)

NOTICE_KEYCHAIN = "keychain-unavailable"
DEMO_SERVER_NAME = N_("Sandbox")


@dataclass(frozen=True)
class DemoAccount:
    """The sandbox account ``--demo`` signs in with (public sandbox values, not secrets)."""

    server: str
    email: str
    password: str
    api_token: str
    organisation: str
    org_id: str = ""


@dataclass(frozen=True)
class StartOptions:
    """What the window needs to start: where its files are, demo mode, and job ids from the command line."""

    dirs: AppDirs
    demo: DemoAccount | None = None
    jobs: tuple[str, ...] = ()
    restore_session: bool = True  # look for a saved password and sign in silently
    #: The settings already read at start-up (for the language and appearance); None: the window reads them.
    settings: LoadedSettings | None = None


def demo_dirs(dirs: AppDirs) -> AppDirs:
    """The demo's own folders: a "demo" subfolder of each app dir, so demo history never mixes with real."""
    return AppDirs(
        config=dirs.config / "demo",
        data=dirs.data / "demo",
        state=dirs.state / "demo",
        cache=dirs.cache / "demo",
        log=dirs.log / "demo",
    )


def server_display_name(server: str, demo: bool = False) -> str:
    """ "Production", "Development", "Sandbox" (demo) or the address."""
    return _(DEMO_SERVER_NAME) if demo else describe_server(server)


def settings_server(settings: Settings) -> str:
    """The server address the settings choose (raises ConfigError for an unusable custom address)."""
    return server_for(settings.server_kind, settings.custom_server)


def proxy_for(settings: Settings, server: str) -> ResolvedProxy | None:
    """The proxy for ``server``: the manual one from Settings (its password from the keychain), else the
    desktop's (Qt's system proxy for this URL on Windows and macOS, the environment elsewhere), else none."""
    # Lazy: urllib.request (and on Windows and macOS QtNetwork) are not needed for the first frame.
    from pig_desktop.core.proxy import ManualProxy
    from pig_desktop.ui.system.system_proxy import proxy_for_server

    manual = None
    password = ""
    if settings.proxy_host.strip():
        # Only then the keychain library (keyring and its back-end discovery: several MB).
        from pig_desktop.store.proxy_password import PROXY_PASSWORDS

        manual = ManualProxy(settings.proxy_host.strip(), settings.proxy_port, settings.proxy_user)
        password = PROXY_PASSWORDS.get(settings.proxy_host, settings.proxy_port, settings.proxy_user)
    return proxy_for_server(server, manual, password)


def connection_for(settings: Settings, server: str, email: str, password: str, api_token: str) -> Connection:
    """A Connection with the network preferences from ``settings`` (the proxy included)."""
    return Connection(
        server=server,
        email=email,
        password=password,
        api_token=api_token,
        status_path_template=settings.status_path_template,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        ca_bundle=settings.ca_bundle,
        proxy=proxy_for(settings, server),
    )


def with_preferences(session: Session, settings: Settings) -> Session:
    """The same sign-in with new network preferences (timeouts, CA file, status path, proxy)."""
    conn = replace(
        session.connection,
        status_path_template=settings.status_path_template,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        ca_bundle=settings.ca_bundle,
        proxy=proxy_for(settings, session.connection.server),
    )
    return replace(session, connection=conn)


class ClientHolder:
    """The ONE CinxClient of the session (keep-alive pool), created in a worker on first use.

    ``get(connection)`` is called from worker threads: it creates the client, or switches it to a new
    connection (the pool is rebuilt only when the server or TLS settings change). ``abort()`` may be called
    from the GUI thread to cut a check short.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: CinxClient | None = None
        self.retry: RetryPolicy | None = None  # None: the client's default retry policy

    def get(self, connection: Connection) -> CinxClient:
        from pig_desktop.core.client import CinxClient

        with self._lock:
            if self._client is None:
                self._client = CinxClient(connection, retry=self.retry)
            elif self._client.connection != connection:
                self._client.set_connection(connection)
            if self.retry is not None:
                self._client.retry = self.retry
            return self._client

    def abort(self) -> None:
        with self._lock:
            client = self._client
        if client is not None:
            client.abort()

    def close(self) -> None:
        """Close the pool; the next ``get`` makes a fresh client (used on session change and quit)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()


class PasswordMemory:
    """The session's in-memory passwords, created on first use (store.credentials imports keyring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store: SessionPasswords | None = None

    def store(self) -> SessionPasswords:
        with self._lock:
            if self._store is None:
                from pig_desktop.store.credentials import SessionPasswords

                self._store = SessionPasswords()
            return self._store

    def __repr__(self) -> str:
        return "<PasswordMemory>"


class KeychainResult(NamedTuple):
    """What a keychain job did. ``notice``: the plain message to show (once) when the keychain is unusable.
    (A NamedTuple, as the first frame's records are: docs/architecture.md.)"""

    stored: bool = False
    password: str | None = None
    notice: str = ""
    detail: str = ""

    def __repr__(self) -> str:  # never the password
        found = self.password is not None
        return f"KeychainResult(stored={self.stored}, found={found}, notice={bool(self.notice)})"


def remember_password(
    memory: PasswordMemory, server: str, email: str, password: str, remember: bool
) -> KeychainResult:
    """Worker job after a sign-in: keep the password in the keychain (remember) or memory only.

    Remember me off also deletes any stored entry, so an old password does not linger in the keychain.
    """
    from pig_desktop.store.credentials import Keychain, KeychainUnavailable

    memory.store().set(server, email, password)
    keychain = Keychain()
    if not remember:
        try:
            keychain.delete(server, email)
        except KeychainUnavailable as exc:
            # Nothing can be stored there either, so nothing lingers: no need to tell the user.
            log.info("keychain not usable while forgetting a password: %s", exc.detail)
        return KeychainResult(stored=False)
    try:
        keychain.set(server, email, password)
    except KeychainUnavailable as exc:
        log.warning("password kept in memory only: %s", exc.detail)
        return KeychainResult(stored=False, notice=exc.message, detail=exc.detail)
    return KeychainResult(stored=True)


def find_saved_password(memory: PasswordMemory, server: str, email: str) -> KeychainResult:
    """Worker job at start: the saved password from memory or the keychain, if any."""
    from pig_desktop.store.credentials import Keychain, KeychainUnavailable

    known = memory.store().get(server, email)
    if known:
        return KeychainResult(password=known)
    try:
        password = Keychain().get(server, email)
    except KeychainUnavailable as exc:
        log.warning("no keychain at start: %s", exc.detail)
        return KeychainResult(notice=exc.message, detail=exc.detail)
    return KeychainResult(password=password)


def warm_proxy_password(settings: Settings) -> None:
    """Read the manual proxy's password from the keychain now (in a worker), so building the connection on
    the GUI thread finds it in memory."""
    if settings.proxy_host.strip() and settings.proxy_user:
        from pig_desktop.store.proxy_password import PROXY_PASSWORDS

        PROXY_PASSWORDS.get(settings.proxy_host, settings.proxy_port, settings.proxy_user)


def find_saved_password_and_proxy(
    memory: PasswordMemory, settings: Settings, server: str, email: str
) -> KeychainResult:
    """:func:`find_saved_password`, after reading the proxy's password too (both from the keychain)."""
    warm_proxy_password(settings)
    return find_saved_password(memory, server, email)


def forget_password(memory: PasswordMemory, server: str, email: str) -> KeychainResult:
    """Worker job for Sign out: delete the keychain entry and the in-memory copy."""
    from pig_desktop.store.credentials import Keychain, KeychainUnavailable

    memory.store().delete(server, email)
    try:
        Keychain().delete(server, email)
    except KeychainUnavailable as exc:
        log.info("keychain not usable at sign-out: %s", exc.detail)
        return KeychainResult(detail=exc.detail)
    return KeychainResult()


def open_history(path: Any, max_entries: int) -> Any:
    """Worker job: open (and check) the history database. Returns a HistoryStore."""
    from pig_desktop.store.history import HistoryStore

    return HistoryStore(path, max_entries=max_entries)


class OpenedHistory(NamedTuple):
    """The history database opened in a worker, with its list already read (``listing``: the rows of
    ``HistoryStore.list_rows()``, newest first; None when reading them failed: the panel then tries again
    and says so)."""

    store: Any  # HistoryStore
    listing: list[Any] | None  # list[ListRow]


def open_history_listed(path: Any, max_entries: int) -> OpenedHistory:
    """Worker job: open the history database and read its list, so the GUI thread only shows it.

    Qt-free on purpose (store only): the window starts it at once after the first paint, while the GUI thread
    builds the result pane and imports the history panel's PySide classes; PySide creating its lazy types in
    two threads at once crashed, so nothing here may import a module that defines PySide classes.
    """
    import sqlite3

    store = open_history(path, max_entries)
    try:
        listing: list[Any] | None = store.list_rows()
    except (sqlite3.Error, OSError):
        log.warning("could not read the history list in the background", exc_info=True)
        listing = None
    return OpenedHistory(store, listing)
