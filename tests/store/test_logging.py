"""Logging: secrets are redacted from messages and tracebacks; log files are private (0600), also rotated."""

from __future__ import annotations

import base64
import logging
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pig_desktop.store import logsetup
from pig_desktop.store.logsetup import (
    APP_LOGGER,
    RedactingFilter,
    configure_logging,
    redact,
    register_credentials,
    register_secret,
)


@pytest.fixture
def app_logger() -> Iterator[logging.Logger]:
    """The app logger, with the handlers configure_logging adds removed again afterwards."""
    logger = logging.getLogger(APP_LOGGER)
    level = logger.level
    before = list(logger.handlers)
    yield logger
    for handler in list(logger.handlers):
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)


def _unique_password() -> str:
    # Unique per test, so secrets registered by one test cannot make another pass by accident.
    return f"Pw-{uuid.uuid4().hex[:10]}!é"


def test_redacts_everything_it_should(tmp_path: Path, app_logger: logging.Logger) -> None:
    email, password = "anna@example.com", _unique_password()
    token = "0123456789abcdefTOKENxyz9876"
    b64 = base64.b64encode(f"{email}:{password}".encode()).decode()
    register_credentials(email, password)
    path = configure_logging(tmp_path / "log")
    assert path == tmp_path / "log" / "pig-desktop.log"

    log = logging.getLogger("pig_desktop.core.client")  # a child logger: handled by the app logger
    log.info("signing in with password %s", password)
    log.info("headers: {'Authorization': 'Basic %s', 'Accept': 'application/json'}", b64)
    log.info("Authorization: Basic %s", b64)
    log.info("raw header authorization=Bearer abc.def.ghi-jkl")
    log.info("GET https://127.0.0.1:8443/1.0/sub/%s/partner/exec/JOB-1/status -> 200", token)
    log.info("GET https://127.0.0.1:8443/1.0/sub/%s", token)
    log.info("form data password=%s&user=%s", "other-secret-value", email)
    log.info('json {"password": "%s", "api_token": "%s"}', "another-secret", token)
    log.info("proxy http://bob:%s@127.0.0.1:3128/", password)
    log.info("url-encoded %s", password.replace("!", "%21").replace("é", "%C3%A9"))
    try:
        raise ValueError(f"server rejected {password} for {email} (token {b64})")
    except ValueError:
        log.exception("check failed")
    log.info("stack", stack_info=True)

    for handler in app_logger.handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert password not in text
    assert b64 not in text
    assert token not in text
    assert "other-secret-value" not in text
    assert "another-secret" not in text
    assert "abc.def.ghi-jkl" not in text
    assert "%21" not in text  # the URL-encoded password is gone too
    assert "/sub/\u20269876/partner/exec/JOB-1/status" in text, text  # last 4 of the token kept
    assert "Traceback (most recent call last)" in text and "ValueError: server rejected [REDACTED]" in text
    assert "Authorization: [REDACTED]" in text
    assert "http://bob:[REDACTED]@127.0.0.1:3128/" in text
    assert email in text  # the email is not a secret; the log stays useful
    assert "signing in with password [REDACTED]" in text


