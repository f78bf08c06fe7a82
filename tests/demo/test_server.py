"""Tests for the sandbox CINX server (`pig_desktop.demo`), over real loopback sockets with httpx."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from pig_desktop.demo import (
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_JOBS,
    DEMO_PASSWORD,
    EXPIRED_TOKEN,
    FAILED_JOB,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    RATE_LIMITED_JOB,
    SECOND_ORG,
    SECOND_ORG_JOB,
    SECOND_TOKEN,
    SLOW_JOB,
    SandboxServer,
    ScriptedResponse,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
AUTH = (DEMO_EMAIL, DEMO_PASSWORD)
SLOW = 0.3  # slow_seconds used in these tests, to keep the file quick


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def status_path(job: str, token: str = ACTIVE_TOKEN) -> str:
    return f"/1.0/sub/{token}/partner/exec/{job}/status"


@pytest.fixture(scope="module")
def module_server() -> Iterator[SandboxServer]:
    with SandboxServer(slow_seconds=SLOW) as srv:
        yield srv


@pytest.fixture
def server(module_server: SandboxServer) -> Iterator[SandboxServer]:
    # One server for the module (cheap), with a clean slate per test.
    module_server.reset()
    yield module_server
    assert module_server.errors == [], "a handler raised unexpectedly:\n" + "\n".join(module_server.errors)


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, auth=AUTH, timeout=5.0) as c:
        yield c


def assert_envelope_header(response: dict[str, Any], status_code: int) -> None:
    assert response["status_code"] == status_code
    assert isinstance(response["message"], str) and response["message"]
    assert isinstance(response["start_time"], float)
    assert isinstance(response["total_time"], float) and response["total_time"] >= 0
    assert response["format"] == "json"


# -- ping and subs ------------------------------------------------------------------------------------------


def test_ping_needs_no_auth(server: SandboxServer) -> None:
    r = httpx.get(f"{server.url}/2.0/ping", timeout=5)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert int(r.headers["content-length"]) == len(r.content)
    body = r.json()
    assert body["rows"] == [{"status": 200, "message": "CINX: API Ping Response: Ok"}]
    assert_envelope_header(body["response"], 200)


def test_subs_rows_are_the_fixture_plus_an_org_without_token(client: httpx.Client) -> None:
    r = client.get("/2.0/subs")
    assert r.status_code == 200
    body = r.json()
    fixture = load_fixture("subs.json")
    assert body["response"] == {}
    assert body["rows"][:2] == fixture["rows"]
    assert len(body["rows"]) == 4
    third = body["rows"][2]
    assert third["cinx_api_token"] == ""
    assert third["org"]["name"] == "Keystone Plumbing Co."
    assert set(third) == set(fixture["rows"][0])
    # Issue 14: a second active organisation, with a job that lives only there.
    fourth = body["rows"][3]
    assert fourth["org"]["name"] == SECOND_ORG and fourth["subscription"]["status_code"] == 200
    assert set(fourth) == set(fixture["rows"][0])
    tokens = [row["cinx_api_token"] for row in body["rows"]]
    assert tokens == [ACTIVE_TOKEN, EXPIRED_TOKEN, "", SECOND_TOKEN]


@pytest.mark.parametrize(
    "auth_header",
    [
        None,
        basic(DEMO_EMAIL, "wrong-password"),
        basic("someone@else.example", DEMO_PASSWORD),
        "Basic !!!not-base64!!!",
        "Basic " + "ZGVtbw==",  # "demo": no colon
        "Bearer " + DEMO_PASSWORD,
    ],
    ids=["missing", "wrong-password", "wrong-email", "garbage", "no-colon", "bearer"],
)
@pytest.mark.parametrize("path", ["/2.0/subs", status_path(PROCESSED_JOB)])
def test_bad_credentials_get_401_with_challenge(
    server: SandboxServer, path: str, auth_header: str | None
) -> None:
    headers = {} if auth_header is None else {"Authorization": auth_header}
    r = httpx.get(server.url + path, headers=headers, timeout=5)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Basic realm="CINX"'
    body = r.json()
    assert body["rows"] == []
    assert_envelope_header(body["response"], 401)
    assert body["response"]["message"] == "Unauthorized"


def test_email_is_case_insensitive(server: SandboxServer) -> None:
    r = httpx.get(f"{server.url}/2.0/subs", auth=(DEMO_EMAIL.upper(), DEMO_PASSWORD), timeout=5)
    assert r.status_code == 200


# -- job status ---------------------------------------------------------------------------------------------


def test_processed_job_matches_the_seed(client: httpx.Client) -> None:
    r = client.get(status_path(PROCESSED_JOB))
    assert r.status_code == 200
    body = r.json()
    fixture = load_fixture("status-processed.json")
    assert body["rows"] == fixture["rows"]
    assert_envelope_header(body["response"], 200)
    assert body["response"]["record_count"] == 1


def test_failed_job_matches_the_seed_with_its_own_id(client: httpx.Client) -> None:
    r = client.get(status_path(FAILED_JOB))
    assert r.status_code == 200
    row = r.json()["rows"][0]
    expected = load_fixture("status-failed.json")["rows"][0]
    expected["cinx_id"]["id"] = FAILED_JOB
    assert row == expected
    assert (row["status_code"], row["status_message"]) == (500, "Internal Server Error")


@pytest.mark.parametrize("job", [NOT_FOUND_JOB, "0b1c2d3e-0000-4000-8000-000000000000", "some_token-123"])
def test_unknown_jobs_get_the_not_found_envelope_with_http_500(client: httpx.Client, job: str) -> None:
    r = client.get(status_path(job))
    assert r.status_code == 500
    body = r.json()
    assert body["rows"] == []
    assert_envelope_header(body["response"], 500)
    assert body["response"]["message"] == f"Failed to find a job with the given id of [{job}]"
    assert body["response"]["uri"] == f"sub/{ACTIVE_TOKEN}/partner/exec/{job}/status"
    assert body["response"]["record_count"] == 0
    if job == NOT_FOUND_JOB:
        fixture = load_fixture("status-not-found.json")["response"]
        assert body["response"]["message"] == fixture["message"]


def test_progress_job_advances_per_poll(client: httpx.Client, server: SandboxServer) -> None:
    seen = []
    for _ in range(4):
        r = client.get(status_path(PROGRESS_JOB))
        assert r.status_code == 200
        row = r.json()["rows"][0]
        assert row["cinx_id"]["id"] == PROGRESS_JOB
        seen.append((row["status_code"], row["status_message"]))
    assert seen == [(200, "Queued"), (202, "Processing"), (200, "Processed"), (200, "Processed")]
    started = datetime.strptime(row["command_started_at"], "%Y-%m-%d %H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(started.timestamp() - server.started_at) < 1.0
    # reset() starts the sequence again
    server.reset()
    assert client.get(status_path(PROGRESS_JOB)).json()["rows"][0]["status_message"] == "Queued"


def test_progress_steps_is_configurable() -> None:
    with SandboxServer(progress_steps=3) as srv, httpx.Client(base_url=srv.url, auth=AUTH, timeout=5) as c:
        messages = [c.get(status_path(PROGRESS_JOB)).json()["rows"][0]["status_message"] for _ in range(5)]
    assert messages == ["Queued", "Processing", "Processing", "Processed", "Processed"]


def test_slow_job_takes_at_least_slow_seconds(client: httpx.Client) -> None:
    t0 = time.monotonic()
    r = client.get(status_path(SLOW_JOB))
    elapsed = time.monotonic() - t0
    assert r.status_code == 200
    assert r.json()["rows"][0]["status_message"] == "Processed"
    assert elapsed >= SLOW


def test_rate_limited_job_says_429_once_then_processed(client: httpx.Client, server: SandboxServer) -> None:
    first = client.get(status_path(RATE_LIMITED_JOB))
    assert first.status_code == 429
    assert first.headers["retry-after"] == "1"
    assert first.json()["response"]["status_code"] == 429
    for _ in range(2):
        again = client.get(status_path(RATE_LIMITED_JOB))
        assert again.status_code == 200
        assert again.json()["rows"][0]["cinx_id"]["id"] == RATE_LIMITED_JOB
        assert again.json()["rows"][0]["status_message"] == "Processed"
    server.reset()
    assert client.get(status_path(RATE_LIMITED_JOB)).status_code == 429


def test_expired_subscription_is_an_envelope_error_with_http_200(client: httpx.Client) -> None:
    r = client.get(status_path(PROCESSED_JOB, token=EXPIRED_TOKEN))
    assert r.status_code == 200
    body = r.json()
    assert body["rows"] == []
    assert_envelope_header(body["response"], 401)
    assert body["response"]["message"] == "Subscription expired on [2017-11-22]"


@pytest.mark.parametrize("token", ["00000000-0000-4000-8000-000000000000", "%20", "not-a-token"])
def test_unknown_token_is_401_envelope(client: httpx.Client, token: str) -> None:
    r = client.get(status_path(PROCESSED_JOB, token=token))
    assert r.status_code == 401
    assert "www-authenticate" not in r.headers  # the sign-in was fine; the subscription is not
    body = r.json()
    assert body["rows"] == []
    assert_envelope_header(body["response"], 401)
    assert "unknown subscription" in body["response"]["message"]


def test_empty_token_segment_is_not_a_subscription(client: httpx.Client) -> None:
    r = client.get(status_path(PROCESSED_JOB, token=""))
    assert r.status_code == 401
    assert r.json()["response"]["status_code"] == 401


# -- paths, odd input and robustness ------------------------------------------------------------------------


def test_percent_encoded_segments_are_decoded(client: httpx.Client) -> None:
    encoded_job = "".join(f"%{ord(ch):02X}" for ch in PROCESSED_JOB)
    r = client.get(f"/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{encoded_job}/status")
    assert r.status_code == 200
    assert r.json()["rows"][0]["cinx_id"]["id"] == PROCESSED_JOB


@pytest.mark.parametrize(
    ("raw_segment", "decoded"),
    [
        ("a%2Fb", "a/b"),
        ("..%2F..", "../.."),
        ("%C3%A9t%C3%A9", "été"),
        ("%FF%FE", "\ufffd\ufffd"),
        ("%00", "\x00"),
    ],
)
def test_odd_job_ids_get_not_found_and_never_crash(
    client: httpx.Client, raw_segment: str, decoded: str
) -> None:
    r = client.get(f"/1.0/sub/{ACTIVE_TOKEN}/partner/exec/{raw_segment}/status")
    assert r.status_code == 500
    assert r.json()["response"]["message"] == f"Failed to find a job with the given id of [{decoded}]"


def test_query_string_and_trailing_slash_are_tolerated(client: httpx.Client) -> None:
    assert client.get("/2.0/ping/", params={"format": "json"}).status_code == 200
    assert client.get(status_path(PROCESSED_JOB) + "?format=json").status_code == 200


@pytest.mark.parametrize("path", ["/", "/2.0/pong", "/1.0/partner/exec/x/status", "/2.0/ping/extra"])
def test_unknown_paths_are_404_envelopes(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    body = r.json()
    assert body["rows"] == []
    assert body["response"]["status_code"] == 404


def test_other_methods_are_405_and_keep_the_connection_usable(
    client: httpx.Client, server: SandboxServer
) -> None:
    r = client.post("/2.0/ping", content=b"x" * 1000)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    assert r.json()["response"]["status_code"] == 405
    assert client.get("/2.0/ping").status_code == 200


def raw_exchange(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "garbage",
    [
        b"HELLO\r\n\r\n",
        b"GET /2.0/ping HTTP/9.9\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    ],
    ids=["no-version", "bad-version", "tls-hello"],
)
def test_malformed_requests_get_json_errors_and_server_keeps_serving(
    server: SandboxServer, garbage: bytes
) -> None:
    answer = raw_exchange(server.port, garbage)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1][:1] in (b"4", b"5")
    assert json.loads(body)["rows"] == []
    assert httpx.get(f"{server.url}/2.0/ping", timeout=5).status_code == 200


def test_handler_exception_becomes_500_envelope_and_server_survives(
    module_server: SandboxServer, client: httpx.Client
) -> None:
    # A script with a str body is a bug in the caller: the server must answer 500 and carry on.
    bad = ScriptedResponse(status=200, body="not bytes")  # type: ignore[arg-type]
    module_server.script("/boom", [bad])
    r = client.get("/boom")
    assert r.status_code == 500
    assert r.json()["response"]["status_code"] == 500
    assert client.get("/2.0/ping").status_code == 200
    assert len(module_server.errors) == 1 and "TypeError" in module_server.errors[0]
    module_server.reset()  # the error was expected; keep the per-test check clean


def test_no_stderr_output_per_request(server: SandboxServer, capfd: pytest.CaptureFixture[str]) -> None:
    httpx.get(f"{server.url}/2.0/ping", timeout=5)
    httpx.get(f"{server.url}/nope", timeout=5)
    httpx.get(f"{server.url}/2.0/subs", timeout=5)
    raw_exchange(server.port, b"HELLO\r\n\r\n")
    server.script("/cut", [ScriptedResponse(body=b"0123456789", close_after_bytes=3)])
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/cut", timeout=5)
    time.sleep(0.1)  # let handler threads finish writing anything they would write
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


# -- scripted responses -------------------------------------------------------------------------------------


def test_script_plays_in_order_then_repeats_last_and_overrides_routes(
    client: httpx.Client, server: SandboxServer
) -> None:
    server.script(
        "/2.0/ping",
        [
            ScriptedResponse(status=503, body=b"<html>busy</html>", headers=(("Content-Type", "text/html"),)),
            ScriptedResponse(status=200, body=b'{"ok": true}'),
        ],
    )
    first = client.get("/2.0/ping")
    assert (first.status_code, first.text, first.headers["content-type"]) == (
        503,
        "<html>busy</html>",
        "text/html",
    )
    for _ in range(2):
        r = client.get("/2.0/ping")
        assert (r.status_code, r.json(), r.headers["content-type"]) == (200, {"ok": True}, "application/json")
    server.reset()
    assert client.get("/2.0/ping").json()["rows"][0]["status"] == 200


def test_script_job_targets_the_status_path_and_bypasses_auth(server: SandboxServer) -> None:
    server.script_job(PROCESSED_JOB, [ScriptedResponse(status=502, body=b"bad gateway")])
    r = httpx.get(server.url + status_path(PROCESSED_JOB), timeout=5)
    assert (r.status_code, r.content) == (502, b"bad gateway")
    # Other tokens are not affected.
    assert (
        httpx.get(server.url + status_path(PROCESSED_JOB, EXPIRED_TOKEN), auth=AUTH, timeout=5).status_code
        == 200
    )


def test_script_matches_percent_decoded_path(client: httpx.Client, server: SandboxServer) -> None:
    server.script("/x y/z", [ScriptedResponse(status=418, body=b"{}")])
    assert client.get("/x%20y/z").status_code == 418


def test_scripted_delay(client: httpx.Client, server: SandboxServer) -> None:
    server.script("/late", [ScriptedResponse(body=b"{}", delay=0.3)])
    t0 = time.monotonic()
    assert client.get("/late").status_code == 200
    assert time.monotonic() - t0 >= 0.3


def test_scripted_trickle_sends_byte_by_byte(server: SandboxServer) -> None:
    body = b'{"rows": []}'
    server.script("/drip", [ScriptedResponse(body=body, trickle=0.02)])
    arrivals: list[float] = []
    t0 = time.monotonic()
    with httpx.stream("GET", f"{server.url}/drip", timeout=5) as r:
        assert r.status_code == 200
        data = b""
        for chunk in r.iter_raw():
            arrivals.append(time.monotonic())
            data += chunk
    assert data == body
    assert time.monotonic() - t0 >= 0.02 * len(body)
    assert len(arrivals) >= len(body) // 2  # it really came in small pieces, not one write


def test_scripted_truncation_via_content_length(client: httpx.Client, server: SandboxServer) -> None:
    server.script("/short", [ScriptedResponse(body=b'{"rows": [', headers=(("Content-Length", "100"),))])
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{server.url}/short", timeout=2)


def test_close_after_bytes_breaks_the_body(server: SandboxServer) -> None:
    body = json.dumps(load_fixture("status-processed.json")).encode()
    server.script("/reset", [ScriptedResponse(body=body, close_after_bytes=40)])
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        httpx.get(f"{server.url}/reset", timeout=5)
    # A new connection still works.
    assert httpx.get(f"{server.url}/2.0/ping", timeout=5).status_code == 200


# -- request log, lifecycle, sockets ------------------------------------------------------------------------


def test_request_log_records_method_path_headers_and_time(
    client: httpx.Client, server: SandboxServer
) -> None:
    before = time.monotonic()
    client.get(status_path(PROCESSED_JOB), headers={"X-Probe": "1"})
    client.get("/2.0/ping")
    after = time.monotonic()
    log = server.requests
    assert [r.method for r in log] == ["GET", "GET"]
    assert log[0].path == status_path(PROCESSED_JOB)
    assert log[0].headers["x-probe"] == "1"
    assert log[0].headers["authorization"].startswith("Basic ")
    assert before <= log[0].time <= log[1].time <= after
    method, path, headers, when = log[1]  # also unpacks as a tuple
    assert (method, path) == ("GET", "/2.0/ping")
    assert server.request_count() == 2
    assert server.request_count(PROCESSED_JOB) == 1
    assert server.request_count("/2.0/") == 1
    assert server.request_count("nothing-like-this") == 0


def test_keep_alive_reuses_one_connection() -> None:
    with SandboxServer() as srv, httpx.Client(base_url=srv.url, auth=AUTH, timeout=5) as c:
        assert c.get("/2.0/ping").status_code == 200
        assert c.get(status_path(PROCESSED_JOB)).status_code == 200
        assert c.get("/2.0/subs").status_code == 200
        assert srv.connections_accepted == 1
        httpx.get(f"{srv.url}/2.0/ping", timeout=5)  # a separate client needs its own connection
        assert srv.connections_accepted == 2


def test_binds_to_127_0_0_1_only(server: SandboxServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}"
    with socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass
    # The whole 127/8 is loopback on Linux: a server bound to 0.0.0.0 would also answer on 127.0.0.2.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", server.port), timeout=2).close()
    if socket.has_ipv6:
        with pytest.raises(OSError):
            socket.create_connection(("::1", server.port), timeout=2).close()


def test_two_servers_get_different_ports() -> None:
    with SandboxServer() as a, SandboxServer() as b:
        assert a.port != b.port
        assert httpx.get(f"{a.url}/2.0/ping", timeout=5).status_code == 200
        assert httpx.get(f"{b.url}/2.0/ping", timeout=5).status_code == 200


def test_lifecycle_start_stop_idempotent_and_restartable() -> None:
    srv = SandboxServer()
    with pytest.raises(RuntimeError):
        _ = srv.url
    srv.start()
    try:
        with pytest.raises(RuntimeError):
            srv.start()
        port = srv.port
        assert httpx.get(f"{srv.url}/2.0/ping", timeout=5).status_code == 200
    finally:
        srv.stop()
    srv.stop()  # idempotent
    assert not srv.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/2.0/ping", timeout=2)
    with srv:  # a stopped server can start again
        assert httpx.get(f"{srv.url}/2.0/ping", timeout=5).status_code == 200


@pytest.mark.parametrize("kind", ["trickle", "slow-job", "idle-keep-alive"])
def test_stop_is_quick_with_a_response_in_flight(kind: str) -> None:
    srv = SandboxServer(slow_seconds=30)
    srv.start()
    outcome: list[object] = []

    def run() -> None:
        try:
            with httpx.Client(base_url=srv.url, auth=AUTH, timeout=10) as c:
                if kind == "idle-keep-alive":
                    outcome.append(c.get("/2.0/ping").status_code)
                    time.sleep(2)  # hold the connection open while the server stops
                elif kind == "trickle":
                    outcome.append(c.get("/drip").content)
                else:
                    outcome.append(c.get(status_path(SLOW_JOB)).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    srv.script("/drip", [ScriptedResponse(body=b"x" * 1000, trickle=0.5)])  # would take ~8 minutes
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    deadline = time.monotonic() + 5
    while srv.request_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the response is now in flight
    t0 = time.monotonic()
    srv.stop()
    assert time.monotonic() - t0 < 1.0
    if kind != "idle-keep-alive":
        worker.join(timeout=5)
        assert not worker.is_alive()
        assert len(outcome) == 1 and isinstance(outcome[0], httpx.TransportError)


def test_demo_jobs_describe_every_scripted_job() -> None:
    assert set(DEMO_JOBS) == {
        PROCESSED_JOB,
        FAILED_JOB,
        NOT_FOUND_JOB,
        PROGRESS_JOB,
        SLOW_JOB,
        RATE_LIMITED_JOB,
        SECOND_ORG_JOB,
    }
    assert all(text and "\n" not in text for text in DEMO_JOBS.values())


def test_the_second_organisation_has_a_job_of_its_own(client: httpx.Client) -> None:
    """Issue 14: SECOND_ORG_JOB is processed under SECOND_TOKEN and not found under ACTIVE_TOKEN."""
    there = client.get(status_path(SECOND_ORG_JOB, SECOND_TOKEN))
    assert there.status_code == 200
    row = there.json()["rows"][0]
    assert row["status_message"] == "Processed" and row["cinx_id"]["id"] == SECOND_ORG_JOB
    here = client.get(status_path(SECOND_ORG_JOB))
    assert here.status_code == 500 and here.json()["rows"] == []
    # The first organisation's jobs are not in the second one.
    elsewhere = client.get(status_path(PROCESSED_JOB, SECOND_TOKEN))
    assert elsewhere.status_code == 500 and elsewhere.json()["rows"] == []


def test_demo_package_does_not_import_qt() -> None:
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"
        "sys.modules['shiboken6'] = None\n"
        "import pig_desktop.demo, pig_desktop.demo.__main__\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "ok", result.stderr


def test_python_m_demo_prints_url_and_serves_until_interrupted() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pig_desktop.demo", "--slow-seconds", "0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Press Ctrl+C"):
            line = proc.stdout.readline()
            assert line, f"server exited early: {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line.rstrip("\n"))
        text = "\n".join(lines)
        url = next(line.split(": ", 1)[1].strip() for line in lines if line.startswith("Server URL:"))
        assert url.startswith("http://127.0.0.1:")
        assert DEMO_EMAIL in text and DEMO_PASSWORD in text
        assert all(job in text for job in DEMO_JOBS)
        r = httpx.get(url + status_path(PROCESSED_JOB), auth=AUTH, timeout=5)
        assert r.json()["rows"][0]["status_message"] == "Processed"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "stopped" in out


def test_a_socket_listening_before_the_server_starts_holds_a_request_until_it_serves() -> None:
    """``pig-desktop --demo`` binds the sandbox's socket before its first paint (the C module's socket, so its
    address is known) and starts serving after it: a request made in between is answered, not refused."""
    from pig_desktop.demo import listen_on_loopback

    listener = listen_on_loopback()
    host, port = listener.getsockname()[:2]
    assert host == "127.0.0.1" and port > 0
    early = socket.create_connection((host, port), timeout=10)  # waits in the backlog
    server = SandboxServer(listen_socket=listener)
    server.start()
    try:
        assert server.url == f"http://127.0.0.1:{port}"
        early.sendall(b"GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = early.recv(200)
        assert reply.startswith(b"HTTP/1.")
    finally:
        early.close()
        server.stop()
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=5)  # closed with the server
