"""A deliberately hostile CINX stand-in on 127.0.0.1 (issue 13): what a broken proxy, a captive portal or an
attacker on the path can send. Raw asyncio sockets, so it can send malformed and trickled bytes that no HTTP
library would produce.

Each attack answers one job id (``job_for(name)``); ``/2.0/subs`` answers one organisation whose name is
markup, ``/2.0/ping`` says pong. The Basic credential the client sends is decoded so the "echo" attacks can
send the password and the Authorization header back.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import struct
import threading
import uuid
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

GIB = 1024**3
TOKEN = "hostile-token-0123456789abcdef"
ORG_MARKUP = '<font color="red"><u>Evil</u> Org</font><img src="x">'
STATUS_MARKUP = '<b>Processed</b><a href="http://evil.example/">click</a><font size=7>!</font>'
# Colour, rewrite the line with CR and backspaces, set the terminal title (OSC 0), ring the bell, a NUL and a
# right-to-left override: each of these would let the server forge what pig-status shows.
TERMINAL_ESCAPES = "\x1b[32mProcessed\x1b[0m\r\x08\x08\x1b]0;pwned\x07\x00\u202edessecorp"
HUGE_FIELD_BYTES = int(3.5 * 1024 * 1024)
DEEP_LEVELS = 900


def job_for(name: str) -> str:
    """The job id of one attack (a valid GUID, stable between runs)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hostile/{name}"))


@lru_cache(maxsize=2)
def _zeros_deflated(size: int) -> tuple[bytes, int, int]:
    """Raw deflate of ``size`` zero bytes (a multiple of 1 MiB), with their CRC-32 and Adler-32.

    Built without compressing a gigabyte: after a full flush the compressor starts afresh, so every MiB of
    zeros compresses to the same bytes, and the stream is that piece repeated.
    """
    block = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert piece == again
    count = size // len(block)
    crc, adler = 0, 1
    for _ in range(count):
        crc = zlib.crc32(block, crc)
        adler = zlib.adler32(block, adler)
    return piece * count + compressor.flush(), crc, adler


def _gzip_zeros(size: int) -> bytes:
    stream, crc, _ = _zeros_deflated(size)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + stream + struct.pack("<II", crc, size & 0xFFFFFFFF)


def _deflate_zeros(size: int) -> bytes:
    stream, _, adler = _zeros_deflated(size)
    return b"\x78\xda" + stream + struct.pack(">I", adler)


_cache: dict[str, bytes] = {}
_cache_lock = threading.Lock()


def bomb(layers: int) -> bytes:
    """1 GiB of zeros, gzip'd ``layers`` times (one layer: about 1 MB; two: a few KB; three: smaller)."""
    with _cache_lock:
        key = f"gzip{layers}"
        if key not in _cache:
            body = _gzip_zeros(GIB)
            for _ in range(layers - 1):
                body = gzip.compress(body, 9)
            _cache[key] = body
        return _cache[key]


def deflate_bomb() -> bytes:
    with _cache_lock:
        if "deflate" not in _cache:
            _cache["deflate"] = _deflate_zeros(GIB)
        return _cache["deflate"]


def envelope(
    job: str,
    *,
    status_code: int = 200,
    status_message: str = "Processed",
    app: str = "json-rfq-import",
    args: Any = None,
    message: str = "OK",
    uri: str = "",
) -> dict[str, Any]:
    return {
        "response": {"status_code": 200, "message": message, "uri": uri, "format": "json"},
        "rows": [
            {
                "app": app,
                "args": args if args is not None else {"body": ["json"]},
                "command_started_at": "2024-01-17 16:38:55Z",
                "file_count": 1,
                "partner": "cinx",
                "status_code": status_code,
                "status_message": status_message,
                "cinx_id": {"id": job, "domain": "pig", "type": "PIG-UPLOAD"},
            }
        ],
    }


def nested(levels: int) -> Any:
    value: Any = "bottom"
    for level in range(levels):
        value = [value] if level % 2 else {"deeper": value}
    return value


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]

    @property
    def authorization(self) -> str:
        return self.headers.get("authorization", "")

    @property
    def password(self) -> str:
        value = self.authorization
        if not value.lower().startswith("basic "):
            return ""
        try:
            decoded = base64.b64decode(value[6:]).decode("utf-8")
        except ValueError:
            return ""
        return decoded.partition(":")[2]


Writer = asyncio.StreamWriter
Handler = Callable[[Request, Writer], Awaitable[None]]


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} OK"] + [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _send(
    writer: Writer, body: bytes, headers: dict[str, str] | None = None, status: int = 200
) -> None:
    all_headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Connection": "close",
    }
    all_headers.update(headers or {})
    writer.write(_head(status, all_headers) + body)
    await writer.drain()


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


