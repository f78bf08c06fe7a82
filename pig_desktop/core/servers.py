"""CINX servers and the rules for a server address.

Basic auth sends the password with every request, so plain ``http://`` is allowed only to this computer
(loopback: the sandbox, a local proxy); anything else must be ``https://``.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..i18n import N_, _
from .errors import ConfigError

PRODUCTION = "https://api.cinx.com"
DEVELOPMENT = "https://api.dev.cinx.biz"
SERVERS: dict[str, str] = {"production": PRODUCTION, "development": DEVELOPMENT}
SERVER_NAMES: dict[str, str] = {
    "production": N_("Production"),
    "development": N_("Development"),
    "custom": N_("Custom"),
}
DEFAULT_STATUS_PATH = "/1.0/sub/{token}/partner/exec/{job}/status"


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    name = host.strip("[]").lower()
    # Only the exact name: "*.localhost" is loopback by RFC 6761, but not every resolver enforces that, and
    # a name that reaches DNS could send the password in clear text to another machine.
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def normalize_server(url: str) -> str:
    """Check and tidy a server address: ``https://host[:port][/base]`` without a trailing slash.

    Raises ConfigError with a plain message for anything that cannot be used.
    """
    text = url.strip()
    if not text:
        raise ConfigError(
            _("Enter the CINX server address, for example https://api.cinx.com."), "empty server URL"
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ConfigError(
            _(
                "The server address has a space or another invisible character in it. "
                "It should look like https://api.cinx.com."
            ),
            f"whitespace or control character in server URL {url!r}",
        )
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        raise ConfigError(
            _("That server address doesn't look right. It should look like https://api.cinx.com."),
            f"unusable server URL {url!r}",
        )
    if parts.username or parts.password:
        raise ConfigError(
            _("Don't put a name or password in the server address; use the sign-in fields."),
            "server URL with user info",
        )
    if scheme == "http" and not is_loopback_host(host):
        raise ConfigError(
            _(
                "This server address starts with http://, which would send your password unprotected. "
                "Use the https:// address instead."
            ),
            f"plain http refused for non-loopback host {host!r}",
        )
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(
            _("The port number in the server address isn't valid."), f"bad port in {url!r}"
        ) from None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def server_for(kind: str, custom: str = "") -> str:
    """The server address for a settings choice ("production", "development" or "custom")."""
    if kind in SERVERS:
        return SERVERS[kind]
    return normalize_server(custom)


def describe_server(url: str) -> str:
    """A friendly name for a server address ("Production", "Development" or the address itself)."""
    for kind, address in SERVERS.items():
        if url.rstrip("/") == address:
            return _(SERVER_NAMES[kind])
    return url
