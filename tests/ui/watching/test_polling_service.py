"""The polling service against a real sandbox CINX server on loopback: many jobs under the rate cap, final
outcomes, Retry-After, give-up, session change mid-request, shutdown mid-request, the store, pause."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pig_desktop.core.connection import Connection
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.policy import WatchPolicy
from pig_desktop.core.session import Session
from pig_desktop.demo import accounts as A
from pig_desktop.demo import bodies
from pig_desktop.demo.server import SandboxServer, ScriptedResponse
from pig_desktop.store.watchlist import WatchStore
from pig_desktop.ui.watching.polling import PollingService

FAST = WatchPolicy(base_interval=0.3, max_interval=0.6, stretch=0.1, error_backoff_cap=2.0)


def session_for(server: SandboxServer, organisation: str = A.ACTIVE_ORG) -> Session:
    return Session(Connection(server.url, A.DEMO_EMAIL, A.DEMO_PASSWORD, A.ACTIVE_TOKEN), organisation)


def answer(job_id: str, row: dict[str, Any]) -> ScriptedResponse:
    return ScriptedResponse(200, json.dumps(bodies.envelope([row])).encode())


def running(job_id: str) -> ScriptedResponse:
    return answer(job_id, bodies.job_row(job_id, status_code=202, status_message="Processing"))


class Recorder:
    """Collects the service's signals (delivered queued to this, the GUI, thread)."""

    def __init__(self, service: PollingService) -> None:
        self.reports: list[tuple[str, StatusReport]] = []
        self.finished: list[tuple[str, str, StatusReport | None]] = []
        self.resets: list[tuple[Any, ...]] = []
        self.removed: list[str] = []
        self.problems: list[tuple[str, str]] = []
        service.report.connect(lambda j, r: self.reports.append((j, r)))
        service.watch_finished.connect(lambda j, why, r: self.finished.append((j, why, r)))
        service.watches_reset.connect(lambda states: self.resets.append(tuple(states)))
        service.watch_removed.connect(self.removed.append)
        service.problem.connect(lambda m, d: self.problems.append((m, d)))

    def finished_ids(self) -> set[str]:
        return {j for j, _, _ in self.finished}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[WatchStore]:
    with WatchStore(tmp_path / "history.sqlite3") as s:
        yield s


@pytest.fixture
def make_service(qtbot: Any) -> Iterator[Any]:
    made: list[PollingService] = []

    def make(**kwargs: Any) -> PollingService:
        kwargs.setdefault("policy", FAST)
        service = PollingService(**kwargs)
        made.append(service)
        service.start()
        return service

    yield make
    for service in made:
        assert service.shutdown(5000)


def status_times(server: SandboxServer) -> list[float]:
    return [r.time for r in server.requests if r.path.endswith("/status")]


def assert_under_cap(times: list[float], rate: float) -> None:
    # Server-side arrival times carry a little loopback jitter; the client spaces sends by 1/rate exactly.
    jitter = 0.05
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 1 / rate - jitter, f"two requests only {min(gaps):.3f} s apart"
    for i, start in enumerate(times):
        in_window = [t for t in times[i:] if t < start + 1.0 - jitter]
        assert len(in_window) <= rate, f"{len(in_window)} requests within one second"


