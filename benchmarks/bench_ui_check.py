"""Benchmark: one check in the window, from the click on Check to the result tree filled, against a raw
``httpx.get(url).json()`` of the same sandbox URL.

Not a test: run it by hand (or through ``benchmarks/run_all.py``)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_ui_check.py [--rounds 21]

One child process holds the real ``MainWindow`` (private app folder, signed in to a sandbox CINX server in its
own process) and, in between, makes the raw calls on the same thread. Ours: ``QTest.mouseClick`` on the Check
button for the documented "processed" job, then a real event loop until ``check_finished`` (emitted once the
tree is filled; the history line is written in the worker before that). Raw:
``httpx.get(url, auth=...).json()`` (a new connection each time, as the issue words it); also shown for
reference, the same through a kept-alive
``httpx.Client``. Rounds alternate which side goes first, after 3 warm-up rounds. Target: the medians differ
by at most 20 ms.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import WINDOW_CODE, ServerProcess, bench_main, child_env, run_child, summary  # noqa: E402

TARGET_EXTRA_MS = 20.0

CHILD = (
    WINDOW_CODE
    + """
import json
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
url, rounds, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
window = make_window(url)
import httpx
from pig_desktop.core.client import CinxClient
from pig_desktop.core.connection import Connection
from pig_desktop.demo.accounts import ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD, PROCESSED_JOB
status_url = CinxClient(Connection(url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN)).status_url(PROCESSED_JOB)
auth = (DEMO_EMAIL, DEMO_PASSWORD)
kept = httpx.Client(auth=auth)
window.job_field.set_text(PROCESSED_JOB)
model = window.result_pane.model

def ours():
    start = time.perf_counter_ns()
    QTest.mouseClick(window.check_button, Qt.MouseButton.LeftButton)
    (report,), end = wait_signal(window.check_finished)
    if model.rowCount() == 0 or report.job_id != PROCESSED_JOB:
        raise SystemExit("tree not filled")
    return end - start

def raw():
    start = time.perf_counter_ns()
    body = httpx.get(status_url, auth=auth).json()
    end = time.perf_counter_ns()
    assert body["rows"]
    return end - start

def raw_kept():
    start = time.perf_counter_ns()
    body = kept.get(status_url).json()
    end = time.perf_counter_ns()
    assert body["rows"]
    return end - start

samples = {"ours": [], "raw": [], "raw_kept": []}
for i in range(warmup + rounds):
    order = [("ours", ours), ("raw", raw), ("raw_kept", raw_kept)]
    if i % 2:
        order.reverse()
    for name, fn in order:
        spin(20)  # let the previous round's repaint and history update settle
        value = fn()
        if i >= warmup:
            samples[name].append(value)
window.shutdown()
print(json.dumps(samples))
"""
)


def run(rounds: int, warmup: int = 3) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="pig-bench-check-"))
    with ServerProcess() as server:
        samples = run_child(CHILD, [server.url, str(rounds), str(warmup)], env=child_env(home), timeout=300)
    ours, raw, kept = summary(samples["ours"]), summary(samples["raw"]), summary(samples["raw_kept"])
    return {
        "rounds": rounds,
        "warmup": warmup,
        "ours": ours,
        "raw_httpx_get": raw,
        "raw_httpx_client_kept_alive": kept,
        "extra_ms": round(ours["median_ms"] - raw["median_ms"], 3),
        "target_extra_ms": TARGET_EXTRA_MS,
        "method": (
            "one child process: MainWindow signed in to a sandbox in another process; QTest.mouseClick on "
            "Check to check_finished (tree filled) vs httpx.get(url, auth).json() of the same URL on the "
            "same "
            "thread; interleaved rounds after warm-up; medians"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    return bench_main(
        argv,
        doc=__doc__,
        name="bench_ui_check",
        default_rounds=21,
        run=run,
        passed=lambda result: result["extra_ms"] <= TARGET_EXTRA_MS,
    )


if __name__ == "__main__":
    sys.exit(main())
