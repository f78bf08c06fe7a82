"""Benchmark: process start to the main window's first paint, against a bare PySide6 QMainWindow program.

Not a test: run it by hand (or through ``benchmarks/run_all.py``)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_startup.py [--rounds 7]

Each round starts two fresh processes, one after the other (alternating which goes first): the floor, a bare
``QApplication`` + ``QMainWindow`` (1100x720, like ours) shown with ``app.exec()``; and the app, the real
``pig_desktop.app.main([])`` start path (app folders, logging, settings, single-instance claim, the window).
No test hook lives in the app: the child program installs an event filter that notes the wall time of the
window's first ``QEvent.Paint`` and quits. The start time is ``time.time()`` in this process right before the
child is spawned, so both sides pay the same fork/exec and interpreter start. The app child also reports which
of keyring, truststore, httpx and sqlite3 were already imported at its first paint (should be none).

A warm-up round first (disk cache, .pyc files); all app rounds share one app folder, like a user's second
start.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import AFTER_IMPORT_CODE, FIRST_PAINT_CODE, bench_main, child_env, median, run_child  # noqa: E402

TARGET_RATIO = 1.5

FLOOR_CHILD = (
    FIRST_PAINT_CODE
    + """
import json, resource
t0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
result = {}
app = QApplication([sys.argv[0]])
window = QMainWindow()
def painted(now):
    result["first_paint_s"] = now - t0
    QTimer.singleShot(0, app.quit)
probe = FirstPaint(painted)
window.installEventFilter(probe)
window.resize(1100, 720)
window.show()
app.exec()
result["late_modules"] = LATE_AT_PAINT
result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(result))
"""
)

# The real start path, in the real order: the console script imports pig_desktop.app, then calls main(),
# which imports PySide6 and the window. The probe must not change that order (PySide6 reads the source of
# every module imported after it), so it waits: after_import() puts it on MainWindow.show once main() has
# imported the window module, and only then is the probe code (which imports PySide6.QtCore) run.
APP_CHILD = (
    AFTER_IMPORT_CODE
    + """
import sys, time
t0 = float(sys.argv[1])
from pig_desktop.app import main
probe_globals = {}
result = {}
def install_probe(main_window):
    exec(FIRST_PAINT_CODE, probe_globals)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    def painted(now):
        result["first_paint_s"] = now - t0
        QTimer.singleShot(0, QApplication.instance().quit)
    probe = probe_globals["FirstPaint"](painted)
    original_show = main_window.MainWindow.show
    def show(self):
        self.installEventFilter(probe)
        original_show(self)
    main_window.MainWindow.show = show
after_import("pig_desktop.ui.shell.main_window", install_probe)
"""
    + f"FIRST_PAINT_CODE = {FIRST_PAINT_CODE!r}\n"
    + """
import json, resource
rc = main([])
result["late_modules"] = probe_globals["LATE_AT_PAINT"]
result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result["rc"] = rc
print(json.dumps(result))
"""
)


def one(code: str, env: dict[str, str]) -> dict[str, Any]:
    started = time.time()
    result: dict[str, Any] = run_child(code, [repr(started)], env=env)
    return result


def run(rounds: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="pig-bench-startup-"))
    env = child_env(home)
    one(FLOOR_CHILD, env)  # warm-up
    one(APP_CHILD, env)
    floor_s: list[float] = []
    app_s: list[float] = []
    late: set[str] = set()
    for i in range(rounds):
        order = [("floor", FLOOR_CHILD), ("app", APP_CHILD)]
        if i % 2:
            order.reverse()
        for name, code in order:
            result = one(code, env)
            if name == "app":
                app_s.append(result["first_paint_s"])
                late.update(result["late_modules"])
            else:
                floor_s.append(result["first_paint_s"])
    floor_ms, app_ms = 1000 * median(floor_s), 1000 * median(app_s)
    return {
        "rounds": rounds,
        "floor_ms": round(floor_ms, 1),
        "app_ms": round(app_ms, 1),
        "ratio": round(app_ms / floor_ms, 3),
        "target_ratio": TARGET_RATIO,
        "floor_samples_ms": [round(1000 * s, 1) for s in floor_s],
        "app_samples_ms": [round(1000 * s, 1) for s in app_s],
        "late_modules_at_first_paint": sorted(late),
        "method": (
            "fresh process per sample; time.time() before spawn to the wall time of the window's first "
            "QEvent.Paint (event filter in the child); floor: bare QApplication + QMainWindow 1100x720; app: "
            "pig_desktop.app.main([]) with a private app folder and the null keychain; interleaved, medians"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    return bench_main(
        argv,
        doc=__doc__,
        name="bench_startup",
        default_rounds=7,
        run=run,
        passed=lambda result: result["ratio"] <= TARGET_RATIO,
    )


if __name__ == "__main__":
    sys.exit(main())