def test_thirty_jobs_under_the_rate_cap_until_each_ends(
    sandbox: SandboxServer, store: WatchStore, qtbot, make_service
) -> None:
    rate = 5.0
    jobs: dict[str, Outcome] = {}
    for i in range(30):
        job = str(uuid.UUID(int=i + 1))
        kind = i % 3
        if kind == 0:
            sandbox.script_job(job, [running(job), answer(job, bodies.processed_row(job))])
            jobs[job] = Outcome.PROCESSED
        elif kind == 1:
            sandbox.script_job(job, [running(job), running(job), answer(job, bodies.failed_row(job))])
            jobs[job] = Outcome.FAILED
        else:
            jobs[job] = Outcome.NOT_FOUND  # the sandbox's default answer for unknown ids
    service = make_service(store=store, rate=rate)
    rec = Recorder(service)
    service.set_session(session_for(sandbox))
    for job in jobs:
        service.watch(job)
    qtbot.waitUntil(lambda: rec.finished_ids() == set(jobs), timeout=30000)

    outcomes = {j: r.outcome for j, why, r in rec.finished if r is not None}
    assert outcomes == jobs
    assert all(why == "final" for _, why, _ in rec.finished)
    times = status_times(sandbox)
    assert len(times) == 30 + 10 * 1 + 10 * 2  # one request per check, no hidden retries
    assert_under_cap(times, rate)
    assert store.count() == 0  # nothing is watched any more...
    # ...but every finished job stays on the saved list with its final answer, until the user removes it.
    finished = {entry.job_id: entry for entry in store.finished()}
    assert {job: Outcome(entry.last_outcome) for job, entry in finished.items()} == jobs
    assert all(entry.finished_at is not None and not entry.seen for entry in finished.values())
    assert sandbox.connections_accepted <= 2  # one keep-alive pool for every job
    assert rec.problems == []


def test_retry_after_is_honoured(sandbox: SandboxServer, qtbot, make_service) -> None:
    service = make_service(rate=10.0)
    rec = Recorder(service)
    service.set_session(session_for(sandbox))
    service.watch(A.RATE_LIMITED_JOB)
    qtbot.waitUntil(lambda: bool(rec.finished), timeout=10000)
    first, second = status_times(sandbox)
    assert second - first >= 1.0 - 0.05  # the sandbox sends Retry-After: 1
    assert [r.outcome for _, r in rec.reports] == [Outcome.ERROR, Outcome.PROCESSED]
    assert rec.finished[0][1] == "final"


def test_gives_up_after_the_maximum_watch_time(
    sandbox: SandboxServer, store: WatchStore, qtbot, make_service
) -> None:
    job = str(uuid.uuid4())
    sandbox.script_job(job, [running(job)])
    policy = WatchPolicy(base_interval=0.3, max_duration=1.2)
    service = make_service(store=store, policy=policy)
    rec = Recorder(service)
    service.set_session(session_for(sandbox))
    started = time.monotonic()
    service.watch(job)
    qtbot.waitUntil(lambda: bool(rec.finished), timeout=10000)
    assert rec.finished[0][:2] == (job, "gave_up")
    assert 1.1 <= time.monotonic() - started < 3.0
    assert store.count() == 0


def test_session_change_while_a_slow_check_is_in_flight(store: WatchStore, qtbot, make_service) -> None:
    with SandboxServer(slow_seconds=4.0) as old_server, SandboxServer() as new_server:
        service = make_service(store=store)
        rec = Recorder(service)
        service.set_session(session_for(old_server, "Old org"))
        service.watch(A.SLOW_JOB)
        qtbot.waitUntil(lambda: len(status_times(old_server)) == 1, timeout=5000)

        switched = time.monotonic()
        service.set_session(session_for(new_server, "New org"))
        qtbot.waitUntil(lambda: len(rec.resets) == 2, timeout=5000)
        assert rec.resets[1] == ()  # the new session has no watched jobs yet
        # the thread is not stuck behind the old, slow request: a job of the new session is answered at once
        service.watch(A.PROCESSED_JOB)
        qtbot.waitUntil(lambda: bool(rec.finished), timeout=3000)
        assert time.monotonic() - switched < 2.0
        qtbot.wait(4500)  # longer than the slow answer would have taken
        assert [j for j, _ in rec.reports] == [A.PROCESSED_JOB]  # no result of the old session, ever
        assert len(status_times(new_server)) == 1

        # the old session's watch was kept, and comes back with it
        service.set_session(session_for(old_server, "Old org"))
        qtbot.waitUntil(lambda: len(rec.resets) == 3, timeout=5000)
        assert [s.job_id for s in rec.resets[2]] == [A.SLOW_JOB]
        assert rec.resets[2][0].organisation == "Old org"


