"""The CINX HTTP client: one reused httpx.Client (keep-alive), Basic auth, capped bodies, plain errors.

``check_status`` never raises for anything a server or network can do: it returns a StatusReport whose outcome
says what happened. ``ping`` and ``subscriptions`` raise the project's own errors (NetworkError, AuthError,
ProtocolError), which the sign-in steps turn into plain sentences.

This module does blocking I/O: call it from a worker thread, never from the GUI thread.
"""

from __future__ import annotations

import base64
import logging
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import httpcore
import httpx

from .. import __version__
from ..i18n import N_, _
from .connection import Connection
from .decoding import ACCEPT_ENCODING, BoundedDecoder, DecodeFailed, UnsupportedEncoding, parse_codings
from .errors import AuthError, Cancelled, ConfigError, NetworkError, ProtocolError
from .jobid import path_segment
from .models import Organisation, decode_json, parse_ping, parse_subscriptions
from .outcome import MSG_WRONG_PASSWORD, StatusReport, classify, error_report
from .policy import RetryPolicy, parse_retry_after, retry_delay, retry_fits, should_retry
from .proxy import MSG_PROXY_AUTH, MSG_PROXY_REFUSED, MSG_PROXY_REJECTED, MSG_PROXY_TLS, ResolvedProxy
from .secrets import hide_in_text, secret_forms
from .servers import DEFAULT_STATUS_PATH, normalize_server

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 4 * 1024 * 1024
USER_AGENT = f"pig-desktop/{__version__}"

MSG_CANT_CONNECT = N_(
    "Couldn't reach CINX. Check your internet connection and the server setting, then try again."
)
MSG_NO_SUCH_SERVER = N_(
    "Couldn't find the CINX server by name. Check your internet connection and the server address."
)
MSG_TIMEOUT = N_("CINX took too long to answer. Try again in a minute.")
MSG_DROPPED = N_("The connection to CINX broke off in the middle of the answer. Try again.")
MSG_TLS = N_(
    "Couldn't confirm that this is really the CINX server (its security certificate isn't trusted). "
    "If your company inspects internet traffic, ask IT for its certificate file and add it in Settings."
)
MSG_UNREADABLE_ENCODING = N_("CINX sent an answer that can't be read. Try again in a few minutes.")
MSG_TLS_EXPIRED = N_(
    "The server's security certificate has expired, so there is no way to confirm it's really CINX. Check "
    "that this computer's date and time are right; if they are, tell your IT team or CINX support that the "
    "certificate needs renewing."
)
MSG_TLS_WRONG_HOST = N_(
    "The server's security certificate is made out for a different address, so there is no way to confirm "
    "it's really CINX. Check the server address; if it is right, tell your IT team (something on the network "
    "may be answering in its place)."
)
MSG_CA_UNREADABLE = N_(
    "The certificate file in Settings can't be read. Check the file, or clear the setting."
)
MSG_BAD_ADDRESS = N_("The server address in Settings can't be used. Check it, or choose Production.")
MSG_TOO_LARGE = N_("CINX sent a much larger answer than a job status should be, so reading it was stopped.")


def tls_context(ca_bundle: str = "") -> ssl.SSLContext:
    """Verification always on, through the OS trust store (so corporate TLS inspection works), plus an
    optional extra CA bundle."""
    import truststore  # imported here: it is slow to import and only needed once a client exists

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_bundle:
        try:
            context.load_verify_locations(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                _(MSG_CA_UNREADABLE),
                f"load_verify_locations({ca_bundle!r}): {exc}",
            ) from None
    return context


