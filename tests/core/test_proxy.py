"""Issue 16 §3: requests go through the proxy, with a real proxy on loopback that records what passed.

``pig-status --demo`` runs as a real subprocess against the built-in sandbox server (http on loopback) and a
RecordingProxy (tests/helpers/proxy.py): --proxy, the environment's http_proxy, NO_PROXY, a proxy that asks
for authentication (407), and a proxy port where nothing listens each get their own plain sentence.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers.net import closed_port_url
from helpers.proxy import RecordingProxy

from pig_desktop.core.proxy import (
    MSG_PROXY_AUTH,
    MSG_PROXY_REFUSED,
    ManualProxy,
    environment_proxy,
    resolve_proxy,
)
from pig_desktop.demo import PROCESSED_JOB

PROXY_NAMES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_NAMES and not k.startswith("PIG_")}
    env["PIG_DESKTOP_HOME"] = os.environ["PIG_DESKTOP_HOME"]
    env.update(extra)
    return env


def _status(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pig_desktop.cli", "--demo", "--json", *args, PROCESSED_JOB],
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_pig_status_proxy_option_sends_the_check_through_the_proxy() -> None:
    with RecordingProxy() as proxy:
        run = _status("--proxy", proxy.url)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["outcome"] == "processed"
    assert any(PROCESSED_JOB in line and line.startswith("GET http://127.0.0.1:") for line in proxy.seen)


def test_the_environment_proxy_is_used_and_no_proxy_is_honoured() -> None:
    with RecordingProxy() as proxy:
        through = _status(http_proxy=proxy.url)
        assert through.returncode == 0, through.stderr
        passed = len(proxy.seen)
        assert passed >= 1
        direct = _status(http_proxy=proxy.url, no_proxy="127.0.0.1")
        assert direct.returncode == 0, direct.stderr
        assert len(proxy.seen) == passed  # NO_PROXY: nothing more went through it


def test_a_proxy_that_wants_a_password_gets_its_own_sentence() -> None:
    with RecordingProxy(require_auth=("ann", "proxy-secret-1")) as proxy:
        refused = _status("--proxy", proxy.url)
        assert refused.returncode == 5
        answer = json.loads(refused.stdout)
        assert answer["message"].startswith(MSG_PROXY_AUTH)
        user_given = _status("--proxy", proxy.url.replace("http://", "http://ann:proxy-secret-1@"))
        assert user_given.returncode == 0, user_given.stderr
    assert "proxy-secret-1" not in user_given.stdout + user_given.stderr


def test_a_proxy_that_is_not_there_gets_its_own_sentence() -> None:
    run = _status("--proxy", closed_port_url())
    assert run.returncode == 5
    assert json.loads(run.stdout)["message"].startswith(MSG_PROXY_REFUSED)


def test_resolution_order_and_no_password_in_repr() -> None:
    server = "https://cinx.example.com"
    env = {"https_proxy": "http://env-proxy:3128", "no_proxy": "internal.example.com"}
    assert resolve_proxy(server, environ=env) is not None
    assert resolve_proxy(server, environ=env).url == "http://env-proxy:3128"  # type: ignore[union-attr]
    assert environment_proxy("https://internal.example.com", env) is None
    system = resolve_proxy(server, system="http://sys-proxy:8080", environ=env)
    assert system is not None and system.source == "system"
    assert resolve_proxy(server, system="", environ=env) is None  # Qt said: direct
    manual = resolve_proxy(
        server, manual=ManualProxy("corp-proxy", 8080, "ann"), manual_password="pw-123", environ=env
    )
    assert manual is not None and manual.url == "http://corp-proxy:8080" and manual.username == "ann"
    assert "pw-123" not in repr(manual) and "pw-123" not in manual.display()
    explicit = resolve_proxy(server, explicit="localhost:9", manual=ManualProxy("x", 1), environ=env)
    assert explicit is not None and explicit.url == "http://localhost:9" and explicit.source == "option"
