""" "Start PIG Desktop when I sign in": the per-user autostart entry on Linux, Windows and macOS. (Qt-free)

- Linux (XDG autostart): ``$XDG_CONFIG_HOME/autostart/<app id>.desktop`` (default ``~/.config``), a desktop
  entry that runs the app with ``--hidden``.
- Windows: the value ``PIG Desktop`` under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``
  (winreg), the quoted program path plus ``--hidden``.
- macOS: ``~/Library/LaunchAgents/<app id>.plist`` with ``RunAtLoad``, loaded by launchd at the next sign-in.

Only Linux can be run here; the Windows and macOS entries are unit-tested on what they would write (winreg is
replaced by a fake in those tests).
"""

from __future__ import annotations

import os
import plistlib
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

APP_ID: Final = "io.github.pigdesktop.PigDesktop"
RUN_KEY: Final = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE: Final = "PIG Desktop"
HIDDEN_OPTION: Final = "--hidden"


def program_command() -> list[str]:
    """How to start this installation: the bundle's executable, or this Python with ``-m pig_desktop``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "pig_desktop"]


def _quote_exec_arg(arg: str) -> str:
    # Desktop Entry spec: reserved characters need double quotes, with \\ " ` $ escaped; % is doubled.
    arg = arg.replace("%", "%%")
    if all(c.isalnum() or c in "/._-+=:," for c in arg):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def linux_entry_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME") or os.path.join(env.get("HOME", str(Path.home())), ".config")
    return Path(config) / "autostart" / f"{APP_ID}.desktop"


def linux_entry(command: Sequence[str]) -> str:
    exec_line = " ".join(_quote_exec_arg(a) for a in [*command, HIDDEN_OPTION])
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=PIG Desktop\n"
        "Comment=Keep watching CINX jobs after you sign in\n"
        f"Exec={exec_line}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def windows_run_value(command: Sequence[str]) -> str:
    return " ".join(f'"{a}"' if " " in a else a for a in [*command, HIDDEN_OPTION])


def macos_agent_path(home: Path | None = None) -> Path:
    return (home or Path.home()) / "Library" / "LaunchAgents" / f"{APP_ID}.plist"


def macos_agent(command: Sequence[str]) -> bytes:
    plist: dict[str, Any] = {
        "Label": APP_ID,
        "ProgramArguments": [*command, HIDDEN_OPTION],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    return plistlib.dumps(plist)


def set_start_at_sign_in(
    enabled: bool,
    *,
    command: Sequence[str] | None = None,
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    winreg_module: Any = None,
) -> None:
    """Write (enabled) or remove (disabled) this user's autostart entry. Raises OSError when it cannot."""
    cmd = list(command) if command is not None else program_command()
    system = sys.platform if platform is None else platform
    if system.startswith("win"):
        reg = winreg_module
        if reg is None:
            import winreg as reg  # type: ignore[no-redef,unused-ignore]
        with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
            if enabled:
                reg.SetValueEx(key, RUN_VALUE, 0, reg.REG_SZ, windows_run_value(cmd))
            else:
                try:
                    reg.DeleteValue(key, RUN_VALUE)
                except FileNotFoundError:
                    pass
        return
    if system == "darwin":
        env = os.environ if environ is None else environ
        path = macos_agent_path(Path(env["HOME"]) if "HOME" in env else None)
        if enabled:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(macos_agent(cmd))
        else:
            path.unlink(missing_ok=True)
        return
    path = linux_entry_path(environ)
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(linux_entry(cmd), encoding="utf-8")
        os.replace(tmp, path)
    else:
        path.unlink(missing_ok=True)


def starts_at_sign_in(environ: Mapping[str, str] | None = None) -> bool:
    """Linux/macOS: is the entry there (the Settings checkbox shows this, not only the saved setting)?"""
    if sys.platform == "darwin":
        return macos_agent_path().exists()
    return linux_entry_path(environ).exists()


__all__ = [
    "APP_ID",
    "HIDDEN_OPTION",
    "linux_entry",
    "linux_entry_path",
    "macos_agent",
    "program_command",
    "set_start_at_sign_in",
    "starts_at_sign_in",
    "windows_run_value",
]
