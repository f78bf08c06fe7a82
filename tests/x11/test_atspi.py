"""What a screen reader sees of the running window, read over AT-SPI as Orca would (issue 15, part 2).

PIG Desktop runs as a real process (``pig-desktop --demo``: the built-in sandbox server over real sockets) on
the test Xvfb and D-Bus session, with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1. One check is driven with the
keyboard alone (xdotool key presses into the focused window; no mouse, no Qt calls), and the assertions are
on what AT-SPI reports. The tree, and the focus order that Tab walks, are written to test-artifacts/ for
people to read.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.atspi import Node, by_object_name, dump_tree, focused, running_app, wait_for_tree
from helpers.xvfb import xdotool

pytestmark = pytest.mark.x11

PROCESSED_JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
ARTIFACTS = Path(os.environ.get("PIG_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
# Roles that take keyboard focus only as containers or are not controls a person operates.
NOT_CONTROLS = frozenset({"frame", "window", "filler", "panel", "scroll pane", "split pane", "page tab list"})


def write_artifact(name: str, lines: list[str]) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def focusable_controls(tree: list[Node]) -> list[Node]:
    return [n for n in tree if n.has("focusable", "showing") and n.role not in NOT_CONTROLS]


def window_of(pid: int) -> str:
    ids = xdotool("search", "--sync", "--onlyvisible", "--pid", str(pid)).split()
    assert ids, "the window never appeared on the X server"
    return ids[-1]


def test_one_check_by_keyboard_as_a_screen_reader_sees_it(tmp_path: Path) -> None:
    with running_app("--demo", log=tmp_path / "app.log") as app:
        tree = wait_for_tree(
            app.pid,
            lambda t: any(n.object_name == "checkButton" and n.has("showing") for n in t),
            timeout=60,
            what="the Check button",
        )
        write_artifact("atspi-tree-start.txt", [f"{'  ' * n.depth}{n} {sorted(n.states)}" for n in tree])

        # Every control a person can Tab to has a role and a name that says what it does.
        controls = focusable_controls(tree)
        assert len(controls) >= 5, [str(n) for n in tree[:40]]
        unnamed = [n for n in controls if not n.name.strip()]
        write_artifact("atspi-unnamed-controls.txt", [str(n) for n in unnamed])
        assert all(n.role and n.role not in ("unknown", "filler") for n in controls), controls
        assert unnamed == [], [str(n) for n in unnamed]
        check = by_object_name(tree, "checkButton")
        assert check.role == "push button" and check.name == "Check the job"
        assert by_object_name(tree, "jobIdEdit").name == "Job id"

        # The keyboard alone: the job field has the focus at start; type the id and press Enter.
        window = window_of(app.pid)
        xdotool("windowfocus", "--sync", window)
        start = focused(tree) or focused(dump_tree(app.pid))
        assert start is not None and start.role == "text", f"focus at start: {start}"
        xdotool("type", "--delay", "15", PROCESSED_JOB)
        xdotool("key", "Return")
        done = wait_for_tree(
            app.pid,
            lambda t: "Processed" in by_object_name(t, "outcomeBadge").name,
            timeout=60,
            what="the outcome badge naming Processed",
        )
        write_artifact(
            "atspi-tree-after-check.txt", [f"{'  ' * n.depth}{n} {sorted(n.states)}" for n in done]
        )
        badge = by_object_name(done, "outcomeBadge")
        assert "Processed" in badge.name and badge.has("showing")
        # A label named with the outcome word, not a nameless "filler".
        assert badge.role == "label" and badge.name == "Outcome: Processed", str(badge)
        # The sentence, the summary and the job line are read as their text, not as a fixed title.
        sentence = by_object_name(done, "resultSentence")
        assert "finished successfully" in sentence.name, str(sentence)
        summary = by_object_name(done, "resultSummary")
        assert summary.role == "label" and summary.name.startswith("RFQ import for "), str(summary)
        assert PROCESSED_JOB in by_object_name(done, "resultJobLabel").name
        assert_result_rows_read_once(done)
        assert_history_rows_are_sentences(done)
        # The check went through the keyboard only: the field still holds the id, the Check button is named.
        field = by_object_name(done, "jobIdEdit")
        assert PROCESSED_JOB in field.text

        # Walk the focus order with Tab, as a keyboard user would, and keep it for the record.
        order: list[list[Node]] = []
        for _ in range(30):
            xdotool("key", "Tab")
            time.sleep(0.2)
            # Every node that says "focused" (a tree may keep its current cell's state after losing focus).
            order.append([n for n in dump_tree(app.pid) if n.has("focused")])
        lines = [" | ".join(str(n) for n in stop) or "(nothing)" for stop in order]
        write_artifact("atspi-tab-order.txt", lines)
        stops = [owner_of(stop) for stop in order]
        write_artifact("atspi-tab-stops.txt", stops)
        assert stops[0] == "checkButton", stops
        # The documented order (pig_desktop/ui/shell/tab_order.py): job row, result, history, the watch
        # list, then round through the header to the job field again.
        expected = [
            "checkButton",
            "watchButton",
            "resultTree",
            "copyTicketButton",
            "historyFilter",
            "historyView",
            "watchView",
            "header",
            "jobIdEdit",
        ]
        positions = [first_index(stops, name) for name in expected]
        assert all(p >= 0 for p in positions), list(zip(expected, positions, strict=True))
        assert positions == sorted(positions), list(zip(expected, positions, strict=True))


def owner_of(focused_nodes: list[Node]) -> str:
    """The control that has the focus: the deepest focused node with an id (a tree's cell has none), its
    objectName, or "header" for anything in the header."""
    named = [n for n in focused_nodes if n.object_name]
    if not named:
        return "(nothing)"
    node = max(named, key=lambda n: n.depth)
    return "header" if ".header." in node.id else node.object_name


def first_index(stops: list[str], name: str) -> int:
    return stops.index(name) if name in stops else -1


def children_of(tree: list[Node], parent: Node) -> list[Node]:
    prefix = parent.path + "/"
    return [n for n in tree if n.path.startswith(prefix) and n.depth == parent.depth + 1]


def assert_result_rows_read_once(tree: list[Node]) -> None:
    """The result tree's rows, as Orca reads a row (cell by cell): "Status:" then "200 — Processed", never
    the whole sentence on both cells."""
    view = by_object_name(tree, "resultTree")
    cells = [n for n in children_of(tree, view) if n.role in ("table cell", "tree item")]
    names = [c.name for c in cells]
    write_artifact("atspi-result-rows.txt", names)
    assert "Status:" in names, names
    value = names[names.index("Status:") + 1]
    assert value == "200 — Processed", names
    assert "Organisation:" in names and names[names.index("Organisation:") + 1] == "PSF Mechanical, Inc."
    repeated = [a for a, b in zip(names, names[1:], strict=False) if a and a == b]
    assert repeated == [], repeated


def assert_history_rows_are_sentences(tree: list[Node]) -> None:
    view = by_object_name(tree, "historyView")
    items = [n for n in children_of(tree, view) if n.role in ("list item", "table cell")]
    names = [n.name for n in items]
    write_artifact("atspi-history-rows.txt", names)
    spoken = next((name for name in names if PROCESSED_JOB in name), "")
    # Outcome, plain app name, the organisation the check was made in, the job, when.
    assert spoken.startswith("Processed, RFQ import for "), names
    assert f", job {PROCESSED_JOB}, checked just now" in spoken, spoken
    assert spoken.endswith(".") and spoken.count("Processed") == 1, spoken


CLIPBOARD_OWNER = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([sys.argv[0]])
QGuiApplication.clipboard().setText("Please look at job " + sys.argv[1] + " thanks")
print("owned", flush=True)
QTimer.singleShot(60000, app.quit)
app.exec()
"""


def test_a_banner_is_announced_as_an_alert(tmp_path: Path) -> None:
    """A job id on the clipboard makes the offer banner appear: an alert, named with its message."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    owner = subprocess.Popen(
        [sys.executable, "-c", CLIPBOARD_OWNER, PROCESSED_JOB],
        env={**env, "QT_QPA_PLATFORM": "xcb"},
        stdout=subprocess.PIPE,
    )
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == b"owned"
        with running_app("--demo", log=tmp_path / "app.log") as app:
            wait_for_tree(app.pid, lambda t: any(n.object_name == "checkButton" for n in t), timeout=60)
            xdotool("windowfocus", "--sync", window_of(app.pid))
            tree = wait_for_tree(
                app.pid,
                lambda t: any(n.object_name == "clipboardOffer" and n.has("showing") for n in t),
                timeout=30,
                what="the clipboard offer banner",
            )
            write_artifact("atspi-tree-banner.txt", [f"{'  ' * n.depth}{n} {sorted(n.states)}" for n in tree])
            banner = by_object_name(tree, "clipboardOffer")
            assert banner.role == "alert", str(banner)
            assert PROCESSED_JOB in banner.name and "clipboard" in banner.name, str(banner)
            # Its buttons say what they do; its text is no nameless focus stop.
            buttons = [n for n in tree if n.path.startswith(banner.path + "/") and n.role == "push button"]
            assert {b.name for b in buttons if b.has("showing")} >= {"Check", "Dismiss"}
            text = by_object_name(tree, "clipboardOfferText")
            assert not text.has("focusable") and PROCESSED_JOB in text.name
    finally:
        owner.terminate()
        owner.wait(timeout=15)
