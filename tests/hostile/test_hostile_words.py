"""Plain words for what went wrong (issue 13, part 4): an expired certificate and one for another host get
their own sentences; pig-status never sends people to Settings it doesn't have."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.tls import https_server

from pig_desktop.core.client import MSG_TLS, MSG_TLS_EXPIRED, MSG_TLS_WRONG_HOST, CinxClient, Connection
from pig_desktop.core.outcome import Outcome
from pig_desktop.core.policy import RetryPolicy

JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
CASES = {
    "expired": ({"expired": True}, MSG_TLS_EXPIRED),
    "wrong-host": ({"host": "other.example"}, MSG_TLS_WRONG_HOST),
}


def _pig_status(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIG_PASSWORD": "not-the-real-one", "PIG_DESKTOP_HOME": str(home)}
    env.pop("PIG_SERVER", None)
    command = [sys.executable, "-m", "pig_desktop.cli", JOB, "--user", "someone@example.com", *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_certificate_problem_gets_its_own_sentence(case: str, tmp_path: Path) -> None:
    kwargs, expected = CASES[case]
    with https_server(tmp_path, **kwargs) as (url, ca):
        connection = Connection(
            server=url, email="a@example.com", password="secret-pw", api_token="tok-123456", ca_bundle=str(ca)
        )
        with CinxClient(connection, retry=RetryPolicy(max_attempts=1)) as client:
            report = client.check_once(JOB)
        cli = _pig_status(
            "--server",
            url,
            "--api-token",
            "tok-123456",
            "--ca-bundle",
            str(ca),
            "--json",
            home=tmp_path / "home",
        )
    assert report.outcome is Outcome.ERROR
    assert report.message == expected
    assert report.message != MSG_TLS
    assert json.loads(cli.stdout)["message"] == expected
    assert "Settings" not in cli.stdout + cli.stderr


def test_an_unreadable_ca_bundle_is_told_in_command_line_words(tmp_path: Path) -> None:
    for extra in ((), ("--json",)):
        result = _pig_status(
            "--api-token", "tok-123456", "--ca-bundle", "/etc/hostname", *extra, home=tmp_path
        )
        assert result.returncode == 5, result
        assert "--ca-bundle" in result.stdout + result.stderr
        assert "Settings" not in result.stdout + result.stderr


def test_an_untrusted_certificate_is_told_in_command_line_words(tmp_path: Path) -> None:
    with https_server(tmp_path) as (url, _ca):
        result = _pig_status("--server", url, "--api-token", "tok-123456", home=tmp_path / "home")
    assert result.returncode == 5
    assert "--ca-bundle" in result.stdout
    assert "Settings" not in result.stdout + result.stderr
