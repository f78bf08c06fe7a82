"""The text "Report a problem" copies: versions, system, keychain, tray and notifications, the last log lines.

Qt-free (the caller passes Qt's versions in), so it is tested without a window. Every line of it, and the
whole text once more, goes through ``store.logsetup.redact``: registered secrets (the password, the API
token, the Basic credentials), Authorization headers and tokens in URLs never reach the clipboard, even when
an old log line held them. The labels stay in English on purpose: the reader is support, in any office.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from pig_desktop import APP_DISPLAY_NAME, __version__
from pig_desktop.store.logsetup import redact

__all__ = ["DiagnosticFacts", "build_diagnostic", "keychain_description", "last_log_lines"]

LOG_LINES = 40
# Only the end of the log is read: the file may be a megabyte, and only its last lines are shown.
LOG_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class DiagnosticFacts:
    qt_version: str
    pyside_version: str
    display_platform: str  # Qt's platform plugin: xcb, wayland, windows, cocoa, offscreen
    tray: str  # e.g. "system tray available", "no system tray"
    notifications: str  # the notifier's backend: "dbus", "tray", "none", or "not started"
    keychain: str
    language: str
    log_file: Path | None


def how_installed() -> str:
    if getattr(sys, "frozen", False):
        return "bundle"
    if (Path(__file__).resolve().parents[3] / "pyproject.toml").is_file():
        return "source checkout"
    return "installed package"


def keychain_description() -> str:
    """The keyring backend passwords would go to, without touching the keychain (no unlock prompt)."""
    try:
        import keyring

        from pig_desktop.store.credentials import backend_name, effective_backend

        current = keyring.get_keyring()
        chosen, reason = effective_backend(current)
    except Exception as exc:  # keyring's own discovery can fail on a broken config file
        return f"unknown ({type(exc).__name__})"
    if chosen is None:
        return f"not used: {reason}"
    return backend_name(chosen)


def last_log_lines(log_file: Path | None, count: int = LOG_LINES) -> list[str]:
    """The last ``count`` lines of the log, redacted; [] when there is no log."""
    if log_file is None:
        return []
    try:
        with log_file.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - LOG_TAIL_BYTES))
            tail = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    lines = tail.splitlines()
    if len(lines) > 1 and size > LOG_TAIL_BYTES:
        lines = lines[1:]  # the first one was cut in the middle
    return [redact(line) for line in lines[-count:]]


def build_diagnostic(facts: DiagnosticFacts, log_lines: int = LOG_LINES) -> str:
    desktop = os.environ.get("XDG_CURRENT_DESKTOP", "") or os.environ.get("DESKTOP_SESSION", "")
    lines = [
        f"{APP_DISPLAY_NAME} diagnostic report",
        f"App: {APP_DISPLAY_NAME} {__version__} ({how_installed()})",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"Qt: {facts.qt_version}, PySide6 {facts.pyside_version}, display {facts.display_platform}",
        f"OS: {platform.platform()}" + (f", desktop {desktop}" if desktop else ""),
        f"Language: {facts.language}",
        f"Keychain: {facts.keychain}",
        f"Tray: {facts.tray}",
        f"Notifications: {facts.notifications}",
        f"Log file: {facts.log_file if facts.log_file is not None else '(none)'}",
    ]
    tail = last_log_lines(facts.log_file, log_lines)
    if tail:
        lines += ["", f"Last {len(tail)} log lines:", *tail]
    else:
        lines += ["", "No log lines."]
    return redact("\n".join(redact(line) for line in lines))
