"""Benchmark: instructions executed from process start to the main window's first paint, against the bare
PySide6 window, counted by valgrind (callgrind). The same three starts as ``bench_startup.py`` (the normal
start, ``--demo``, and both on a private Xvfb), but counted, not timed.

Not a test: run it by hand (or through ``benchmarks/run_all.py``)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_instructions.py

Why: on a shared machine the wall-clock ratio of two ~200 ms starts swings by +-0.2x within minutes (the
floor itself measured 137 to 330 ms on this machine, docs/performance.md), which hides any change of a
few milliseconds and whether the start is within 1.5x. The number of instructions a start executes does not
depend on what else the machine runs: two counts of the same start differ by about 1 % at most. It is a
proxy, not the figure itself (a start also waits for the disk and pays for cache misses), so both are
reported; docs/performance.md compares them.

Each start runs once without valgrind first (writing .pyc files, as an installed app has them; all three
before any is counted, as some modules are shared), then once under ``valgrind --tool=callgrind``, with
Python's string hashing fixed (``PYTHONHASHSEED=0``: the random seed moves a count by up to 0.1 %). The
child leaves with ``os._exit`` at its first ``QEvent.Paint``, so what is counted ends there. Under valgrind
a start runs some 50 times slower, which would let the window's fallback timer (``START_FALLBACK_MS``, the
deferred start of a window that is never painted) fire before the first paint and count work that a real
start does after it; the child pushes that timer out. Nothing else differs from the real start path
(``pig_desktop.app.main``, the app's own import order). Needs valgrind
(``apt-get install valgrind``); without it the benchmark says so and measures nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import AFTER_IMPORT_CODE, PYTHON, bench_main, child_env  # noqa: E402
from bench_startup import TARGET_RATIO, xvfb  # noqa: E402

FLOOR_CHILD = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([sys.argv[0]])
window = QMainWindow()
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            os._exit(0)
        return False
probe = FirstPaint()
window.installEventFilter(probe)
window.resize(1100, 720)
window.show()
app.exec()
"""

APP_CHILD = (
    AFTER_IMPORT_CODE
    + """
import json, os
app_args = json.loads(sys.argv[1])
def leave_at_first_paint(staged_start):
    staged_start.START_FALLBACK_MS = 10**7  # valgrind's slowness must not fire the fallback first
    def painted(self):
        os._exit(0)
    staged_start.StagedStart.painted = painted
after_import("pig_desktop.ui.shell.staged_start", leave_at_first_paint)
from pig_desktop.app import main
main(app_args)
raise SystemExit("the window was never painted")
"""
)

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def warm_up(code: str, args: list[str], env: dict[str, str]) -> None:
    """One uncounted start, which leaves the .pyc files behind."""
    command = [PYTHON, "-c", code, *args]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120, cwd=tempfile.gettempdir())


def count(code: str, args: list[str], env: dict[str, str]) -> int:
    """Instructions of one start, to its first paint."""
    counted = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", PYTHON, "-c", code, *args],
        env=dict(env, PYTHONHASHSEED="0"),
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=tempfile.gettempdir(),
    )
    found = _COLLECTED.search(counted.stderr)
    if counted.returncode != 0 or found is None:
        raise RuntimeError(f"valgrind run failed ({counted.returncode}): {counted.stderr[-2000:]}")
    return int(found.group(1))


def measure(env: dict[str, str]) -> dict[str, Any]:
    starts = [(FLOOR_CHILD, []), (APP_CHILD, [json.dumps([])]), (APP_CHILD, [json.dumps(["--demo"])])]
    for code, args in starts:
        warm_up(code, args, env)
    floor, app, demo = (count(code, args, env) for code, args in starts)
    return {
        "floor_instructions": floor,
        "app_instructions": app,
        "demo_instructions": demo,
        "ratio": round(app / floor, 3),
        "demo_ratio": round(demo / floor, 3),
    }


def run(_rounds: int) -> dict[str, Any]:
    if shutil.which("valgrind") is None:
        return {"skipped": "valgrind is not installed (apt-get install valgrind): nothing was counted"}
    home = Path(tempfile.mkdtemp(prefix="pig-bench-instructions-"))
    env = child_env(home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    result: dict[str, Any] = {"target_ratio": TARGET_RATIO, **measure(env)}
    with xvfb() as display:
        if display is not None:
            x_env = dict(env, DISPLAY=display, QT_QPA_PLATFORM="xcb")
            x_env.pop("WAYLAND_DISPLAY", None)
            result["xvfb"] = measure(x_env)
    result["method"] = (
        "instructions from exec to the first QEvent.Paint (valgrind --tool=callgrind, one counted run per "
        "start after an uncounted one); floor: bare QApplication + QMainWindow 1100x720; app: "
        "pig_desktop.app.main([]) and main(['--demo']), the window's fallback timer pushed out; offscreen, "
        "and again on a private Xvfb"
    )
    return result


def passed(result: dict[str, Any]) -> bool:
    if "skipped" in result:
        return False
    starts = [result, *([result["xvfb"]] if "xvfb" in result else [])]
    return all(max(s["ratio"], s["demo_ratio"]) <= TARGET_RATIO for s in starts)


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, doc=__doc__, name="bench_instructions", default_rounds=1, run=run, passed=passed)


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
