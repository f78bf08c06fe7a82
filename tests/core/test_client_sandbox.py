"""CinxClient and sign-in against the sandbox CINX server, over real loopback sockets (issue 2, parts 3, 8).

Every outcome and fault: processed, failed, not found, progress, slow + timeout, 429 with Retry-After,
HTML 502, truncated JSON, wrong shapes, oversize bodies (declared and streamed), wrong password, expired
subscription, connection refused, keep-alive reuse and abort() from another thread.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.net import closed_port
from helpers.tls import TlsServer, https_server

from pig_desktop.core.client import MSG_DROPPED, MSG_TIMEOUT, MSG_TLS, MSG_TOO_LARGE, CinxClient, Connection
from pig_desktop.core.errors import AuthError, Cancelled, ConfigError, NetworkError
from pig_desktop.core.outcome import MSG_NOT_FOUND, MSG_WRONG_PASSWORD, Outcome
from pig_desktop.core.policy import RetryPolicy
from pig_desktop.core.signin import (
    STEP_CREDENTIALS,
    STEP_REACH,
    STEP_SUBSCRIPTION,
    SignInError,
    choose_token,
    sign_in,
)
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
    RATE_LIMITED_JOB,
    SECOND_ORG,
    SLOW_JOB,
    SandboxServer,
    ScriptedResponse,
)

SLOW = 2.0  # the sandbox's slow answer in this module; abort/timeout tests must finish far sooner
SCRIPTED_JOB = "0c0ffee0-1234-4abc-8def-0123456789ab"


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(slow_seconds=SLOW, progress_steps=2) as srv:
        yield srv


@pytest.fixture
def server(module_server: SandboxServer) -> SandboxServer:
    module_server.reset()
    return module_server


def make_client(
    server: SandboxServer | str,
    *,
    password: str = DEMO_PASSWORD,
    token: str = ACTIVE_TOKEN,
    read_timeout: float = 5.0,
    **kwargs: Any,
) -> CinxClient:
    url = server if isinstance(server, str) else server.url
    connection = Connection(
        url, DEMO_EMAIL, password, token, connect_timeout=min(2.0, read_timeout), read_timeout=read_timeout
    )
    return CinxClient(connection, **kwargs)


def no_sleep_client(server: SandboxServer | str, sleeps: list[float], **kwargs: Any) -> CinxClient:
    return make_client(server, sleep=sleeps.append, **kwargs)


def json_bytes(data: Any) -> bytes:
    return json.dumps(data).encode()


def envelope(rows: list[dict[str, Any]], code: int = 200, message: str = "OK") -> bytes:
    return json_bytes({"response": {"status_code": code, "message": message}, "rows": rows})


# ---- the documented outcomes -------------------------------------------------------------------------------


def test_processed(server: SandboxServer) -> None:
    with make_client(server) as client:
        report = client.check_status(PROCESSED_JOB)
    assert report.outcome is Outcome.PROCESSED
    assert report.http_status == 200 and report.server == server.url and report.elapsed > 0
    assert (
        report.job is not None and report.job.job_id == PROCESSED_JOB and report.job.app == "json-rfq-import"
    )


def test_failed(server: SandboxServer) -> None:
    with make_client(server) as client:
        report = client.check_status(FAILED_JOB)
    assert report.outcome is Outcome.FAILED and report.status_code == 500


def test_not_found_comes_with_http_500_and_is_not_retried(server: SandboxServer) -> None:
    sleeps: list[float] = []
    with no_sleep_client(server, sleeps) as client:
        report = client.check_status(NOT_FOUND_JOB)
    assert report.outcome is Outcome.NOT_FOUND and report.http_status == 500
    assert report.message == MSG_NOT_FOUND
    assert sleeps == [] and server.request_count(NOT_FOUND_JOB) == 1


def test_progress_over_polls(server: SandboxServer) -> None:
    with make_client(server) as client:
        states = [client.check_status(PROGRESS_JOB) for _ in range(3)]
    assert [r.outcome for r in states] == [Outcome.RUNNING, Outcome.RUNNING, Outcome.PROCESSED]
    assert [r.status_message for r in states] == ["Queued", "Processing", "Processed"]
    assert "(its status: Queued)" in states[0].message


def test_request_shape_auth_header_and_encoding(server: SandboxServer) -> None:
    with make_client(server) as client:
        client.check_status("odd_job-123")
    request = server.requests[-1]
    assert request.method == "GET"
    assert request.path == f"/1.0/sub/{ACTIVE_TOKEN}/partner/exec/odd_job-123/status"
    expected = base64.b64encode(f"{DEMO_EMAIL}:{DEMO_PASSWORD}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert request.headers["user-agent"].startswith("pig-desktop/")
    assert "json" in request.headers["accept"]


def test_path_segments_are_percent_encoded(server: SandboxServer) -> None:
    with make_client(server, token="a/b..c") as client:
        url = client.status_url("x.y/z")
        report = client.check_status("x.y/z")
    assert url.endswith("/1.0/sub/a%2Fb%2E%2Ec/partner/exec/x%2Ey%2Fz/status")
    assert server.requests[-1].path == "/1.0/sub/a%2Fb%2E%2Ec/partner/exec/x%2Ey%2Fz/status"
    assert (
        report.outcome is Outcome.AUTH_ERROR
    )  # an unknown subscription, but the path stayed in its segments


def test_custom_status_path_template(server: SandboxServer) -> None:
    server.script(
        "/custom/" + PROCESSED_JOB,
        [ScriptedResponse(200, envelope([{"status_code": 200, "status_message": "Processed"}]))],
    )
    connection = Connection(
        server.url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN, status_path_template="custom/{job}"
    )
    with CinxClient(connection) as client:
        assert client.check_status(PROCESSED_JOB).outcome is Outcome.PROCESSED
        client.set_connection(
            Connection(server.url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN, status_path_template="/no-job")
        )
        with pytest.raises(ConfigError):
            client.status_url(PROCESSED_JOB)
        report = client.check_status(PROCESSED_JOB)
    assert report.outcome is Outcome.ERROR and "{job}" in report.message and not report.transient


# ---- sign-in problems --------------------------------------------------------------------------------------


def test_wrong_password_is_auth_error_and_not_retried(server: SandboxServer) -> None:
    sleeps: list[float] = []
    with no_sleep_client(server, sleeps, password="wrong-password") as client:
        report = client.check_status(PROCESSED_JOB)
    assert report.outcome is Outcome.AUTH_ERROR and report.http_status == 401
    assert report.message == MSG_WRONG_PASSWORD
    assert sleeps == [] and server.request_count(PROCESSED_JOB) == 1


def test_expired_subscription_with_http_200(server: SandboxServer) -> None:
    with make_client(server, token=EXPIRED_TOKEN) as client:
        report = client.check_status(PROCESSED_JOB)
    assert report.outcome is Outcome.AUTH_ERROR and report.http_status == 200
    assert "2017-11-22" in report.message and "renew" in report.message


def test_unknown_subscription(server: SandboxServer) -> None:
    with make_client(server, token="not-a-real-token") as client:
        report = client.check_status(PROCESSED_JOB)
    assert report.outcome is Outcome.AUTH_ERROR and report.http_status == 401


# ---- faults ------------------------------------------------------------------------------------------------


def test_slow_answer_times_out_quickly_with_a_plain_message(server: SandboxServer) -> None:
    started = time.monotonic()
    with make_client(server, read_timeout=0.3) as client:
        report = client.check_once(SLOW_JOB)
    took = time.monotonic() - started
    assert report.outcome is Outcome.ERROR and report.message == MSG_TIMEOUT
    assert report.transient and "Timeout" in report.detail
    assert took < SLOW / 2


def test_slow_answer_within_the_timeout_is_fine(server: SandboxServer) -> None:
    server.script_job(
        SCRIPTED_JOB,
        [ScriptedResponse(200, envelope([{"status_code": 200, "status_message": "Processed"}]), delay=0.3)],
    )
    with make_client(server, read_timeout=2.0) as client:
        assert client.check_status(SCRIPTED_JOB).outcome is Outcome.PROCESSED


def test_timeouts_are_retried_then_reported(server: SandboxServer) -> None:
    server.script_job(SCRIPTED_JOB, [ScriptedResponse(200, b"{}", delay=1.0)])
    sleeps: list[float] = []
    with no_sleep_client(server, sleeps, read_timeout=0.1, retry=RetryPolicy(max_attempts=3)) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.ERROR and report.message == MSG_TIMEOUT
    assert len(sleeps) == 2 and server.request_count(SCRIPTED_JOB) == 3


def test_429_with_retry_after_waits_then_succeeds(server: SandboxServer) -> None:
    started = time.monotonic()
    with make_client(server) as client:
        report = client.check_status(RATE_LIMITED_JOB)
    took = time.monotonic() - started
    assert report.outcome is Outcome.PROCESSED
    first, second = [r for r in server.requests if RATE_LIMITED_JOB in r.path]
    # The sandbox says "Retry-After: 1": the retry must not come sooner.
    assert second.time - first.time >= 1.0
    assert took >= 1.0


def test_429_with_http_date_retry_after(server: SandboxServer) -> None:
    from email.utils import formatdate

    busy = ScriptedResponse(
        429,
        envelope([], 429, "Too Many Requests"),
        headers=(("Retry-After", formatdate(time.time() + 10, usegmt=True)),),
    )
    ok = ScriptedResponse(200, envelope([{"status_code": 200, "status_message": "Processed"}]))
    server.script_job(SCRIPTED_JOB, [busy, ok])
    sleeps: list[float] = []
    with no_sleep_client(server, sleeps) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.PROCESSED
    assert len(sleeps) == 1 and 8 <= sleeps[0] <= 11


def test_retry_after_beyond_the_time_budget_is_not_waited_for(server: SandboxServer) -> None:
    busy = ScriptedResponse(429, envelope([], 429, "Too Many Requests"), headers=(("Retry-After", "3600"),))
    server.script_job(SCRIPTED_JOB, [busy])
    sleeps: list[float] = []
    with no_sleep_client(server, sleeps) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.ERROR and report.transient and report.retry_after == 3600
    assert sleeps == [] and "busy" in report.message


def test_html_502_is_a_transient_error(server: SandboxServer) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    server.script_job(SCRIPTED_JOB, [ScriptedResponse(502, page, headers=(("Content-Type", "text/html"),))])
    sleeps: list[float] = []
    with no_sleep_client(server, sleeps) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.ERROR and report.transient and report.http_status == 502
    assert "HTML" in report.detail and report.raw_text.startswith("<html>")
    assert "trouble" in report.message
    assert len(sleeps) == 3 and server.request_count(SCRIPTED_JOB) == 4  # 4 attempts, then the report


def test_html_502_then_success(server: SandboxServer) -> None:
    server.script_job(
        SCRIPTED_JOB,
        [
            ScriptedResponse(502, b"<html>502</html>"),
            ScriptedResponse(200, envelope([{"status_code": 500, "status_message": "x"}])),
        ],
    )
    sleeps: list[float] = []
    with no_sleep_client(server, sleeps) as client:
        assert client.check_status(SCRIPTED_JOB).outcome is Outcome.FAILED
    assert len(sleeps) == 1 and 0.25 <= sleeps[0] <= 0.5


def test_truncated_json_body(server: SandboxServer) -> None:
    server.script_job(
        SCRIPTED_JOB, [ScriptedResponse(200, b'{"response": {"status_code": 200}, "rows": [{"stat')]
    )
    with make_client(server) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.ERROR and not report.transient
    assert "cut short" in report.detail


def test_body_shorter_than_its_content_length(server: SandboxServer) -> None:
    full = envelope([{"status_code": 200, "status_message": "Processed"}])
    server.script_job(
        SCRIPTED_JOB, [ScriptedResponse(200, full[:20], headers=(("Content-Length", str(len(full))),))]
    )
    with make_client(server, retry=RetryPolicy(max_attempts=1)) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.ERROR and report.message == MSG_DROPPED and report.transient


def test_connection_reset_mid_body(server: SandboxServer) -> None:
    full = envelope([{"status_code": 200, "status_message": "Processed"}])
    server.script_job(SCRIPTED_JOB, [ScriptedResponse(200, full, close_after_bytes=10)])
    with make_client(server, retry=RetryPolicy(max_attempts=1)) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.ERROR and report.message == MSG_DROPPED


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"rows": "none"}',
        b'{"response": [], "rows": []}',
        b'{"rows": [1]}',
        b"null",
        b"",
    ],
)
def test_wrong_shapes(server: SandboxServer, body: bytes) -> None:
    server.script_job(SCRIPTED_JOB, [ScriptedResponse(200, body)])
    with make_client(server) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.ERROR and not report.transient and "can't be read" in report.message


def test_oversize_body_with_content_length(server: SandboxServer) -> None:
    big = b'{"rows": [' + b'{"a": 1},' * 20_000 + b"{}]}"
    server.script_job(SCRIPTED_JOB, [ScriptedResponse(200, big)])
    with make_client(server, max_body_bytes=64 * 1024) as client:
        report = client.check_status(SCRIPTED_JOB)
    assert report.outcome is Outcome.ERROR and report.message == MSG_TOO_LARGE
    assert "Content-Length" in report.detail and not report.transient


class ChunkedFirehose:
    """A bare HTTP/1.1 server on 127.0.0.1 that answers every request with an endless chunked body and
    no Content-Length, to prove the client's streaming cap (the sandbox always sends a Content-Length)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = int(self.sock.getsockname()[1])
        self.sent = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"[" + b"0," * 8000
            framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
            try:
                while not self.stop.is_set() and self.sent < 200 * 1024 * 1024:
                    conn.sendall(framed)
                    self.sent += len(chunk)
            except OSError:
                pass  # the client hung up: what we want

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        self.thread.join(5)


