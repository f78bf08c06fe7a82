"""Logging to a private rotating file, with secrets taken out of every line.

``configure_logging`` attaches a size-rotated file handler (mode 0o600) to the ``pig_desktop`` logger. Every
record passes a :class:`RedactingFilter` first, which formats the message and any traceback and removes
secrets from the text, so even handlers further up (the root logger, pytest's caplog) only see the redacted
record. What is removed:

- every string registered with :func:`register_secret` / :func:`register_credentials` (the password, and
  base64 of "email:password" as it appears in a Basic Authorization header);
- values of ``Authorization`` headers, ``Basic <b64>`` and ``Bearer <token>`` strings;
- password-like ``key=value`` / ``"key": "value"`` pairs, and passwords in URLs (``https://u:pw@host``);
- API tokens in URL paths: ``/sub/<token>/`` becomes ``/sub/…<last 4>/``.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import sys
import threading
import urllib.parse
from pathlib import Path
from typing import Final

from pig_desktop.store.paths import LOG_FILE_NAME

APP_LOGGER: Final = "pig_desktop"
MAX_BYTES: Final = 1_000_000
BACKUP_COUNT: Final = 5
MASK: Final = "[REDACTED]"
ELLIPSIS: Final = "\u2026"
LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

_secrets_lock = threading.Lock()
_secrets: set[str] = set()
# Sorted longest first so a secret that contains another is replaced whole; rebuilt on registration.
_secrets_sorted: tuple[str, ...] = ()


def _forms(secret: str) -> set[str]:
    """The secret plus the encodings in which it could turn up in a log line."""
    forms = {secret}
    forms.add(urllib.parse.quote(secret, safe=""))
    forms.add(urllib.parse.quote_plus(secret, safe=""))
    forms.add(json.dumps(secret)[1:-1])
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    forms.add(repr(secret)[1:-1])
    return {f for f in forms if f}


def register_secret(secret: str) -> None:
    """Remember ``secret`` so it is removed from every log line from now on (thread-safe).

    Empty strings are ignored. Short secrets are still registered: over-redacting a log is better than
    leaking a password into it.
    """
    global _secrets_sorted
    if not secret:
        return
    with _secrets_lock:
        before = len(_secrets)
        _secrets.update(_forms(secret))
        if len(_secrets) != before:
            _secrets_sorted = tuple(sorted(_secrets, key=len, reverse=True))


def basic_auth_token(email: str, password: str) -> str:
    """base64 of "email:password", as sent in ``Authorization: Basic ...``."""
    return base64.b64encode(f"{email}:{password}".encode()).decode("ascii")


def register_credentials(email: str, password: str) -> None:
    """Register the password and the base64 "email:password" forms a Basic auth header would carry."""
    register_secret(password)
    if not password:
        return
    raw = f"{email}:{password}".encode()
    standard = base64.b64encode(raw).decode("ascii")
    urlsafe = base64.urlsafe_b64encode(raw).decode("ascii")
    for form in (standard, urlsafe, standard.rstrip("="), urlsafe.rstrip("=")):
        register_secret(form)


def _last4(token: str) -> str:
    if token.startswith(ELLIPSIS) or token == MASK:
        return token  # already shortened: redact() must be idempotent (filter and formatter both run it)
    return ELLIPSIS + (token[-4:] if len(token) > 8 else "")


_URL_TOKEN = re.compile(r"(/sub/)([^/\s?#\"'<>]+)")
_URL_USERINFO = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:)([^/\s@]+)(@)")
_AUTH_HEADER = re.compile(
    r"""(?ix)
    (\b(?:proxy-)?authorization['"]?\s*[:=]\s*['"]?)   # the header name and separator, kept
    ([^'"\r\n,}]+)                                     # its value, removed
    """
)
_SCHEME_TOKEN = re.compile(r"\b(Basic|Bearer|Digest)( +)([A-Za-z0-9+/_.~-]{6,}=*)")
_PASSWORD_PAIR = re.compile(
    r"""(?ix)
    (\b[\w-]*(?:password|passwd|passwort|pwd)[\w-]*['"]?\s*[:=]\s*['"]?)   # key and separator, kept
    ([^'"\s,&;}]+)                                                       # value, removed
    """
)
_TOKEN_PAIR = re.compile(
    r"""(?ix)(\b(?:api_token|apitoken|access_token|token)['"]?\s*[:=]\s*['"]?)([^'"\s,&;}]+)"""
)


def redact(text: str) -> str:
    """Return ``text`` with secrets, auth header values and URL tokens removed."""
    if not text:
        return text
    # URL tokens first, keeping the last 4 characters, so a registered token in a URL stays recognisable.
    text = _URL_TOKEN.sub(lambda m: m.group(1) + _last4(m.group(2)), text)
    with _secrets_lock:
        secrets = _secrets_sorted
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, text)
    text = _SCHEME_TOKEN.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    text = _URL_USERINFO.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = _PASSWORD_PAIR.sub(lambda m: m.group(1) + MASK, text)
    text = _TOKEN_PAIR.sub(lambda m: m.group(1) + _last4(m.group(2)), text)
    return text


class RedactingFilter(logging.Filter):
    """Replace a record's message, traceback and stack with redacted text (always lets the record pass).

    The record is changed in place, so every handler that sees it later, including ones on parent loggers,
    gets the redacted form.
    """

    _exc_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception as exc:  # a bad %-format must not lose the record or leak the raw args
            message = f"{record.msg!s} (log formatting failed: {type(exc).__name__})"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exc_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """Redact the final formatted line too: covers fields a format string might add."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class LogFileRefused(OSError):
    """The log path is a symbolic link (or otherwise not a plain file we may write): nothing is written."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.message = (
            f"PIG Desktop isn't keeping a log this time: {path} is a link to another file, not its own log "
            "file. Delete it, then start PIG Desktop again."
        )
        self.detail = reason


class PrivateRotatingFileHandler(logging.FileHandler):
    """The log file and its rotated copies (``.1`` the newest .. ``.<backup_count>``), each at most
    ``max_bytes``, all mode 0o600.

    The file is opened without following a symbolic link: a link planted at the log path (pointing at a
    file of the user's, or at a file another program reads) must not be appended to or made private.

    The rotation is the few lines of ``logging.handlers.RotatingFileHandler`` this app uses, written here:
    that module also loads pickle, queue and the socket handlers, memory held for the life of an app that
    may sit in the tray for months (docs/performance.md, "Hidden start").
    """

    def __init__(self, filename: Path, *, max_bytes: int, backup_count: int, encoding: str = "utf-8") -> None:
        self.max_bytes = max_bytes
        self.backup_count = backup_count
        super().__init__(filename, mode="a", encoding=encoding)

    def _open(self) -> io.TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.baseFilename, flags, 0o600)
        except OSError as exc:
            if os.path.islink(self.baseFilename):
                raise LogFileRefused(self.baseFilename, f"open({self.baseFilename!r}): {exc}") from None
            raise
        if os.name == "posix":
            os.fchmod(fd, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # noqa: SIM115  # the handler closes it

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._is_full_for(record):
                self.rotate()
        except Exception:  # noqa: BLE001  # logging's rule: a failing handler reports and never raises
            self.handleError(record)
            return
        super().emit(record)

    def _is_full_for(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        position = self.stream.tell()
        if self.max_bytes <= 0 or position == 0:
            return False  # one record larger than the limit still goes in, alone in its file
        line = self.format(record) + self.terminator
        return position + len(line.encode(self.encoding or "utf-8", "replace")) > self.max_bytes

    def rotate(self) -> None:
        """pig-desktop.log becomes .1, .1 becomes .2 and so on; the oldest is dropped."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        for number in range(self.backup_count - 1, 0, -1):
            older = f"{base}.{number}"
            if os.path.exists(older):
                os.replace(older, f"{base}.{number + 1}")
        if self.backup_count > 0 and os.path.exists(base):
            os.replace(base, f"{base}.1")
        self.stream = self._open()


def configure_logging(log_dir: Path, *, level: int = logging.INFO, console: bool = False) -> Path:
    """Log the ``pig_desktop`` logger to ``log_dir/pig-desktop.log`` (1 MB x 5, UTF-8, mode 0o600).

    Calling it again replaces the handlers it added before instead of adding more. Returns the log file path.
    """
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / LOG_FILE_NAME
    logger = logging.getLogger(APP_LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, "_pig_desktop_handler", False):
            logger.removeHandler(handler)
            handler.close()

    formatter = RedactingFormatter(LOG_FORMAT)
    handlers: list[logging.Handler] = [
        PrivateRotatingFileHandler(path, max_bytes=MAX_BYTES, backup_count=BACKUP_COUNT)
    ]
    if console:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.addFilter(RedactingFilter())
        handler.setFormatter(formatter)
        handler._pig_desktop_handler = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level)
    return path


__all__ = [
    "LogFileRefused",
    "RedactingFilter",
    "RedactingFormatter",
    "basic_auth_token",
    "configure_logging",
    "redact",
    "register_credentials",
    "register_secret",
]
