"""The log file is never opened through a symbolic link planted at its path (issue 13)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pig_desktop.store.logsetup import LogFileRefused, configure_logging
from pig_desktop.store.paths import LOG_FILE_NAME

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links and O_NOFOLLOW are POSIX")


def _plant(log_dir: Path, tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's own file\n")
    victim.chmod(0o644)
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / LOG_FILE_NAME).symlink_to(victim)
    return victim


def test_configure_logging_refuses_a_planted_link_in_a_plain_sentence(tmp_path: Path) -> None:
    log_dir = tmp_path / "log"
    victim = _plant(log_dir, tmp_path)
    with pytest.raises(LogFileRefused) as refused:
        configure_logging(log_dir)
    assert "is a link to another file" in refused.value.message
    assert "Delete it" in refused.value.message
    logging.getLogger("pig_desktop").warning("after the refusal")
    assert victim.read_text() == "the user's own file\n"
    assert victim.stat().st_mode & 0o777 == 0o644


def test_pig_status_still_checks_and_leaves_the_link_target_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    victim = _plant(home / "log", tmp_path)
    env = {**os.environ, "PIG_DESKTOP_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "pig_desktop.cli", "97b96860-ca73-4f8e-b6ba-37ce9f256871", "--demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "the user's own file\n"
    assert victim.stat().st_mode & 0o777 == 0o644