def test_shutdown_mid_request_is_quick_and_clean(qtbot) -> None:
    with SandboxServer(slow_seconds=10.0) as server:
        service = PollingService(policy=FAST)
        rec = Recorder(service)
        service.start()
        service.set_session(session_for(server))
        service.watch(A.SLOW_JOB)
        qtbot.waitUntil(lambda: len(status_times(server)) == 1, timeout=5000)
        started = time.monotonic()
        assert service.shutdown(5000) is True
        assert time.monotonic() - started < 1.0
        assert not service.is_running()
        qtbot.wait(100)
        assert rec.reports == []
        # commands after shutdown are harmless
        service.watch(A.PROCESSED_JOB)
        assert service.shutdown() is True


def test_watch_list_survives_a_restart(
    sandbox: SandboxServer, store: WatchStore, qtbot, make_service
) -> None:
    job = str(uuid.uuid4())
    sandbox.script_job(job, [running(job)])
    first = make_service(store=store, policy=WatchPolicy(base_interval=60))
    rec1 = Recorder(first)
    first.set_session(session_for(sandbox))
    first.watch(job)
    qtbot.waitUntil(lambda: len(rec1.reports) == 1, timeout=5000)
    qtbot.waitUntil(
        lambda: (
            (store.get(sandbox.url, A.ACTIVE_TOKEN, job) or None) is not None
            and store.get(sandbox.url, A.ACTIVE_TOKEN, job).last_outcome == "running"
        ),
        timeout=5000,
    )
    assert first.shutdown()

    second = make_service(store=store)
    rec2 = Recorder(second)
    second.set_session(session_for(sandbox))
    qtbot.waitUntil(lambda: bool(rec2.resets), timeout=5000)
    (state,) = rec2.resets[0]
    assert state.job_id == job
    assert state.last_report is not None and state.last_report.outcome is Outcome.RUNNING
    qtbot.waitUntil(lambda: len(rec2.reports) == 1, timeout=5000)  # and it is checked again promptly
    second.unwatch(job)
    qtbot.waitUntil(lambda: rec2.removed == [job], timeout=5000)
    assert store.count() == 0


def test_pause_stops_requests_and_resume_restarts_them(sandbox: SandboxServer, qtbot, make_service) -> None:
    job = str(uuid.uuid4())
    sandbox.script_job(job, [running(job)])
    service = make_service()
    rec = Recorder(service)
    paused: list[bool] = []
    service.paused_changed.connect(paused.append)
    service.set_session(session_for(sandbox))
    service.watch(job)
    qtbot.waitUntil(lambda: len(rec.reports) >= 1, timeout=5000)
    service.pause()
    qtbot.waitUntil(lambda: paused == [True], timeout=2000)
    count = len(status_times(sandbox))
    qtbot.wait(1200)  # four intervals
    assert len(status_times(sandbox)) == count
    service.resume()
    qtbot.waitUntil(lambda: len(status_times(sandbox)) > count, timeout=3000)


def test_watch_without_a_session_says_sign_in_first(qtbot, make_service) -> None:
    service = make_service()
    rec = Recorder(service)
    service.watch(A.PROCESSED_JOB)
    qtbot.waitUntil(lambda: bool(rec.problems), timeout=3000)
    assert "Sign in" in rec.problems[0][0]


def test_a_bad_job_id_is_refused_with_a_plain_message(sandbox: SandboxServer, qtbot, make_service) -> None:
    service = make_service()
    rec = Recorder(service)
    service.set_session(session_for(sandbox))
    service.watch("not a job id!")
    qtbot.waitUntil(lambda: bool(rec.problems), timeout=3000)
    assert "job id" in rec.problems[0][0]
    assert status_times(sandbox) == []
