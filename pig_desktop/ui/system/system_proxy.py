"""The desktop's proxy for one server URL, as Qt reads it from the OS, handed to ``core.proxy.resolve_proxy``.

``QNetworkProxyFactory.systemProxyForQuery`` answers per URL (Windows and macOS settings; on Linux the PyPI
Qt has no libproxy and reads the environment). The answer becomes a URL string for ``resolve_proxy(system=)``:
"" means "direct", so the environment is not consulted a second time behind the OS's back.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtNetwork import QNetworkProxy, QNetworkProxyFactory, QNetworkProxyQuery

from pig_desktop.core.proxy import ManualProxy, ResolvedProxy, resolve_proxy

_SCHEMES = {QNetworkProxy.ProxyType.HttpProxy: "http", QNetworkProxy.ProxyType.Socks5Proxy: "socks5"}


def system_proxy_url(server_url: str) -> str:
    """The OS's proxy for ``server_url`` as ``scheme://host:port`` ("" for a direct connection)."""
    for proxy in QNetworkProxyFactory.systemProxyForQuery(QNetworkProxyQuery(QUrl(server_url))):
        scheme = _SCHEMES.get(proxy.type())
        if scheme and proxy.hostName():
            host = f"[{proxy.hostName()}]" if ":" in proxy.hostName() else proxy.hostName()
            return f"{scheme}://{host}:{proxy.port()}"
        if proxy.type() == QNetworkProxy.ProxyType.NoProxy:
            return ""
    return ""


def proxy_for_server(
    server_url: str, manual: ManualProxy | None = None, manual_password: str = ""
) -> ResolvedProxy | None:
    """What the app's Connection.proxy should be for ``server_url``: manual first, else the system's."""
    return resolve_proxy(
        server_url, manual=manual, manual_password=manual_password, system=system_proxy_url(server_url)
    )


__all__ = ["proxy_for_server", "system_proxy_url"]
