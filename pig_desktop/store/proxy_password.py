"""The manual proxy's password: only in the keychain, under its own entry, and redacted from every log.

The entry is ``"{user} @ proxy://{host}:{port}"`` in the app's keychain service, apart from any CINX
sign-in. :class:`ProxyPasswords` reads it at most once per (host, port, user) in a run and keeps it in
memory, so building a connection does not go to the keychain each time. (Qt-free)
"""

from __future__ import annotations

import logging
import threading

from pig_desktop.store.credentials import Keychain, KeychainUnavailable
from pig_desktop.store.logsetup import register_secret

log = logging.getLogger(__name__)

__all__ = ["PROXY_PASSWORDS", "ProxyPasswords", "proxy_entry"]


def proxy_entry(host: str, port: int) -> str:
    """The keychain's "server" part of the proxy's entry."""
    return f"proxy://{host.strip()}:{port}"


class ProxyPasswords:
    """Proxy passwords from the keychain, read once and kept for the run (thread-safe)."""

    def __init__(self, keychain: Keychain | None = None) -> None:
        self._keychain = keychain
        self._lock = threading.Lock()
        self._known: dict[tuple[str, int, str], str] = {}

    def _chain(self) -> Keychain:
        return self._keychain if self._keychain is not None else Keychain()

    def get(self, host: str, port: int, user: str) -> str:
        """The password for the proxy user ("" when there is no user, no entry or no usable keychain)."""
        if not host.strip() or not user:
            return ""
        key = (host.strip(), port, user)
        with self._lock:
            if key in self._known:
                return self._known[key]
        try:
            password = self._chain().get(proxy_entry(host, port), user) or ""
        except KeychainUnavailable as exc:
            log.warning("proxy password not read from the keychain: %s", exc.detail)
            password = ""
        if password:
            register_secret(password)
        with self._lock:
            self._known[key] = password
        return password

    def set(self, host: str, port: int, user: str, password: str) -> None:
        """Keep ``password`` for the proxy user in the keychain ("" removes the entry). Raises
        KeychainUnavailable (with a plain ``message``) when it cannot."""
        if password:
            register_secret(password)
        with self._lock:
            self._known[(host.strip(), port, user)] = password
        chain = self._chain()
        if password:
            chain.set(proxy_entry(host, port), user, password)
        else:
            chain.delete(proxy_entry(host, port), user)


#: The app's one instance (the Settings dialog writes it, connections read it).
PROXY_PASSWORDS = ProxyPasswords()