def test_oversize_chunked_body_without_content_length_is_cut_off() -> None:
    firehose = ChunkedFirehose()
    try:
        started = time.monotonic()
        with make_client(f"http://127.0.0.1:{firehose.port}", max_body_bytes=256 * 1024) as client:
            report = client.check_once(SCRIPTED_JOB)
        took = time.monotonic() - started
    finally:
        firehose.close()
    assert report.outcome is Outcome.ERROR and report.message == MSG_TOO_LARGE
    assert "body over 262144 bytes" in report.detail
    assert took < 5
    # It stopped reading near the cap instead of swallowing the whole stream.
    assert firehose.sent < 50 * 1024 * 1024


def test_body_trickling_past_the_total_deadline(server: SandboxServer) -> None:
    body = envelope([{"status_code": 200, "status_message": "Processed"}])  # ~80 bytes at 20 ms each
    server.script_job(SCRIPTED_JOB, [ScriptedResponse(200, body, trickle=0.02)])
    started = time.monotonic()
    with make_client(server, read_timeout=0.25, retry=RetryPolicy(max_attempts=1)) as client:
        report = client.check_status(SCRIPTED_JOB)
    took = time.monotonic() - started
    # Each byte arrives within the read timeout, but the whole answer may take at most connect + 2 x read.
    assert report.outcome is Outcome.ERROR and report.message == MSG_TIMEOUT
    assert "still arriving" in report.detail
    assert took < 1.5


