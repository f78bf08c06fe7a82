"""What a screen reader sees: start PIG Desktop as a real process and read its tree over AT-SPI.

The app runs under the test command's Xvfb and private D-Bus session with
``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1`` (without it Qt stays off the accessibility bus). The tree is read, as
Orca would, by the *system* ``/usr/bin/python3`` with pyatspi (Debian python3-pyatspi: the venv has no
``gi``), matching the application by process id. Each node comes back as a :class:`Node` (path, depth, role,
name, description, id, states, text), where ``id`` is the accessible id Qt fills with the objectName path
(``...mainWindow.centralWidget.checkButton``) and ``states`` are
lower-case state names ("focusable", "focused", "showing"...).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.xvfb import require_display

SYSTEM_PYTHON = "/usr/bin/python3"
ROOT = Path(__file__).resolve().parents[2]

# Runs in the system python; prints one JSON list of nodes (or {"error": ...}).
_DUMP = r"""
import json, sys
import pyatspi

pid = int(sys.argv[1])
limit = int(sys.argv[2])
desktop = pyatspi.Registry.getDesktop(0)
app = None
for index in range(desktop.childCount):
    candidate = desktop.getChildAtIndex(index)
    try:
        if candidate is not None and candidate.get_process_id() == pid:
            app = candidate
            break
    except Exception:
        continue
if app is None:
    print(json.dumps({"error": "not on the accessibility bus"}))
    sys.exit(0)
nodes = []

def walk(node, path, depth):
    if node is None or len(nodes) >= limit or depth > 40:
        return
    try:
        states = sorted(pyatspi.stateToString(s).lower() for s in node.getState().getStates())
    except Exception:
        states = []
    try:
        accessible_id = node.get_accessible_id() or ""
    except Exception:
        accessible_id = ""
    text = ""
    try:
        iface = node.queryText()
        text = iface.getText(0, min(iface.characterCount, 500))
    except Exception:
        pass
    nodes.append({
        "path": path, "depth": depth, "role": node.getRoleName(), "name": node.name or "",
        "description": node.description or "", "id": accessible_id, "states": states, "text": text,
    })
    try:
        count = node.childCount
    except Exception:
        count = 0
    for index in range(min(count, 500)):
        try:
            child = node.getChildAtIndex(index)
        except Exception:
            continue
        walk(child, f"{path}/{index}", depth + 1)

walk(app, "0", 0)
print(json.dumps(nodes))
"""


@dataclass(frozen=True)
class Node:
    path: str
    depth: int
    role: str
    name: str
    description: str
    id: str
    states: frozenset[str]
    text: str

    @property
    def object_name(self) -> str:
        """The last part of the accessible id: the widget's objectName (may be empty)."""
        return self.id.rsplit(".", 1)[-1] if self.id else ""

    def has(self, *states: str) -> bool:
        return all(state in self.states for state in states)

    def __str__(self) -> str:
        return f"{self.role} {self.name!r} [{self.object_name or self.id}]"


def require_atspi() -> None:
    """Raise with a plain message unless the session bus and the system pyatspi are there."""
    require_display()
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        raise RuntimeError("no D-Bus session: run this through ./scripts/test.sh")
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        raise RuntimeError(
            "the system python has no pyatspi: scripts/install-system-deps.sh test installs "
            f"python3-pyatspi and gir1.2-atspi-2.0 ({probe.stderr.strip()[-200:]})"
        )


def dump_tree(pid: int, limit: int = 3000) -> list[Node]:
    """The accessibility tree of process ``pid``, depth first; empty while it is not on the bus yet."""
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", _DUMP, str(pid), str(limit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")},
    )
    if done.returncode != 0:
        raise RuntimeError(f"reading the AT-SPI tree failed: {done.stderr.strip()[-500:]}")
    data: Any = json.loads(done.stdout)
    if isinstance(data, dict):
        return []
    return [
        Node(
            path=item["path"],
            depth=item["depth"],
            role=item["role"],
            name=item["name"],
            description=item["description"],
            id=item["id"],
            states=frozenset(item["states"]),
            text=item["text"],
        )
        for item in data
    ]


def wait_for_tree(
    pid: int, ready: Callable[[list[Node]], bool], *, timeout: float = 30.0, what: str = "the window"
) -> list[Node]:
    """Poll the tree until ``ready(tree)``; raise with the last tree's summary after ``timeout``."""
    deadline = time.monotonic() + timeout
    tree: list[Node] = []
    while time.monotonic() < deadline:
        tree = dump_tree(pid)
        if tree and ready(tree):
            return tree
        time.sleep(0.3)
    shown = "\n".join(str(node) for node in tree[:60])
    raise AssertionError(f"AT-SPI never showed {what} within {timeout:.0f} s; last tree:\n{shown}")


def focused(tree: list[Node]) -> Node | None:
    """The deepest node with the "focused" state (what a screen reader announces)."""
    hits = [node for node in tree if node.has("focused")]
    return max(hits, key=lambda node: node.depth) if hits else None


def by_object_name(tree: list[Node], name: str) -> Node:
    for node in tree:
        if node.object_name == name:
            return node
    raise AssertionError(
        f"no node with objectName {name!r}; ids seen: {sorted({n.object_name for n in tree})}"
    )


@contextmanager
def running_app(
    *args: str, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``pig-desktop ARGS`` as a real process on the test display, on the accessibility bus; stopped after."""
    require_atspi()
    environ = dict(os.environ)
    environ.pop("QT_QPA_PLATFORM", None)  # the real X server, not offscreen
    environ.update(
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        QT_QPA_PLATFORM="xcb",
        PYTHONPATH=str(ROOT),
        **(env or {}),
    )
    output = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "pig_desktop", *args], env=environ, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        if log and output is not subprocess.DEVNULL:
            output.close()  # type: ignore[union-attr]
