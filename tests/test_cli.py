"""`pig-status` as a real subprocess (``python -m pig_desktop.cli``) against the sandbox CINX server.

Checks the contract of issue 2, part 7: every exit code, the --json shape, --watch, the environment variables,
and that no run shows a traceback or lets the password reach the output or a file.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.net import closed_port_url

from pig_desktop import __version__
from pig_desktop.demo import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    EXPIRED_TOKEN,
    FAILED_JOB,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    SandboxServer,
    ScriptedResponse,
)

WRONG_PASSWORD = "Wr0ng-Pa55word-xyzzy"
RUNNING_JOB = "2b6c8e10-4d3f-4a5b-9c7d-1e2f3a4b5c6d"
SCRIPTED_JOB = "0c0ffee0-1234-4abc-8def-0123456789ab"
REQUIRED_JSON_KEYS = {"job_id", "outcome", "message", "http_status", "job", "envelope", "checked_at"}


def _secret_forms(email: str, password: str) -> list[str]:
    raw = f"{email}:{password}".encode()
    return [password, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]


SECRETS = _secret_forms(DEMO_EMAIL, DEMO_PASSWORD) + _secret_forms(DEMO_EMAIL, WRONG_PASSWORD)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)  # the WHOLE stdout must be one JSON document


def assert_clean(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text
        for secret in SECRETS:
            assert secret not in text, f"a password form appeared in the output: {text!r}"


def cli_env(**extra: str) -> dict[str, str]:
    """The test's environment (PIG_DESKTOP_HOME and the null keyring come from conftest), minus PIG_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIG_") or k == "PIG_DESKTOP_HOME"}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_cli(*args: str, timeout: float = 30, **env: str) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "pig_desktop.cli", *args],
        capture_output=True,
        text=True,
        env=cli_env(**env),
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
    assert_clean(proc.stdout, proc.stderr)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(slow_seconds=2.0) as srv:
        yield srv


@pytest.fixture
def server(module_server: SandboxServer) -> SandboxServer:
    module_server.reset()
    return module_server


@pytest.fixture(autouse=True)
def no_password_in_files(pig_desktop_home: Path) -> Iterator[None]:
    """After every test: no file under PIG_DESKTOP_HOME holds the password in any form."""
    yield
    for path in pig_desktop_home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, f"{path} contains a password form"


def signed_in(server: SandboxServer, **extra: str) -> dict[str, str]:
    return {"PIG_SERVER": server.url, "PIG_USER": DEMO_EMAIL, "PIG_PASSWORD": DEMO_PASSWORD, **extra}


def with_token(server: SandboxServer, token: str = ACTIVE_TOKEN, **extra: str) -> dict[str, str]:
    return signed_in(server, PIG_API_TOKEN=token, **extra)


def envelope(rows: list[dict[str, Any]], code: int = 200, message: str = "OK") -> bytes:
    return json.dumps({"response": {"status_code": code, "message": message}, "rows": rows}).encode()


def running_row(job: str) -> dict[str, Any]:
    return {
        "status_code": 202,
        "status_message": "Processing",
        "app": "json-rfq-import",
        "cinx_id": {"id": job},
    }


# ---- the demo ----------------------------------------------------------------------------------------------


def test_demo_reports_the_documented_job_processed(pig_desktop_home: Path) -> None:
    result = run_cli("--demo", PROCESSED_JOB)
    assert result.code == 0
    first = result.stdout.splitlines()[0]
    assert first == f"Processed: job {PROCESSED_JOB} (RFQ import) finished successfully."
    assert "processed" in result.stdout.lower()
    for label in (
        "Job",
        "Outcome",
        "Status",
        "App",
        "Partner",
        "Started",
        "Organisation",
        "Server",
        "Checked",
    ):
        assert any(line.startswith(label + " ") for line in result.stdout.splitlines()), label
    assert ACTIVE_ORG in result.stdout
    assert "2024-01-17 16:38:55 UTC" in result.stdout
    assert result.stdout.rstrip().endswith("The job finished successfully. Nothing more to do.")
    assert "Demo mode" in result.stderr
    # No files except the log.
    files = sorted(
        p.relative_to(pig_desktop_home).as_posix() for p in pig_desktop_home.rglob("*") if p.is_file()
    )
    assert files == ["log/pig-desktop.log"]


