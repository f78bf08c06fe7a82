"""A small real HTTP proxy on loopback for tests: forwards plain-http requests and tunnels CONNECT, and
records every request line that passed (never an outside address: it only connects where it is asked, and
the tests only ask for loopback servers). ``require_auth`` makes it answer 407 without Proxy-Authorization."""

from __future__ import annotations

import base64
import select
import socket
import socketserver
import threading
import urllib.parse


class RecordingProxy:
    def __init__(self, require_auth: tuple[str, str] | None = None) -> None:
        self.seen: list[str] = []
        self.auth_headers: list[str] = []
        self._require = require_auth
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.connection.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                header_bytes, _, rest = head.partition(b"\r\n\r\n")
                lines = header_bytes.decode("latin-1").split("\r\n")
                proxy.seen.append(lines[0])
                headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
                given = headers.get("proxy-authorization", "")
                proxy.auth_headers.append(given)
                if proxy._require is not None:
                    wanted = "Basic " + base64.b64encode(":".join(proxy._require).encode()).decode()
                    if given != wanted:
                        self.connection.sendall(
                            b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                            b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n'
                        )
                        return
                method, target, _ = lines[0].split(" ", 2)
                if method == "CONNECT":
                    host, _, port = target.rpartition(":")
                    upstream = socket.create_connection((host, int(port)))
                    self.connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    if rest:
                        upstream.sendall(rest)
                else:
                    url = urllib.parse.urlsplit(target)
                    upstream = socket.create_connection((url.hostname or "", url.port or 80))
                    path = url.path + (f"?{url.query}" if url.query else "")
                    kept = [x for x in lines[1:] if not x.lower().startswith(("proxy-", "connection"))]
                    request = "\r\n".join([f"{method} {path} HTTP/1.1", *kept, "Connection: close", "", ""])
                    upstream.sendall(request.encode("latin-1") + rest)
                    # Tell the client this connection ends with the answer, so its next request comes anew.
                    answer = b""
                    while b"\r\n\r\n" not in answer:
                        chunk = upstream.recv(65536)
                        if not chunk:
                            break
                        answer += chunk
                    status_head, sep, body = answer.partition(b"\r\n\r\n")
                    kept_head = [
                        h for h in status_head.split(b"\r\n") if not h.lower().startswith(b"connection:")
                    ]
                    self.connection.sendall(b"\r\n".join([*kept_head, b"Connection: close"]) + sep + body)
                self._pump(upstream)

            def _pump(self, upstream: socket.socket) -> None:
                sockets = [self.connection, upstream]
                try:
                    while True:
                        ready, _, _ = select.select(sockets, [], [], 10)
                        if not ready:
                            return
                        for sock in ready:
                            data = sock.recv(65536)
                            if not data:
                                return
                            (upstream if sock is self.connection else self.connection).sendall(data)
                finally:
                    upstream.close()

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