def _no_tls_context() -> ssl.SSLContext:
    """The context of a client for a plain ``http://`` server, which never makes a TLS connection (every URL
    is built from that server, and redirects are not followed).

    Verification stays on with no trusted certificate at all, so a TLS connection through this client would
    fail closed. Handing httpx ``verify=True`` instead would make it load certifi's whole CA bundle (~150
    certificates parsed into OpenSSL's store: about 1.5 MB of memory) for nothing.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED and check_hostname by default
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    return context


# The monotonic time by which the request running on this thread must be done (None: no deadline). Every
# socket operation clamps its timeout to what is left, so a server that trickles its headers a byte at a time
# (each byte would reset an ordinary read timeout) still cannot hold a request past its total budget.
_request_deadline = threading.local()


def _clamped(timeout: float | None, error: type[Exception]) -> float | None:
    deadline: float | None = getattr(_request_deadline, "at", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request's total time budget is used up")
    return left if timeout is None else min(timeout, left)


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: httpx.Headers
    body: bytes
    elapsed: float


class _TrackedStream(httpcore.NetworkStream):
    """A network stream that registers itself (and its TLS successor) so abort() can shut its socket down."""

    def __init__(self, inner: httpcore.NetworkStream, tracker: _SocketTracker) -> None:
        self._inner = inner
        self._tracker = tracker
        tracker.add(self)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._tracker.discard(self)
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # wrap_socket() detaches the plain socket, so from here on the TLS stream is the one to shut down.
        self._tracker.discard(self)
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        return _TrackedStream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._tracker)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)

    def shutdown(self) -> None:
        sock = self._inner.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed or never connected: nothing left to wake


class _SocketTracker(httpcore.NetworkBackend):
    """httpcore's blocking backend, remembering live streams.

    Closing a socket from another thread does not wake a thread blocked reading it (Linux keeps the read
    waiting until its timeout); ``shutdown(SHUT_RDWR)`` does. abort() uses this to return within moments.
    """

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()
        self._lock = threading.Lock()
        self._streams: weakref.WeakSet[_TrackedStream] = weakref.WeakSet()

    def add(self, stream: _TrackedStream) -> None:
        with self._lock:
            self._streams.add(stream)

    def discard(self, stream: _TrackedStream) -> None:
        with self._lock:
            self._streams.discard(stream)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamped(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _TrackedStream(stream, self)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _TrackedStream(self._inner.connect_unix_socket(path, timeout, socket_options), self)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)

    def shutdown_all(self) -> None:
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            stream.shutdown()


def _abortable_transport(
    verify: ssl.SSLContext | bool, tracker: _SocketTracker, proxy: ResolvedProxy | None = None
) -> httpx.HTTPTransport:
    """httpx's own transport with its connection pool rebuilt on the tracking backend.

    httpx has no public hook for the network backend, so the pool is swapped after construction; if a future
    httpx changes that attribute, the stock (verified) pool stays and abort() is only slower, never unsafe.
    """
    auth = (proxy.username, proxy.password) if proxy is not None and proxy.username else None
    transport = httpx.HTTPTransport(
        verify=verify, trust_env=False, proxy=httpx.Proxy(proxy.url, auth=auth) if proxy is not None else None
    )
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool) and isinstance(verify, ssl.SSLContext | bool):
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
        pool_options: dict[str, Any] = {
            "ssl_context": verify if isinstance(verify, ssl.SSLContext) else None,
            "max_connections": limits.max_connections,
            "max_keepalive_connections": limits.max_keepalive_connections,
            "keepalive_expiry": limits.keepalive_expiry,
            "network_backend": tracker,
        }
        if proxy is not None:
            # The same proxy pool httpx built (HTTPProxy subclasses ConnectionPool), on the tracking backend.
            headers: list[tuple[bytes, bytes]] = []
            if auth is not None:
                userpass = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
                headers.append((b"Proxy-Authorization", f"Basic {userpass}".encode("ascii")))
            transport._pool = httpcore.HTTPProxy(proxy_url=proxy.url, proxy_headers=headers, **pool_options)
        else:
            transport._pool = httpcore.ConnectionPool(**pool_options)
        pool.close()
    return transport


class CinxClient:
    """Talks to one CINX server. Reuse one instance: it keeps the connection pool alive."""

    def __init__(
        self,
        connection: Connection,
        *,
        transport: httpx.BaseTransport | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._connection = replace(connection, server=normalize_server(connection.server))
        self._transport = transport
        self._max_body = max_body_bytes
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        self._tracker: _SocketTracker | None = None
        self._aborted = threading.Event()

    # -- connection management -------------------------------------------------------------------------------

    @property
    def connection(self) -> Connection:
        return self._connection

    @property
    def server(self) -> str:
        return self._connection.server

    def set_connection(self, connection: Connection) -> None:
        """Switch credentials, token or server; the pool is rebuilt only when it has to be."""
        new = replace(connection, server=normalize_server(connection.server))
        rebuild = (
            new.server != self._connection.server
            or new.ca_bundle != self._connection.ca_bundle
            or new.connect_timeout != self._connection.connect_timeout
            or new.read_timeout != self._connection.read_timeout
            or new.proxy != self._connection.proxy
        )
        self._connection = new
        if rebuild:
            self._close_http()

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                conn = self._connection
                verify = (
                    tls_context(conn.ca_bundle) if conn.server.startswith("https://") else _no_tls_context()
                )
                transport = self._transport
                if transport is None:
                    self._tracker = _SocketTracker()
                    transport = _abortable_transport(verify, self._tracker, conn.proxy)
                self._http = httpx.Client(
                    timeout=httpx.Timeout(conn.read_timeout, connect=conn.connect_timeout),
                    verify=verify,
                    transport=transport,
                    headers={
                        "User-Agent": USER_AGENT,
                        "Accept": "application/json",
                        # Only the codings decoded.BoundedDecoder can undo within the size cap.
                        "Accept-Encoding": ACCEPT_ENCODING,
                    },
                    follow_redirects=False,
                    trust_env=False,
                )
            return self._http

    def _close_http(self) -> None:
        with self._lock:
            http, self._http = self._http, None
            tracker, self._tracker = self._tracker, None
        if tracker is not None:
            # Wake any thread blocked on these sockets before the pool closes them.
            tracker.shutdown_all()
        if http is not None:
            http.close()

    def abort(self) -> None:
        """Stop what is in flight (from any thread): shuts the sockets down so a blocked read returns now,
        and interrupts a wait between retries. The in-flight call raises Cancelled."""
        self._aborted.set()
        self._close_http()

    def close(self) -> None:
        self._close_http()

    def __enter__(self) -> CinxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests --------------------------------------------------------------------------------------------

    def status_url(self, job_id: str) -> str:
        """``{server}{template}`` with the token and job percent-encoded into their path segments."""
        template = self._connection.status_path_template or DEFAULT_STATUS_PATH
        if "{job}" not in template:
            raise ConfigError(
                _("The status path setting must contain {job}. Reset it to the default in Settings."),
                f"status path template without {{job}}: {template!r}",
            )
        if not template.startswith("/"):
            template = "/" + template
        path = template.replace("{token}", path_segment(self._connection.api_token))
        path = path.replace("{job}", path_segment(job_id))
        return self._connection.server + path

    def _get(self, url: str, *, auth: bool) -> RawAnswer:
        """One GET with a capped body. Raises NetworkError / Cancelled.

        The whole request, connect to last byte and headers included, ends by ``total_timeout``: the socket
        operations of this thread clamp their timeouts to the deadline (see ``_clamped``). The body is read
        raw and decoded here, layer by layer in bounded pieces, so the cap holds on the decoded bytes as they
        are decoded (httpx would decode each chunk of each layer whole).
        """
        self._aborted.clear()
        conn = self._connection
        started = time.monotonic()
        deadline = started + conn.total_timeout
        basic = httpx.BasicAuth(conn.email, conn.password) if auth else None
        _request_deadline.at = deadline
        try:
            with self._client().stream("GET", url, auth=basic) as response:
                if response.status_code == 407 and conn.proxy is not None:
                    # A plain-http request through a proxy gets its 407 as an answer, not as a ProxyError.
                    raise NetworkError(
                        _(MSG_PROXY_AUTH), f"407 from proxy {conn.proxy.display()}", kind="proxy_auth"
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self._max_body:
                    raise NetworkError(
                        _(MSG_TOO_LARGE), f"Content-Length {declared} > {self._max_body}", kind="too_large"
                    )
                body = self._read_capped(response, deadline)
                return RawAnswer(response.status_code, response.headers, body, time.monotonic() - started)
        except (NetworkError, ConfigError):
            # Ours already (an oversize body, an unreadable CA file): keep the plain message as it is.
            raise
        except Exception as exc:  # every httpx/ssl/socket failure becomes one of our errors
            if self._aborted.is_set():
                raise Cancelled() from None
            if isinstance(exc, httpx.TimeoutException) and time.monotonic() >= deadline - 0.05:
                raise NetworkError(
                    _(MSG_TIMEOUT),
                    f"answer still arriving after {conn.total_timeout:.0f} s, the request's total time "
                    f"budget ({type(exc).__name__})",
                    kind="timeout",
                ) from None
            raise _network_error(exc, conn.proxy) from None
        finally:
            _request_deadline.at = None

    def _read_capped(self, response: httpx.Response, deadline: float) -> bytes:
        """The decoded body, refused as soon as the raw or the decoded count passes the cap."""
        try:
            decoder = BoundedDecoder(parse_codings(response.headers.get("content-encoding", "")))
        except UnsupportedEncoding as exc:
            raise NetworkError(_(MSG_UNREADABLE_ENCODING), str(exc), kind="http") from None
        body = bytearray()
        raw_size = 0

        def take(pieces: Iterable[bytes]) -> None:
            for piece in pieces:
                if len(body) + len(piece) > self._max_body:
                    raise NetworkError(
                        _(MSG_TOO_LARGE), f"decoded body over {self._max_body} bytes", kind="too_large"
                    )
                body.extend(piece)

        try:
            for raw in response.iter_raw():
                raw_size += len(raw)
                if raw_size > self._max_body:
                    raise NetworkError(
                        _(MSG_TOO_LARGE), f"body over {self._max_body} bytes", kind="too_large"
                    )
                if time.monotonic() > deadline:
                    raise NetworkError(
                        _(MSG_TIMEOUT),
                        f"body still arriving after {self._connection.total_timeout:.0f} s",
                        kind="timeout",
                    )
                take(decoder.feed(raw))
            take(decoder.finish())
        except DecodeFailed as exc:
            raise NetworkError(
                _(MSG_UNREADABLE_ENCODING), f"damaged compressed body: {exc}", kind="http"
            ) from None
        return bytes(body)

    def ping(self) -> bool:
        """``GET /2.0/ping`` (no auth). True when CINX says it is up; raises NetworkError when unreachable."""
        answer = self._get(self.server + "/2.0/ping", auth=False)
        try:
            return parse_ping(decode_json(answer.body))
        except ProtocolError as exc:
            raise NetworkError(
                _("Something answered at this address, but it isn't the CINX API. Check the server setting."),
                f"ping: HTTP {answer.status}: {exc.detail}",
                kind="http",
            ) from None

    def subscriptions(self) -> list[Organisation]:
        """``GET /2.0/subs``: the user's organisations with their tokens and subscription state."""
        answer = self._get(self.server + "/2.0/subs", auth=True)
        if answer.status in (401, 403):
            raise AuthError(_(MSG_WRONG_PASSWORD), f"/2.0/subs answered HTTP {answer.status}")
        try:
            data: Any = decode_json(answer.body)
            organisations = parse_subscriptions(data)
        except ProtocolError as exc:
            raise ProtocolError(exc.message, f"/2.0/subs HTTP {answer.status}: {exc.detail}") from None
        if isinstance(data, dict) and isinstance(data.get("response"), dict):
            code = data["response"].get("status_code")
            if code in (401, 403) and not organisations:
                raise AuthError(_(MSG_WRONG_PASSWORD), f"/2.0/subs envelope status {code}")
        if answer.status >= 400 and not organisations:
            raise NetworkError(
                "CINX couldn't list your organisations right now. Try again in a few minutes.",
                f"/2.0/subs answered HTTP {answer.status}",
                kind="http",
            )
        return organisations

    def check_once(self, job_id: str) -> StatusReport:
        """One status request, no retries. Never raises for server or network trouble."""
        hidden = secret_forms(self._connection.email, self._connection.password)
        try:
            url = self.status_url(job_id)
            answer = self._get(url, auth=True)
        except (NetworkError, ConfigError) as exc:
            transient = isinstance(exc, NetworkError) and exc.kind in (
                "connect",
                "timeout",
                "protocol",
                "dns",
            )
            detail = hide_in_text(exc.detail, hidden)
            return error_report(job_id, exc.message, detail, transient=transient, server=self.server)
        retry_after = parse_retry_after(answer.headers.get("retry-after"))
        report = classify(job_id, answer.status, answer.body, retry_after=retry_after, hidden=hidden)
        return report.with_context(server=self.server, elapsed=answer.elapsed)

    def check_status(self, job_id: str, *, cancel: threading.Event | None = None) -> StatusReport:
        """Check a job, retrying transient failures with backoff and Retry-After. Raises Cancelled only."""
        attempt = 0
        started = time.monotonic()
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            attempt += 1
            report = self.check_once(job_id)
            if not should_retry(report, attempt, self.retry):
                return report
            delay = retry_delay(report, attempt, self.retry)
            if not retry_fits(time.monotonic() - started, delay, self.retry):
                return report
            log.info(
                "check of %s: transient failure (%s), retry %d in %.1f s",
                job_id,
                report.detail,
                attempt,
                delay,
            )
            if cancel is not None:
                if cancel.wait(delay):
                    raise Cancelled()
            elif self._sleep is not None:
                self._sleep(delay)
            elif self._aborted.wait(delay):
                # abort() during the pause between tries.
                raise Cancelled()