def test_connection_refused_is_transient_and_retried() -> None:
    port = closed_port()
    sleeps: list[float] = []
    with no_sleep_client(f"http://127.0.0.1:{port}", sleeps) as client:
        report = client.check_status(PROCESSED_JOB)
    assert report.outcome is Outcome.ERROR and report.transient
    assert "Couldn't reach CINX" in report.message and "ConnectError" in report.detail
    assert len(sleeps) == 3


# ---- connection handling -----------------------------------------------------------------------------------


def test_keep_alive_one_connection_for_several_checks(server: SandboxServer) -> None:
    before = server.connections_accepted
    with make_client(server) as client:
        outcomes = [
            client.check_status(job).outcome
            for job in (PROCESSED_JOB, FAILED_JOB, NOT_FOUND_JOB, PROCESSED_JOB, FAILED_JOB)
        ]
    assert outcomes == [
        Outcome.PROCESSED,
        Outcome.FAILED,
        Outcome.NOT_FOUND,
        Outcome.PROCESSED,
        Outcome.FAILED,
    ]
    assert server.connections_accepted - before == 1


def test_set_connection_keeps_the_pool_for_a_new_token(server: SandboxServer) -> None:
    before = server.connections_accepted
    with make_client(server, token=EXPIRED_TOKEN) as client:
        assert client.check_status(PROCESSED_JOB).outcome is Outcome.AUTH_ERROR
        client.set_connection(client.connection.with_token(ACTIVE_TOKEN))
        assert client.check_status(PROCESSED_JOB).outcome is Outcome.PROCESSED
    assert server.connections_accepted - before == 1


