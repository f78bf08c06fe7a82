"""The desktop's proxy for one server URL, handed to ``core.proxy.resolve_proxy``.

On Windows and macOS Qt reads the OS's proxy settings: ``QNetworkProxyFactory.systemProxyForQuery`` answers
per URL, and the answer becomes a URL string for ``resolve_proxy(system=)`` ("" means "direct", so the
environment is not consulted a second time behind the OS's back).

On Linux and other Unix systems the Qt that ships in PySide6's wheels has no source but the environment
(no libproxy), and reads it with quirks of its own: a proxy without a port gets port 65535, an
``https://`` proxy or an upper-case ``HTTPS_PROXY`` counts as none, ``no_proxy`` is case-sensitive. There
the app reads the environment itself, by the same rules as ``pig-status`` (``system=None``), and
QtNetwork stays out of the process.
"""

from __future__ import annotations

import sys

from pig_desktop.core.proxy import ManualProxy, ResolvedProxy, resolve_proxy

QT_READS_OS_SETTINGS = sys.platform in ("win32", "darwin")


def system_proxy_url(server_url: str) -> str:
    """Qt's system proxy for ``server_url`` as ``scheme://host:port`` ("" for a direct connection)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtNetwork import QNetworkProxy, QNetworkProxyFactory, QNetworkProxyQuery

    schemes = {QNetworkProxy.ProxyType.HttpProxy: "http", QNetworkProxy.ProxyType.Socks5Proxy: "socks5"}
    for proxy in QNetworkProxyFactory.systemProxyForQuery(QNetworkProxyQuery(QUrl(server_url))):
        scheme = schemes.get(proxy.type())
        if scheme and proxy.hostName():
            host = f"[{proxy.hostName()}]" if ":" in proxy.hostName() else proxy.hostName()
            return f"{scheme}://{host}:{proxy.port()}"
        if proxy.type() == QNetworkProxy.ProxyType.NoProxy:
            return ""
    return ""


def desktop_proxy_url(server_url: str) -> str | None:
    """The desktop's proxy for ``server_url`` as ``resolve_proxy(system=)`` takes it: Qt's answer where Qt
    reads the OS's settings, else None (the environment decides)."""
    return system_proxy_url(server_url) if QT_READS_OS_SETTINGS else None


def proxy_for_server(
    server_url: str, manual: ManualProxy | None = None, manual_password: str = ""
) -> ResolvedProxy | None:
    """What the app's Connection.proxy should be for ``server_url``: manual first, else the desktop's."""
    if manual is not None and manual.is_set:  # the desktop's need not be asked
        return resolve_proxy(server_url, manual=manual, manual_password=manual_password)
    return resolve_proxy(server_url, system=desktop_proxy_url(server_url))


__all__ = ["QT_READS_OS_SETTINGS", "desktop_proxy_url", "proxy_for_server", "system_proxy_url"]
