"""Shared helpers of the benchmarks: the machine description, medians, child processes, a sandbox server in
its own process, a first-paint probe and rewriting one section of docs/performance.md.

Not a test module and not part of the app: nothing in ``pig_desktop`` imports it. Every benchmark that needs
the GUI runs it in a fresh child process (``run_child``), so one measurement's imports, caches and memory
never leak into the next, and a start-up is a real process start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The checkout whose pig_desktop the child processes run: this one, or (``run_all.py --tree``) an exported
# copy of an older commit, to measure "before" figures with today's benchmarks.
TREE_ENV = "PIG_BENCH_TREE"


def app_tree() -> Path:
    return Path(os.environ.get(TREE_ENV) or ROOT)


OUT_DIR = ROOT / "benchmarks" / "out"
DOC = ROOT / "docs" / "performance.md"
PYTHON = sys.executable

# Modules that must not be imported before the main window's first paint (issue 7, part 2).
LATE_MODULES = ("keyring", "truststore", "httpx", "sqlite3")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on (quote ratios, not absolute times)."""
    versions: dict[str, str] = {}
    for name in ("PySide6", "httpx"):
        try:
            module = __import__(name)
            versions[name] = str(getattr(module, "__version__", "?"))
        except ImportError:
            versions[name] = "not installed"
    mem_total = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = f"{int(line.split()[1]) // 1024} MB"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "memory": mem_total,
        "python": platform.python_version(),
        "pyside6": versions["PySide6"],
        "httpx": versions["httpx"],
        "platform": platform.platform(),
        "qpa": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }


def describe_machine(m: dict[str, Any]) -> str:
    return (
        f"{m['nproc']} CPUs ({m['cpu']}), {m.get('memory') or '? MB'} RAM, Python {m['python']}, "
        f"PySide6 {m.get('pyside6', '?')}, httpx {m.get('httpx', '?')}, {m['platform']}, "
        f"QT_QPA_PLATFORM={m.get('qpa', 'offscreen')}"
    )


