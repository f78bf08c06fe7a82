"""Issue 16 §4: a crash leaves a trace, and the next start reports it exactly once.

A real segfault (``faulthandler._sigsegv()``) in a child process that started the crash handlers the way
``pig-desktop`` does; then "restarts" (more child processes) that look for it. Also an uncaught exception in
the main thread and in a worker thread of a child process, which must reach the redacted log file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from pig_desktop.store.crash import MSG_CLOSED_UNEXPECTEDLY, previous_crash

RUN_TIMEOUT = 60
SECRET = "Hunter2-Crash-Secret"


def _child(code: str, log_dir: Path) -> subprocess.CompletedProcess[str]:
    prologue = textwrap.dedent(
        f"""
        import faulthandler, json, sys, threading
        from pathlib import Path
        from pig_desktop.store.crash import install_crash_handlers, stop_crash_handlers
        from pig_desktop.store.logsetup import configure_logging, register_secret
        log_dir = Path({str(log_dir)!r})
        configure_logging(log_dir)
        register_secret({SECRET!r})
        report = install_crash_handlers(log_dir)
        found = None if report is None else {{"message": report.message, "details": report.details}}
        print(json.dumps(found))
        sys.stdout.flush()
        """
    )
    return subprocess.run(
        [sys.executable, "-c", prologue + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env=dict(os.environ),
    )


def _report(run: subprocess.CompletedProcess[str]) -> dict[str, str] | None:
    first = run.stdout.splitlines()[0]
    value = json.loads(first)
    assert value is None or isinstance(value, dict)
    return value


def test_a_real_segfault_is_reported_once_at_the_next_start(tmp_path: Path) -> None:
    log_dir = tmp_path / "log"
    crashed = _child("faulthandler._sigsegv()\n", log_dir)
    assert crashed.returncode == -signal.SIGSEGV, crashed.stderr
    assert _report(crashed) is None  # nothing before the first run
    assert "Fatal Python error" not in crashed.stderr  # the trace went to the file, not stderr
    traces = list(log_dir.glob("faulthandler-*.txt"))
    assert len(traces) == 1 and "Segmentation fault" in traces[0].read_text()
    assert traces[0].stat().st_mode & 0o077 == 0

    restart = _child("stop_crash_handlers()\n", log_dir)
    assert restart.returncode == 0, restart.stderr
    report = _report(restart)
    assert report is not None
    assert report["message"] == MSG_CLOSED_UNEXPECTEDLY
    assert report["message"].startswith("PIG Desktop closed unexpectedly last time")
    assert "Segmentation fault" in report["details"]
    assert "<string>" in report["details"]  # the Python stack of the crashed run
    kept = list(log_dir.glob("crash-*.txt"))
    assert len(kept) == 1 and str(kept[0]) in report["details"]
    assert not list(log_dir.glob("faulthandler-*.txt"))  # the clean restart removed its own empty file
    assert "closed unexpectedly" in (log_dir / "pig-desktop.log").read_text()

    again = _child("stop_crash_handlers()\n", log_dir)
    assert again.returncode == 0, again.stderr
    assert _report(again) is None  # exactly once


def test_a_run_that_ended_without_a_trace_is_no_crash(tmp_path: Path) -> None:
    log_dir = tmp_path / "log"
    killed = _child("import os, signal; os.kill(os.getpid(), signal.SIGKILL)\n", log_dir)
    assert killed.returncode == -signal.SIGKILL
    assert len(list(log_dir.glob("faulthandler-*.txt"))) == 1
    assert previous_crash(log_dir) is None
    assert not list(log_dir.glob("faulthandler-*.txt"))  # the empty file of the dead run was tidied


def test_the_running_apps_trace_file_is_left_alone(tmp_path: Path) -> None:
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    # A trace file of a process that is still running (this one) is never taken over or reported.
    mine = log_dir / f"faulthandler-{os.getpid()}.txt"
    mine.write_text("Fatal Python error: not really\n")
    assert previous_crash(log_dir) is None
    assert mine.exists()


def test_uncaught_exceptions_reach_the_redacted_log(tmp_path: Path) -> None:
    log_dir = tmp_path / "log"
    code = f"""
    def work():
        raise RuntimeError("worker failed with password={SECRET}")
    thread = threading.Thread(target=work, name="checker")
    thread.start(); thread.join()
    raise ValueError("main failed near {SECRET}")
    """
    run = _child(code, log_dir)
    assert run.returncode == 1
    text = (log_dir / "pig-desktop.log").read_text()
    assert "Uncaught exception in thread checker" in text and "RuntimeError: worker failed" in text
    assert "Uncaught exception" in text and "ValueError: main failed near [REDACTED]" in text
    assert SECRET not in text
    assert "ValueError" in run.stderr  # the previous hook (Python's own) still ran
