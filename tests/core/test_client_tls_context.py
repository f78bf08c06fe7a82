"""Which TLS context the CINX client builds: none loaded for a plain-http server, truststore for https.

A client for an ``http://`` server (the sandbox, a local test server) never makes a TLS connection, so it must
not load a CA bundle (httpx's default would parse certifi's ~150 certificates: ~1.5 MB for nothing); and if
a TLS connection were ever attempted through it, it must fail closed, never unverified.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpcore
import httpx
import pytest
from helpers.tls import https_server

from pig_desktop.core.client import CinxClient
from pig_desktop.core.connection import Connection
from pig_desktop.core.outcome import Outcome
from pig_desktop.demo import ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD, PROCESSED_JOB, SandboxServer


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def https_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with https_server(tmp_path_factory.mktemp("tls"), b'{"response": {}}') as server:
        yield server.url


def _pool_context(client: CinxClient) -> ssl.SSLContext:
    http = client._client()
    transport = http._transport
    assert isinstance(transport, httpx.HTTPTransport)
    pool = transport._pool
    assert isinstance(pool, httpcore.ConnectionPool)
    context = pool._ssl_context
    assert isinstance(context, ssl.SSLContext)
    return context


def test_plain_http_client_loads_no_certificates_and_still_checks(sandbox: SandboxServer) -> None:
    with CinxClient(Connection(sandbox.url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN)) as client:
        context = _pool_context(client)
        assert context.cert_store_stats()["x509_ca"] == 0
        assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
        assert client.check_status(PROCESSED_JOB).outcome is Outcome.PROCESSED


def test_plain_http_client_fails_closed_on_tls(sandbox: SandboxServer, https_url: str) -> None:
    """Should a TLS connection ever go through an http client, nothing is trusted: it is refused."""
    with CinxClient(Connection(sandbox.url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN)) as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            client._client().get(https_url + "/2.0/ping")


def test_https_client_uses_the_os_trust_store(https_url: str, tmp_path: Path) -> None:
    import truststore

    with CinxClient(Connection(https_url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN)) as client:
        context = _pool_context(client)
        assert isinstance(context, truststore.SSLContext)
        assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
        report = client.check_once(PROCESSED_JOB)
    # The test CA is not in the OS store: refused, as before.
    assert report.outcome is Outcome.ERROR and "CERTIFICATE_VERIFY_FAILED" in report.detail