def test_abort_from_another_thread_returns_quickly(server: SandboxServer) -> None:
    with make_client(server, read_timeout=10.0) as client:
        timer = threading.Timer(0.3, client.abort)
        started = time.monotonic()
        timer.start()
        with pytest.raises(Cancelled):
            client.check_status(SLOW_JOB)
        took = time.monotonic() - started
        timer.join()
        assert took < 1.2, f"abort took {took:.2f} s (the slow answer takes {SLOW} s)"
        # The client is still usable afterwards.
        assert client.check_status(PROCESSED_JOB).outcome is Outcome.PROCESSED


def test_abort_during_the_wait_between_retries(server: SandboxServer) -> None:
    server.script_job(SCRIPTED_JOB, [ScriptedResponse(429, b"{}", headers=(("Retry-After", "10"),))])
    with make_client(server) as client:
        timer = threading.Timer(0.3, client.abort)
        started = time.monotonic()
        timer.start()
        with pytest.raises(Cancelled):
            client.check_status(SCRIPTED_JOB)
        timer.join()
    assert time.monotonic() - started < 2


def test_cancel_event(server: SandboxServer) -> None:
    cancel = threading.Event()
    cancel.set()
    with make_client(server) as client, pytest.raises(Cancelled):
        client.check_status(PROCESSED_JOB, cancel=cancel)
    assert server.request_count(PROCESSED_JOB) == 0
    server.script_job(SCRIPTED_JOB, [ScriptedResponse(503, b"{}", headers=(("Retry-After", "10"),))])
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with make_client(server) as client, pytest.raises(Cancelled):
        client.check_status(SCRIPTED_JOB, cancel=cancel)
    assert time.monotonic() - started < 2