def test_demo_ignores_the_users_own_settings() -> None:
    result = run_cli(
        "--demo",
        FAILED_JOB,
        PIG_SERVER="https://api.cinx.com",
        PIG_USER="me@x.y",
        PIG_PASSWORD=WRONG_PASSWORD,
    )
    assert result.code == 1
    assert result.stdout.startswith(f"Failed: job {FAILED_JOB}")


def test_demo_and_server_together_is_a_usage_error() -> None:
    result = run_cli("--demo", "--server", "production", PROCESSED_JOB)
    assert result.code == 64 and result.stdout == ""
    assert "--demo" in result.stderr and "--help" in result.stderr


# ---- exit codes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("job", "code", "first_line_start"),
    [
        (PROCESSED_JOB, 0, "Processed: "),
        (FAILED_JOB, 1, "Failed: "),
        (PROGRESS_JOB, 2, "In progress: "),
        (NOT_FOUND_JOB, 3, "Not found: "),
    ],
)
def test_exit_codes_of_the_outcomes(
    server: SandboxServer, job: str, code: int, first_line_start: str
) -> None:
    result = run_cli(job, **with_token(server))
    assert result.code == code, result.stderr
    assert result.stdout.startswith(first_line_start)
    assert job in result.stdout.splitlines()[0]


def test_running_names_the_state_and_next_step(server: SandboxServer) -> None:
    result = run_cli(PROGRESS_JOB, **with_token(server))
    assert result.code == 2
    assert "(status: Queued)" in result.stdout.splitlines()[0]
    assert "watch it" in result.stdout


def test_wrong_password_exit_4(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, **with_token(server, PIG_PASSWORD=WRONG_PASSWORD))
    assert result.code == 4
    assert result.stdout.startswith("Sign-in problem: ")
    assert "did not accept your email and password" in result.stdout


def test_wrong_password_during_discovery_exit_4(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, **signed_in(server, PIG_PASSWORD=WRONG_PASSWORD))
    assert result.code == 4 and result.stdout == ""
    assert "did not accept this email and password" in result.stderr


def test_expired_subscription_exit_4(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, "--api-token", EXPIRED_TOKEN, **signed_in(server))
    assert result.code == 4
    assert "2017-11-22" in result.stdout


@pytest.mark.parametrize(
    ("response", "hint"),
    [
        (
            ScriptedResponse(
                200, b"<html><body>Proxy login</body></html>", headers=(("Content-Type", "text/html"),)
            ),
            "can't be read",
        ),
        (ScriptedResponse(200, b'{"response": {"status_code": 200}, "rows": [{"sta'), "can't be read"),
        (ScriptedResponse(200, b"[1, 2, 3]"), "can't be read"),
        (ScriptedResponse(200, b'{"rows": [' + b'{"a": 1},' * 600_000 + b"{}]}"), "much larger"),
        (ScriptedResponse(200, envelope([{"status_message": "Processed"}])), "can't be read"),
    ],
)
def test_faults_exit_5_without_traceback(
    server: SandboxServer, response: ScriptedResponse, hint: str
) -> None:
    server.script_job(SCRIPTED_JOB, [response])
    result = run_cli(SCRIPTED_JOB, **with_token(server))
    assert result.code == 5, result.stderr
    assert result.stdout.startswith("Error: ")
    assert hint in result.stdout
    assert "Detail" in result.stdout  # the technical part for support, on its own line


def test_request_timeout_applies(server: SandboxServer) -> None:
    ok = ScriptedResponse(200, envelope([{"status_code": 200, "status_message": "Processed"}]), delay=0.6)
    server.script_job(SCRIPTED_JOB, [ok])
    assert run_cli(SCRIPTED_JOB, "--request-timeout", "3", **with_token(server)).code == 0
    started = time.monotonic()
    result = run_cli(SCRIPTED_JOB, "--request-timeout", "0.15", **with_token(server))
    assert result.code == 5
    assert "took too long" in result.stdout
    assert time.monotonic() - started < 10


