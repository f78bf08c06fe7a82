"""User settings: a tolerant reader and an atomic writer for ``settings.json``.

The settings file never holds a password: there is no such field, and any key that looks like one is dropped
when reading and again when writing. Reading never fails: an unreadable file is kept beside the original as a
backup and the app starts with defaults, with a plain-language notice for the user.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from pig_desktop.core.servers import DEFAULT_STATUS_PATH
from pig_desktop.i18n import CHOICES as I18N_CHOICES
from pig_desktop.store.atomic import write_text_atomically
from pig_desktop.store.paths import backup_path

log = logging.getLogger(__name__)

ServerKind = Literal["production", "development", "custom"]
SERVER_KINDS: Final[tuple[str, ...]] = ("production", "development", "custom")
# One default for the whole app: the client's.
DEFAULT_STATUS_PATH_TEMPLATE: Final = DEFAULT_STATUS_PATH

# Limits for numbers a user (or a hand-edited file) could set to something silly: (low, high).
TIMEOUT_RANGE: Final = (1.0, 120.0)
HISTORY_LIMIT_RANGE: Final = (10, 100_000)
RATE_RANGE: Final = (0.1, 20.0)
WATCH_HOURS_RANGE: Final = (0.1, 24.0 * 30)
POLL_INTERVAL_RANGE: Final = (1.0, 3600.0)
PROXY_PORT_RANGE: Final = (1, 65535)
LANGUAGE_CHOICES: Final[tuple[str, ...]] = I18N_CHOICES
# The same words as ui.settings.appearance.CHOICES (a Qt module this one must not import).
APPEARANCE_CHOICES: Final[tuple[str, ...]] = ("system", "light", "dark")

# Key fragments that mark a password-like key; such keys are never read or written.
_PASSWORD_KEY_MARKERS: Final = ("password", "passwd", "passwort", "pwd")


def is_password_key(key: str) -> bool:
    """True for keys such as ``password``, ``Password2`` or ``smtp_passwd``."""
    folded = key.casefold()
    return any(marker in folded for marker in _PASSWORD_KEY_MARKERS)


def _strip_password_keys(value: Any) -> Any:
    """Return ``value`` with every password-like key removed, at any depth."""
    if isinstance(value, Mapping):
        return {str(k): _strip_password_keys(v) for k, v in value.items() if not is_password_key(str(k))}
    if isinstance(value, list | tuple):
        return [_strip_password_keys(v) for v in value]
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the app remembers between runs, except the password (that lives in the keychain)."""

    server_kind: ServerKind = "production"
    custom_server: str = ""
    email: str = ""
    org_name: str = ""
    org_id: str = ""
    api_token: str = ""
    remember_me: bool = True
    status_path_template: str = DEFAULT_STATUS_PATH_TEMPLATE
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    ca_bundle: str = ""
    history_limit: int = 1000
    watch_rate_limit: float = 2.0  # requests per second, over all watched jobs
    watch_max_hours: float = 24.0
    poll_interval: float = 10.0  # seconds, the base interval that stretches as a job ages
    notifications: bool = True
    notify_failures_only: bool = False
    shown_notices: tuple[str, ...] = ()  # ids of one-time notices already shown
    # A manual proxy (host "" = none: the system's or the environment's is used). Its password is in the
    # keychain, never here.
    proxy_host: str = ""
    proxy_port: int = 8080
    proxy_user: str = ""
    start_at_sign_in: bool = False  # "Start PIG Desktop when I sign in" (store/autostart.py writes the entry)
    language: str = "system"  # "system" or a code of LANGUAGE_CHOICES; applies at the next start
    appearance: str = "system"  # "system", "light" or "dark"; applies at once
    # Unknown keys from the file (e.g. written by a newer version), written back unchanged. Not hashed, so a
    # Settings value stays hashable.
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Build settings from parsed JSON; a bad value falls back to that field's default."""
        return _parse(data)[0]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form written to disk: known fields plus preserved unknown keys, no passwords."""
        out: dict[str, Any] = {}
        for key, value in self.extra.items():
            if not is_password_key(key):
                out[key] = _strip_password_keys(value)
        for f in dataclasses.fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def with_notice_shown(self, notice_id: str) -> Settings:
        """A copy with ``notice_id`` recorded as shown (no-op if it already is)."""
        if notice_id in self.shown_notices:
            return self
        return dataclasses.replace(self, shown_notices=(*self.shown_notices, notice_id))


@dataclass(frozen=True)
class LoadedSettings:
    """Result of :func:`load_settings`: the settings, and what to tell the user (if anything)."""

    settings: Settings
    notice: str | None
    backup: Path | None
    detail: str = ""  # technical reason, for the log and a "details" view; never shown as the message


# --- parsing helpers: each returns (value, ok); not ok means "use the default and report a problem" ---


def _as_str(value: Any) -> tuple[str, bool]:
    if isinstance(value, str):
        return value, True
    return "", False


def _as_bool(value: Any) -> tuple[bool, bool]:
    if isinstance(value, bool):
        return value, True
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1"):
        return True, True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "off", "0"):
        return False, True
    if isinstance(value, int) and value in (0, 1):
        return bool(value), True
    return False, False


def _as_float(value: Any) -> tuple[float, bool]:
    # bool is an int subclass; "true" as a timeout is a mistake, not 1 second.
    if isinstance(value, bool):
        return 0.0, False
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return 0.0, False
    else:
        return 0.0, False
    if not math.isfinite(number):
        return 0.0, False
    return number, True


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    return min(max(value, bounds[0]), bounds[1])


def _valid_template(value: str) -> bool:
    if "{job}" not in value or "{token}" not in value or not value.startswith("/"):
        return False
    try:
        value.format(token="t", job="j")
    except (KeyError, IndexError, ValueError):
        return False
    return True


def _parse(data: Mapping[str, Any]) -> tuple[Settings, list[str]]:
    """Parse ``data`` into Settings and a list of problems (field names with unusable values)."""
    defaults = Settings()
    values: dict[str, Any] = {}
    problems: list[str] = []
    known = {f.name for f in dataclasses.fields(Settings)} - {"extra"}

    def take(name: str, convert: Callable[[Any], tuple[Any, bool]]) -> Any:
        if name not in data:
            return getattr(defaults, name)
        value, ok = convert(data[name])
        if not ok:
            problems.append(name)
            return getattr(defaults, name)
        return value

    kind = take("server_kind", _as_str)
    if kind not in SERVER_KINDS:
        problems.append("server_kind")
        kind = defaults.server_kind
    values["server_kind"] = kind
    for name in (
        "custom_server",
        "email",
        "org_name",
        "org_id",
        "api_token",
        "ca_bundle",
        "proxy_host",
        "proxy_user",
    ):
        values[name] = take(name, _as_str)
    template = take("status_path_template", _as_str)
    if not _valid_template(template):
        problems.append("status_path_template")
        template = defaults.status_path_template
    values["status_path_template"] = template
    for name in ("remember_me", "notifications", "notify_failures_only", "start_at_sign_in"):
        values[name] = take(name, _as_bool)

    values["connect_timeout"] = _clamp(take("connect_timeout", _as_float), TIMEOUT_RANGE)
    values["read_timeout"] = _clamp(take("read_timeout", _as_float), TIMEOUT_RANGE)
    values["watch_rate_limit"] = _clamp(take("watch_rate_limit", _as_float), RATE_RANGE)
    values["watch_max_hours"] = _clamp(take("watch_max_hours", _as_float), WATCH_HOURS_RANGE)
    values["poll_interval"] = _clamp(take("poll_interval", _as_float), POLL_INTERVAL_RANGE)
    values["proxy_port"] = int(_clamp(round(take("proxy_port", _as_float) or 8080), PROXY_PORT_RANGE))
    limit = take("history_limit", _as_float)
    values["history_limit"] = int(_clamp(round(limit), HISTORY_LIMIT_RANGE))
    for name, choices in (("language", LANGUAGE_CHOICES), ("appearance", APPEARANCE_CHOICES)):
        choice = take(name, _as_str)
        if choice not in choices:
            problems.append(name)
            choice = getattr(defaults, name)
        values[name] = choice

    notices = data.get("shown_notices", [])
    if isinstance(notices, list | tuple):
        clean = tuple(dict.fromkeys(n for n in notices if isinstance(n, str)))
        if len(clean) != len(notices):
            problems.append("shown_notices")
        values["shown_notices"] = clean
    else:
        problems.append("shown_notices")
        values["shown_notices"] = ()

    extra = {
        str(k): _strip_password_keys(v)
        for k, v in data.items()
        if k not in known and not is_password_key(str(k))
    }
    settings = Settings(**values, extra=extra)
    return settings, problems


# --- reading and writing the file ---

_UNREADABLE_NOTICE = (
    "Your settings file could not be read, so PIG Desktop started with default settings. "
    "The old file was kept as {name}."
)
_UNREADABLE_NO_BACKUP_NOTICE = (
    "Your settings file could not be read, so PIG Desktop started with default settings. "
    "Please check that your account may read and change files in {folder}."
)
_PARTIAL_NOTICE = (
    "Some of your settings could not be read and were set back to their defaults ({fields}). "
    "Please check them in Settings."
)
# Words the user sees for each setting, in the notice about values that were reset.
_FIELD_LABELS: Final = {
    "server_kind": "server",
    "custom_server": "custom server address",
    "email": "email address",
    "org_name": "organisation",
    "org_id": "organisation",
    "api_token": "organisation",
    "remember_me": "remember me",
    "status_path_template": "status address",
    "connect_timeout": "connection time limit",
    "read_timeout": "response time limit",
    "ca_bundle": "certificate file",
    "history_limit": "history size",
    "watch_rate_limit": "checks per second",
    "watch_max_hours": "longest watch time",
    "poll_interval": "check interval",
    "notifications": "notifications",
    "notify_failures_only": "notify about failures only",
    "shown_notices": "messages already shown",
    "proxy_host": "proxy server",
    "proxy_port": "proxy port",
    "proxy_user": "proxy user",
    "start_at_sign_in": "start when I sign in",
    "language": "language",
    "appearance": "appearance",
}
_PARTIAL_BACKUP_NOTICE = " A copy of the old file was kept as {name}."


def load_settings(path: Path) -> LoadedSettings:
    """Read settings from ``path``; never raises for a missing or damaged file.

    A missing file gives defaults and no notice. A file that is truncated, not UTF-8, not JSON or not a JSON
    object is renamed to ``settings.json.bad-YYYYmmddTHHMMSS`` and defaults are used. A readable object with
    some unusable values keeps its good values; a copy is kept as the same kind of backup.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings(), None, None)
    except OSError as exc:
        detail = f"Could not read {path}: {exc}"
        log.warning("%s", detail)
        return _unreadable(path, detail)

    try:
        # utf-8-sig: a byte-order mark from a Windows editor is harmless, so accept it.
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        return _unreadable(path, f"{path} is not UTF-8 text: {exc}")
    except (json.JSONDecodeError, RecursionError) as exc:
        return _unreadable(path, f"{path} is not valid JSON: {exc}")
    if not isinstance(data, dict):
        return _unreadable(path, f"{path} holds a JSON {type(data).__name__}, not an object")

    settings, problems = _parse(data)
    if not problems:
        return LoadedSettings(settings, None, None)
    detail = f"{path}: unusable values for {', '.join(problems)}; defaults used for those"
    log.warning("%s", detail)
    target = backup_path(path, "bad")
    backup: Path | None = target
    try:
        shutil.copy2(path, target)
        os.chmod(target, 0o600)
    except OSError as exc:
        log.warning("Could not keep a copy of %s: %s", path, exc)
        backup = None
    labels = dict.fromkeys(_FIELD_LABELS.get(name, name.replace("_", " ")) for name in problems)
    notice = _PARTIAL_NOTICE.format(fields=", ".join(labels))
    if backup is not None:
        notice += _PARTIAL_BACKUP_NOTICE.format(name=backup.name)
    return LoadedSettings(settings, notice, backup, detail)