def test_plain_http_to_a_remote_host_is_refused_before_connecting() -> None:
    with pytest.raises(ConfigError) as caught:
        CinxClient(Connection("http://api.cinx.com", DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN))
    assert "https://" in caught.value.message


# ---- ping, subscriptions and sign-in -----------------------------------------------------------------------


def test_ping_and_subscriptions(server: SandboxServer) -> None:
    with make_client(server) as client:
        assert client.ping() is True
        organisations = client.subscriptions()
    assert "authorization" not in server.requests[0].headers  # ping needs no password
    assert ACTIVE_ORG in [org.name for org in organisations]
    # The demo account belongs to two active organisations (issue 14): choose_token needs exactly one.
    assert choose_token([org for org in organisations if org.name != SECOND_ORG]).api_token == ACTIVE_TOKEN


def test_subscriptions_wrong_password(server: SandboxServer) -> None:
    with make_client(server, password="nope") as client, pytest.raises(AuthError):
        client.subscriptions()


def test_sign_in_success_lists_the_active_organisations(server: SandboxServer) -> None:
    with make_client(server, token="") as client:
        result = sign_in(client)
    states = {org.name: org.state for org in result.organisations}
    assert states[ACTIVE_ORG] == "active" and states[SECOND_ORG] == "active"
    assert sorted(states.values()) == ["active", "active", "expired", "no_api_access"]
    assert [org.name for org in result.usable] == [ACTIVE_ORG, SECOND_ORG]
    # Two active ones: choose_token (one organisation or a plain refusal) refuses and lists them both.
    with pytest.raises(SignInError) as caught:
        choose_token(result.organisations)
    assert ACTIVE_ORG in caught.value.message and SECOND_ORG in caught.value.message


def test_sign_in_wrong_password_names_the_credentials_step(server: SandboxServer) -> None:
    with make_client(server, password="wrong") as client, pytest.raises(SignInError) as caught:
        sign_in(client)
    assert caught.value.step == STEP_CREDENTIALS and not caught.value.network
    assert "email and password" in caught.value.message


def test_sign_in_missing_password() -> None:
    with make_client("http://127.0.0.1:9", password="") as client, pytest.raises(SignInError) as caught:
        sign_in(client)
    assert caught.value.step == STEP_CREDENTIALS


def test_sign_in_unreachable_names_the_reach_step() -> None:
    with make_client(f"http://127.0.0.1:{closed_port()}") as client, pytest.raises(SignInError) as caught:
        sign_in(client)
    assert caught.value.step == STEP_REACH and caught.value.network
    assert "Couldn't reach CINX" in caught.value.message


