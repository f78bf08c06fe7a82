"""A click on a pig-desktop:// link opens the app with that job (issue 14, part 3): the desktop entry is
installed into a throwaway XDG data dir, registered with ``xdg-mime default``, and ``xdg-open`` is run on a
link on the real Xvfb display. The app (demo mode, so no account is needed) must start and log that job."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pig_desktop import assets
from pig_desktop.demo import FAILED_JOB, PROCESSED_JOB

pytestmark = pytest.mark.x11

REPO = Path(__file__).resolve().parents[2]
INSTALL_SH = REPO / "packaging" / "linux" / "install-desktop-entry.sh"


def wait_for_log(line: str, seconds: float = 60) -> bool:
    """True once ``line`` is in a pig-desktop.log under PIG_DESKTOP_HOME (the app's own log)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in Path(os.environ["PIG_DESKTOP_HOME"]).glob("**/pig-desktop.log"):
            if line in path.read_text(encoding="utf-8", errors="replace"):
                return True
        time.sleep(0.2)
    return False


def test_xdg_open_on_a_link_starts_the_app_with_that_job(tmp_path: Path) -> None:
    if shutil.which("xdg-open") is None or shutil.which("xdg-mime") is None:
        pytest.fail("xdg-utils is missing: run scripts/install-system-deps.sh")
    share, config = tmp_path / "share", tmp_path / "config"
    config.mkdir()
    argv_file = tmp_path / "argv.txt"
    # The menu entry runs this program: it notes its arguments (what the desktop passed for %u), then runs
    # the real app from this worktree in demo mode with them.
    program = tmp_path / "bin" / "pig-desktop"
    program.parent.mkdir()
    program.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{argv_file}"\n'
        f'exec "{sys.executable}" -m pig_desktop --demo "$@"\n'
    )
    program.chmod(0o755)
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(share),
        "XDG_DATA_DIRS": f"{share}:/usr/local/share:/usr/share",
        "XDG_CONFIG_HOME": str(config),
        "XDG_CURRENT_DESKTOP": "",  # xdg-open's generic path, the one every desktop falls back to
        "PYTHONPATH": os.environ.get("PYTHONPATH", str(REPO)),
    }
    env.pop("DE", None)
    subprocess.run(
        [str(INSTALL_SH), "--prefix", str(share), "--exec", str(program)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    desktop_file = f"{assets.DESKTOP_ID}.desktop"
    subprocess.run(["xdg-mime", "default", desktop_file, "x-scheme-handler/pig-desktop"], check=True, env=env)
    query = subprocess.run(
        ["xdg-mime", "query", "default", "x-scheme-handler/pig-desktop"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    assert query.stdout.strip() == desktop_file

    link = f"pig-desktop://job/{PROCESSED_JOB}?server=production"
    opener = subprocess.Popen(
        ["xdg-open", link], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        found = ""
        while time.monotonic() < deadline:
            for path in Path(os.environ["PIG_DESKTOP_HOME"]).glob("**/pig-desktop.log"):
                text = path.read_text(encoding="utf-8", errors="replace")
                if f"job(s) from the command line: {PROCESSED_JOB}" in text:
                    found = text
            if found:
                break
            if opener.poll() is not None and not argv_file.exists():
                pytest.fail(f"xdg-open ended without starting the app: {opener.communicate()}")
            time.sleep(0.2)
        assert found, "the app never logged the job from the link"
        assert argv_file.read_text().splitlines() == [link]  # the desktop passed the link itself (%u)
        assert "(demo)" in found
        # The window shows that job: put in the field and checked against the sandbox.
        shown = wait_for_log(f"job {PROCESSED_JOB} shown: processed")
        assert shown, "the window never showed the linked job"

        # A second link while the app runs: the new start hands the job to the running window, which shows it.
        second_link = f"pig-desktop://job/{FAILED_JOB}"
        second = subprocess.run(
            ["xdg-open", second_link], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert second.returncode == 0, second.stderr
        shown = wait_for_log(f"job {FAILED_JOB} shown: failed")
        assert shown, "the running window never showed the second job"
        assert wait_for_log("handed 1 job(s) to the running app")
    finally:
        try:
            os.killpg(opener.pid, signal.SIGTERM)  # xdg-open and the app it started (our session only)
        except ProcessLookupError:
            pass
        opener.wait(timeout=30)
