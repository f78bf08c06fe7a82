"""`pig-status` with several jobs, `-` (stdin) and several organisations (issue 14), as a real subprocess
against the sandbox CINX server (its demo account belongs to two active organisations)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from test_cli import Result, assert_clean, cli_env, run_cli, signed_in, with_token

from pig_desktop.demo import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    FAILED_JOB,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    SECOND_ORG,
    SECOND_ORG_JOB,
    SECOND_TOKEN,
    SandboxServer,
)

SINGLE_JSON_KEYS = {"job_id", "outcome", "message", "http_status", "job", "envelope", "checked_at"}


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer() as srv:
        yield srv


@pytest.fixture
def server(module_server: SandboxServer) -> SandboxServer:
    module_server.reset()
    return module_server


def run_with_stdin(text: str, *args: str, **env: str) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "pig_desktop.cli", *args],
        input=text,
        capture_output=True,
        text=True,
        env=cli_env(**env),
        timeout=60,
    )
    assert_clean(proc.stdout, proc.stderr)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def json_lines(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


# ---- other organisations -----------------------------------------------------------------------------------


def test_a_job_of_the_second_organisation_is_found_there(server: SandboxServer) -> None:
    result = run_cli(SECOND_ORG_JOB, **signed_in(server))
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"Processed: job {SECOND_ORG_JOB}")
    assert f"Organisation  {SECOND_ORG}" in result.stdout
    assert f"Searched      {ACTIVE_ORG}, {SECOND_ORG}" in result.stdout


def test_json_gains_organisation_and_searched(server: SandboxServer) -> None:
    result = run_cli(SECOND_ORG_JOB, "--json", **signed_in(server))
    assert result.code == 0
    data = result.json()
    assert SINGLE_JSON_KEYS <= set(data)
    assert data["organisation"] == SECOND_ORG and data["searched"] == [ACTIVE_ORG, SECOND_ORG]
    paths = [r.path for r in server.requests if "/partner/exec/" in r.path]
    assert paths == [
        f"/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{SECOND_ORG_JOB}/status",
        f"/1.0/sub/{SECOND_TOKEN}/partner/exec/{SECOND_ORG_JOB}/status",
    ]


def test_none_has_it_is_not_found_naming_the_organisations_searched(server: SandboxServer) -> None:
    result = run_cli(NOT_FOUND_JOB, **signed_in(server))
    assert result.code == 3
    first = result.stdout.splitlines()[0]
    assert first.startswith("Not found: ") and ACTIVE_ORG in first and SECOND_ORG in first
    data = run_cli(NOT_FOUND_JOB, "--json", **signed_in(server)).json()
    assert data["outcome"] == "not_found" and data["organisation"] is None
    assert data["searched"] == [ACTIVE_ORG, SECOND_ORG]
    assert SECOND_ORG in data["message"]


def test_organisation_flag_checks_only_that_one(server: SandboxServer) -> None:
    result = run_cli(SECOND_ORG_JOB, "--organisation", ACTIVE_ORG.upper(), "--json", **signed_in(server))
    assert result.code == 3
    assert server.request_count(SECOND_TOKEN) == 0
    assert result.json()["organisation"] == ACTIVE_ORG
    there = run_cli(SECOND_ORG_JOB, "--organisation", SECOND_ORG, **signed_in(server))
    assert there.code == 0 and f"Organisation  {SECOND_ORG}" in there.stdout


def test_an_unknown_or_expired_organisation_is_a_usage_error(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, "--organisation", "No Such Co", **signed_in(server))
    assert result.code == 64 and result.stdout == ""
    assert "No Such Co" in result.stderr and ACTIVE_ORG in result.stderr
    expired = run_cli(PROCESSED_JOB, "--organisation", "Alpine Mechanical", **signed_in(server))
    assert expired.code == 64 and "2017-11-22" in expired.stderr
    assert server.request_count("/partner/exec/") == 0


def test_api_token_checks_only_that_token(server: SandboxServer) -> None:
    result = run_cli(SECOND_ORG_JOB, **with_token(server))
    assert result.code == 3
    assert server.request_count("/2.0/subs") == 0 and server.request_count(SECOND_TOKEN) == 0
    both = run_cli(SECOND_ORG_JOB, "--organisation", SECOND_ORG, **with_token(server))
    assert both.code == 64


def test_demo_finds_the_second_organisations_job() -> None:
    result = run_cli("--demo", SECOND_ORG_JOB, "--json")
    assert result.code == 0
    assert result.json()["organisation"] == SECOND_ORG


# ---- several jobs ------------------------------------------------------------------------------------------


def test_several_jobs_one_line_each_in_order_exit_is_the_largest(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, FAILED_JOB, SECOND_ORG_JOB, **signed_in(server))
    assert result.code == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"Processed: job {PROCESSED_JOB}") and lines[0].endswith(f"[{ACTIVE_ORG}]")
    assert lines[1].startswith(f"Failed: job {FAILED_JOB}")
    assert lines[2].startswith(f"Processed: job {SECOND_ORG_JOB}") and lines[2].endswith(f"[{SECOND_ORG}]")


def test_json_lines_one_object_per_job_with_the_single_fields(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, NOT_FOUND_JOB, PROGRESS_JOB, "--json", **with_token(server))
    assert result.code == 3
    objects = json_lines(result)
    assert [o["job_id"] for o in objects] == [PROCESSED_JOB, NOT_FOUND_JOB, PROGRESS_JOB]
    assert [o["outcome"] for o in objects] == ["processed", "not_found", "running"]
    for data in objects:
        assert SINGLE_JSON_KEYS <= set(data) and "organisation" in data and "server" in data


def test_all_processed_exits_0(server: SandboxServer) -> None:
    result = run_cli(PROCESSED_JOB, SECOND_ORG_JOB, **signed_in(server))
    assert result.code == 0 and len(result.stdout.splitlines()) == 2


def test_stdin_takes_every_job_id_duplicates_removed_order_kept(server: SandboxServer) -> None:
    email = (
        "Hi support,\n\nthese imports are stuck:\n"
        f"  1. {FAILED_JOB.upper()}\n"
        f"  2. https://api.cinx.com/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{PROCESSED_JOB}/status\n"
        f"  3. pig-desktop://job/{SECOND_ORG_JOB}?server=production\n"
        f"  4. {FAILED_JOB} (again)\n\nThanks\n"
    )
    result = run_with_stdin(email, "-", "--json", **signed_in(server))
    assert result.code == 1, result.stderr
    objects = json_lines(result)
    assert [o["job_id"] for o in objects] == [FAILED_JOB, PROCESSED_JOB, SECOND_ORG_JOB]
    assert objects[2]["organisation"] == SECOND_ORG
    # The subscription token in the pasted link is never checked as a job.
    assert not any(f"/exec/{ACTIVE_TOKEN}/" in r.path for r in server.requests)


def test_stdin_without_any_job_id_is_a_usage_error(server: SandboxServer) -> None:
    result = run_with_stdin("nothing to see here\n", "-", **with_token(server))
    assert result.code == 64 and result.stdout == ""
    assert "No job id" in result.stderr
    assert server.requests == []


def test_a_damaged_id_among_good_ones_is_named_and_counted(server: SandboxServer) -> None:
    result = run_with_stdin(f"{PROCESSED_JOB}\n{FAILED_JOB[:-1]}\n", "-", **with_token(server))
    assert result.code == 64
    assert result.stdout.splitlines()[0].startswith(f"Processed: job {PROCESSED_JOB}")
    assert "35 of 36 characters" in result.stderr


def test_a_damaged_single_id_gets_the_exact_hint_and_no_request(server: SandboxServer) -> None:
    damaged = PROCESSED_JOB[:19] + PROCESSED_JOB[20:]
    result = run_cli(damaged, **with_token(server))
    assert result.code == 64 and result.stdout == ""
    assert "the 4th group has 3 characters, not 4" in result.stderr
    assert server.requests == []


def test_a_link_is_accepted_as_the_job(server: SandboxServer) -> None:
    result = run_cli(f"pig-desktop://job/{PROCESSED_JOB}?server=production", **with_token(server))
    assert result.code == 0
    assert server.requests[-1].path == f"/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{PROCESSED_JOB}/status"
