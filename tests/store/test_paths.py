"""App directories: platformdirs by default, PIG_DESKTOP_HOME override, private modes."""

from __future__ import annotations

import stat
from pathlib import Path

import platformdirs
import pytest

from pig_desktop.store.paths import AppDirs, app_dirs, ensure


def test_home_override_puts_every_dir_under_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIG_DESKTOP_HOME", str(tmp_path / "home"))
    dirs = app_dirs()
    root = tmp_path / "home"
    assert dirs == AppDirs(
        config=root / "config",
        data=root / "data",
        state=root / "state",
        cache=root / "cache",
        log=root / "log",
    )
    assert dirs.settings_file == root / "config" / "settings.json"
    assert dirs.history_file == root / "data" / "history.sqlite3"
    assert dirs.log_file == root / "log" / "pig-desktop.log"


def test_default_follows_platformdirs_without_author(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PIG_DESKTOP_HOME", raising=False)
    # Point the XDG variables at tmp so the expected values are known exactly.
    for var, sub in (
        ("XDG_CONFIG_HOME", "cfg"),
        ("XDG_DATA_HOME", "dat"),
        ("XDG_STATE_HOME", "st"),
        ("XDG_CACHE_HOME", "cch"),
    ):
        monkeypatch.setenv(var, str(tmp_path / sub))
    dirs = app_dirs()
    assert dirs.config == tmp_path / "cfg" / "pig-desktop"
    assert dirs.data == tmp_path / "dat" / "pig-desktop"
    assert dirs.state == tmp_path / "st" / "pig-desktop"
    assert dirs.cache == tmp_path / "cch" / "pig-desktop"
    assert dirs.log == platformdirs.PlatformDirs("pig-desktop", appauthor=False).user_log_path
    assert str(dirs.log).startswith(str(tmp_path / "st"))


def test_empty_override_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIG_DESKTOP_HOME", "  ")
    assert app_dirs().config == platformdirs.PlatformDirs("pig-desktop", appauthor=False).user_config_path


def test_ensure_creates_private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIG_DESKTOP_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "data").mkdir(parents=True, mode=0o755)  # an existing dir gets tightened too
    dirs = ensure(app_dirs())
    for path in dirs.all():
        assert path.is_dir()
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
