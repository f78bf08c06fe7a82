"""Test-only HTTPS on loopback: a throwaway CA the client is told to trust (or not), a server certificate
signed by it that is right or wrong in one way (expired, made out for another host), and a minimal server
that answers every path with one body. For the certificate words (tests/hostile), the "corporate TLS
inspection" faults (tests/reliability) and the client's TLS context (tests/core)."""

from __future__ import annotations

import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

#: A CINX-shaped answer with no rows.
EMPTY_ANSWER = b'{"response": {"status_code": 200}, "rows": []}'


class TlsServer(NamedTuple):
    url: str
    ca_file: Path


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def make_certificates(
    folder: Path, *, expired: bool = False, host: str = "127.0.0.1"
) -> tuple[Path, Path, Path]:
    """(ca file, server certificate, server key) in ``folder``."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("PIG Desktop test CA"))
        .issuer_name(_name("PIG Desktop test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    try:
        alt: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(host))]
    except ValueError:
        alt = [x509.DNSName(host)]
    if host == "127.0.0.1":
        alt.append(x509.DNSName("localhost"))
    start, end = (
        (now - timedelta(days=20), now - timedelta(days=10))
        if expired
        else (now - timedelta(days=1), now + timedelta(days=2))
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_file, cert_file, key_file


@contextmanager
def https_server(
    folder: Path,
    body: bytes = EMPTY_ANSWER,
    *,
    expired: bool = False,
    host: str = "127.0.0.1",
    stall_on: str = "",
) -> Iterator[TlsServer]:
    """An HTTPS server on 127.0.0.1 answering every GET with ``body``; its certificate is as asked. A GET
    whose path holds ``stall_on`` gets no answer until the server stops (for the abort tests)."""
    ca, cert, key = make_certificates(folder, expired=expired, host=host)
    stopping = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if stall_on and stall_on in self.path:
                stopping.wait(30)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield TlsServer(f"https://127.0.0.1:{server.server_address[1]}", ca)
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
