"""The fault matrix (issue 6): every fault through the client, through ``pig-status`` and into
docs/reliability.md. Each fault has one defined outcome and a plain message; nothing crashes, nothing shows a
traceback. The window's worker and the polling service are covered in test_fault_matrix_ui.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fault_catalogue import (
    ALL_KEYS,
    DOC_END,
    DOC_START,
    FAULTS,
    PROCESSED,
    READ_TIMEOUT,
    TECHNICAL_WORDS,
    TLS_FAULTS,
    ArmedFault,
    Target,
    arm,
    connection_for,
)
from helpers.tls import https_server

from pig_desktop.core.client import CinxClient
from pig_desktop.core.outcome import StatusReport
from pig_desktop.demo import DEMO_EMAIL, DEMO_PASSWORD
from pig_desktop.demo.server import SandboxServer

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "reliability.md"


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ArmedFault]]:
    """Every fault armed at once on one sandbox (one job id each) plus the two TLS cases."""
    base = tmp_path_factory.mktemp("faults")
    with SandboxServer() as server:
        armed = {fault.key: arm(fault, server, base) for fault in FAULTS}
        tls_dir = base / "tls"
        tls_dir.mkdir()
        with https_server(tls_dir, PROCESSED) as tls:
            for key, title, outcome, code in TLS_FAULTS:
                ca = str(tls.ca_file) if key == "tls-trusted" else ""
                armed[key] = ArmedFault(key, title, outcome, code, Target(tls.url, ca_bundle=ca))
            yield armed


def _check(case: ArmedFault) -> StatusReport:
    with CinxClient(connection_for(case.target)) as client:
        return client.check_status(case.target.job_id)


@pytest.fixture(scope="module")
def client_reports(cases: dict[str, ArmedFault]) -> dict[str, StatusReport]:
    # In parallel: several faults are timeouts and retries, one after another they would take minutes.
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        futures = {key: pool.submit(_check, case) for key, case in cases.items()}
        return {key: future.result(timeout=120) for key, future in futures.items()}


def _cli(case: ArmedFault, home: Path) -> subprocess.Popen[str]:
    target = case.target
    args = [
        sys.executable,
        "-m",
        "pig_desktop.cli",
        target.job_id,
        "--server",
        target.server,
        "--user",
        DEMO_EMAIL,
        "--api-token",
        target.token,
        "--request-timeout",
        str(READ_TIMEOUT),
        "--json",
    ]
    if target.ca_bundle:
        args += ["--ca-bundle", target.ca_bundle]
    env = {**os.environ, "PIG_PASSWORD": DEMO_PASSWORD, "PIG_DESKTOP_HOME": str(home)}
    env.pop("PIG_SERVER", None)
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL
    )


@pytest.fixture(scope="module")
def cli_results(
    cases: dict[str, ArmedFault], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[int, str, str]]:
    home = tmp_path_factory.mktemp("cli-home")
    running = {key: _cli(case, home / key) for key, case in cases.items()}
    results = {}
    for key, process in running.items():
        out, err = process.communicate(timeout=120)
        results[key] = (process.returncode, out, err)
    return results


@pytest.mark.parametrize("key", ALL_KEYS)
def test_client_gives_the_defined_outcome_and_a_plain_message(
    key: str, cases: dict[str, ArmedFault], client_reports: dict[str, StatusReport]
) -> None:
    report = client_reports[key]
    assert report.outcome.value == cases[key].outcome, report.detail
    assert report.message and len(report.message) < 400
    assert not any(word in report.message for word in TECHNICAL_WORDS), report.message


@pytest.mark.parametrize("key", ALL_KEYS)
def test_pig_status_gives_the_defined_exit_code_and_one_json_object(
    key: str, cases: dict[str, ArmedFault], cli_results: dict[str, tuple[int, str, str]]
) -> None:
    code, out, err = cli_results[key]
    assert code == cases[key].exit_code, (out, err)
    document = json.loads(out)
    assert document["outcome"] == cases[key].outcome
    assert "Traceback" not in out + err
    assert DEMO_PASSWORD not in out + err


def render_table(cases: dict[str, ArmedFault], reports: dict[str, StatusReport]) -> str:
    lines = ["| fault | outcome | exit code | what the user reads |", "|---|---|---|---|"]
    for key in ALL_KEYS:
        report = reports[key]
        lines.append(
            f"| {cases[key].title} | {report.outcome.value} | {cases[key].exit_code} | {report.message} |"
        )
    return "\n".join(lines)


def test_docs_reliability_lists_every_fault_as_observed(
    cases: dict[str, ArmedFault], client_reports: dict[str, StatusReport]
) -> None:
    table = render_table(cases, client_reports)
    text = DOC.read_text(encoding="utf-8")
    if os.environ.get("PIG_UPDATE_DOCS") == "1":
        head, _, rest = text.partition(DOC_START)
        _, _, tail = rest.partition(DOC_END)
        DOC.write_text(f"{head}{DOC_START}\n{table}\n{DOC_END}{tail}", encoding="utf-8")
        text = DOC.read_text(encoding="utf-8")
    block = text.split(DOC_START, 1)[1].split(DOC_END, 1)[0].strip()
    assert block == table, (
        "docs/reliability.md is out of date: run PIG_UPDATE_DOCS=1 pytest tests/reliability"
    )