def test_sign_in_something_else_answers_the_ping(server: SandboxServer) -> None:
    server.script("/2.0/ping", [ScriptedResponse(200, b"<html>router login</html>")])
    with make_client(server) as client, pytest.raises(SignInError) as caught:
        sign_in(client)
    assert caught.value.step == STEP_REACH and "isn't the CINX API" in caught.value.message


def test_sign_in_ping_not_ready(server: SandboxServer) -> None:
    server.script("/2.0/ping", [ScriptedResponse(200, envelope([{"status": 503}]))])
    with make_client(server) as client, pytest.raises(SignInError) as caught:
        sign_in(client)
    assert caught.value.step == STEP_REACH and "isn't ready" in caught.value.message


def test_sign_in_subscription_list_broken(server: SandboxServer) -> None:
    server.script("/2.0/subs", [ScriptedResponse(500, b"<html>oops</html>")])
    with make_client(server) as client, pytest.raises(SignInError) as caught:
        sign_in(client)
    assert caught.value.step == STEP_SUBSCRIPTION and caught.value.network
    assert "couldn't list your organisations" in caught.value.message


def test_sign_in_no_organisations(server: SandboxServer) -> None:
    server.script("/2.0/subs", [ScriptedResponse(200, json_bytes({"response": {}, "rows": []}))])
    with make_client(server) as client, pytest.raises(SignInError) as caught:
        sign_in(client)
    assert caught.value.step == STEP_SUBSCRIPTION and not caught.value.network
    assert "doesn't belong to any organisation" in caught.value.message


def test_subscriptions_http_error_without_rows(server: SandboxServer) -> None:
    server.script("/2.0/subs", [ScriptedResponse(503, envelope([], 503, "Service Unavailable"))])
    with make_client(server) as client, pytest.raises(NetworkError):
        client.subscriptions()


# ---- TLS: verification always on, an extra CA bundle, abort over TLS ---------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    """An HTTPS server on 127.0.0.1 with a certificate from a private CA: (url, ca_file)."""
    body = envelope([{"status_code": 200, "status_message": "Processed", "cinx_id": {"id": PROCESSED_JOB}}])
    with https_server(tmp_path_factory.mktemp("tls"), body, stall_on=SLOW_JOB) as server:
        yield server


def tls_client(url: str, ca_bundle: str = "") -> CinxClient:
    return CinxClient(Connection(url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN, ca_bundle=ca_bundle))


def test_tls_certificate_not_trusted_is_refused(tls_server: TlsServer) -> None:
    url, _ = tls_server
    with tls_client(url) as client:
        report = client.check_once(PROCESSED_JOB)
    assert report.outcome is Outcome.ERROR and report.message == MSG_TLS and not report.transient
    assert "CERTIFICATE_VERIFY_FAILED" in report.detail


def test_tls_with_the_extra_ca_bundle(tls_server: TlsServer) -> None:
    url, ca_file = tls_server
    with tls_client(url, str(ca_file)) as client:
        assert client.check_status(PROCESSED_JOB).outcome is Outcome.PROCESSED
        assert client.check_status(PROCESSED_JOB).outcome is Outcome.PROCESSED


def test_abort_over_tls_returns_quickly(tls_server: TlsServer) -> None:
    url, ca_file = tls_server
    with tls_client(url, str(ca_file)) as client:
        assert client.check_status(PROCESSED_JOB).outcome is Outcome.PROCESSED  # the TLS connection is up
        timer = threading.Timer(0.3, client.abort)
        started = time.monotonic()
        timer.start()
        with pytest.raises(Cancelled):
            client.check_status(SLOW_JOB)
        timer.join()
    assert time.monotonic() - started < 1.2


def test_unreadable_ca_bundle_is_a_plain_config_error(tls_server: TlsServer, tmp_path: Path) -> None:
    url, _ = tls_server
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("hello")
    with tls_client(url, str(bad)) as client:
        report = client.check_once(PROCESSED_JOB)
    assert report.outcome is Outcome.ERROR and not report.transient
    assert report.message.startswith("The certificate file in Settings can't be read.")
    assert "load_verify_locations" in report.detail