def test_log_file_mode_is_0600_including_rotated_files(tmp_path: Path, app_logger: logging.Logger) -> None:
    path = configure_logging(tmp_path / "log", level=logging.DEBUG)
    log = logging.getLogger("pig_desktop.test")
    line = "x" * 200
    for n in range(int(logsetup.MAX_BYTES * 1.3) // 200):
        log.debug("%d %s", n, line)
    for handler in app_logger.handlers:
        handler.flush()
    files = sorted((tmp_path / "log").iterdir())
    assert path in files and path.with_name("pig-desktop.log.1") in files  # it rotated
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        assert file.stat().st_size <= logsetup.MAX_BYTES
    assert stat.S_IMODE((tmp_path / "log").stat().st_mode) == 0o700


def test_rotation_keeps_the_newest_files_and_drops_the_oldest(tmp_path: Path) -> None:
    path = tmp_path / "pig-desktop.log"
    handler = logsetup.PrivateRotatingFileHandler(path, max_bytes=300, backup_count=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    try:
        for n in range(30):
            handler.handle(logging.makeLogRecord({"msg": f"record {n:02d} " + "y" * 40}))
    finally:
        handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pig-desktop.log",
        "pig-desktop.log.1",
        "pig-desktop.log.2",
    ]
    newest, older, oldest = (
        tmp_path / name for name in ("pig-desktop.log", "pig-desktop.log.1", "pig-desktop.log.2")
    )
    assert newest.read_text().splitlines()[-1].startswith("record 29")
    # Each file continues where the next older one stopped: nothing kept was lost or repeated.
    numbers = [int(line.split()[1]) for f in (oldest, older, newest) for line in f.read_text().splitlines()]
    assert numbers == list(range(numbers[0], 30)) and numbers[0] > 0  # the oldest records were dropped
    for file in (newest, older, oldest):
        assert file.stat().st_size <= 300
        assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_one_record_larger_than_the_limit_is_kept_whole(tmp_path: Path) -> None:
    path = tmp_path / "pig-desktop.log"
    handler = logsetup.PrivateRotatingFileHandler(path, max_bytes=100, backup_count=1)
    try:
        handler.handle(logging.makeLogRecord({"msg": "z" * 500}))
    finally:
        handler.close()
    assert path.read_text() == "z" * 500 + "\n"


def test_the_log_setup_does_not_load_logging_handlers() -> None:
    """logging.handlers brings pickle, queue and the socket handlers: memory the tray app holds for months."""
    import subprocess
    import sys

    code = (
        "import sys, pig_desktop.store.logsetup; "
        "print('logging.handlers' in sys.modules, 'pickle' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_configure_twice_does_not_duplicate_lines(tmp_path: Path, app_logger: logging.Logger) -> None:
    configure_logging(tmp_path / "log")
    path = configure_logging(tmp_path / "log")
    logging.getLogger("pig_desktop").warning("once only")
    for handler in app_logger.handlers:
        handler.flush()
    assert path.read_text(encoding="utf-8").count("once only") == 1


def test_records_reaching_other_handlers_are_redacted_too(
    tmp_path: Path, app_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    password = _unique_password()
    register_secret(password)
    configure_logging(tmp_path / "log")
    with caplog.at_level(logging.INFO, logger=APP_LOGGER):
        logging.getLogger("pig_desktop.ui").info("typed %s", password)
    assert password not in caplog.text
    assert "typed [REDACTED]" in caplog.text


def test_redact_function_directly() -> None:
    secret = _unique_password()
    register_secret(secret)
    assert redact(f"a {secret} b") == "a [REDACTED] b"
    assert redact("") == ""
    assert redact("nothing secret here: job 123, Processed") == "nothing secret here: job 123, Processed"
    assert redact("Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc") == "Bearer [REDACTED]"
    assert redact("GET /1.0/sub/short/partner") == "GET /1.0/sub/\u2026/partner"  # too short to show 4
    assert redact("/2.0/subs") == "/2.0/subs"


def test_redact_is_idempotent() -> None:
    samples = [
        "GET /1.0/sub/0123456789abcdefTOKEN9876/partner/exec/1/status",
        'json {"api_token": "0123456789abcdefTOKEN9876", "password": "abcdefgh"}',
        "Authorization: Basic YW5uYUBleGFtcGxlLmNvbTpwdw==",
        "http://bob:pw123456@127.0.0.1/",
    ]
    for sample in samples:
        once = redact(sample)
        assert redact(once) == once
        assert "9876" in once or "TOKEN" not in sample


def test_filter_survives_a_broken_format_string() -> None:
    record = logging.LogRecord("pig_desktop", logging.INFO, __file__, 1, "%d items", ("nan",), None)
    assert RedactingFilter().filter(record) is True
    assert "log formatting failed" in record.getMessage()
