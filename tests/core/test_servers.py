"""Server addresses (issue 2, part 3): https everywhere, plain http only to this computer."""

from __future__ import annotations

import pytest

from pig_desktop.core.errors import ConfigError
from pig_desktop.core.servers import (
    DEVELOPMENT,
    PRODUCTION,
    SERVER_NAMES,
    SERVERS,
    describe_server,
    is_loopback_host,
    normalize_server,
    server_for,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.1.2.3", "http://127.1.2.3"),
        ("http://127.255.255.254:1/", "http://127.255.255.254:1"),
        ("http://[::1]:5000", "http://[::1]:5000"),
        ("http://localhost", "http://localhost"),
        ("HTTP://LocalHost:9/base/", "http://localhost:9/base"),
        ("https://api.cinx.com", "https://api.cinx.com"),
        ("https://api.cinx.com/", "https://api.cinx.com"),
        ("  https://API.cinx.com:443/  ", "https://api.cinx.com:443"),
        ("api.dev.cinx.biz", "https://api.dev.cinx.biz"),
        ("https://proxy.example.com/cinx/", "https://proxy.example.com/cinx"),
        ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"),
    ],
)
def test_accepted_and_tidied(url: str, expected: str) -> None:
    assert normalize_server(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://api.cinx.com",
        "http://10.0.0.1",
        "http://192.168.1.10:8080",
        "http://[2001:db8::1]",
        "http://128.0.0.1",
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example",
        "http://foo.localhost",
        "http://0.0.0.0",
    ],
)
def test_plain_http_to_another_machine_is_refused_saying_use_https(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        normalize_server(url)
    assert "https://" in caught.value.message
    assert "unprotected" in caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "ftp://api.cinx.com",
        "https://",
        "http://",
        "https://user:pw@api.cinx.com",
        "https://api.cinx.com:99999",
        "https://api.cinx.com:port",
        "https://api cinx.com",
        "https://api.cinx\n.com",
        "https://api.cinx.com/\x00",
        "file:///etc/passwd",
    ],
)
def test_bad_urls_refused_with_a_plain_message(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        normalize_server(url)
    assert caught.value.message.endswith(".")
    assert caught.value.detail


def test_user_info_message_does_not_echo_the_password() -> None:
    with pytest.raises(ConfigError) as caught:
        normalize_server("https://me:s3cret@api.cinx.com")
    assert "s3cret" not in caught.value.message and "s3cret" not in caught.value.detail


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("10.0.0.1", False),
        ("example.com", False),
        ("", False),
        ("::2", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_known_servers() -> None:
    assert SERVERS == {"production": PRODUCTION, "development": DEVELOPMENT}
    assert PRODUCTION.startswith("https://") and DEVELOPMENT.startswith("https://")
    assert server_for("production") == PRODUCTION
    assert server_for("development", "ignored") == DEVELOPMENT
    assert server_for("custom", "http://127.0.0.1:9") == "http://127.0.0.1:9"
    with pytest.raises(ConfigError):
        server_for("custom", "http://example.com")
    assert describe_server(PRODUCTION + "/") == SERVER_NAMES["production"] == "Production"
    assert describe_server(DEVELOPMENT) == "Development"
    assert describe_server("https://other.example") == "https://other.example"