def summary(samples_ns: list[int]) -> dict[str, float]:
    """Median, mean, p10, p90, min and max in milliseconds of nanosecond samples."""
    ms = sorted(s / 1e6 for s in samples_ns)
    return {
        "median_ms": statistics.median(ms),
        "mean_ms": statistics.fmean(ms),
        "p10_ms": ms[len(ms) // 10],
        "p90_ms": ms[(len(ms) * 9) // 10],
        "min_ms": ms[0],
        "max_ms": ms[-1],
    }


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def child_env(home: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a benchmark child: offscreen Qt, this checkout first on the path, the null keychain
    (no test or benchmark touches a real one) and, given ``home``, private app folders."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(app_tree()) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # An installed app runs from cached bytecode; a shell with PYTHONDONTWRITEBYTECODE=1 would make every
    # start compile pig_desktop from source (~40 ms here) and measure that instead. The warm-up rounds write
    # it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    if not env.get("XDG_RUNTIME_DIR"):
        env["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="pig-bench-runtime-")
    if home is not None:
        env["PIG_DESKTOP_HOME"] = str(home)
        for var, sub in (
            ("XDG_CONFIG_HOME", "xdg-config"),
            ("XDG_DATA_HOME", "xdg-data"),
            ("XDG_CACHE_HOME", "xdg-cache"),
            ("XDG_STATE_HOME", "xdg-state"),
        ):
            env[var] = str(home / sub)
    env.update(extra)
    return env


def run_child(
    code: str, args: Sequence[str] = (), env: dict[str, str] | None = None, timeout: float = 120
) -> Any:
    """Run ``python -c code *args``; the child prints one JSON document as its last stdout line."""
    result = subprocess.run(
        [PYTHON, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env if env is not None else child_env(),
        cwd=app_tree(),  # ``python -c`` puts the working folder first on sys.path, before PYTHONPATH
        timeout=timeout,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"benchmark child failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return json.loads(lines[-1])


# --- a first-paint probe, pasted at the top of child programs -----------------------------------------------

#: Defines ``FirstPaint(on_paint)``: an event filter that calls ``on_paint(wall_time)`` on the first
#: ``QEvent.Paint`` of the widget it is installed on, then removes itself. The modules of ``LATE_MODULES``
#: already imported at that moment are kept in ``LATE_AT_PAINT``.
FIRST_PAINT_CODE = f"""
import sys, time
from PySide6.QtCore import QEvent, QObject
LATE_MODULES = {LATE_MODULES!r}
LATE_AT_PAINT = []
class FirstPaint(QObject):
    def __init__(self, on_paint):
        super().__init__()
        self.on_paint = on_paint
        self.done = False
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            now = time.time()
            self.done = True
            LATE_AT_PAINT.extend(m for m in LATE_MODULES if m in sys.modules)
            obj.removeEventFilter(self)
            self.on_paint(now)
        return False
"""


# --- the sandbox in its own process -------------------------------------------------------------------------

SERVER_CHILD = """
import json, sys
from pig_desktop.demo.server import SandboxServer, ScriptedResponse

scripts = json.loads(sys.stdin.readline())
with SandboxServer() as server:
    for job, (status, body) in scripts.items():
        server.script_job(job, [ScriptedResponse(status, body.encode())])
    print(server.url, flush=True)
    sys.stdin.readline()  # "dump"
    times = [r.time for r in server.requests if r.path.endswith("/status")]
    print(json.dumps(times), flush=True)
"""


class ServerProcess:
    """The sandbox CINX server in its own process, like a real remote server: its threads take no GIL from the
    process being measured. ``scripts`` maps a job id to (HTTP status, body text); unscripted jobs get the
    sandbox's built-in answers (the documented processed/failed/not-found jobs). ``request_times()`` returns
    the arrival times of the status requests (the server's own monotonic clock) and ends the process."""

    def __init__(self, scripts: dict[str, tuple[int, str]] | None = None) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-c", SERVER_CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
            cwd=app_tree(),
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(scripts or {}) + "\n")
        self.proc.stdin.flush()
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError("the sandbox server process did not start")

    def request_times(self) -> list[float]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("dump\n")
        self.proc.stdin.flush()
        times: list[float] = json.loads(self.proc.stdout.readline())
        self.proc.wait(timeout=30)
        return times

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --- docs/performance.md ------------------------------------------------------------------------------------


def update_section(title: str, text: str, doc: Path = DOC) -> None:
    """Replace the section ``## title`` of ``doc`` with ``text`` (or append it), leaving the others alone."""
    current = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: text.rstrip("\n") + "\n\n", current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    doc.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def bench_main(
    argv: list[str] | None,
    *,
    doc: str | None,
    name: str,
    default_rounds: int,
    run: Callable[[int], dict[str, Any]],
    passed: Callable[[dict[str, Any]], bool],
    hide: Sequence[str] = (),
) -> int:
    """The command line of a ``--rounds`` benchmark: run it, write ``out/<name>.json``, print the result
    (without the keys in ``hide``, e.g. raw samples) and the verdict. Exit 0 once measured; with
    ``--strict``, 1 if the target was missed (for a release checklist)."""
    parser = argparse.ArgumentParser(description=(doc or name).splitlines()[0])
    parser.add_argument("--rounds", type=int, default=default_rounds)
    parser.add_argument("--strict", action="store_true", help="exit 1 if the target was missed")
    args = parser.parse_args(argv)
    result = run(args.rounds)
    write_json(OUT_DIR / f"{name}.json", result)
    print(json.dumps({k: v for k, v in result.items() if k not in hide}, indent=2))
    met = passed(result)
    print(f"{name}: target {'met' if met else 'MISSED'}")
    return 1 if args.strict and not met else 0


# --- instrumenting a child without changing its import order ------------------------------------------------

#: Defines ``after_import(name, patch)``: ``patch(module)`` runs right after the module ``name`` is first
#: imported, by the app in its own order. A benchmark can so wrap a method of the app (to note a time) without
#: importing the module early itself (which would do part of the app's start-up work before the clock runs),
#: and the app carries no test hook.
AFTER_IMPORT_CODE = """
import importlib.machinery, sys
def after_import(name, patch):
    class Hook:
        def find_spec(self, fullname, path=None, target=None):
            if fullname != name:
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            run_module = spec.loader.exec_module
            def exec_module(module):
                run_module(module)
                patch(module)
            spec.loader.exec_module = exec_module
            return spec
    sys.meta_path.insert(0, Hook())
"""


# --- a signed-in main window in a child process -------------------------------------------------------------

#: Defines ``make_window(url, **options)``: the QApplication and a shown, ready ``MainWindow`` signed in (demo
#: style: no keychain, no dialog) to the sandbox at ``url`` with its public account; ``url=None`` means not
#: signed in. ``wait_signal(signal, timeout_ms)`` runs a real event loop until the signal fires (returns its
#: arguments and the perf_counter_ns at which it fired). ``spin(ms)`` runs the event loop for a while.
WINDOW_CODE = """
import sys, time
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication.instance() or QApplication([sys.argv[0]])

def wait_signal(signal, timeout_ms=30000):
    loop = QEventLoop()
    got = {}
    def fired(*args):
        got["t"] = time.perf_counter_ns()
        got["args"] = args
        loop.quit()
    signal.connect(fired)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(fired)
    if "t" not in got:
        raise SystemExit("timed out waiting for a signal")
    return got["args"], got["t"]

def spin(ms):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()

def make_window(url, restore_session=True, probe=None):
    from pig_desktop.demo.accounts import ACTIVE_ORG, ACTIVE_TOKEN, DEMO_EMAIL, DEMO_PASSWORD
    from pig_desktop.store.paths import app_dirs, ensure
    from pig_desktop.ui.account.app_state import DemoAccount, StartOptions
    import PySide6.QtWidgets
    from pig_desktop.ui.system.qt_startup import prepare_qt_start
    prepare_qt_start()  # as pig_desktop.app does, before the window's modules load
    from pig_desktop.ui.shell.main_window import MainWindow
    demo = None if url is None else DemoAccount(url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN, ACTIVE_ORG)
    window = MainWindow(StartOptions(dirs=ensure(app_dirs()), demo=demo, restore_session=restore_session))
    if probe is not None:
        window.installEventFilter(probe)
    window.show()
    if not window.is_ready:
        wait_signal(window.ready)
    return window
"""
