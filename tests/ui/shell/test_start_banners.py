"""What the window's banner says at start-up, through the real entry point (``pig_desktop.app.main``) in a
child process: once after a real crash (a segfault in an earlier run), when the log path is a planted link,
and, in the running window, while the history file cannot be written (the app keeps working)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from helpers.signin import demo_account

from pig_desktop.demo import PROCESSED_JOB
from pig_desktop.store.crash import MSG_CLOSED_UNEXPECTEDLY
from pig_desktop.store.database import NOTICE_DISK_FULL, ProblemKind, StoreProblem
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import StartOptions

REPO = Path(__file__).resolve().parents[3]

START_AND_READ_BANNER = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
seen = {}
def wait_ready():
    from pig_desktop.ui.shell.main_window import MainWindow
    ws = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    if ws and ws[0].is_ready:
        seen["banner"] = ws[0].banner.messages()
        ws[0].request_quit()
    else:
        QTimer.singleShot(50, wait_ready)
QTimer.singleShot(50, wait_ready)
from pig_desktop.app import main
rc = main([])
print(repr(seen))
sys.exit(rc)
"""

CRASH = """
import faulthandler, sys
from pathlib import Path
from pig_desktop.store.crash import install_crash_handlers
install_crash_handlers(Path(sys.argv[1]))
faulthandler._sigsegv()
"""


def run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60
    )


#: Watching that cannot start (here: its controller raises), before the real entry point runs.
BROKEN_WATCHING = """
import pig_desktop.ui.watching.controller as watching
def refuse(*args, **kwargs):
    raise RuntimeError("no watching today")
watching.WatchController.__init__ = refuse
"""


def start_banner(before: str = "") -> list[str]:
    result = run(before + START_AND_READ_BANNER)
    assert result.returncode == 0, result.stderr
    seen = eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr() of a dict of lists
    banner: list[str] = seen["banner"]
    return banner


def test_after_a_real_crash_the_next_start_says_so_once() -> None:
    log_dir = ensure(app_dirs()).log
    crashed = run(CRASH, str(log_dir))
    assert crashed.returncode != 0  # a real SIGSEGV
    assert MSG_CLOSED_UNEXPECTEDLY in start_banner()
    assert MSG_CLOSED_UNEXPECTEDLY not in start_banner()  # once


def test_watching_that_cannot_start_is_said_once_in_the_window() -> None:
    banner = start_banner(BROKEN_WATCHING)
    said = [m for m in banner if m.startswith("Watching jobs in the background isn't available this time")]
    assert len(said) == 1, banner


def test_a_planted_link_at_the_log_path_is_told_in_the_banner(tmp_path: Path) -> None:
    log_dir = ensure(app_dirs()).log
    target = tmp_path / "elsewhere.txt"
    target.write_text("", encoding="utf-8")
    (log_dir / "pig-desktop.log").symlink_to(target)
    banner = start_banner()
    assert [m for m in banner if m.startswith("PIG Desktop isn't keeping a log this time")], banner
    assert target.read_text(encoding="utf-8") == ""  # nothing written through the link


def test_a_history_write_problem_shows_until_writes_work_again(
    open_window: Any, sandbox: Any, qtbot: Any
) -> None:
    window = open_window(StartOptions(dirs=ensure(app_dirs()), demo=demo_account(sandbox.url)))
    store = window.history_store()
    assert store is not None and store.on_problem is not None
    message = NOTICE_DISK_FULL.format(folder="/home/someone")
    detail = "sqlite3.OperationalError: database or disk is full"
    problem = StoreProblem(ProblemKind.DISK_FULL, message, detail)
    # The store calls back on the thread that wrote: do the same.
    writer = threading.Thread(target=store.on_problem, args=(problem,))
    writer.start()
    writer.join()
    qtbot.waitUntil(lambda: message in window.banner.messages(), timeout=5000)
    assert message.startswith("Recent checks can't be saved")
    # The app keeps working: a check still runs and shows its result.
    window.job_field.set_text(PROCESSED_JOB)
    with qtbot.waitSignal(window.check_finished, timeout=15000):
        window.check_button.click()
    writer = threading.Thread(target=store.on_problem, args=(None,))
    writer.start()
    writer.join()
    qtbot.waitUntil(lambda: message not in window.banner.messages(), timeout=5000)
