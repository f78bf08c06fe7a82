"""Issue 16 §5: with no desktop, ``pig-desktop`` says so plainly and exits 2 before Qt can abort.

The app runs as a real subprocess (``python -m pig_desktop``) with no display, with a display that refuses
(a stale X socket: bound, then closed, so connecting is refused), and with a Wayland socket that refuses. The
missing-library message is tested on a real shared library built here with gcc that links against a library
deleted before loading it: the same dynamic-loader failure a desktop missing libxcb-cursor0 gives Qt's plugin.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pig_desktop.display_check import (
    EXIT_NO_DISPLAY,
    NO_DISPLAY_MESSAGE,
    check_plugin_loads,
    find_display_problem,
    missing_library_problem,
    requested_platform,
    x11_reachable,
)

RUN_TIMEOUT = 60


def _app_env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env.update(changes)
    return env


def _run_app(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pig_desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


@pytest.fixture
def refusing_x_display() -> Iterator[str]:
    """A DISPLAY whose socket file exists but refuses connections (what a crashed X server leaves behind)."""
    folder = Path("/tmp/.X11-unix")
    folder.mkdir(mode=0o1777, exist_ok=True)
    number = next(
        n for n in range(4700, 4800) if not (folder / f"X{n}").exists() and not x11_reachable(f":{n}")
    )
    path = folder / f"X{number}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.close()  # the file stays, nobody listens: connect() is refused
    try:
        yield f":{number}"
    finally:
        path.unlink(missing_ok=True)


def _assert_plain_no_display(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == EXIT_NO_DISPLAY, result.stdout + result.stderr
    assert result.stderr.strip() == NO_DISPLAY_MESSAGE
    assert "Reinstalling" not in result.stderr and "Traceback" not in result.stderr


def test_message_is_the_issue_sentence() -> None:
    assert NO_DISPLAY_MESSAGE == (
        "PIG Desktop needs a desktop session; none was found. "
        "To check a job from a terminal, use: pig-status JOB"
    )


@pytest.mark.parametrize("args", [(), ("--demo",)])
def test_no_display_at_all_exits_2_with_one_sentence(args: tuple[str, ...]) -> None:
    _assert_plain_no_display(_run_app(_app_env(), *args))


@pytest.mark.parametrize("args", [(), ("--demo",)])
def test_a_display_that_refuses_exits_2(refusing_x_display: str, args: tuple[str, ...]) -> None:
    _assert_plain_no_display(_run_app(_app_env(DISPLAY=refusing_x_display), *args))


def test_a_wayland_socket_that_refuses_exits_2(tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(runtime / "wayland-9"))
    listener.close()
    _assert_plain_no_display(_run_app(_app_env(WAYLAND_DISPLAY="wayland-9", XDG_RUNTIME_DIR=str(runtime))))


def test_an_x_server_that_listens_is_found(refusing_x_display: str) -> None:
    path = f"/tmp/.X11-unix/X{refusing_x_display[1:]}"
    os.unlink(path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(path)
        listener.listen(1)
        assert x11_reachable(refusing_x_display)
        # Only the socket is checked for a non-X11 plugin too: Wayland asked for but absent, xcb reachable.
        problem = find_display_problem(
            {"DISPLAY": refusing_x_display, "QT_QPA_PLATFORM": "wayland;xcb"}, platform="linux"
        )
        assert problem is None or problem.missing_libraries, problem


def test_offscreen_needs_no_display_and_self_test_still_works(tmp_path: Path) -> None:
    assert find_display_problem({"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert find_display_problem({}, ["-platform", "offscreen"], platform="linux") is None
    assert find_display_problem({}, platform="win32") is None
    self_test = _run_app(_app_env(), "--self-test")
    assert self_test.returncode == 0, self_test.stdout + self_test.stderr
    assert "Self-test passed" in self_test.stdout


def test_offscreen_app_starts_without_a_display() -> None:
    # --version exits before the check; a real offscreen start is what the whole offscreen test group does.
    # Here: the check itself lets QT_QPA_PLATFORM=offscreen through in a process with no DISPLAY.
    code = (
        "import sys; from pig_desktop.display_check import exit_if_no_display; exit_if_no_display(); "
        "print('passed')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_app_env(QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    assert result.returncode == 0 and result.stdout.strip() == "passed", result.stderr


def test_requested_platform_prefers_the_command_line() -> None:
    assert requested_platform({"QT_QPA_PLATFORM": "xcb"}, ["-platform", "offscreen"]) == "offscreen"
    assert requested_platform({"QT_QPA_PLATFORM": "xcb"}, []) == "xcb"
    assert requested_platform({}, ["-platform=vnc"]) == "vnc"


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is part of the test machine's packages")
def test_a_missing_system_library_is_named(tmp_path: Path) -> None:
    # A "plugin" linked against a library that is then removed: the loader fails exactly as it does for Qt's
    # xcb plugin on a desktop without libxcb-cursor0 (that library itself is installed here, so a made-up
    # name stands in for it).
    stub = tmp_path / "libpig-gone.so.7"
    (tmp_path / "stub.c").write_text("int gone_stub(void) { return 0; }\n")
    (tmp_path / "plugin.c").write_text("int gone_stub(void);\nint plugin(void) { return gone_stub(); }\n")
    subprocess.run(
        ["gcc", "-shared", "-fPIC", f"-Wl,-soname,{stub.name}", "-o", str(stub), str(tmp_path / "stub.c")],
        check=True,
    )
    plugin = tmp_path / "libqfake.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(plugin), str(tmp_path / "plugin.c"), str(stub)], check=True
    )
    stub.unlink()
    problem = check_plugin_loads(plugin)
    assert problem is not None
    assert problem.missing_libraries == ("libpig-gone.so.7",)
    assert "a system library is missing from this computer: libpig-gone.so.7" in problem.message
    assert "pig-status JOB" in problem.message
    assert "cannot open shared object file" in problem.detail


def test_known_libraries_are_named_with_their_debian_package() -> None:
    problem = missing_library_problem(["libxcb-cursor.so.0", "libxcb-icccm.so.4"], "detail")
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in problem.message
    assert "the packages libxcb-cursor0, libxcb-icccm4" in problem.message
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in problem.message


def test_the_real_xcb_plugin_loads_here() -> None:
    # The machine has the whole runtime list of scripts/install-system-deps.sh: nothing is missing.
    from pig_desktop.display_check import _qt_plugin_dir

    plugins = _qt_plugin_dir()
    assert plugins is not None
    assert check_plugin_loads(plugins / "platforms" / "libqxcb.so") is None