def test_unreachable_server_exit_5(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, **signed_in(server, PIG_SERVER=closed_port_url()))
    assert result.code == 5 and result.stdout == ""
    assert "Couldn't reach CINX" in result.stderr


# ---- usage errors (64) -------------------------------------------------------------------------------------


@pytest.mark.parametrize("job", ["../../etc/passwd", "abc def", "50%", "x", "job.id.1", ""])
def test_bad_job_id_exit_64_before_any_request(server: SandboxServer, job: str) -> None:
    result = run_cli(job, **with_token(server))
    assert result.code == 64 and result.stdout == ""
    assert "job id" in result.stderr.lower()
    assert server.requests == []


def test_job_id_from_a_pasted_status_url(server: SandboxServer) -> None:
    url = f"https://api.cinx.com/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{PROCESSED_JOB.upper()}/status"
    result = run_cli(url, **with_token(server))
    assert result.code == 0
    assert server.requests[-1].path == f"/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{PROCESSED_JOB}/status"


@pytest.mark.parametrize(
    "args",
    [
        ["--no-such-flag", PROCESSED_JOB],
        [],
        ["--interval", "0", PROCESSED_JOB],
        ["--timeout", "soon", PROCESSED_JOB],
        ["--request-timeout", "-1", PROCESSED_JOB],
        ["--interval", "nan", PROCESSED_JOB],
    ],
)
def test_bad_flags_exit_64_with_one_plain_line(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.code == 64 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "Try pig-status --help."
    assert len(lines) == 2 and lines[0].startswith("pig-status: ")


@pytest.mark.parametrize(
    "args",
    [
        ["--password", "hunter2-secret", PROCESSED_JOB],
        ["-p", "hunter2-secret", PROCESSED_JOB],
        ["--password=hunter2-secret", PROCESSED_JOB],
        [PROCESSED_JOB, "hunter2-secret"],
    ],
)
def test_a_password_typed_as_a_flag_is_refused_and_not_echoed(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.code == 64 and result.stdout == ""
    assert "hunter2-secret" not in result.stderr
    assert "Try pig-status --help." in result.stderr


def test_options_cannot_be_abbreviated(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, "--us", DEMO_EMAIL, PIG_SERVER=server.url, PIG_PASSWORD=DEMO_PASSWORD)
    assert result.code == 64 and "unknown option --us" in result.stderr


def test_plain_http_to_a_remote_server_is_refused() -> None:
    result = run_cli(
        PROCESSED_JOB, "--server", "http://api.cinx.com", PIG_USER=DEMO_EMAIL, PIG_PASSWORD=DEMO_PASSWORD
    )
    assert result.code == 64
    assert "https://" in result.stderr and "unprotected" in result.stderr


def test_missing_user_exit_64(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, PIG_SERVER=server.url, PIG_PASSWORD=DEMO_PASSWORD)
    assert result.code == 64
    assert "--user" in result.stderr and "PIG_USER" in result.stderr
    assert server.requests == []


def test_missing_password_without_a_terminal_exit_4(server: SandboxServer) -> None:
    # stdin is /dev/null (no prompt possible) and the keyring is the null backend: no password anywhere.
    result = run_cli(PROCESSED_JOB, PIG_SERVER=server.url, PIG_USER=DEMO_EMAIL, PIG_API_TOKEN=ACTIVE_TOKEN)
    assert result.code == 4
    assert "No password: set PIG_PASSWORD or sign in with PIG Desktop and tick Remember me." in result.stderr
    assert server.requests == []


def test_several_active_organisations_are_searched_not_refused(server: SandboxServer) -> None:
    """Issue 14 replaced "choose one with --api-token" (exit 64): each active organisation is asked."""
    rows = [
        {
            "cinx_api_token": "tok-aaaa-1111",
            "org": {"name": "Alpha Heating"},
            "subscription": {"status_code": 200},
        },
        {
            "cinx_api_token": "tok-bbbb-2222",
            "org": {"name": "Beta Plumbing"},
            "subscription": {"status_code": 200},
        },
        {"cinx_api_token": "", "org": {"name": "Gamma Pipes"}, "subscription": {"status_code": 200}},
    ]
    server.script("/2.0/subs", [ScriptedResponse(200, json.dumps({"response": {}, "rows": rows}).encode())])
    missing = envelope([], 500, f"Failed to find a job with the given id of [{PROCESSED_JOB}]")
    server.script_job(PROCESSED_JOB, [ScriptedResponse(500, missing)], token="tok-aaaa-1111")
    found = envelope([{"status_code": 200, "status_message": "Processed", "cinx_id": {"id": PROCESSED_JOB}}])
    server.script_job(PROCESSED_JOB, [ScriptedResponse(200, found)], token="tok-bbbb-2222")
    result = run_cli(PROCESSED_JOB, "--json", **signed_in(server))
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["outcome"] == "processed"
    assert data["organisation"] == "Beta Plumbing"
    assert data["searched"] == ["Alpha Heating", "Beta Plumbing"]
    assert server.request_count("/partner/exec/") == 2


def test_no_active_organisation_exit_64(server: SandboxServer) -> None:
    rows = [
        {
            "cinx_api_token": "t",
            "org": {"name": "Old Co"},
            "subscription": {
                "status_code": 401,
                "status_message_reason": "Subscription expired on [2017-11-22]",
            },
        }
    ]
    server.script("/2.0/subs", [ScriptedResponse(200, json.dumps({"response": {}, "rows": rows}).encode())])
    result = run_cli(PROCESSED_JOB, **signed_in(server))
    assert result.code == 64
    assert "Old Co" in result.stderr and "2017-11-22" in result.stderr and "--api-token" in result.stderr


# ---- environment variables and flags -----------------------------------------------------------------------


def test_environment_variables_stand_in_for_the_flags(server: SandboxServer) -> None:
    result = run_cli(FAILED_JOB, **with_token(server))
    assert result.code == 1
    paths = [r.path for r in server.requests]
    assert paths == [f"/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{FAILED_JOB}/status"]  # no discovery: token given
    assert "/2.0/subs" not in paths


def test_flags_win_over_environment_variables(server: SandboxServer) -> None:
    env = {
        "PIG_SERVER": "https://api.cinx.com",
        "PIG_USER": "someone@else.example",
        "PIG_PASSWORD": DEMO_PASSWORD,
        "PIG_API_TOKEN": EXPIRED_TOKEN,
    }
    result = run_cli(
        PROCESSED_JOB, "--server", server.url, "--user", DEMO_EMAIL, "--api-token", ACTIVE_TOKEN, **env
    )
    assert result.code == 0, result.stderr


def test_token_discovery_picks_the_one_active_organisation(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, **signed_in(server))
    assert result.code == 0
    paths = [r.path for r in server.requests]
    assert paths[0] == "/2.0/ping" and paths[1] == "/2.0/subs"
    assert paths[-1] == f"/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{PROCESSED_JOB}/status"
    assert f"Organisation  {ACTIVE_ORG}" in result.stdout


def test_version_and_help() -> None:
    version = run_cli("--version")
    assert version.code == 0 and version.stdout.strip() == f"pig-status {__version__}"
    helped = run_cli("--help")
    assert helped.code == 0
    for word in ("--watch", "--json", "--demo", "PIG_PASSWORD", "exit codes", "64"):
        assert word in helped.stdout
    assert "--password" not in helped.stdout


# ---- --json ------------------------------------------------------------------------------------------------


def test_json_is_exactly_one_object_with_the_contract_keys(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, "--json", **signed_in(server))
    assert result.code == 0
    data = result.json()
    assert REQUIRED_JSON_KEYS <= set(data)
    assert data["outcome"] == "processed" and data["job_id"] == PROCESSED_JOB and data["http_status"] == 200
    assert data["job"]["cinx_id"]["id"] == PROCESSED_JOB
    assert data["envelope"]["response"]["status_code"] == 200
    assert data["organisation"] == ACTIVE_ORG and data["server"] == server.url
    assert data["checked_at"].endswith("Z")
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("job", "outcome", "code"),
    [(FAILED_JOB, "failed", 1), (PROGRESS_JOB, "running", 2), (NOT_FOUND_JOB, "not_found", 3)],
)
def test_json_outcomes(server: SandboxServer, job: str, outcome: str, code: int) -> None:
    result = run_cli(job, "--json", **with_token(server))
    assert result.code == code
    data = result.json()
    assert data["outcome"] == outcome and REQUIRED_JSON_KEYS <= set(data)
    assert data["organisation"] is None  # the token was given, so the organisation was not looked up


def test_json_on_sign_in_failure_is_still_one_object(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, "--json", **signed_in(server, PIG_PASSWORD=WRONG_PASSWORD))
    assert result.code == 4
    data = result.json()
    assert data["outcome"] == "auth_error" and data["job"] is None and data["job_id"] == PROCESSED_JOB
    assert REQUIRED_JSON_KEYS <= set(data)


def test_json_on_network_failure_is_still_one_object() -> None:
    result = run_cli(
        PROCESSED_JOB,
        "--json",
        PIG_SERVER=closed_port_url(),
        PIG_USER=DEMO_EMAIL,
        PIG_PASSWORD=DEMO_PASSWORD,
    )
    assert result.code == 5
    data = result.json()
    assert data["outcome"] == "error" and data["job"] is None and data["envelope"] is None


@pytest.mark.parametrize(
    "args",
    [("not a job", "--json", "--demo"), (PROCESSED_JOB, "--json", "--no-such-flag"), ("--json",)],
    ids=["bad job id", "bad flag", "no job id"],
)
def test_json_usage_errors_print_one_json_object(args: tuple[str, ...]) -> None:
    # Issue 13: a script reading --json always gets one object, a usage error included; exit 64 as before.
    result = run_cli(*args)
    assert result.code == 64 and result.stderr
    data = result.json()
    assert data["outcome"] == "usage_error" and data["exit_code"] == 64
    assert data["message"] and data["message"] in result.stderr


# ---- --watch -----------------------------------------------------------------------------------------------


def test_watch_until_processed(server: SandboxServer) -> None:
    result = run_cli(PROGRESS_JOB, "--watch", "--interval", "0.2", **with_token(server))
    assert result.code == 0
    assert result.stdout.startswith("Processed: ")
    progress = result.stderr.strip().splitlines()
    assert len(progress) == 3
    assert "(status: Queued)" in progress[0] and "Next check" in progress[0]
    assert "(status: Processing)" in progress[1]
    assert progress[2].endswith("Processed.")
    assert server.request_count(PROGRESS_JOB) == 3


def test_watch_json_keeps_stdout_one_object(server: SandboxServer) -> None:
    result = run_cli(PROGRESS_JOB, "--watch", "--json", "--interval", "0.1", **with_token(server))
    assert result.code == 0
    assert result.json()["outcome"] == "processed"
    assert len(result.stderr.strip().splitlines()) == 3


def test_watch_runs_out_of_time_exit_2(server: SandboxServer) -> None:
    server.script_job(RUNNING_JOB, [ScriptedResponse(200, envelope([running_row(RUNNING_JOB)]))])
    started = time.monotonic()
    result = run_cli(RUNNING_JOB, "--watch", "--interval", "0.2", "--timeout", "0.7", **with_token(server))
    took = time.monotonic() - started
    assert result.code == 2
    assert result.stdout.startswith("In progress: ")
    assert "Stopped watching" in result.stderr.strip().splitlines()[-1]
    assert server.request_count(RUNNING_JOB) >= 3
    assert took < 10


def test_watch_stops_at_once_on_sign_in_trouble(server: SandboxServer) -> None:
    result = run_cli(
        PROCESSED_JOB, "--watch", "--interval", "0.1", **with_token(server, PIG_PASSWORD=WRONG_PASSWORD)
    )
    assert result.code == 4
    assert server.request_count(PROCESSED_JOB) == 1


def test_ctrl_c_exits_130_without_traceback(server: SandboxServer) -> None:
    server.script_job(RUNNING_JOB, [ScriptedResponse(200, envelope([running_row(RUNNING_JOB)]))])
    proc = subprocess.Popen(
        [sys.executable, "-m", "pig_desktop.cli", RUNNING_JOB, "--watch", "--interval", "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=cli_env(**with_token(server)),
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # the first progress line: the watch is now waiting
        assert "Next check" in line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert "Stopped" in err
    assert_clean(out, err, line)


# ---- the keychain (real Secret Service, started by ./scripts/test.sh) --------------------------------------


@pytest.mark.keychain
def test_password_from_the_keychain_entry_the_app_saves(server: SandboxServer) -> None:
    from pig_desktop.store.credentials import Keychain

    keychain = Keychain()
    keychain.set(server.url, DEMO_EMAIL, DEMO_PASSWORD)
    try:
        result = run_cli(
            PROCESSED_JOB, PIG_SERVER=server.url, PIG_USER=DEMO_EMAIL, PIG_API_TOKEN=ACTIVE_TOKEN
        )
    finally:
        keychain.delete(server.url, DEMO_EMAIL)
    assert result.code == 0, result.stderr
    assert server.request_count(PROCESSED_JOB) == 1
    # Another email has no entry: no password, exit 4 (and the keychain lookup did not crash anything).
    other = run_cli(
        PROCESSED_JOB, PIG_SERVER=server.url, PIG_USER="nobody@example.com", PIG_API_TOKEN=ACTIVE_TOKEN
    )
    assert other.code == 4 and "No password" in other.stderr


# ---- robustness --------------------------------------------------------------------------------------------


def test_unwritable_home_still_checks_the_job(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run_cli("--demo", PROCESSED_JOB, PIG_DESKTOP_HOME=str(blocker / "home"))
    assert result.code == 0 and result.stdout.startswith("Processed: ")


def test_unexpected_failure_is_logged_redacted_and_plain(
    pig_desktop_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process on purpose: a bug cannot be provoked from outside, so one is planted with monkeypatch."""
    import logging

    from pig_desktop import cli
    from pig_desktop.core.client import CinxClient

    def broken(self: CinxClient, job_id: str, **kwargs: Any) -> Any:
        raise RuntimeError(f"planted bug while holding {self.connection.password}")

    monkeypatch.setattr(CinxClient, "check_status", broken)
    try:
        code = cli.main(["--demo", PROCESSED_JOB])
    finally:
        logger = logging.getLogger("pig_desktop")
        for handler in list(logger.handlers):
            if getattr(handler, "_pig_desktop_handler", False):
                logger.removeHandler(handler)
                handler.close()
    out, err = capsys.readouterr()
    assert code == 5 and out == ""
    assert err.strip().endswith(cli.MSG_UNEXPECTED)
    assert_clean(out, err)
    log_text = (pig_desktop_home / "log" / "pig-desktop.log").read_text()
    assert "Traceback" in log_text and "planted bug" in log_text  # the detail is kept for support ...
    assert DEMO_PASSWORD not in log_text  # ... without the password


def test_missing_ca_bundle_file_is_a_usage_error(server: SandboxServer, tmp_path: Path) -> None:
    result = run_cli(PROCESSED_JOB, "--ca-bundle", str(tmp_path / "nope.pem"), **with_token(server))
    assert result.code == 64 and "certificate file" in result.stderr
    assert server.requests == []


def test_unreadable_ca_bundle_during_sign_in_is_plain(server: SandboxServer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    # https to loopback, so the CA file is really loaded (the sandbox speaks plain http: never reached).
    https = server.url.replace("http://", "https://")
    result = run_cli(PROCESSED_JOB, "--json", **signed_in(server, PIG_SERVER=https, PIG_CA_BUNDLE=str(bad)))
    assert result.code == 5
    data = result.json()
    # Issue 13: the command line has no Settings, so the sentence names the option instead.
    assert data["outcome"] == "error" and data["message"].startswith(
        "The certificate file given with --ca-bundle"
    )
    assert "Settings" not in result.stdout + result.stderr
