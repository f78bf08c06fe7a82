"""Every fault a network, a server or a user can cause in a status check, and what PIG Desktop makes of it.

Shared by the fault-matrix tests of ``pig-status``, of the client and of the window's worker, and by the
generator of docs/reliability.md. A fault is set up on a running SandboxServer (scripted responses) or, for
TLS, on a test-only HTTPS server; ``outcome`` and ``exit_code`` are the defined results.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from helpers.net import closed_port_url

from pig_desktop.core.connection import Connection
from pig_desktop.demo import ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD
from pig_desktop.demo.server import SandboxServer, ScriptedResponse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROCESSED = (FIXTURES / "status-processed.json").read_bytes()
NOT_FOUND = (FIXTURES / "status-not-found.json").read_bytes()
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
HTML_404 = b"<html><body><h1>404 Not Found</h1></body></html>"
JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
READ_TIMEOUT = 1.0  # seconds; the faults that hang are judged against this


@dataclass(frozen=True)
class Target:
    """Where a check goes for one fault."""

    server: str
    job_id: str = JOB
    token: str = ACTIVE_TOKEN
    ca_bundle: str = ""


@dataclass(frozen=True)
class Fault:
    key: str
    title: str
    outcome: str
    exit_code: int
    # Sets the fault up on the sandbox and returns where to send the check. ``tmp`` is a private folder.
    arrange: Callable[[SandboxServer, Path], Target] = field(repr=False)


def _script(*responses: ScriptedResponse) -> Callable[[SandboxServer, Path], Target]:
    def arrange(server: SandboxServer, tmp: Path) -> Target:
        # One job id per fault, so faults can share one sandbox and run at the same time.
        job = _job_for(tmp)
        server.script_job(job, [_with_job(r, job) for r in responses])
        return Target(server.url, job)

    return arrange


def _job_for(tmp: Path) -> str:
    import hashlib

    digest = hashlib.sha256(str(tmp).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


def _with_job(response: ScriptedResponse, job: str) -> ScriptedResponse:
    """Put the fault's own job id into a documented body, so the row matches the job asked about."""
    body = response.body.replace(JOB.encode(), job.encode())
    return ScriptedResponse(
        status=response.status,
        body=body,
        headers=response.headers,
        delay=response.delay,
        trickle=response.trickle,
        close_after_bytes=response.close_after_bytes,
    )


def _closed_port(server: SandboxServer, tmp: Path) -> Target:
    # The port was free a moment ago and nothing listens there now: connecting is refused.
    return Target(closed_port_url())


def _dns_failure(server: SandboxServer, tmp: Path) -> Target:
    # .invalid never resolves (RFC 2606), so nothing leaves this machine.
    return Target("https://cinx-api.invalid")


def _json(data: object) -> bytes:
    return json.dumps(data).encode()


def _http_date(seconds_ahead: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_ahead), usegmt=True)


def _retry_after_date(server: SandboxServer, tmp: Path) -> Target:
    # The date is computed when the fault is armed, so it is still in the future when the request arrives.
    return _script(
        ScriptedResponse(429, b"", (("Retry-After", _http_date(2)),)), ScriptedResponse(200, PROCESSED)
    )(server, tmp)


