"""What a screen reader sees of the running window, read over AT-SPI as Orca would (issue 15, part 2).

PIG Desktop runs as a real process (``pig-desktop --demo``: the built-in sandbox server over real sockets) on
the test Xvfb and D-Bus session, with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1. One check is driven with the
keyboard alone (xdotool key presses into the focused window; no mouse, no Qt calls), and the assertions are
on what AT-SPI reports. The tree, and the focus order that Tab walks, are written to test-artifacts/ for
people to read.
"""

from __future__ import annotations

import os
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
        assert all(n.role for n in controls)
        check = by_object_name(tree, "checkButton")
        assert check.role == "push button" and check.name

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
        # The check went through the keyboard only: the field still holds the id, the Check button is named.
        field = by_object_name(done, "jobIdEdit")
        assert PROCESSED_JOB in field.text

        # Walk the focus order with Tab, as a keyboard user would, and keep it for the record.
        order: list[str] = []
        for _ in range(30):
            xdotool("key", "Tab")
            time.sleep(0.2)
            # Every node that says "focused" (a tree may keep its current cell's state after losing focus).
            now = [str(n) for n in dump_tree(app.pid) if n.has("focused")]
            order.append(" | ".join(now) or "(nothing focused)")
        write_artifact("atspi-tab-order.txt", order)
        assert "[checkButton]" in order[0], order


@pytest.mark.xfail(
    strict=True,
    reason="today's window gives the sentence label the fixed accessible name 'What the result means', so a "
    "screen reader never reads the sentence; the UI round fixes it (then this passes and the mark goes)",
)
def test_the_result_sentence_is_what_a_screen_reader_reads(tmp_path: Path) -> None:
    with running_app("--demo", log=tmp_path / "app.log") as app:
        wait_for_tree(app.pid, lambda t: any(n.object_name == "checkButton" for n in t), timeout=60)
        xdotool("windowfocus", "--sync", window_of(app.pid))
        xdotool("type", "--delay", "15", PROCESSED_JOB)
        xdotool("key", "Return")
        done = wait_for_tree(
            app.pid, lambda t: "Processed" in by_object_name(t, "outcomeBadge").name, timeout=60
        )
        sentence = by_object_name(done, "resultSentence")
        assert "finished successfully" in sentence.name
