"""The sandbox CINX server: a real HTTP/1.1 server on 127.0.0.1 for tests and the `--demo` modes.

It speaks `/2.0/ping`, `/2.0/subs` and the 1.0 job status call with the demo credentials from
`pig_desktop.demo.accounts`, serves the seed's documented outcomes plus a few scripted jobs (progress over
polls, slow, rate limited), and lets tests script exact responses per URL path for fault injection (delays,
a body trickling a byte at a time, a connection dropped mid-body).

Only the standard library is used, and never Qt: the server runs in daemon threads and must be usable from a
CLI, from pytest and from the desktop app alike.
"""

from __future__ import annotations

import _socket
import base64
import binascii
import hmac
import json
import socket
import socketserver
import struct
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import unquote

from pig_desktop.demo import bodies
from pig_desktop.demo.accounts import (
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    EXPIRED_ON,
    EXPIRED_TOKEN,
    FAILED_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    RATE_LIMITED_JOB,
    SECOND_ORG_JOB,
    SECOND_TOKEN,
    SLOW_JOB,
)

__all__ = ["RecordedRequest", "SandboxServer", "ScriptedResponse"]

# The only address the sandbox ever binds: loopback, IPv4.
_HOST = "127.0.0.1"
# Cap on request bodies we drain (nothing here takes a body; draining keeps keep-alive in step).
_MAX_REQUEST_BODY = 1 << 20
# Idle keep-alive connections are closed after this long, so a forgotten client cannot pin a thread forever.
_IDLE_TIMEOUT = 60.0


@dataclass(frozen=True)
class ScriptedResponse:
    """One canned answer for `SandboxServer.script`.

    `headers` may override Content-Type (default application/json) and Content-Length (default: the body
    length; a larger value makes a truncated body). Fields are not validated when scripted: an invalid one
    (say a `str` body) becomes an HTTP 500 envelope when served.
    """

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds before sending the status line and headers
    trickle: float = 0.0  # if > 0: send the body one byte every `trickle` seconds
    close_after_bytes: int | None = None  # send this many body bytes, then reset the connection


class RecordedRequest(NamedTuple):
    """One request the server received. Header names are lower-case; repeated headers are joined by ", "."""

    method: str
    path: str  # the request target as sent (still percent-encoded, with any query string)
    headers: dict[str, str]
    time: float  # time.monotonic() when the request line and headers had been read


