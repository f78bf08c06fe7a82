"""Outcome classification (issue 2, part 4): every row of the table, body first whatever the HTTP status."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from pig_desktop.core.outcome import (
    MSG_BUSY,
    MSG_FAILED,
    MSG_NOT_FOUND,
    MSG_PROCESSED,
    MSG_SERVER_TROUBLE,
    MSG_UNREADABLE,
    MSG_WRONG_PASSWORD,
    Outcome,
    StatusReport,
    classify,
    error_report,
)

JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
OTHER = "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17"


def row(code: Any, message: str, job: str = JOB, **extra: Any) -> dict[str, Any]:
    return {"status_code": code, "status_message": message, "cinx_id": {"id": job, "domain": "pig"}, **extra}


def body(rows: list[dict[str, Any]], code: Any = 200, message: str = "OK") -> bytes:
    return json.dumps({"response": {"status_code": code, "message": message}, "rows": rows}).encode()


def test_documented_bodies(fixture_body: Callable[[str], bytes]) -> None:
    processed = classify(JOB, 200, fixture_body("status-processed"))
    assert processed.outcome is Outcome.PROCESSED and processed.message == MSG_PROCESSED
    assert processed.job is not None and processed.job.app == "json-rfq-import"
    failed = classify(JOB, 200, fixture_body("status-failed"))
    assert failed.outcome is Outcome.FAILED and failed.message == MSG_FAILED
    # The documented not-found envelope comes with HTTP 500: the body wins, it is not a server error.
    missing = classify("7ab6f316-39bb-4d02-92aa-c9cfd8eeeb11", 500, fixture_body("status-not-found"))
    assert missing.outcome is Outcome.NOT_FOUND and missing.message == MSG_NOT_FOUND
    assert not missing.transient
    assert missing.job is None


@pytest.mark.parametrize(
    ("http", "data", "outcome"),
    [
        # processed: row status 200 AND message "Processed"
        (200, body([row(200, "Processed")]), Outcome.PROCESSED),
        (200, body([row("200", " processed ")]), Outcome.PROCESSED),
        (500, body([row(200, "Processed")], code=200), Outcome.PROCESSED),
        # failed: row status 500
        (200, body([row(500, "Internal Server Error")]), Outcome.FAILED),
        (200, body([row("500", "")]), Outcome.FAILED),
        # running: any other row status
        (200, body([row(200, "Queued")]), Outcome.RUNNING),
        (200, body([row(202, "Processing")]), Outcome.RUNNING),
        (200, body([row(102, "")]), Outcome.RUNNING),
        # not found: non-200 envelope with no rows, whatever the HTTP status
        (500, body([], code=500, message="Failed to find a job"), Outcome.NOT_FOUND),
        (404, body([], code=404, message="Not Found"), Outcome.NOT_FOUND),
        (200, body([], code=404), Outcome.NOT_FOUND),
        (200, body([], code=200), Outcome.NOT_FOUND),
        # auth: 401/403 in HTTP or envelope
        (401, body([], code=401, message="Unauthorized"), Outcome.AUTH_ERROR),
        (403, body([], code=200), Outcome.AUTH_ERROR),
        (200, body([], code=401, message="Unauthorized"), Outcome.AUTH_ERROR),
        (200, body([], code=403, message="Forbidden"), Outcome.AUTH_ERROR),
        (200, body([], code=401, message="Subscription expired on [2017-11-22]"), Outcome.AUTH_ERROR),
        (401, body([], code=401, message="Unauthorized: unknown subscription"), Outcome.AUTH_ERROR),
        (401, b"<html>401</html>", Outcome.AUTH_ERROR),
        # error: transient HTTP, unreadable or wrong-shaped bodies
        (429, body([], code=429, message="Too Many Requests"), Outcome.ERROR),
        (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", Outcome.ERROR),
        (503, b"", Outcome.ERROR),
        (504, body([], code=504), Outcome.ERROR),
        (200, b"<!DOCTYPE html><html>login</html>", Outcome.ERROR),
        (200, b'{"response": {"status_code": 200}, "rows": [{"status_co', Outcome.ERROR),
        (200, b"[1, 2, 3]", Outcome.ERROR),
        (200, b'{"rows": "none"}', Outcome.ERROR),
        (200, b'{"unexpected": true}', Outcome.ERROR),
        (200, body([row(None, "Processed")]), Outcome.ERROR),
        (400, body([], code=200), Outcome.ERROR),
        (None, b"not json at all", Outcome.ERROR),
    ],
)
def test_classification_table(http: int | None, data: bytes, outcome: Outcome) -> None:
    report = classify(JOB, http, data)
    assert report.outcome is outcome, report.detail
    assert report.job_id == JOB and report.http_status == http
    assert report.message and report.detail
    # Staff sentences are plain: no HTTP jargon or Python in the message.
    assert "Traceback" not in report.message and "HTTP" not in report.message


def test_auth_messages_tell_password_from_subscription() -> None:
    wrong = classify(JOB, 401, body([], code=401, message="Unauthorized"))
    assert wrong.message == MSG_WRONG_PASSWORD
    expired = classify(JOB, 200, body([], code=401, message="Subscription expired on [2017-11-22]"))
    assert "2017-11-22" in expired.message and "renew" in expired.message
    assert not wrong.transient and not expired.transient


@pytest.mark.parametrize("http", [429, 502, 503, 504])
def test_transient_http_is_marked_for_retry(http: int) -> None:
    report = classify(JOB, http, b"<html>busy</html>", retry_after=7.0)
    assert report.outcome is Outcome.ERROR and report.transient
    assert report.retry_after == 7.0
    assert report.message == (MSG_BUSY if http == 429 else MSG_SERVER_TROUBLE)


def test_transient_envelope_code_with_http_200() -> None:
    report = classify(JOB, 200, body([], code=503, message="Service Unavailable"))
    assert report.outcome is Outcome.ERROR and report.transient


def test_unreadable_non_transient() -> None:
    report = classify(JOB, 200, b"<html>hello</html>")
    assert report.message == MSG_UNREADABLE and not report.transient
    assert report.raw_text == "<html>hello</html>" and report.body is None


def test_server_error_with_unreadable_body() -> None:
    report = classify(JOB, 500, b"Internal Server Error")
    assert report.outcome is Outcome.ERROR and report.message == MSG_SERVER_TROUBLE and not report.transient


def test_several_rows_picks_the_matching_cinx_id() -> None:
    rows = [row(500, "Internal Server Error", job=OTHER), row(200, "Processed", job=JOB.upper())]
    report = classify(JOB, 200, body(rows))
    assert report.outcome is Outcome.PROCESSED
    assert report.job is not None and report.job.job_id == JOB.upper()
    other = classify(OTHER, 200, body(rows))
    assert other.outcome is Outcome.FAILED


def test_several_rows_without_a_match_takes_the_first() -> None:
    rows = [row(202, "Processing", job=OTHER), row(200, "Processed", job="a-different-one")]
    report = classify(JOB, 200, body(rows))
    assert report.outcome is Outcome.RUNNING and report.job is not None and report.job.job_id == OTHER


def test_labels_and_final() -> None:
    assert {o.label for o in Outcome} == {
        "Processed",
        "Failed",
        "In progress",
        "Job not found",
        "Sign-in problem",
        "Can't reach CINX",
    }
    assert {o for o in Outcome if o.is_final} == {Outcome.PROCESSED, Outcome.FAILED, Outcome.NOT_FOUND}


def test_running_message_names_the_state() -> None:
    report = classify(JOB, 200, body([row(202, "Processing")]))
    assert "(its status: Processing)" in report.message
    assert "still being processed" not in report.message  # "still being processed (Queued)" misled people
    assert report.status_code == 202 and report.status_message == "Processing"


def test_to_dict_contract_and_round_trip(fixture_body: Callable[[str], bytes]) -> None:
    report = classify(JOB, 200, fixture_body("status-processed")).with_context(
        server="https://api.cinx.com", elapsed=0.25, checked_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    )
    data = report.to_dict()
    for key in ("job_id", "outcome", "message", "http_status", "job", "envelope", "checked_at"):
        assert key in data
    assert data["outcome"] == "processed" and data["checked_at"] == "2024-05-01T12:00:00Z"
    assert data["job"]["cinx_id"]["id"] == JOB
    assert data["envelope"]["rows"][0]["status_message"] == "Processed"
    assert data["elapsed_ms"] == 250.0
    text = json.dumps(data)  # plain JSON types only
    back = StatusReport.from_dict(json.loads(text))
    assert back.outcome is Outcome.PROCESSED and back.job == report.job
    assert back.checked_at == report.checked_at and back.server == report.server
    assert back.elapsed == pytest.approx(0.25)


def test_from_dict_of_an_error_without_body() -> None:
    report = error_report(JOB, "CINX took too long to answer.", "ReadTimeout", transient=True, server="s")
    data = report.to_dict()
    assert data["job"] is None and data["envelope"] is None and data["http_status"] is None
    back = StatusReport.from_dict(data)
    assert back.outcome is Outcome.ERROR and back.message == report.message and back.detail == "ReadTimeout"
    assert StatusReport.from_dict({"outcome": "nonsense"}).outcome is Outcome.ERROR