class HostileServer:
    """Start with ``with HostileServer() as server:``; ``server.url`` is ``http://127.0.0.1:PORT``."""

    def __init__(self, trickle_interval: float = 1.0) -> None:
        self.trickle_interval = trickle_interval
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="hostile-server", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self.port = 0
        self.requests: list[Request] = []
        self.attacks: dict[str, Handler] = {
            "gzip2": self._layers(2),
            "gzip3": self._layers(3),
            "gzip1": self._layers(1),
            "deflate": self._deflate,
            "br": self._coded("br"),
            "zstd": self._coded("zstd"),
            "trickle-headers": self._trickle_headers,
            "huge-field": self._huge_field,
            "deep": self._deep,
            "markup": self._markup,
            "escapes": self._escapes,
            "echo-secrets": self._echo_secrets,
            "processed": self._processed,
        }

    # -- lifecycle ------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        )
        self._server = future.result(10)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> HostileServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving --------------------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            request = Request(method, path, headers)
            self.requests.append(request)
            await self._route(request, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _route(self, request: Request, writer: Writer) -> None:
        if request.path.startswith("/2.0/ping"):
            await _send(writer, _json({"response": {"status_code": 200, "message": "pong"}, "rows": []}))
            return
        if request.path.startswith("/2.0/subs"):
            await _send(writer, _json(self.subscriptions()))
            return
        for name, handler in self.attacks.items():
            if job_for(name) in request.path:
                await handler(request, writer)
                return
        await _send(writer, b'{"response": {"status_code": 404, "message": "no such job"}, "rows": []}')

    @staticmethod
    def subscriptions() -> dict[str, Any]:
        return {
            "response": {"status_code": 200, "message": "OK"},
            "rows": [
                {
                    "org": {"name": ORG_MARKUP, "cinx_org_id": "evil-org"},
                    "cinx_api_token": TOKEN,
                    "subscription": {"status_code": 200, "status_message": STATUS_MARKUP, "apps": []},
                }
            ],
        }

    # -- the attacks ----------------------------------------------------------------------------------------

    def _layers(self, layers: int) -> Handler:
        async def handler(request: Request, writer: Writer) -> None:
            body = await asyncio.get_running_loop().run_in_executor(None, bomb, layers)
            await _send(writer, body, {"Content-Encoding": ", ".join(["gzip"] * layers)})

        return handler

    async def _deflate(self, request: Request, writer: Writer) -> None:
        body = await asyncio.get_running_loop().run_in_executor(None, deflate_bomb)
        await _send(writer, body, {"Content-Encoding": "deflate"})

    def _coded(self, coding: str) -> Handler:
        async def handler(request: Request, writer: Writer) -> None:
            # Not real br/zstd data: the client must refuse the coding before decoding anything.
            await _send(writer, bytes(range(256)) * 64, {"Content-Encoding": coding})

        return handler

    async def _trickle_headers(self, request: Request, writer: Writer) -> None:
        # A status line and then one header byte per interval, never ending the headers.
        writer.write(b"HTTP/1.1 200 OK\r\n")
        await writer.drain()
        while True:
            writer.write(b"X")
            await writer.drain()
            await asyncio.sleep(self.trickle_interval)

    async def _processed(self, request: Request, writer: Writer) -> None:
        # CINX echoes the request path, API token included, in the envelope's uri.
        await _send(writer, _json(envelope(job_for("processed"), uri=request.path.lstrip("/"))))

    async def _huge_field(self, request: Request, writer: Writer) -> None:
        message = "In progress " + "x" * HUGE_FIELD_BYTES
        await _send(writer, _json(envelope(job_for("huge-field"), status_code=202, status_message=message)))

    async def _deep(self, request: Request, writer: Writer) -> None:
        await _send(writer, _json(envelope(job_for("deep"), args={"nested": nested(DEEP_LEVELS)})))

    async def _markup(self, request: Request, writer: Writer) -> None:
        data = envelope(job_for("markup"), status_code=202, status_message=STATUS_MARKUP, app=ORG_MARKUP)
        await _send(writer, _json(data))

    async def _escapes(self, request: Request, writer: Writer) -> None:
        data = envelope(
            job_for("escapes"), status_code=500, status_message=TERMINAL_ESCAPES, app=TERMINAL_ESCAPES
        )
        await _send(writer, _json(data))

    async def _echo_secrets(self, request: Request, writer: Writer) -> None:
        # A debug proxy's error page: the credentials it saw, in every field a client shows.
        echo = f"auth={request.authorization} password={request.password}"
        data = envelope(
            job_for("echo-secrets"),
            status_code=202,
            status_message=f"Waiting; {echo}",
            app=request.password,
            args={
                "authorization": [request.authorization],
                "password": request.password,
                "basic": request.authorization.partition(" ")[2],
            },
            message=echo,
        )
        await _send(writer, _json(data))
