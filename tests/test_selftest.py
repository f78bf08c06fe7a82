"""``pig-desktop --self-test`` (pig_desktop.selftest) from a source checkout: what it prints, its exit code.

Every run is a real one: a real offscreen QApplication, the real icon files, the real keyring machinery, a
real sandbox server on 127.0.0.1 and a real HTTP status check. The children run without DISPLAY or
QT_QPA_PLATFORM, which also proves the self-test needs no display. Failures are provoked for real too: a home
folder that is a file, icon files that are broken, a plaintext keyring backend.

The installed-wheel and PyInstaller-bundle runs are in tests/test_bundle.py.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pig_desktop
from pig_desktop import assets
from pig_desktop.demo import PROCESSED_JOB

REPO = Path(__file__).resolve().parent.parent
RUN_SELF_TEST = "import sys; from pig_desktop.selftest import run_self_test; sys.exit(run_self_test())"
CHECK_COUNT = 7


def child_env(**changes: str) -> dict[str, str]:
    """The test's environment (private PIG_DESKTOP_HOME and XDG dirs, keyring pinned by conftest) with no
    display at all, so the self-test has to choose the offscreen platform itself. The checkout comes first
    on the path: it is what is tested, whatever else is installed."""
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env.update(changes)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def run_child(code: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def lines_of(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.strip()]


def line_starting(lines: list[str], prefix: str, contains: str) -> str:
    found = [line for line in lines if line.startswith(prefix) and contains in line]
    assert len(found) == 1, f"expected one line {prefix!r}...{contains!r} in:\n" + "\n".join(lines)
    return found[0]


def assert_no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in run.stdout and "Traceback" not in run.stderr, run.stdout + run.stderr


def test_self_test_passes_from_a_source_checkout(tmp_path: Path, pig_desktop_home: Path) -> None:
    run = run_child(RUN_SELF_TEST, tmp_path, child_env())
    assert run.returncode == 0, run.stdout + run.stderr
    assert_no_traceback(run)
    lines = lines_of(run.stdout)
    # One line per check, then the summary; each check line starts with its state.
    assert len(lines) == CHECK_COUNT + 1, lines
    assert all(line[:5] in {"ok   ", "warn ", "FAIL "} for line in lines[:-1]), lines
    assert lines[-1] == "Self-test passed: PIG Desktop is ready to use."

    line_starting(lines, "ok   ", f"PIG Desktop {pig_desktop.__version__} (source checkout at {REPO},")
    line_starting(lines, "ok   ", "(display: offscreen)")
    line_starting(
        lines, "ok   ", f"all {len(assets.all_icon_paths())} icons load (from {REPO / 'resources'})"
    )
    # conftest pins keyring to its null backend: reported as a warning that does not fail the run.
    keychain = line_starting(lines, "warn ", "password keychain not used (keyring.backends.null.Keyring)")
    assert "only until you close it" in keychain
    line_starting(
        lines,
        "ok   ",
        f"folders: settings {pig_desktop_home / 'config'}, history {pig_desktop_home / 'data'}, "
        f"log {pig_desktop_home / 'log'}",
    )
    line_starting(lines, "ok   ", "secure connections: the system's certificate store loads (truststore ")
    line_starting(lines, "ok   ", f"practice server check: job {PROCESSED_JOB} is Processed")

    # The report also went to the app's own log, and the folders it made are the only ones it wrote.
    log_text = (pig_desktop_home / "log" / "pig-desktop.log").read_text()
    assert "self-test of PIG Desktop" in log_text and "passed" in log_text
    assert sorted(p.name for p in pig_desktop_home.iterdir()) == ["cache", "config", "data", "log", "state"]
    assert list(tmp_path.iterdir()) == []  # nothing in the working directory


@pytest.mark.keychain
def test_self_test_reports_the_real_keychain(tmp_path: Path) -> None:
    run = run_child(RUN_SELF_TEST, tmp_path, child_env())
    assert run.returncode == 0, run.stdout + run.stderr
    line_starting(
        lines_of(run.stdout), "ok   ", "password keychain works (keyring.backends.SecretService.Keyring)"
    )


# A keyring backend that would keep passwords in a plain file, as keyrings.alt's PlaintextKeyring does. If the
# self-test ever asked it for a password, it would leave a marker file behind.
PLAINTEXT_BACKEND = """
from pathlib import Path

from keyring.backend import KeyringBackend


class PlaintextKeyring(KeyringBackend):
    priority = 1

    def _touch(self):
        Path(__file__).with_name("backend-was-used").write_text("yes")

    def get_password(self, service, username):
        self._touch()
        return None

    def set_password(self, service, username, password):
        self._touch()

    def delete_password(self, service, username):
        self._touch()