WRONG_TYPES = _json(
    {
        "response": {"status_code": "two hundred", "message": 5, "start_time": "soon", "total_time": [1]},
        "rows": [
            {
                "app": 42,
                "args": "not an object",
                "command_started_at": 1705509535,
                "file_count": "many",
                "partner": None,
                "status_code": ["200"],
                "status_message": {"text": "Processed"},
                "cinx_id": 7,
            }
        ],
    }
)
NUMBERS_AS_STRINGS = PROCESSED.replace(b'"status_code": 200', b'"status_code": "200"').replace(
    b'"file_count": 1', b'"file_count": "1"'
)
DUPLICATE_KEYS = PROCESSED.replace(
    b'"status_code": 200,\n      "status_message"',
    b'"status_code": 500,\n      "status_code": 200,\n      "status_message"',
)
TRUNCATED = PROCESSED[: len(PROCESSED) // 2]
INVALID_UTF8 = PROCESSED.replace(b"json-rfq-import", b"json-rfq-\xff\xfe-import")
DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE = b'{"response": {"status_code": 200}, "rows": [], "pad": "' + b"x" * (50 * 1024 * 1024) + b'"}'

FAULTS: tuple[Fault, ...] = (
    Fault("refused", "Connection refused (nothing listening)", "error", 5, _closed_port),
    Fault("dns", "DNS failure (server name does not resolve)", "error", 5, _dns_failure),
    Fault(
        "reset",
        "Connection reset in the middle of the body",
        "error",
        5,
        _script(ScriptedResponse(200, PROCESSED, close_after_bytes=120)),
    ),
    Fault(
        "slow-headers",
        "Slow headers (answer after 0.5 s, within the timeout)",
        "processed",
        0,
        _script(ScriptedResponse(200, PROCESSED, delay=0.5)),
    ),
    Fault(
        "read-timeout",
        "Read timeout (no answer within the timeout)",
        "error",
        5,
        _script(ScriptedResponse(200, PROCESSED, delay=READ_TIMEOUT * 4)),
    ),
    Fault(
        "trickle",
        "Body trickling one byte a second",
        "error",
        5,
        _script(ScriptedResponse(200, PROCESSED, trickle=1.0)),
    ),
    Fault(
        "http-401",
        "HTTP 401 with an Unauthorized envelope",
        "auth_error",
        4,
        _script(
            ScriptedResponse(
                401,
                _json({"response": {"status_code": 401, "message": "Unauthorized"}, "rows": []}),
                (("WWW-Authenticate", 'Basic realm="CINX"'),),
            )
        ),
    ),
    Fault(
        "http-403",
        "HTTP 403 with an HTML page",
        "auth_error",
        4,
        _script(
            ScriptedResponse(403, b"<html><body>Forbidden</body></html>", (("Content-Type", "text/html"),))
        ),
    ),
    Fault(
        "http-404",
        "HTTP 404 with an HTML page (wrong address)",
        "error",
        5,
        _script(ScriptedResponse(404, HTML_404, (("Content-Type", "text/html"),))),
    ),
    Fault(
        "429-seconds",
        "HTTP 429 with Retry-After: 1 (seconds), then success",
        "processed",
        0,
        _script(ScriptedResponse(429, b"", (("Retry-After", "1"),)), ScriptedResponse(200, PROCESSED)),
    ),
    Fault(
        "429-date",
        "HTTP 429 with Retry-After as an HTTP date, then success",
        "processed",
        0,
        _retry_after_date,
    ),
    Fault(
        "429-absent", "HTTP 429 every time, no Retry-After", "error", 5, _script(ScriptedResponse(429, b""))
    ),
    Fault(
        "500-envelope",
        "HTTP 500 with the documented not-found envelope",
        "not_found",
        3,
        _script(ScriptedResponse(500, NOT_FOUND)),
    ),
    Fault(
        "502-html",
        "HTTP 502 with an HTML error page",
        "error",
        5,
        _script(ScriptedResponse(502, HTML_502, (("Content-Type", "text/html"),))),
    ),
    Fault(
        "503",
        "HTTP 503 Service Unavailable",
        "error",
        5,
        _script(ScriptedResponse(503, b"Service Unavailable")),
    ),
    Fault("truncated", "Truncated JSON", "error", 5, _script(ScriptedResponse(200, TRUNCATED))),
    Fault(
        "short-body",
        "Body shorter than its Content-Length (connection closes)",
        "error",
        5,
        _script(ScriptedResponse(200, TRUNCATED, (("Content-Length", str(len(PROCESSED))),))),
    ),
    Fault(
        "invalid-utf8", "Invalid UTF-8 in the body", "error", 5, _script(ScriptedResponse(200, INVALID_UTF8))
    ),
    Fault("huge", "A 50 MB body", "error", 5, _script(ScriptedResponse(200, HUGE))),
    Fault("deep", "Deeply nested JSON (100,000 levels)", "error", 5, _script(ScriptedResponse(200, DEEP))),
    Fault("array", "A top-level JSON array", "error", 5, _script(ScriptedResponse(200, b"[1, 2, 3]"))),
    Fault("empty", "An empty body", "error", 5, _script(ScriptedResponse(200, b""))),
    Fault(
        "wrong-types", "Wrong types in every field", "error", 5, _script(ScriptedResponse(200, WRONG_TYPES))
    ),
    Fault(
        "string-numbers",
        "Numbers sent as strings",
        "processed",
        0,
        _script(ScriptedResponse(200, NUMBERS_AS_STRINGS)),
    ),
    Fault(
        "duplicate-keys",
        "Duplicate keys (the last one wins, as in JSON parsers generally)",
        "processed",
        0,
        _script(ScriptedResponse(200, DUPLICATE_KEYS)),
    ),
)
# The self-signed HTTPS faults need their own server; the tests arrange them with helpers.tls.https_server().
TLS_FAULTS: tuple[tuple[str, str, str, int], ...] = (
    ("tls-untrusted", "Self-signed HTTPS server (certificate not trusted)", "error", 5),
    ("tls-trusted", "The same server once its CA is added through the CA-bundle setting", "processed", 0),
)


# ---- arming faults (shared by the tests of the window's worker and of the polling service) -------------

# Words that betray technical detail in a sentence meant for office staff.
TECHNICAL_WORDS: tuple[str, ...] = (
    "Traceback",
    "Exception",
    "httpx",
    "errno",
    "ssl.",
    "_ssl.c",
    "JSONDecodeError",
    "NoneType",
)


@dataclass(frozen=True)
class ArmedFault:
    """One fault set up and ready: where to send the check, and what must come of it."""

    key: str
    title: str
    outcome: str
    exit_code: int
    target: Target


def arm(fault: Fault, server: SandboxServer, base: Path) -> ArmedFault:
    """Set ``fault`` up on ``server`` (its own job id, from a private folder under ``base``)."""
    folder = base / fault.key
    folder.mkdir(parents=True, exist_ok=True)
    target = fault.arrange(server, folder)
    return ArmedFault(fault.key, fault.title, fault.outcome, fault.exit_code, target)


ALL_KEYS: tuple[str, ...] = tuple(fault.key for fault in FAULTS) + tuple(key for key, *_ in TLS_FAULTS)
# The generated table in docs/reliability.md sits between these markers.
DOC_START, DOC_END = "<!-- fault-matrix:start -->", "<!-- fault-matrix:end -->"


def connection_for(target: Target) -> Connection:
    """The demo account's connection to a fault's target, with the short timeouts the faults are judged by."""
    return Connection(
        server=target.server,
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        api_token=target.token,
        connect_timeout=READ_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        ca_bundle=target.ca_bundle,
    )


def documented_outcomes(doc: Path) -> dict[str, tuple[str, str]]:
    """``title -> (outcome, message)``: the defined results, from the generated table in the doc."""
    text = doc.read_text(encoding="utf-8")
    block = text.split(DOC_START, 1)[1].split(DOC_END, 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in block.strip().splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        title, outcome, _code, message = cells
        rows[title] = (outcome, message)
    return rows