def _proxy_refused(text: str) -> bool:
    lowered = text.lower()
    return "refused" in lowered or "errno 111" in lowered or "unreachable" in lowered


def _network_error(exc: Exception, proxy: ResolvedProxy | None = None) -> NetworkError:
    """Map an httpx / ssl / socket failure to a NetworkError with a plain message."""
    text = f"{type(exc).__name__}: {exc}"
    lowered = text.lower()
    if isinstance(exc, httpx.ProxyError):
        if "407" in text:
            return NetworkError(_(MSG_PROXY_AUTH), text, kind="proxy_auth")
        return NetworkError(_(MSG_PROXY_REJECTED), text, kind="proxy")
    if proxy is not None and isinstance(exc, httpx.ConnectError) and _proxy_refused(text):
        return NetworkError(_(MSG_PROXY_REFUSED), f"{text} (proxy {proxy.display()})", kind="proxy")
    if proxy is not None and (isinstance(exc, ssl.SSLError) or "certificate" in lowered or "ssl" in lowered):
        return NetworkError(_(MSG_PROXY_TLS), f"{text} (through proxy {proxy.display()})", kind="proxy_tls")
    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(_(MSG_TIMEOUT), text, kind="timeout")
    if isinstance(exc, ssl.SSLError) or "certificate" in lowered or "ssl" in lowered:
        # Which check failed decides what to do: an expired certificate is fixed by the clock or a renewal,
        # one for another host by the address, an unknown issuer by IT's certificate file.
        if "certificate has expired" in lowered:
            return NetworkError(_(MSG_TLS_EXPIRED), text, kind="tls")
        if "mismatch" in lowered or "not valid for" in lowered:
            return NetworkError(_(MSG_TLS_WRONG_HOST), text, kind="tls")
        return NetworkError(_(MSG_TLS), text, kind="tls")
    if isinstance(exc, httpx.ConnectError):
        if any(word in lowered for word in ("name or service", "nodename", "getaddrinfo", "name resolution")):
            return NetworkError(_(MSG_NO_SUCH_SERVER), text, kind="dns")
        return NetworkError(_(MSG_CANT_CONNECT), text, kind="connect")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return NetworkError(_(MSG_DROPPED), text, kind="protocol")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return NetworkError(_(MSG_BAD_ADDRESS), text, kind="http")
    return NetworkError(_(MSG_CANT_CONNECT), text, kind="connect")