"""


def test_a_plaintext_keychain_is_refused_and_reported(tmp_path: Path) -> None:
    (tmp_path / "plainfile_keyring.py").write_text(PLAINTEXT_BACKEND)
    env = child_env(PYTHONPATH=str(tmp_path), PYTHON_KEYRING_BACKEND="plainfile_keyring.PlaintextKeyring")
    run = run_child(RUN_SELF_TEST, tmp_path, env)
    assert run.returncode == 0, run.stdout + run.stderr  # the app works without a keychain
    line = line_starting(lines_of(run.stdout), "warn ", "(plainfile_keyring.PlaintextKeyring)")
    assert "plain file, which PIG Desktop does not use" in line
    assert not (tmp_path / "backend-was-used").exists()


def test_folders_that_cannot_be_made_fail_with_a_plain_message(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "home-is-a-file"
    not_a_folder.write_text("")
    run = run_child(RUN_SELF_TEST, tmp_path, child_env(PIG_DESKTOP_HOME=str(not_a_folder)))
    assert run.returncode == 1, run.stdout + run.stderr
    assert_no_traceback(run)
    lines = lines_of(run.stdout)
    fail = line_starting(lines, "FAIL ", "cannot create its folders")
    assert str(not_a_folder / "config") in fail and "PIG_DESKTOP_HOME" in fail
    # The other checks still ran and passed.
    line_starting(lines, "ok   ", f"practice server check: job {PROCESSED_JOB} is Processed")
    assert len(lines) == CHECK_COUNT + 1
    assert [line[:4] for line in lines[:-1]].count("FAIL") == 1
    assert lines[-1] == f"Self-test FAILED: 1 of {CHECK_COUNT} checks failed (marked FAIL above)."


def test_broken_icon_files_fail_and_are_named(tmp_path: Path) -> None:
    # A copy of the package laid out as an installed wheel has it (resources inside the package), with one
    # PNG and one SVG damaged. The child imports the copy, not the checkout.
    site = tmp_path / "site"
    shutil.copytree(REPO / "pig_desktop", site / "pig_desktop", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        REPO / "resources", site / "pig_desktop" / "resources", ignore=shutil.ignore_patterns("__pycache__")
    )
    icons = site / "pig_desktop" / "resources" / "icons"
    (icons / "app" / "pig-desktop-48.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not an image")
    (icons / "outcome" / "failed.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><g>")
    code = f"import sys; sys.path.insert(0, {str(site)!r}); " + RUN_SELF_TEST
    run = run_child(code, tmp_path, child_env())
    assert run.returncode == 1, run.stdout + run.stderr
    assert_no_traceback(run)
    lines = lines_of(run.stdout)
    line_starting(lines, "ok   ", f"(installed package at {site / 'pig_desktop'},")
    total = len(list(icons.rglob("*.svg"))) + len(list(icons.rglob("*.png")))
    fail = line_starting(lines, "FAIL ", f"2 of {total} icons could not be loaded")
    assert (
        "app/pig-desktop-48.png" in fail and "outcome/failed.svg" in fail and "Reinstall PIG Desktop" in fail
    )
    assert lines[-1].startswith("Self-test FAILED: 1 of ")


def test_in_process_run_reuses_the_application_and_restores_qt_messages(qapp: object) -> None:
    from PySide6.QtCore import qInstallMessageHandler

    from pig_desktop.selftest import run_self_test

    seen: list[str] = []

    def mine(kind: object, context: object, message: str) -> None:
        seen.append(message)

    before = qInstallMessageHandler(mine)
    out = io.StringIO()
    try:
        code = run_self_test(out)
        # Our handler is back in place afterwards.
        assert qInstallMessageHandler(before) is mine
    finally:
        # run_self_test attached the app's log file handler to the pig_desktop logger; leave no trace of it.
        logger = logging.getLogger("pig_desktop")
        for handler in [h for h in logger.handlers if getattr(h, "_pig_desktop_handler", False)]:
            logger.removeHandler(handler)
            handler.close()
    assert code == 0, out.getvalue()
    lines = lines_of(out.getvalue())
    assert lines[-1] == "Self-test passed: PIG Desktop is ready to use."
    from PySide6.QtGui import QGuiApplication

    line_starting(lines, "ok   ", f"(display: {QGuiApplication.platformName()})")


def test_the_command_line_option_runs_it(tmp_path: Path) -> None:
    # `pig-desktop --self-test` is pig_desktop.app:main; `python -m pig_desktop` is the same entry point.
    # It must answer without opening a window (if it opened one, this would run into the time limit).
    run = subprocess.run(
        [sys.executable, "-m", "pig_desktop", "--self-test"],
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert_no_traceback(run)
    lines = lines_of(run.stdout)
    assert len(lines) == CHECK_COUNT + 1, lines
    assert lines[-1] == "Self-test passed: PIG Desktop is ready to use."
