"""The client against the hostile server (issue 13): bounded memory through every coding layer, a real
deadline with trickled headers, exact data for the walks and consumers to handle."""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from hostile.server import HUGE_FIELD_BYTES, TOKEN, HostileServer, job_for
from pig_desktop.core.client import MAX_BODY_BYTES, CinxClient, Connection
from pig_desktop.core.outcome import Outcome
from pig_desktop.core.policy import RetryPolicy

EMAIL = "someone@example.com"
PASSWORD = "Hostile-Pa55word!"


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer(trickle_interval=0.2) as server:
        yield server


def _client(server: HostileServer, timeout: float = 2.0, retry: RetryPolicy | None = None) -> CinxClient:
    connection = Connection(
        server=server.url,
        email=EMAIL,
        password=PASSWORD,
        api_token=TOKEN,
        connect_timeout=timeout,
        read_timeout=timeout,
    )
    return CinxClient(connection, retry=retry or RetryPolicy(max_attempts=1))


@pytest.mark.parametrize("attack", ["gzip1", "gzip2", "gzip3", "deflate"])
def test_a_compression_bomb_is_refused_with_memory_near_the_cap(hostile: HostileServer, attack: str) -> None:
    with _client(hostile, timeout=30.0) as client:
        client.check_once(job_for("processed"))  # warm up: imports and the pool are not the bomb's memory
        tracemalloc.start()
        try:
            report = client.check_once(job_for(attack))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert report.outcome is Outcome.ERROR
    assert "much larger answer" in report.message
    assert "decoded body over" in report.detail
    # The decoded bytes kept (at most the cap) plus pieces in flight; a whole decoded layer would be 1 GiB.
    assert peak < MAX_BODY_BYTES * 2 + 8 * 1024 * 1024, peak


@pytest.mark.parametrize("coding", ["br", "zstd"])
def test_a_coding_the_client_did_not_ask_for_is_refused_unread(hostile: HostileServer, coding: str) -> None:
    with _client(hostile) as client:
        report = client.check_once(job_for(coding))
    assert report.outcome is Outcome.ERROR
    assert "can't be read" in report.message
    assert coding in report.detail
    # It asked only for what it can decode within the cap.
    asked = [r for r in hostile.requests if job_for(coding) in r.path][-1]
    assert asked.headers["accept-encoding"] == "gzip, deflate"


def test_trickled_headers_end_the_request_within_its_total_budget(hostile: HostileServer) -> None:
    with _client(hostile, timeout=1.0) as client:
        budget = client.connection.total_timeout
        started = time.monotonic()
        report = client.check_once(job_for("trickle-headers"))
        took = time.monotonic() - started
    assert report.outcome is Outcome.ERROR
    assert report.message.startswith("CINX took too long")
    # A correctness bound, not a benchmark: each trickled byte resets a read timeout, so without a deadline
    # this would run for as long as the server likes.
    assert took < budget + 2.0, (took, budget)


def test_retries_of_a_trickling_server_stay_within_the_retry_budget(hostile: HostileServer) -> None:
    retry = RetryPolicy(max_attempts=3, base_delay=0.1, max_delay=0.2, max_elapsed=2.0)
    with _client(hostile, timeout=1.0, retry=retry) as client:
        started = time.monotonic()
        report = client.check_status(job_for("trickle-headers"))
        took = time.monotonic() - started
        budget = retry.max_elapsed + client.connection.total_timeout
    assert report.outcome is Outcome.ERROR
    assert took < budget + 2.0, (took, budget)


def test_a_deadline_on_one_thread_does_not_cut_another_threads_request(hostile: HostileServer) -> None:
    results: dict[str, Outcome] = {}
    with _client(hostile, timeout=1.0) as client:

        def stalled() -> None:
            results["stalled"] = client.check_once(job_for("trickle-headers")).outcome

        thread = threading.Thread(target=stalled)
        thread.start()
        results["normal"] = client.check_once(job_for("processed")).outcome
        thread.join(30)
    assert results == {"stalled": Outcome.ERROR, "normal": Outcome.PROCESSED}


def test_a_huge_field_under_the_cap_is_read_whole(hostile: HostileServer) -> None:
    with _client(hostile) as client:
        report = client.check_once(job_for("huge-field"))
    assert report.outcome is Outcome.RUNNING
    assert len(report.status_message) > HUGE_FIELD_BYTES


def test_a_900_deep_answer_is_read(hostile: HostileServer) -> None:
    with _client(hostile) as client:
        report = client.check_once(job_for("deep"))
    assert report.outcome is Outcome.PROCESSED
    report.to_dict()
