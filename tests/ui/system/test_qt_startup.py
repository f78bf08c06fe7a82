"""The item roles of ``ui.system.qt_startup`` are Qt's, and the watch models need no ``Qt`` namespace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from pig_desktop.ui.system import qt_startup


@pytest.mark.parametrize(
    ("ours", "qts"),
    [
        ("DISPLAY_ROLE", "DisplayRole"),
        ("DECORATION_ROLE", "DecorationRole"),
        ("TOOLTIP_ROLE", "ToolTipRole"),
        ("FONT_ROLE", "FontRole"),
        ("ACCESSIBLE_TEXT_ROLE", "AccessibleTextRole"),
        ("USER_ROLE", "UserRole"),
    ],
)
def test_each_role_is_qts_own_value(ours: str, qts: str) -> None:
    member = getattr(Qt.ItemDataRole, qts)
    assert getattr(qt_startup, ours) == member.value and getattr(qt_startup, ours) == member


CHILD = """
import json, sys
from PySide6.QtCore import QCoreApplication
import PySide6.QtCore
app = QCoreApplication([])
from pig_desktop.ui.watching.finished_model import FinishedModel
from pig_desktop.ui.watching.model import WatchModel
from pig_desktop.ui.watching.notify import Notifier
models = WatchModel(), FinishedModel()
models[0].tick()
notifier = Notifier(lambda: None)
made_before_a_view = "Qt" in PySide6.QtCore.__dict__
index = models[0].index(0, 0)
models[0].flags(index)  # what a view asks: now the namespace is made
print(json.dumps([made_before_a_view, "Qt" in PySide6.QtCore.__dict__]))
notifier.close()
"""


def test_the_watch_models_and_notifier_make_no_qt_namespace_until_a_view_asks() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        check=False,
        env=dict(
            os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(Path(__file__).resolve().parents[3])
        ),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[false, true]"
