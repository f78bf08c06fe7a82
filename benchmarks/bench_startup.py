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

The demo start (``pig-desktop --demo``, the README's run command) is measured the same way, and so are all
three on Xvfb (``QT_QPA_PLATFORM=xcb`` on a private X server, when Xvfb is installed): there the first paint
is the first frame of a window that is really mapped and visible, with its X round trips.

A warm-up round first (disk cache, .pyc files); all app rounds share one app folder, like a user's second
start.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    AFTER_IMPORT_CODE,
    FIRST_PAINT_CODE,
    app_tree,
    bench_main,
    child_env,
    median,
    run_child,
)

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
import json, sys, time
t0 = float(sys.argv[1])
app_args = json.loads(sys.argv[2])
window_module = sys.argv[3]
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
after_import(window_module, install_probe)
"""
    + f"FIRST_PAINT_CODE = {FIRST_PAINT_CODE!r}\n"
    + """
import json, resource
rc = main(app_args)
result["late_modules"] = probe_globals["LATE_AT_PAINT"]
result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result["rc"] = rc
print(json.dumps(result))
"""
)


def window_module() -> str:
    """The main window's module in the measured tree (it moved to ui/shell/ in issue 11)."""
    moved = app_tree() / "pig_desktop" / "ui" / "shell" / "main_window.py"
    return "pig_desktop.ui.shell.main_window" if moved.exists() else "pig_desktop.ui.main_window"


def one(code: str, env: dict[str, str], app_args: list[str] | None = None) -> dict[str, Any]:
    extra = [] if app_args is None else [json.dumps(app_args), window_module()]
    started = time.time()
    result: dict[str, Any] = run_child(code, [repr(started), *extra], env=env)
    return result


@contextmanager
def xvfb() -> Iterator[str | None]:
    """A private Xvfb display (":N"), or None when Xvfb is not installed or does not start."""
    binary = shutil.which("Xvfb")
    if binary is None:
        yield None
        return
    for number in range(140, 160):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    else:
        yield None
        return
    server = subprocess.Popen(
        [binary, f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        socket_path = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 10
        while not socket_path.exists() and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        yield f":{number}" if socket_path.exists() and server.poll() is None else None
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(rounds: int, env: dict[str, str]) -> tuple[dict[str, list[float]], list[str]]:
    """Medians' samples of the floor, the normal start and the demo start, interleaved round by round."""
    starts = [("floor", FLOOR_CHILD, None), ("app", APP_CHILD, []), ("demo", APP_CHILD, ["--demo"])]
    for _name, code, app_args in starts:  # warm-up
        one(code, env, app_args)
    samples: dict[str, list[float]] = {name: [] for name, _, _ in starts}
    late: set[str] = set()
    for i in range(rounds):
        order = starts[i % len(starts) :] + starts[: i % len(starts)]
        for name, code, app_args in order:
            result = one(code, env, app_args)
            samples[name].append(result["first_paint_s"])
            if name != "floor":
                late.update(result["late_modules"])
    return samples, sorted(late)


def summary(samples: dict[str, list[float]]) -> dict[str, Any]:
    floor_ms = 1000 * median(samples["floor"])
    app_ms = 1000 * median(samples["app"])
    demo_ms = 1000 * median(samples["demo"])
    return {
        "floor_ms": round(floor_ms, 1),
        "app_ms": round(app_ms, 1),
        "ratio": round(app_ms / floor_ms, 3),
        "demo_ms": round(demo_ms, 1),
        "demo_ratio": round(demo_ms / floor_ms, 3),
        "floor_samples_ms": [round(1000 * s, 1) for s in samples["floor"]],
        "app_samples_ms": [round(1000 * s, 1) for s in samples["app"]],
        "demo_samples_ms": [round(1000 * s, 1) for s in samples["demo"]],
    }


def run(rounds: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="pig-bench-startup-"))
    env = child_env(home)
    offscreen, late = measure(rounds, env)
    result: dict[str, Any] = {"rounds": rounds, "target_ratio": TARGET_RATIO, **summary(offscreen)}
    result["late_modules_at_first_paint"] = late
    with xvfb() as display:
        if display is not None:
            x_env = dict(env, DISPLAY=display, QT_QPA_PLATFORM="xcb")
            x_env.pop("WAYLAND_DISPLAY", None)
            result["xvfb"] = summary(measure(rounds, x_env)[0])
    result["method"] = (
        "fresh process per sample; time.time() before spawn to the wall time of the window's first "
        "QEvent.Paint (event filter in the child); floor: bare QApplication + QMainWindow 1100x720; app: "
        "pig_desktop.app.main([]) and main(['--demo']) with a private app folder and the null keychain; "
        "interleaved, medians; offscreen, and again on a private Xvfb (xcb: a mapped, visible window)"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    return bench_main(
        argv,
        doc=__doc__,
        name="bench_startup",
        default_rounds=7,
        run=run,
        passed=lambda result: max(result["ratio"], result["demo_ratio"]) <= TARGET_RATIO,
    )


if __name__ == "__main__":
    sys.exit(main())
