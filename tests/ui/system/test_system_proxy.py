"""Issue 16 §3, Qt side: Qt's system proxy per URL goes into the same resolution as everything else.

On Linux Qt reads the system proxy from the environment, so setting http_proxy/no_proxy here changes what
QNetworkProxyFactory.systemProxyForQuery really answers (no mock)."""

from __future__ import annotations

import pytest

from pig_desktop.core.proxy import ManualProxy
from pig_desktop.ui.system.system_proxy import proxy_for_server, system_proxy_url


def test_system_proxy_per_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3999")
    monkeypatch.setenv("no_proxy", "direct.example.com")
    assert system_proxy_url("http://cinx.example.com/x") == "http://127.0.0.1:3999"
    assert system_proxy_url("http://direct.example.com/x") == ""
    resolved = proxy_for_server("http://cinx.example.com")
    assert resolved is not None and resolved.source == "system" and resolved.url == "http://127.0.0.1:3999"
    assert proxy_for_server("http://direct.example.com") is None
    manual = proxy_for_server("http://cinx.example.com", ManualProxy("corp", 8080, "ann"), "pw")
    assert manual is not None and manual.source == "manual" and manual.password == "pw"
