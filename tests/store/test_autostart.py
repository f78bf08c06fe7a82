"""Issue 16 §2: the "Start PIG Desktop when I sign in" entries. The Linux entry is written for real under
XDG_CONFIG_HOME and checked by desktop-file-validate; Windows (winreg replaced by a recording fake, as winreg
cannot run here) and macOS (the LaunchAgent plist written to a temporary home; launchctl is not called) are
tested on what they would write."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pig_desktop.app import parse_args
from pig_desktop.store.autostart import APP_ID, RUN_KEY, RUN_VALUE, set_start_at_sign_in, starts_at_sign_in
from pig_desktop.store.settings import Settings

COMMAND = ["/opt/pig-desktop/pig-desktop"]


def test_off_by_default_and_hidden_is_an_option() -> None:
    assert Settings().start_at_sign_in is False
    assert Settings.from_dict({"start_at_sign_in": True}).start_at_sign_in is True
    assert parse_args(["--hidden"]).hidden is True and parse_args([]).hidden is False


def test_linux_entry_honours_xdg_config_home_and_validates(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path / "home")}
    set_start_at_sign_in(True, command=["/opt/My Apps/pig-desktop"], platform="linux", environ=env)
    entry = tmp_path / "cfg" / "autostart" / f"{APP_ID}.desktop"
    text = entry.read_text()
    assert 'Exec="/opt/My Apps/pig-desktop" --hidden\n' in text
    assert starts_at_sign_in(env)
    validate = shutil.which("desktop-file-validate")
    assert validate is not None, "desktop-file-validate comes with desktop-file-utils (test group)"
    result = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    set_start_at_sign_in(False, command=COMMAND, platform="linux", environ=env)
    assert not entry.exists() and not starts_at_sign_in(env)
    set_start_at_sign_in(False, command=COMMAND, platform="linux", environ=env)  # already off: fine


def test_linux_entry_defaults_to_home_config(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    set_start_at_sign_in(True, command=COMMAND, platform="linux", environ=env)
    assert (tmp_path / ".config" / "autostart" / f"{APP_ID}.desktop").is_file()


class FakeWinreg:
    """Records what the real winreg would be asked to do (HKCU Run key)."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], Any] = {}
        self.opened: list[tuple[str, str]] = []

    class _Key:
        def __init__(self, fake: FakeWinreg, path: str) -> None:
            self.path = path

        def __enter__(self) -> FakeWinreg._Key:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def OpenKey(self, root: str, path: str, reserved: int, access: int) -> FakeWinreg._Key:  # noqa: N802
        self.opened.append((root, path))
        return FakeWinreg._Key(self, path)

    def SetValueEx(self, key: FakeWinreg._Key, name: str, reserved: int, kind: int, value: str) -> None:  # noqa: N802
        assert kind == self.REG_SZ
        self.values[(key.path, name)] = value

    def DeleteValue(self, key: FakeWinreg._Key, name: str) -> None:  # noqa: N802
        if (key.path, name) not in self.values:
            raise FileNotFoundError(name)
        del self.values[(key.path, name)]


def test_windows_run_key_value() -> None:
    reg = FakeWinreg()
    exe = r"C:\Users\Ann\AppData\Local\Programs\PIG Desktop\pig-desktop.exe"
    set_start_at_sign_in(True, command=[exe], platform="win32", winreg_module=reg)
    assert reg.opened == [("HKCU", RUN_KEY)]
    assert reg.values == {(RUN_KEY, RUN_VALUE): f'"{exe}" --hidden'}
    set_start_at_sign_in(False, command=[exe], platform="win32", winreg_module=reg)
    assert reg.values == {}
    set_start_at_sign_in(False, command=[exe], platform="win32", winreg_module=reg)  # absent: no error


def test_macos_launch_agent(tmp_path: Path) -> None:
    exe = "/Applications/PIG Desktop.app/Contents/MacOS/pig-desktop"
    set_start_at_sign_in(True, command=[exe], platform="darwin", environ={"HOME": str(tmp_path)})
    path = tmp_path / "Library" / "LaunchAgents" / f"{APP_ID}.plist"
    agent = plistlib.loads(path.read_bytes())
    assert agent == {
        "Label": APP_ID,
        "ProgramArguments": [exe, "--hidden"],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    set_start_at_sign_in(False, command=[exe], platform="darwin", environ={"HOME": str(tmp_path)})
    assert not path.exists()


@pytest.mark.parametrize("bad", ["yes please", 3])
def test_a_bad_value_falls_back_to_off(bad: object) -> None:
    assert Settings.from_dict({"start_at_sign_in": bad}).start_at_sign_in is False
