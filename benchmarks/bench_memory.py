"""Benchmark: peak memory (RSS) after one check in the main window, against a bare PySide6 window.

Not a test: run it by hand (or through ``benchmarks/run_all.py``)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_memory.py [--rounds 5]

Each round starts two fresh processes (alternating which goes first) and reads ``resource.getrusage``'s
``ru_maxrss`` (the peak resident set) at the end: the floor shows a bare ``QMainWindow`` (1100x720) and runs
its event loop for 300 ms; the app shows the real ``MainWindow`` (private app folder, signed in to a sandbox
CINX server that runs in its own process, so the server's memory is not counted; only the demo account's
constants are imported, not the sandbox server), clicks Check (``click()``) for the documented "processed"
job, waits until the result tree is filled (``check_finished``) and runs the event loop
for 300 ms more. Target: at most 1.3x the floor.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import WINDOW_CODE, ServerProcess, bench_main, child_env, median, run_child  # noqa: E402

TARGET_RATIO = 1.3

FLOOR_CHILD = """
import json, resource, sys
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([sys.argv[0]])
window = QMainWindow()
window.resize(1100, 720)
window.show()
loop = QEventLoop()
QTimer.singleShot(300, loop.quit)
loop.exec()
print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

APP_CHILD = (
    WINDOW_CODE
    + """
import json, resource
from pig_desktop.demo.accounts import PROCESSED_JOB
window = make_window(sys.argv[1])
window.job_field.set_text(PROCESSED_JOB)
# QAbstractButton.click(), not QTest.mouseClick: the same clicked() path, without loading QtTest (~0.5 MB
# of library pages the real app never has).
window.check_button.click()
wait_signal(window.check_finished)
rows = window.result_pane.model.rowCount()
spin(300)
window.shutdown()
print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "rows": rows}))
"""
)


def run(rounds: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="pig-bench-memory-"))
    env = child_env(home)
    floor_kb: list[int] = []
    app_kb: list[int] = []
    with ServerProcess() as server:
        run_child(APP_CHILD, [server.url], env=env)  # warm-up: creates the app folder and the history file
        for i in range(rounds):
            order = [("floor", FLOOR_CHILD, []), ("app", APP_CHILD, [server.url])]
            if i % 2:
                order.reverse()
            for name, code, args in order:
                result = run_child(code, args, env=env)
                if name == "app" and not result["rows"]:
                    raise RuntimeError("the result tree stayed empty")
                (app_kb if name == "app" else floor_kb).append(int(result["maxrss_kb"]))
    floor_mb, app_mb = median(floor_kb) / 1024, median(app_kb) / 1024
    return {
        "rounds": rounds,
        "floor_mb": round(floor_mb, 1),
        "app_mb": round(app_mb, 1),
        "ratio": round(app_mb / floor_mb, 3),
        "target_ratio": TARGET_RATIO,
        "floor_samples_kb": floor_kb,
        "app_samples_kb": app_kb,
        "method": (
            "fresh process per sample, ru_maxrss at the end; floor: bare QMainWindow 1100x720 + 300 ms event "
            "loop; app: MainWindow signed in to a sandbox in another process, one Check clicked, tree "
            "filled, "
            "+ 300 ms event loop; interleaved, medians"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    return bench_main(
        argv,
        doc=__doc__,
        name="bench_memory",
        default_rounds=5,
        run=run,
        passed=lambda result: result["ratio"] <= TARGET_RATIO,
    )


if __name__ == "__main__":
    sys.exit(main())
