"""Building and running what users install: shared by tests/test_bundle.py and tests/test_deb.py.

The one-folder bundle is built once per test session (the ``pyinstaller_bundle`` fixture in conftest.py
calls :func:`build_bundle`): a PyInstaller build is the costliest step of the suite, and the .deb is made from
the same folder.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pig_desktop
from pig_desktop import assets
from pig_desktop.demo import PROCESSED_JOB

REPO = Path(__file__).resolve().parents[2]
BUILD_SH = REPO / "packaging" / "build.sh"
VERSION = pig_desktop.__version__
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 90


def bundle_arch() -> str:
    machine = platform.machine().lower()
    return {"aarch64": "arm64", "amd64": "x86_64", "x64": "x86_64"}.get(machine, machine)


def run_build_sh(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHON=sys.executable)  # build with the interpreter that runs the tests
    run = subprocess.run(
        [str(BUILD_SH), "--dist", str(tmp / "dist"), "--work", str(tmp / "work"), *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert run.returncode == 0, f"build.sh {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run


def build_bundle(tmp: Path) -> Path:
    """``build.sh --dist tmp/dist --work tmp/work``; returns the bundle folder."""
    run_build_sh(tmp)
    return tmp / "dist" / f"pig-desktop-{VERSION}-linux-{bundle_arch()}"


def isolated_env(tmp: Path, **changes: str) -> dict[str, str]:
    """No display, and a home, XDG folders and PIG_DESKTOP_HOME that are empty folders of their own."""
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = tmp / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    (tmp / "pig-home").mkdir()
    env["PIG_DESKTOP_HOME"] = str(tmp / "pig-home")
    env.update(changes)
    return env


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)


def check_self_test_output(
    result: subprocess.CompletedProcess[str], installed_as: str, icons_from: Path
) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output, output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[-1] == "Self-test passed: PIG Desktop is ready to use.", output
    expected = [
        f"ok   PIG Desktop {VERSION} ({installed_as}",
        "(display: offscreen)",
        f"all {len(assets.all_icon_paths())} icons load (from {icons_from})",
        "password keychain works (keyring.backends.SecretService.Keyring)",
        "secure connections: the system's certificate store loads",
        f"practice server check: job {PROCESSED_JOB} is Processed",
    ]
    for text in expected:
        assert [line for line in lines if line.startswith("ok   ") and text in line], (
            f"{text!r} in:\n{output}"
        )


def check_pig_status_demo(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Processed: job {PROCESSED_JOB}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
