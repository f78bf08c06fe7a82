"""The settings controller on its own (no window): the one current copy, saving, one-time notices."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path
from typing import Any

from pig_desktop.store.settings import Settings, load_settings
from pig_desktop.ui.account.app_state import DemoAccount
from pig_desktop.ui.settings.controller import MSG_SAVE_FAILED, SettingsController, load_start_settings


def make(tmp_path: Path) -> tuple[SettingsController, Path]:
    path = tmp_path / "config" / "settings.json"
    return SettingsController(path, load_settings(path)), path


def test_save_keeps_the_copy_and_writes_it_for_the_user_only(qapp: Any, tmp_path: Path) -> None:
    controller, path = make(tmp_path)
    controller.save(dataclasses.replace(controller.current(), email="ann@example.com"))
    assert controller.current().email == "ann@example.com"
    assert json.loads(path.read_text())["email"] == "ann@example.com"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_apply_tells_old_and_new(qapp: Any, tmp_path: Path) -> None:
    controller, path = make(tmp_path)
    seen: list[tuple[Settings, Settings]] = []
    controller.applied.connect(lambda old, new: seen.append((old, new)))
    new = dataclasses.replace(controller.current(), history_limit=50)
    controller.apply(new)
    assert [(old.history_limit, changed.history_limit) for old, changed in seen] == [(1000, 50)]
    assert load_settings(path).settings.history_limit == 50


def test_a_notice_is_shown_once_and_remembered(qapp: Any, tmp_path: Path) -> None:
    controller, path = make(tmp_path)
    shown: list[tuple[str, str, str]] = []
    controller.notice.connect(lambda text, detail, key: shown.append((text, detail, key)))
    controller.notice_once("some-notice", "Plain words.", "detail")
    controller.notice_once("some-notice", "Plain words.", "detail")
    assert shown == [("Plain words.", "detail", "some-notice")]
    assert controller.was_shown("some-notice")
    assert "some-notice" in load_settings(path).settings.shown_notices


def test_a_failed_save_is_reported_and_the_settings_still_apply(qapp: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the settings folder should be")
    controller = SettingsController(blocker / "settings.json", load_settings(blocker / "settings.json"))
    failures: list[tuple[str, str]] = []
    controller.save_failed.connect(lambda message, detail: failures.append((message, detail)))
    controller.save(dataclasses.replace(controller.current(), email="ann@example.com"))
    assert [message for message, _detail in failures] == [MSG_SAVE_FAILED]
    assert controller.current().email == "ann@example.com"


def test_the_demo_starts_pointed_at_its_sandbox(tmp_path: Path) -> None:
    demo = DemoAccount("http://127.0.0.1:5", "demo@example.com", "pw", "token", "Org")
    loaded = load_start_settings(tmp_path / "settings.json", demo)
    settings = loaded.settings
    assert (settings.server_kind, settings.custom_server, settings.email, settings.remember_me) == (
        "custom",
        "http://127.0.0.1:5",
        "demo@example.com",
        False,
    )
