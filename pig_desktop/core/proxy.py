"""Which proxy a request to a CINX server goes through, handed to httpx explicitly. (Qt-free)

Order (first that applies wins): an explicit proxy (``pig-status --proxy URL``), the manual proxy from
Settings (host, port, optional user; the password comes from the keychain, never from settings.json), the
desktop's system proxy as Qt reports it for this URL where Qt reads the OS's settings (Windows, macOS: the
UI passes the answer of ``QNetworkProxyFactory.systemProxyForQuery`` in as ``system``), then the
environment with ``urllib.request.getproxies()`` semantics, NO_PROXY included. The client's httpx
transport is built with ``trust_env=False``, so nothing else is read behind our back.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from ..i18n import N_

ProxySource = Literal["option", "manual", "system", "environment"]

MSG_PROXY_REFUSED: Final = N_(
    "Couldn't reach the proxy server your computer is set to use. Check the proxy in Settings, "
    "or ask IT whether the proxy is working."
)
MSG_PROXY_AUTH: Final = N_(
    "The proxy server asked for a user name and password. Enter your proxy user in Settings (the password "
    "is kept in the keychain), or ask IT which proxy account to use."
)
MSG_PROXY_TLS: Final = N_(
    "The connection through the proxy server couldn't be secured: the proxy may be inspecting traffic. Ask "
    "IT for the company's certificate file and add it in Settings."
)
MSG_PROXY_REJECTED: Final = N_(
    "The proxy server wouldn't pass the request on to CINX. Ask IT whether the proxy lets this computer "
    "reach the CINX server."
)


@dataclass(frozen=True)
class ManualProxy:
    """The proxy typed into Settings. No password field: it lives in the keychain."""

    host: str
    port: int
    user: str = ""

    @property
    def is_set(self) -> bool:
        """False for Settings' empty host: no manual proxy (the desktop's or the environment's is used)."""
        return bool(self.host.strip())


@dataclass(frozen=True)
class ResolvedProxy:
    """A proxy to use: ``url`` has no credentials in it; ``password`` never shows in repr()."""

    url: str
    source: ProxySource
    username: str = ""
    password: str = field(default="", repr=False)

    def display(self) -> str:
        """For the log and "Copy details": the proxy address and user, never the password."""
        who = f" as {self.username}" if self.username else ""
        return f"{self.url}{who} ({self.source})"


def _normalise(url: str) -> tuple[str, str, str]:
    """(scheme://host:port, user, password) from a proxy URL; a bare host:port means http://."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urllib.parse.urlsplit(text)
    if not parts.hostname:
        raise ValueError(f"not a proxy address: {url!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 8080 if parts.scheme == "http" else 1080)
    user = urllib.parse.unquote(parts.username or "")
    password = urllib.parse.unquote(parts.password or "")
    return f"{parts.scheme}://{host}:{port}", user, password


def from_url(url: str, source: ProxySource) -> ResolvedProxy:
    clean, user, password = _normalise(url)
    return ResolvedProxy(clean, source, user, password)


def environment_proxy(server_url: str, environ: Mapping[str, str] | None = None) -> ResolvedProxy | None:
    """The proxy the environment names for ``server_url`` (http_proxy/https_proxy/all_proxy, NO_PROXY)."""
    if environ is None:
        proxies = urllib.request.getproxies()
    else:
        # getproxies_environment's rules on a given mapping: lower case wins, a CGI's HTTP_PROXY is ignored.
        proxies = {}
        for name, value in environ.items():
            key = name.lower()
            if value and key.endswith("_proxy") and (name.islower() or key[:-6] not in proxies):
                proxies[key[:-6]] = value
        if "REQUEST_METHOD" in environ:
            proxies.pop("http", None)
    parts = urllib.parse.urlsplit(server_url)
    host = parts.hostname or ""
    bypass = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009 - public, but not in typeshed
    if "no" in proxies and bypass(host, proxies):
        return None
    if environ is None and urllib.request.proxy_bypass(host):
        return None
    chosen = proxies.get(parts.scheme) or proxies.get("all")
    return from_url(chosen, "environment") if chosen else None


def resolve_proxy(
    server_url: str,
    *,
    explicit: str = "",
    manual: ManualProxy | None = None,
    manual_password: str = "",
    system: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ResolvedProxy | None:
    """The proxy for ``server_url``, or None for a direct connection.

    ``system``: the system proxy's URL as the UI got it from Qt for this URL ("" = Qt says direct; None = not
    asked, e.g. in ``pig-status``).
    """
    if explicit:
        return from_url(explicit, "option")
    if manual is not None and manual.is_set:
        clean, _, _ = _normalise(f"{manual.host.strip()}:{manual.port}")
        return ResolvedProxy(clean, "manual", manual.user, manual_password if manual.user else "")
    if system:
        return from_url(system, "system")
    if system == "":
        return None
    return environment_proxy(server_url, environ)


__all__ = [
    "MSG_PROXY_AUTH",
    "MSG_PROXY_REFUSED",
    "MSG_PROXY_REJECTED",
    "MSG_PROXY_TLS",
    "ManualProxy",
    "ResolvedProxy",
    "environment_proxy",
    "from_url",
    "resolve_proxy",
]
