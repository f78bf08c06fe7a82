"""Settings: tolerant reading, clamping, bad files kept as backups, atomic private writes, no passwords."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from pathlib import Path

import pytest

from pig_desktop.store import settings as settings_module
from pig_desktop.store.settings import (
    DEFAULT_STATUS_PATH_TEMPLATE,
    LoadedSettings,
    Settings,
    load_settings,
    save_settings,
)

BACKUP_NAME = re.compile(r"^settings\.json\.bad-\d{8}T\d{6}(-\d+)?$")


def _custom() -> Settings:
    return Settings(
        server_kind="custom",
        custom_server="https://127.0.0.1:8443",
        email="anna@example.com",
        org_name="Acme Plumbing",
        org_id="42",
        api_token="tok-1234567890abcdef",
        remember_me=False,
        connect_timeout=3.5,
        read_timeout=30.0,
        ca_bundle="/etc/ssl/extra.pem",
        history_limit=500,
        watch_rate_limit=0.5,
        watch_max_hours=48.0,
        poll_interval=20.0,
        notifications=False,
        notify_failures_only=True,
        shown_notices=("tray-first-close", "no-keychain"),
        extra={"future_option": {"nested": [1, 2, 3]}},
    )


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    original = _custom()
    save_settings(original, path)
    loaded = load_settings(path)
    assert loaded == LoadedSettings(original, None, None)
    assert hash(loaded.settings) == hash(original)  # hashable although it carries a dict


def test_defaults_when_missing(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "nope.json")
    assert loaded.settings == Settings()
    assert loaded.notice is None and loaded.backup is None
    assert Settings().server_kind == "production"
    assert Settings().status_path_template == DEFAULT_STATUS_PATH_TEMPLATE


def test_saved_file_is_sorted_pretty_json_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(_custom(), path)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert text.startswith("{\n  ")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_mode_0600_even_with_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        save_settings(Settings(), tmp_path / "settings.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "settings.json").stat().st_mode) == 0o600


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for n in range(20):
        save_settings(dataclasses.replace(Settings(), email=f"user{n}@example.com"), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert load_settings(path).settings.email == "user19@example.com"


def test_failed_write_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    save_settings(dataclasses.replace(Settings(), email="old@example.com"), path)

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(settings_module.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        save_settings(dataclasses.replace(Settings(), email="new@example.com"), path)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert load_settings(path).settings.email == "old@example.com"


def test_tolerant_parse_and_numbers_as_strings() -> None:
    s = Settings.from_dict(
        {
            "server_kind": "development",
            "connect_timeout": "12.5",
            "read_timeout": 20,
            "history_limit": "300",
            "remember_me": "false",
            "notifications": 0,
            "email": 12345,  # wrong type -> default
            "watch_rate_limit": [1],  # wrong type -> default
            "poll_interval": True,  # bool is not a number here
            "shown_notices": ["a", 3, "b", "a"],
            "status_path_template": "/x/{job}",  # lacks {token} -> default
        }
    )
    assert s.server_kind == "development"
    assert s.connect_timeout == 12.5
    assert s.read_timeout == 20.0 and isinstance(s.read_timeout, float)
    assert s.history_limit == 300 and isinstance(s.history_limit, int)
    assert s.remember_me is False
    assert s.notifications is False
    assert s.email == ""
    assert s.watch_rate_limit == 2.0
    assert s.poll_interval == 10.0
    assert s.shown_notices == ("a", "b")
    assert s.status_path_template == DEFAULT_STATUS_PATH_TEMPLATE


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("connect_timeout", 0, 1.0),
        ("connect_timeout", -5, 1.0),
        ("connect_timeout", 10_000, 120.0),
        ("read_timeout", 0.01, 1.0),
        ("read_timeout", "999", 120.0),
        ("history_limit", 1, 10),
        ("history_limit", 10**9, 100_000),
        ("watch_rate_limit", 0, 0.1),
        ("watch_rate_limit", 1000, 20.0),
        ("connect_timeout", "nan", 10.0),
        ("connect_timeout", "inf", 10.0),
    ],
)
def test_clamps_silly_values(key: str, value: object, expected: float) -> None:
    assert getattr(Settings.from_dict({key: value}), key) == expected


def test_unknown_server_kind_falls_back() -> None:
    assert Settings.from_dict({"server_kind": "staging"}).server_kind == "production"


def test_unknown_keys_are_preserved_on_save(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"email": "a@b.c", "newer_feature": {"x": 1}, "theme": "dark"}), encoding="utf-8"
    )
    loaded = load_settings(path)
    assert loaded.notice is None
    assert loaded.settings.extra == {"newer_feature": {"x": 1}, "theme": "dark"}
    save_settings(dataclasses.replace(loaded.settings, email="c@d.e"), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["newer_feature"] == {"x": 1} and data["theme"] == "dark" and data["email"] == "c@d.e"


def test_password_keys_are_dropped_when_loading_and_never_saved(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "email": "a@b.c",
                "password": "hunter2-secret",
                "Password": "hunter2-secret",
                "smtp_passwd": "hunter2-secret",
                "nested": {"user_password": "hunter2-secret", "ok": 1},
            }
        ),
        encoding="utf-8",
    )
    loaded = load_settings(path)
    assert "password" not in json.dumps(loaded.settings.to_dict()).lower()
    # Even a password smuggled into extra by a caller is not written.
    sneaky = dataclasses.replace(loaded.settings, extra={"password": "hunter2-secret", "x": {"pwd": "p"}})
    save_settings(sneaky, path)
    text = path.read_text(encoding="utf-8")
    assert "hunter2-secret" not in text
    assert "password" not in text.lower()
    assert "pwd" not in text.lower()
    assert json.loads(text)["x"] == {}
    assert not any(f.name.lower().startswith("pass") for f in dataclasses.fields(Settings))


def _assert_bad_file_handled(path: Path, content: bytes) -> LoadedSettings:
    path.write_bytes(content)
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.backup is not None
    assert BACKUP_NAME.match(loaded.backup.name), loaded.backup.name
    assert loaded.backup.parent == path.parent
    assert loaded.backup.read_bytes() == content
    assert not path.exists()  # moved aside, so the next start does not complain again
    assert loaded.notice is not None
    assert loaded.notice.startswith(
        "Your settings file could not be read, so PIG Desktop started with default"
    )
    assert loaded.backup.name in loaded.notice
    assert loaded.detail  # the technical reason is kept apart from the notice
    # The notice is said once: the next load (no file) is quiet.
    assert load_settings(path).notice is None
    return loaded


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(json.dumps(_custom().to_dict()).encode()[:40], id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param(b'{"email": "caf\xe9@example.com"}', id="not-utf8"),
        pytest.param(b"\xff\xfe\x00\x01garbage", id="binary"),
        pytest.param(b"server_kind = production\n", id="not-json"),
        pytest.param(b'["production", "a@b.c"]', id="array"),
        pytest.param(b'"just a string"', id="string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply-nested"),
    ],
)
def test_bad_file_gives_defaults_backup_and_notice(tmp_path: Path, content: bytes) -> None:
    _assert_bad_file_handled(tmp_path / "settings.json", content)


def test_two_bad_files_in_the_same_second_get_distinct_backups(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    first = _assert_bad_file_handled(path, b"{")
    second = _assert_bad_file_handled(path, b"[")
    assert first.backup != second.backup
    assert first.backup is not None and first.backup.read_bytes() == b"{"


def test_wrong_types_keep_good_values_with_backup_and_notice(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    content = json.dumps(
        {"email": "anna@example.com", "connect_timeout": "soon", "remember_me": "maybe", "server_kind": 7}
    ).encode()
    path.write_bytes(content)
    loaded = load_settings(path)
    assert loaded.settings == Settings(email="anna@example.com")
    assert loaded.backup is not None and BACKUP_NAME.match(loaded.backup.name)
    assert loaded.backup.read_bytes() == content
    assert loaded.notice is not None
    assert "connection time limit" in loaded.notice and "server" in loaded.notice
    assert "connect_timeout" not in loaded.notice  # plain words, not field names
    assert loaded.backup.name in loaded.notice
    assert path.exists()  # the good values are still there until the app saves


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"email": "a@b.c"}).encode())
    loaded = load_settings(path)
    assert loaded.notice is None and loaded.settings.email == "a@b.c"


def test_with_notice_shown() -> None:
    s = Settings().with_notice_shown("tray").with_notice_shown("tray").with_notice_shown("keychain")
    assert s.shown_notices == ("tray", "keychain")
