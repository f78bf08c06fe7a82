"""The password store: the OS keychain through ``keyring``, or memory for this session only.

:class:`Keychain` tells the truth about the keychain. It refuses keyring's fail and null backends and every
backend that keeps passwords in a file (``keyrings.alt``, anything file-based or "Plaintext"), so a password
is never written to a file. Every keyring error, whatever the backend raises, becomes
:class:`KeychainUnavailable` with a plain message for the user and the technical detail apart.

Calls into keyring can be slow (D-Bus round trips to the Secret Service, or an unlock prompt that waits for
the user): callers run :meth:`Keychain.status`, :meth:`Keychain.get`, :meth:`Keychain.set` and
:meth:`Keychain.delete` off the GUI thread.

:class:`SessionPasswords` is the in-memory store used when "Remember me" is off or no keychain is usable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Final

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
from keyring.backend import KeyringBackend

from pig_desktop import APP_NAME
from pig_desktop.i18n import N_, _
from pig_desktop.store.logsetup import register_credentials

SERVICE: Final = APP_NAME
_PROBE_USER: Final = "pig-desktop keychain check"

MSG_UNAVAILABLE: Final = N_(
    "Your computer's password keychain isn't available, so PIG Desktop will remember your password only "
    "until you close it."
)
MSG_PLAINTEXT: Final = N_(
    "Your computer has no secure password keychain (only one that would keep passwords in a plain file, "
    "which PIG Desktop does not use), so PIG Desktop will remember your password only until you close it."
)
MSG_LOCKED: Final = N_(
    "Your computer's password keychain is locked or not responding, so PIG Desktop will remember your "
    "password only until you close it. Unlocking the keychain and starting PIG Desktop again fixes this."
)


class KeychainUnavailable(Exception):
    """The keychain could not be used. ``message`` is for the user; ``detail`` is technical."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


@dataclass(frozen=True)
class KeychainStatus:
    """Whether the keychain can be used, which backend keyring picked, and what to tell the user."""

    usable: bool
    backend: str  # dotted class name of the backend passwords would go to
    message: str  # plain language; "" when usable
    detail: str = ""  # technical reason when not usable


def backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def refusal_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold passwords, or None if it is a real OS keychain.

    A chained backend is judged by its members; see :func:`effective_backend`.
    """
    cls = type(backend)
    module = cls.__module__.casefold()
    if isinstance(backend, keyring.backends.fail.Keyring):
        return "no keychain backend (keyring.backends.fail)"
    if isinstance(backend, keyring.backends.null.Keyring):
        return "keychain disabled (keyring.backends.null)"
    if module == "keyrings.alt" or module.startswith("keyrings.alt."):
        return f"{backend_name(backend)} is a keyrings.alt backend (not a secure OS keychain)"
    if "file" in module or "plaintext" in cls.__name__.casefold():
        return f"{backend_name(backend)} stores passwords in a file"
    return None


def effective_backend(backend: KeyringBackend) -> tuple[KeyringBackend | None, str]:
    """The backend passwords would really go to, or (None, reason) if every candidate is refused.

    keyring's ChainerBackend writes to the first member that accepts a password, which could be a
    plaintext one; so from a chain we use only its first acceptable member, directly.
    """
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        reasons: list[str] = []
        for member in backend.backends:
            reason = refusal_reason(member)
            if reason is None:
                return member, ""
            reasons.append(reason)
        return None, "chained keychain with no acceptable member: " + ("; ".join(reasons) or "empty chain")
    reason = refusal_reason(backend)
    if reason is not None:
        return None, reason
    return backend, ""


def _detail(exc: BaseException, *secrets: str) -> str:
    text = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[REDACTED]")
    return text


def _entry_user(server: str, email: str) -> str:
    return f"{email} @ {server}"


class Keychain:
    """Passwords in the OS keychain, one entry per (server, email): service "pig-desktop",
    username ``"{email} @ {server}"``.

    The keyring backend is looked up on every call (``keyring.get_keyring()``), unless one is injected.
    All methods may block on D-Bus or an unlock prompt: call them off the GUI thread.
    """

    def __init__(self, service: str = SERVICE, *, backend: KeyringBackend | None = None) -> None:
        self.service = service
        self._backend = backend

    def _current(self) -> KeyringBackend:
        if self._backend is not None:
            return self._backend
        try:
            return keyring.get_keyring()
        except Exception as exc:  # keyring's backend discovery itself can fail (bad config file)
            raise KeychainUnavailable(_(MSG_UNAVAILABLE), _detail(exc)) from exc

    def _usable_backend(self) -> KeyringBackend:
        """The backend to use, or KeychainUnavailable if it is refused. No probe: cheap."""
        chosen, reason = effective_backend(self._current())
        if chosen is None:
            message = _(MSG_PLAINTEXT) if "file" in reason or "keyrings.alt" in reason else _(MSG_UNAVAILABLE)
            raise KeychainUnavailable(message, reason)
        return chosen

    def status(self) -> KeychainStatus:
        """Check the keychain for real: refuse unsafe backends, then probe with a harmless read.

        The probe is what finds a locked or absent Secret Service (it raises), so this call can be slow.
        """
        try:
            current = self._current()
        except KeychainUnavailable as exc:
            return KeychainStatus(False, "", exc.message, exc.detail)
        chosen, reason = effective_backend(current)
        if chosen is None:
            message = _(MSG_PLAINTEXT) if "file" in reason or "keyrings.alt" in reason else _(MSG_UNAVAILABLE)
            return KeychainStatus(False, backend_name(current), message, reason)
        try:
            chosen.get_password(self.service, _PROBE_USER)
        except Exception as exc:
            return KeychainStatus(False, backend_name(chosen), _(MSG_LOCKED), _detail(exc))
        return KeychainStatus(True, backend_name(chosen), "", "")

    def get(self, server: str, email: str) -> str | None:
        """The stored password for (server, email), or None if there is none."""
        backend = self._usable_backend()
        try:
            password = backend.get_password(self.service, _entry_user(server, email))
        except Exception as exc:
            raise KeychainUnavailable(_(MSG_UNAVAILABLE), _detail(exc)) from None
        if password:
            register_credentials(email, password)
        return password

    def set(self, server: str, email: str, password: str) -> None:
        """Store (or replace) the password for (server, email)."""
        register_credentials(email, password)
        backend = self._usable_backend()
        try:
            backend.set_password(self.service, _entry_user(server, email), password)
        except Exception as exc:
            # "from None": the original traceback's frames hold the password as a local variable.
            raise KeychainUnavailable(_(MSG_UNAVAILABLE), _detail(exc, password)) from None

    def delete(self, server: str, email: str) -> None:
        """Remove the entry for (server, email); an entry that does not exist is fine."""
        backend = self._usable_backend()
        try:
            backend.delete_password(self.service, _entry_user(server, email))
        except keyring.errors.PasswordDeleteError:
            # Raised for a missing entry by every backend we accept ("No such password!"); a real failure
            # (locked, D-Bus gone) raises a different error.
            return
        except Exception as exc:
            raise KeychainUnavailable(_(MSG_UNAVAILABLE), _detail(exc)) from None


class SessionPasswords:
    """Passwords kept in memory only, for this run of the app (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._passwords: dict[tuple[str, str], str] = {}

    def get(self, server: str, email: str) -> str | None:
        with self._lock:
            return self._passwords.get((server, email))

    def set(self, server: str, email: str, password: str) -> None:
        register_credentials(email, password)
        with self._lock:
            self._passwords[(server, email)] = password

    def delete(self, server: str, email: str) -> None:
        with self._lock:
            self._passwords.pop((server, email), None)

    def clear(self) -> None:
        with self._lock:
            self._passwords.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._passwords)

    def __repr__(self) -> str:
        # Never the passwords themselves, even in a debugger or a log of locals.
        return f"<SessionPasswords entries={len(self)}>"


__all__ = [
    "Keychain",
    "KeychainStatus",
    "KeychainUnavailable",
    "SessionPasswords",
    "effective_backend",
    "refusal_reason",
]
