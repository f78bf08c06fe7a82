"""Start at sign-in, the way a desktop session does it (issue 16, part 2): the app writes its autostart entry,
``dex --autostart`` (the XDG autostart runner that window managers without their own use) starts what the
entry says, on the real Xvfb display with a tray (trayer). The app must come up in the tray with no window
on screen, and a second start must bring the window up (the single-instance hand-over).

The entry runs the demo (``--demo``: no account needed) from this checkout; the autostart code adds
``--hidden`` itself.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.tray import trayer_running

from pig_desktop.store.autostart import APP_ID, HIDDEN_OPTION, linux_entry_path, set_start_at_sign_in

pytestmark = pytest.mark.x11

REPO = Path(__file__).resolve().parents[2]
DEMO_TITLE = "Demo with a sandbox server"


def _log_text() -> str:
    return "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in Path(os.environ["PIG_DESKTOP_HOME"]).glob("**/pig-desktop.log")
    )


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _visible_windows_named(name: str, env: dict[str, str]) -> list[str]:
    """The visible windows called ``name`` of the apps started with ``env`` (its own XDG_CONFIG_HOME). A
    window an earlier test left on this display (in the test process, whose unmap may still be unsent) is
    not this app's."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", name], capture_output=True, text=True, env=env
    )
    ours = f"XDG_CONFIG_HOME={env['XDG_CONFIG_HOME']}".encode()
    windows = []
    for window in found.stdout.split():
        pid = subprocess.run(["xdotool", "getwindowpid", window], capture_output=True, text=True, env=env)
        try:
            environ = Path(f"/proc/{pid.stdout.strip()}/environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if ours in environ:
            windows.append(window)
    return windows


def test_dex_autostart_starts_the_app_in_the_tray_and_a_second_start_opens_it(tmp_path: Path) -> None:
    for tool in ("dex", "xdotool", "desktop-file-validate"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run scripts/install-system-deps.sh test")
    config = tmp_path / "config"
    env = dict(os.environ, XDG_CONFIG_HOME=str(config), PYTHONPATH=os.environ.get("PYTHONPATH", str(REPO)))
    set_start_at_sign_in(True, command=[sys.executable, "-m", "pig_desktop", "--demo"], environ=env)
    entry = linux_entry_path(env)
    assert entry.is_file() and HIDDEN_OPTION in entry.read_text(encoding="utf-8")
    validated = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr

    with trayer_running():
        time.sleep(1.0)  # trayer takes the tray selection; the app's Qt looks for it at start
        # Only this entry's folder: the machine's /etc/xdg/autostart is not ours to start.
        output = tmp_path / "dex-output.txt"
        with output.open("w") as sink:
            runner = subprocess.Popen(
                ["dex", "--autostart", "--environment", "GNOME", "--search-paths", str(entry.parent)],
                env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            assert _wait(lambda: "started hidden in the tray" in _log_text(), 60), (
                f"the app did not start hidden in the tray; dex and the app said: {output.read_text()}"
            )
            assert "(demo)" in _log_text()
            # Settled (the demo's sandbox answers, the tray icon is up): still no window on screen.
            time.sleep(2.0)
            assert _visible_windows_named(DEMO_TITLE, env) == []

            # Opening it again (the menu entry, a link) hands over to the running app, which shows its window.
            second = subprocess.run(
                [sys.executable, "-m", "pig_desktop", "--demo"],
                env=env, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            assert second.returncode == 0, second.stderr
            assert _wait(lambda: "handed 0 job(s) to the running app" in _log_text(), 20)
            assert _wait(lambda: bool(_visible_windows_named(DEMO_TITLE, env)), 30), "no window came up"
            # The installed menu entry's StartupWMClass names this window's class (task bars group by it).
            window = _visible_windows_named(DEMO_TITLE, env)[0]
            props = subprocess.run(
                ["xprop", "-id", window, "WM_CLASS", "_GTK_APPLICATION_ID"],
                capture_output=True, text=True, env=env, check=True,
            ).stdout  # fmt: skip
            menu_entry = (REPO / "resources" / "linux" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
            wm_class = re.search(r'WM_CLASS\(STRING\) = "[^"]*", "([^"]*)"', props)
            assert wm_class is not None, props
            assert f"StartupWMClass={wm_class.group(1)}\n" in menu_entry
            assert f'_GTK_APPLICATION_ID(UTF8_STRING) = "{APP_ID}"' in props
        finally:
            try:
                os.killpg(runner.pid, signal.SIGTERM)  # dex's session: the app it started
            except ProcessLookupError:
                pass
            runner.wait(timeout=30)
