"""The project's own exceptions.

Every error carries two texts: ``message`` is one plain sentence for office staff (what happened and what
to do), ``detail`` is the technical part for support and the log. Never put a password or an Authorization
header in either.
"""

from __future__ import annotations

from ..i18n import _


class PigError(Exception):
    """Base of every error PIG Desktop raises on purpose."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InvalidJobId(PigError):
    """The text holds no usable job id; nothing was sent."""


class ConfigError(PigError):
    """A setting cannot work (a bad server address, plain http to a remote host, a missing CA file)."""


class ProtocolError(PigError):
    """CINX answered, but not with something we can read (not JSON, wrong shape, too large...)."""


class NetworkError(PigError):
    """The request did not get an answer: connection refused, DNS, TLS, timeout, reset.

    ``kind`` is one of "connect", "timeout", "tls", "dns", "protocol", "too_large", "http", and for a proxy
    (core/proxy.py has the sentences) "proxy" (refused or would not pass the request on), "proxy_auth" (407),
    "proxy_tls" (TLS broke through it).
    """

    def __init__(self, message: str, detail: str = "", *, kind: str = "connect") -> None:
        super().__init__(message, detail)
        self.kind = kind


class AuthError(PigError):
    """CINX refused the email and password, or the subscription."""


class Cancelled(PigError):
    """The user (or shutdown) cancelled the work before it finished."""

    def __init__(self) -> None:
        super().__init__(_("Cancelled."), "cancelled by request")
