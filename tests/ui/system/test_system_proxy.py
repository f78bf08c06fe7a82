"""Issue 16 §3, Qt side: the desktop's proxy per URL goes into the same resolution as everything else.

Where Qt reads the OS's settings (Windows, macOS) its answer per URL is the desktop's proxy. That wiring is
tested here on Linux's Qt, which reads the environment, so setting http_proxy/no_proxy changes what
QNetworkProxyFactory.systemProxyForQuery really answers (no mock). On Linux itself the app reads the
environment by pig-status's rules instead, without QtNetwork."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pig_desktop.core.proxy import ManualProxy
from pig_desktop.ui.system import system_proxy
from pig_desktop.ui.system.system_proxy import QT_READS_OS_SETTINGS, desktop_proxy_url, proxy_for_server

PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_qt_system_proxy_per_url_where_qt_reads_the_os(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("http_proxy", "http://127.0.0.1:3999")
    clean_environment.setenv("no_proxy", "direct.example.com")
    assert system_proxy.system_proxy_url("http://cinx.example.com/x") == "http://127.0.0.1:3999"
    assert system_proxy.system_proxy_url("http://direct.example.com/x") == ""
    clean_environment.setattr(system_proxy, "QT_READS_OS_SETTINGS", True)  # as on Windows and macOS
    assert desktop_proxy_url("http://cinx.example.com") == "http://127.0.0.1:3999"
    # Qt's "direct" is final: the environment is not read a second time behind the OS's back.
    assert desktop_proxy_url("http://direct.example.com") == ""
    resolved = proxy_for_server("http://cinx.example.com")
    assert resolved is not None and resolved.source == "system" and resolved.url == "http://127.0.0.1:3999"
    assert proxy_for_server("http://direct.example.com") is None


@pytest.mark.skipif(
    QT_READS_OS_SETTINGS, reason="Linux and other Unix: the desktop's proxy is the environment"
)
def test_on_linux_the_desktop_proxy_is_the_environment(clean_environment: pytest.MonkeyPatch) -> None:
    assert desktop_proxy_url("http://cinx.example.com") is None
    clean_environment.setenv("http_proxy", "http://127.0.0.1:3999")
    clean_environment.setenv("no_proxy", "direct.example.com")
    resolved = proxy_for_server("http://cinx.example.com")
    assert (
        resolved is not None and resolved.source == "environment" and resolved.url == "http://127.0.0.1:3999"
    )
    assert proxy_for_server("http://direct.example.com") is None
    # What Linux's Qt would have got wrong: no port (Qt: 65535), an https:// proxy and upper-case names
    # (Qt: none at all), a no_proxy entry in other letter case (Qt: not matched).
    clean_environment.setenv("http_proxy", "http://proxy.corp")
    assert system_proxy.system_proxy_url("http://cinx.example.com") == "http://proxy.corp:65535"
    resolved = proxy_for_server("http://cinx.example.com")
    assert resolved is not None and resolved.url == "http://proxy.corp:8080"
    clean_environment.delenv("http_proxy")
    clean_environment.setenv("HTTPS_PROXY", "https://secure.corp:3129")
    assert system_proxy.system_proxy_url("https://cinx.example.com") == ""
    resolved = proxy_for_server("https://cinx.example.com")
    assert resolved is not None and resolved.url == "https://secure.corp:3129"
    clean_environment.setenv("no_proxy", "CINX.example.com")
    assert proxy_for_server("https://cinx.example.com") is None


def test_the_manual_proxy_comes_first(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("http_proxy", "http://127.0.0.1:3999")
    manual = proxy_for_server("http://cinx.example.com", ManualProxy("corp", 8080, "ann"), "pw")
    assert manual is not None and manual.source == "manual" and manual.password == "pw"
    assert manual.url == "http://corp:8080"


@pytest.mark.skipif(
    QT_READS_OS_SETTINGS, reason="Linux and other Unix: the desktop's proxy is the environment"
)
def test_the_desktop_proxy_on_linux_loads_no_qtnetwork() -> None:
    probe = textwrap.dedent(
        """
        import os, sys
        os.environ["http_proxy"] = "http://127.0.0.1:3999"
        from pig_desktop.ui.system.system_proxy import proxy_for_server
        resolved = proxy_for_server("http://cinx.example.com")
        print(resolved.url, resolved.source, "PySide6.QtNetwork" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["http://127.0.0.1:3999", "environment", "False"]
