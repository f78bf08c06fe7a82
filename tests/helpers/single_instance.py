"""Two real processes for the single-instance tests: an app that listens (``start_app``) and a second
start that hands its jobs over (``second_start``), over either transport (``TRANSPORTS``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

__all__ = ["TRANSPORTS", "offscreen_env", "second_start", "start_app"]

RUNNING_APP = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QCoreApplication, QTimer
    from pig_desktop.ui.system.single_instance import SingleInstance

    app = QCoreApplication([])
    instance = SingleInstance(sys.argv[1], unix_socket=sys.argv[3] == "unix")
    if not instance.listen():
        print("NOT-LISTENING", flush=True)
        sys.exit(2)
    print("LISTENING stale=%s" % instance.recovered_stale, flush=True)
    instance.jobs_received.connect(lambda jobs: print("JOBS " + json.dumps(jobs), flush=True))
    instance.activate_requested.connect(lambda: print("ACTIVATE", flush=True))
    QTimer.singleShot(int(sys.argv[2]), app.quit)
    app.exec()
    """
)

SECOND_START = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication
    from pig_desktop.ui.system.single_instance import SingleInstance

    app = QCoreApplication([])
    instance = SingleInstance(sys.argv[1], unix_socket=sys.argv[2] == "unix")
    sys.exit(0 if instance.hand_off(sys.argv[3:]) else 3)
    """
)


def offscreen_env() -> dict[str, str]:
    e = dict(os.environ)
    e["QT_QPA_PLATFORM"] = "offscreen"
    return e


TRANSPORTS = ("unix", "qt")


def start_app(
    tmp_path: Path, name: str, lifetime_ms: int = 15000, transport: str = "unix", stale: bool | None = None
) -> subprocess.Popen[str]:
    script = tmp_path / "running_app.py"
    script.write_text(RUNNING_APP)
    proc = subprocess.Popen(
        [sys.executable, str(script), name, str(lifetime_ms), transport],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=offscreen_env(),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line.startswith("LISTENING"), (line, proc.stderr.read() if proc.poll() is not None else "")
    if stale is not None:
        assert line == f"LISTENING stale={stale}"
    return proc


def second_start(
    tmp_path: Path, name: str, *jobs: str, transport: str = "unix"
) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "second_start.py"
    script.write_text(SECOND_START)
    return subprocess.run(
        [sys.executable, str(script), name, transport, *jobs],
        capture_output=True,
        text=True,
        env=offscreen_env(),
        timeout=30,
    )