class _Abort(Exception):
    """The server is stopping or a script asked to drop the connection: end this connection now."""


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that never blocks on close, tracks live connections and stays quiet."""

    daemon_threads = True
    # stop() must not wait behind a trickling response; live connections are shut down explicitly instead.
    block_on_close = False

    def __init__(self, sandbox: SandboxServer, listen_socket: _socket.socket | None = None) -> None:
        self.sandbox = sandbox
        self.stopping = threading.Event()
        self.connections_accepted = 0
        self._conn_lock = threading.Lock()
        self._live: set[socket.socket] = set()
        if listen_socket is None:
            super().__init__((_HOST, 0), _Handler)
            return
        # A socket already listening (see SandboxServer): serve on it instead of binding a new one.
        super().__init__((_HOST, 0), _Handler, bind_and_activate=False)
        self.socket.close()
        if not isinstance(listen_socket, socket.socket):  # listen_on_loopback's C-level socket
            listen_socket = socket.socket(fileno=listen_socket.detach())
        self.socket = listen_socket
        self.server_address = listen_socket.getsockname()
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call socket.getfqdn(), a name lookup we neither need nor want.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self.connections_accepted += 1
            self._live.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._live.discard(request)
        super().shutdown_request(request)

    def drop_live_connections(self) -> None:
        """Shut down every open client connection so their handler threads end promptly."""
        with self._conn_lock:
            live = list(self._live)
        for sock in live:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client or the handler

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr; keep test output clean and keep the text for inspection.
        self.sandbox._note_error(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    """Routes one connection's requests (keep-alive) to the sandbox."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "CINX-Sandbox/1.0"
    # Headers and body go out in separate writes; with Nagle on, the body waits ~40 ms for the client's
    # delayed ACK on every request.
    disable_nagle_algorithm = True
    sys_version = ""  # do not advertise the Python version
    timeout = _IDLE_TIMEOUT

    _headers_flushed = False

    # -- quiet -------------------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        """No per-request logging: tests and the CLI output must stay clean."""

    # -- header bookkeeping, so an exception can still become a clean 500 --------------------------------
    def end_headers(self) -> None:
        self._headers_flushed = True
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found by http.server itself (bad request line, too long headers...) as JSON envelopes."""
        short = self.responses.get(code, ("Error", ""))[0]
        text = message or short
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            # http.server omits the status line and headers for "HTTP/0.9" (a request line it could not read);
            # no real client speaks that, so answer with a proper status line the client can show.
            self.request_version = "HTTP/1.0"
        try:
            self._send_json(code, bodies.error_envelope(code, text), (("Connection", "close"),))
        except OSError:
            pass  # the client is gone; nothing to tell it

    # -- methods -----------------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - name required by http.server
        self._serve("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve("DELETE")

    def do_PATCH(self) -> None:  # noqa: N802
        self._serve("PATCH")

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._serve("OPTIONS")

    def _serve(self, method: str) -> None:
        self._headers_flushed = False
        sandbox = self.server.sandbox
        sandbox._record(method, self.path, self.headers.items())
        try:
            self._drain_request_body()
            sandbox._dispatch(self, method)
        except _Abort:
            self.close_connection = True
        except OSError:
            # The client went away (reset, broken pipe) or stop() shut the socket: nothing more to send.
            self.close_connection = True
        except Exception:  # any bug or odd input must not kill the server; it becomes a 500 envelope
            sandbox._note_error(traceback.format_exc())
            self.close_connection = True
            if self._headers_flushed:
                return  # too late for a clean error: dropping the connection tells the client it is broken
            self._headers_buffer: list[bytes] = []  # discard any half-built headers
            try:
                body = bodies.error_envelope(500, "Internal Server Error: the sandbox could not answer")
                self._send_json(500, body, (("Connection", "close"),))
            except OSError:
                pass

    def _drain_request_body(self) -> None:
        raw = self.headers.get("Content-Length")
        if raw is None:
            if self.headers.get("Transfer-Encoding"):
                self.close_connection = True  # not worth decoding chunks for a GET-only API; just don't reuse
            return
        try:
            length = int(raw)
        except ValueError:
            self.close_connection = True
            return
        if 0 < length <= _MAX_REQUEST_BODY:
            self.rfile.read(length)
        elif length > _MAX_REQUEST_BODY:
            self.close_connection = True

    # -- sending -----------------------------------------------------------------------------------------
    def _send_json(self, status: int, payload: Any, headers: Sequence[tuple[str, str]] = ()) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_scripted(self, resp: ScriptedResponse) -> None:
        # Validate before anything goes on the wire, so a bad script still gets a clean 500.
        if not isinstance(resp.body, bytes):
            raise TypeError(f"ScriptedResponse.body must be bytes, not {type(resp.body).__name__}")
        if not 100 <= int(resp.status) <= 599:
            raise ValueError(f"ScriptedResponse.status out of range: {resp.status!r}")
        for name, value in resp.headers:
            if any(ch in f"{name}{value}" for ch in "\r\n"):
                raise ValueError("ScriptedResponse header contains a line break")
        stopping = self.server.stopping
        if resp.delay > 0 and stopping.wait(resp.delay):
            raise _Abort
        names = {name.lower() for name, _ in resp.headers}
        declared = [value for name, value in resp.headers if name.lower() == "content-length"]
        if declared and declared[0].strip() != str(len(resp.body)):
            # The script declares a length the body does not have: framing is broken, so this connection
            # cannot be reused. Closing after the body lets the client see the truncation instead of waiting.
            self.close_connection = True
        self.send_response(int(resp.status))
        if "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        body = resp.body
        cut = resp.close_after_bytes
        if cut is not None:
            body = body[: max(0, cut)]
        if resp.trickle > 0:
            for i in range(len(body)):
                if stopping.wait(resp.trickle):
                    raise _Abort
                self.wfile.write(body[i : i + 1])
        else:
            self.wfile.write(body)
        if cut is not None:
            self._reset_connection()

    def _reset_connection(self) -> None:
        """Drop the connection abruptly (RST, not a clean FIN) so the client sees a broken body."""
        try:
            # SO_LINGER with a zero timeout makes close() send a TCP reset.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # The real close (and the reset) happens once finish() releases rfile/wfile; closing here avoids
            # the clean FIN that socketserver's shutdown(SHUT_WR) would send first.
            self.connection.close()
        except OSError:
            pass
        raise _Abort


class SandboxServer:
    """A sandbox CINX server on 127.0.0.1 (ephemeral port), run in a daemon thread.

    Use as a context manager, or call start() and stop(). Thread-safe: tests may script and read the request
    log while the server runs.
    """

    def __init__(
        self,
        *,
        slow_seconds: float = 3.0,
        progress_steps: int = 2,
        listen_socket: _socket.socket | None = None,
    ) -> None:
        """``listen_socket``: a socket already listening on loopback (:func:`listen_on_loopback`) to serve
        on, so that its address is known before this module is even imported (``pig-desktop --demo``)."""
        self._listen_socket = listen_socket
        self.slow_seconds = float(slow_seconds)
        self.progress_steps = max(0, int(progress_steps))
        self._lock = threading.Lock()
        self._lifecycle = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._scripts: dict[str, list[ScriptedResponse]] = {}
        self._polls: dict[str, int] = {}
        self._requests: list[RecordedRequest] = []
        self._errors: list[str] = []
        self._started_epoch = time.time()

    # -- lifecycle ---------------------------------------------------------------------------------------
    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread. Raises RuntimeError if running."""
        with self._lifecycle:
            if self._httpd is not None:
                raise RuntimeError("the sandbox server is already running")
            httpd = _HTTPServer(self, self._listen_socket)
            self._listen_socket = None  # served (and closed by stop()) from now on
            self._started_epoch = time.time()
            # A short poll interval keeps stop() quick: shutdown() waits for the loop to notice.
            thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"cinx-sandbox-{httpd.server_port}",
                daemon=True,
            )
            self._httpd, self._thread = httpd, thread
            thread.start()

    def stop(self) -> None:
        """Stop serving, drop open connections and join the thread. Safe to call more than once."""
        with self._lifecycle:
            httpd, thread = self._httpd, self._thread
            self._httpd, self._thread = None, None
        if httpd is None or thread is None:
            return
        httpd.stopping.set()  # wakes delayed and trickling responses
        httpd.shutdown()
        httpd.drop_live_connections()
        httpd.server_close()
        thread.join(timeout=5.0)

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        httpd = self._httpd
        if httpd is None:
            raise RuntimeError("the sandbox server is not running; call start() first")
        return httpd.server_port

    @property
    def url(self) -> str:
        """Base URL, e.g. "http://127.0.0.1:54321" (no trailing slash)."""
        return f"http://{_HOST}:{self.port}"

    @property
    def started_at(self) -> float:
        """Unix time of the last start(); PROGRESS_JOB reports it as `command_started_at`."""
        return self._started_epoch

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since the last start() (keep-alive reuses one)."""
        httpd = self._httpd
        return 0 if httpd is None else httpd.connections_accepted

    # -- scripting ---------------------------------------------------------------------------------------
    def script(self, path: str, responses: Sequence[ScriptedResponse]) -> None:
        """The next requests to this exact URL path get `responses` in order; the last one then repeats.

        `path` is matched after percent-decoding and without the query string. Scripts override the built-in
        routes, including their authentication check, for any HTTP method.
        """
        if not responses:
            raise ValueError("script() needs at least one ScriptedResponse")
        key = _script_key(path)
        with self._lock:
            self._scripts[key] = list(responses)

    def script_job(
        self, job_id: str, responses: Sequence[ScriptedResponse], token: str = ACTIVE_TOKEN
    ) -> None:
        """Script the 1.0 status path of `job_id` under subscription `token`."""
        self.script(f"/1.0/sub/{token}/partner/exec/{job_id}/status", responses)

    def reset(self) -> None:
        """Forget scripts, per-job poll counters (progress, rate limit), the request log and noted errors."""
        with self._lock:
            self._scripts.clear()
            self._polls.clear()
            self._requests.clear()
            self._errors.clear()

    def _next_scripted(self, key: str) -> ScriptedResponse | None:
        with self._lock:
            queue = self._scripts.get(key)
            if not queue:
                return None
            return queue.pop(0) if len(queue) > 1 else queue[0]

    # -- request log -------------------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received since start (or the last reset()), oldest first."""
        with self._lock:
            return list(self._requests)

    def request_count(self, path_contains: str = "") -> int:
        """How many requests had `path_contains` in their path (as sent, or percent-decoded)."""
        with self._lock:
            return sum(
                1 for r in self._requests if path_contains in r.path or path_contains in unquote(r.path)
            )

    @property
    def errors(self) -> list[str]:
        """Tracebacks of exceptions the handlers turned into 500s or dropped connections (for debugging)."""
        with self._lock:
            return list(self._errors)

    def _record(self, method: str, path: str, header_items: Any) -> None:
        headers: dict[str, str] = {}
        for name, value in header_items:
            key = str(name).lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else str(value)
        with self._lock:
            self._requests.append(RecordedRequest(method, path, headers, time.monotonic()))

    def _note_error(self, text: str) -> None:
        with self._lock:
            self._errors.append(text)

    def _next_poll(self, job_key: str) -> int:
        """1 for the first poll of this job since start/reset, 2 for the second..."""
        with self._lock:
            count = self._polls.get(job_key, 0) + 1
            self._polls[job_key] = count
            return count

    # -- routing -----------------------------------------------------------------------------------------
    def _dispatch(self, handler: _Handler, method: str) -> None:
        started = time.time()
        raw_path = _strip_target(handler.path)
        scripted = self._next_scripted(_script_key(raw_path))
        if scripted is not None:
            handler._send_scripted(scripted)
            return

        # Split before decoding, so a percent-encoded "/" stays inside its segment.
        segments = [unquote(s) for s in raw_path.split("/")[1:]]
        if len(segments) > 1 and segments[-1] == "":
            segments.pop()  # tolerate one trailing slash

        if segments == ["2.0", "ping"]:
            route = "ping"
        elif segments == ["2.0", "subs"]:
            route = "subs"
        elif (
            len(segments) == 7
            and segments[:2] == ["1.0", "sub"]
            and segments[3:5] == ["partner", "exec"]
            and segments[6] == "status"
        ):
            route = "status"
        else:
            envelope = bodies.error_envelope(404, "Not Found: no such API call", started=started)
            handler._send_json(404, envelope)
            return

        if method not in ("GET", "HEAD"):
            envelope = bodies.error_envelope(405, "Method Not Allowed", started=started)
            handler._send_json(405, envelope, (("Allow", "GET, HEAD"),))
            return

        if route == "ping":
            handler._send_json(200, bodies.ping_envelope(started=started))
            return

        if not _authorized(handler.headers.get("Authorization")):
            envelope = bodies.error_envelope(401, "Unauthorized", started=started)
            handler._send_json(401, envelope, (("WWW-Authenticate", 'Basic realm="CINX"'),))
            return

        if route == "subs":
            handler._send_json(200, bodies.subs_body())
            return

        self._serve_status(handler, segments[2], segments[5], started)

    def _serve_status(self, handler: _Handler, token: str, job_id: str, started: float) -> None:
        uri = bodies.status_uri(token, job_id)
        if token == EXPIRED_TOKEN:
            # Documented on purpose: an auth-level error envelope may arrive with HTTP 200.
            message = f"Subscription expired on [{EXPIRED_ON}]"
            envelope = bodies.error_envelope(401, message, uri=uri, started=started)
            handler._send_json(200, envelope)
            return
        if token == SECOND_TOKEN:
            # The second organisation has one job of its own; every other id is not found there.
            if job_id.lower() == SECOND_ORG_JOB:
                row = bodies.processed_row(job_id)
                row["app"] = "json-po-import"
                handler._send_json(200, bodies.envelope([row], started=started))
            else:
                handler._send_json(500, bodies.not_found_envelope(token, job_id, started=started))
            return
        if token != ACTIVE_TOKEN:
            message = "Unauthorized: unknown subscription"
            envelope = bodies.error_envelope(401, message, uri=uri, started=started)
            handler._send_json(401, envelope)
            return

        key = job_id.lower()
        if key == PROCESSED_JOB:
            handler._send_json(200, bodies.envelope([bodies.processed_row(job_id)], started=started))
        elif key == FAILED_JOB:
            handler._send_json(200, bodies.envelope([bodies.failed_row(job_id)], started=started))
        elif key == PROGRESS_JOB:
            poll = self._next_poll(key)
            started_at = bodies.cinx_timestamp(self._started_epoch)
            if poll > self.progress_steps:
                row = bodies.processed_row(job_id, started_at=started_at)
            elif poll == 1:
                row = bodies.job_row(job_id, status_code=200, status_message="Queued", started_at=started_at)
            else:
                row = bodies.job_row(
                    job_id, status_code=202, status_message="Processing", started_at=started_at
                )
            handler._send_json(200, bodies.envelope([row], started=started))
        elif key == SLOW_JOB:
            if handler.server.stopping.wait(self.slow_seconds):
                raise _Abort
            handler._send_json(200, bodies.envelope([bodies.processed_row(job_id)], started=started))
        elif key == RATE_LIMITED_JOB:
            if self._next_poll(key) == 1:
                message = "Too Many Requests: slow down"
                envelope = bodies.error_envelope(429, message, uri=uri, started=started)
                handler._send_json(429, envelope, (("Retry-After", "1"),))
            else:
                handler._send_json(200, bodies.envelope([bodies.processed_row(job_id)], started=started))
        else:
            # NOT_FOUND_JOB and every other id: the seed's not-found envelope, with HTTP 500 as documented.
            handler._send_json(500, bodies.not_found_envelope(token, job_id, started=started))


def _strip_target(target: str) -> str:
    """The path part of a request target: no query or fragment, no scheme/host in absolute form."""
    path = target.split("#", 1)[0].split("?", 1)[0]
    if path.startswith(("http://", "https://")):
        rest = path.split("://", 1)[1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path if path.startswith("/") else "/" + path


def _script_key(path: str) -> str:
    return unquote(_strip_target(path))


def _authorized(header: str | None) -> bool:
    """True if `header` is HTTP Basic with the demo email (any case) and password."""
    if not header:
        return False
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    email, sep, password = decoded.partition(":")
    if not sep:
        return False
    # Constant-time comparison: cheap, and the right habit even for a sandbox.
    email_ok = hmac.compare_digest(email.strip().lower().encode(), DEMO_EMAIL.lower().encode())
    password_ok = hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode())
    return email_ok and password_ok
