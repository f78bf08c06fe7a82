"""Any screen, any scale (issue 15 §3): the window opens inside the screen's available area and every control
stays usable, on real X servers of the sizes people have.

Each case starts its own Xvfb of the screen size (1280x800, 2560x1600) and runs the window there in a
separate process at 100 % or 200 % (``QT_SCALE_FACTOR`` is read when Qt starts), checks one processed job
against the sandbox server, and reports the geometry. 1280x800 at 200 % is the smallest case: 640x400
logical pixels. Screenshots of the whole screen and of the window go to test-artifacts/ (screen-WxH-S.png,
window-WxH-S.png) for people to look at.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers.xvfb import IMPORT, require_display
from PySide6.QtGui import QImage

pytestmark = pytest.mark.x11

REPO = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys, time
from helpers.layout import squeezed_widgets
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([sys.argv[0]])
from pig_desktop.demo import *
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.ui.account.app_state import DemoAccount, StartOptions
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.system import tasks

def pump(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)

def rect_in_window(w, widget):
    top_left = widget.mapTo(w, QPoint(0, 0))
    return QRect(top_left, widget.size())

out = sys.argv[1]
with SandboxServer() as server:
    account = DemoAccount(server.url, DEMO_EMAIL, DEMO_PASSWORD, ACTIVE_TOKEN, ACTIVE_ORG)
    w = MainWindow(StartOptions(dirs=ensure(app_dirs()), demo=account))
    w.show()  # at the size and place the window chooses itself
    done = []
    w.check_finished.connect(lambda r: done.append(r))
    deadline = time.monotonic() + 20
    while not w.is_ready and time.monotonic() < deadline:
        app.processEvents()
    w.job_field.set_text(PROCESSED_JOB)
    w.check.check_job()
    while not done and time.monotonic() < deadline:
        app.processEvents()
    pump(0.5)
    screen = w.screen()
    area = screen.availableGeometry()
    frame = w.frameGeometry()
    tree = w.result_pane.tree
    viewport = tree.viewport().rect()
    visible_rows = 0
    index = tree.model().index(0, 0)
    while index.isValid():
        if tree.visualRect(index).intersects(viewport):
            visible_rows += 1
        index = tree.indexBelow(index)
    field = rect_in_window(w, w.job_field.edit)
    squeezed = squeezed_widgets(w)
    overlapping = [
        button.objectName() for button in (w.check_button, w.watch_button, w.cancel_button)
        if rect_in_window(w, button).intersects(field)
    ]
    info = {
        "dpr": w.devicePixelRatio(),
        "area": [area.x(), area.y(), area.width(), area.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "minimum": [w.minimumSizeHint().width(), w.minimumSizeHint().height()],
        "inside": area.contains(frame),
        "overlapping": overlapping,
        "squeezed": squeezed,
        "field_width": w.job_field.edit.width(),
        "field_min": max(w.job_field.edit.minimumSizeHint().width(), w.job_field.edit.minimumWidth()),
        "visible_rows": visible_rows,
        "tree_height": tree.viewport().height(),
        "badge": w.result_pane.badge.text(),
        "summary": w.result_pane.summary.text(),
        "stacked": w.findChild(QWidget, "jobRow").stacked,
        "saved": w.grab().save(out),
    }
    print(json.dumps(info), flush=True)
    sys.stdin.readline()  # the test takes its whole-screen shot now
    w.shutdown()
    tasks.shutdown_all(5000)
"""


@contextmanager
def xvfb_screen(width: int, height: int) -> Iterator[str]:
    """A private Xvfb of ``width`` x ``height``; yields its DISPLAY."""
    require_display()  # only under ./scripts/test.sh's session, like the other x11 tests
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        number = b""
        while not number.endswith(b"\n"):
            chunk = os.read(read_end, 16)
            if not chunk:
                raise RuntimeError("Xvfb did not start")
            number += chunk
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=15)


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(1280, 800, 1), (1280, 800, 2), (2560, 1600, 1), (2560, 1600, 2)],
    ids=["1280x800-100", "1280x800-200", "2560x1600-100", "2560x1600-200"],
)
def test_the_window_fits_the_screen_and_stays_usable(
    artifacts_dir: Path, width: int, height: int, scale: int
) -> None:
    name = f"{width}x{height}-{scale * 100}"
    window_shot = artifacts_dir / f"window-{name}.png"
    screen_shot = artifacts_dir / f"screen-{name}.png"
    with xvfb_screen(width, height) as display:
        env = dict(
            os.environ,
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            PYTHONPATH=os.pathsep.join((str(REPO), str(REPO / "tests"))),
        )
        env["QT_SCALE_FACTOR"] = str(scale)
        process = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(window_shot)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stdin is not None
        line = process.stdout.readline()
        if not line:
            _out, err = process.communicate(timeout=60)
            pytest.fail(f"the window process ended without a report: {err[-3000:]}")
        subprocess.run(
            [IMPORT, "-window", "root", str(screen_shot)],
            env=dict(os.environ, DISPLAY=display),
            timeout=30,
            check=True,
        )
        process.stdin.write("\n")
        process.stdin.flush()
        _out, err = process.communicate(timeout=60)
    assert line, err[-3000:]
    info = json.loads(line)
    (artifacts_dir / f"scale-{name}.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    assert process.returncode == 0, err[-3000:]
    assert info["dpr"] == scale
    assert info["badge"] == "Processed"
    # The window opens inside the available area, and its smallest size fits there too.
    assert info["inside"], info
    area_w, area_h = info["area"][2], info["area"][3]
    assert info["minimum"][0] <= area_w and info["minimum"][1] <= area_h, info
    # Nothing overlaps or is squeezed; the field keeps room for a whole id; the tree shows rows.
    assert info["overlapping"] == [], info
    assert info["squeezed"] == [], info
    assert info["field_width"] >= info["field_min"], info
    assert info["visible_rows"] >= 4, info
    assert info["summary"].startswith("RFQ import for PSF Mechanical, Inc.")
    if (width, scale) == (1280, 2):
        assert info["stacked"] is True  # 640 logical pixels: the buttons go under the field
    if width == 2560:
        assert info["stacked"] is False
    for shot in (window_shot, screen_shot):
        image = QImage(str(shot))
        assert not image.isNull(), shot
    assert QImage(str(screen_shot)).width() == width