def _unreadable(path: Path, detail: str) -> LoadedSettings:
    log.warning("Settings file unusable, starting with defaults: %s", detail)
    backup = backup_path(path, "bad")
    try:
        os.replace(path, backup)
    except OSError as exc:
        log.warning("Could not move %s aside: %s", path, exc)
        notice = _UNREADABLE_NO_BACKUP_NOTICE.format(folder=path.parent)
        return LoadedSettings(Settings(), notice, None, f"{detail}; could not move it aside: {exc}")
    return LoadedSettings(Settings(), _UNREADABLE_NOTICE.format(name=backup.name), backup, detail)


def save_settings(settings: Settings, path: Path) -> None:
    """Write ``settings`` to ``path`` atomically, readable only by the user (mode 0o600).

    A temporary file in the same directory is written, flushed and fsync-ed, then renamed over the old file,
    and the directory is fsync-ed so the rename itself survives a crash. A reader sees the old file or the new
    one, never half of one.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps(settings.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_text_atomically(path, text)


__all__ = [
    "APPEARANCE_CHOICES",
    "DEFAULT_STATUS_PATH_TEMPLATE",
    "LANGUAGE_CHOICES",
    "PROXY_PORT_RANGE",
    "LoadedSettings",
    "SERVER_KINDS",
    "ServerKind",
    "Settings",
    "is_password_key",
    "load_settings",
    "save_settings",
]
