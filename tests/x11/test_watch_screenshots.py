"""Screenshots of watching on the real X server (Xvfb): the watch panel with a job still watched and two
finished ones (one processed, one failed, one of them opened already), and the tray menu listing them. Saved
to test-artifacts/ (watch-panel-finished.png, tray-menu.png) to be looked at; the test checks what they must
show."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.signin import shown_demo_window
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage

from pig_desktop.demo import (
    FAILED_JOB,
    PROCESSED_JOB,
    bodies,
)
from pig_desktop.demo.server import ScriptedResponse
from pig_desktop.ui.shell.main_window import MainWindow
from pig_desktop.ui.watching.controller import WatchController
from pig_desktop.ui.watching.tray import TrayController

pytestmark = pytest.mark.x11


def running(job: str) -> ScriptedResponse:
    row = bodies.job_row(job, status_code=202, status_message="Processing")
    return ScriptedResponse(200, json.dumps(bodies.envelope([row])).encode())


def distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 60)
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}
    )


@pytest.fixture
def watching(qtbot: Any, sandbox: Any) -> Iterator[tuple[MainWindow, WatchController]]:
    window = shown_demo_window(qtbot, sandbox.url, height=820)
    controller = WatchController.for_window(window, tray_available=False)
    yield window, controller
    controller.shutdown()
    window.shutdown()


def test_watch_panel_with_finished_jobs_and_the_tray_menu(
    qtbot: Any, sandbox: Any, watching: tuple[MainWindow, WatchController], artifacts_dir: Path
) -> None:
    window, controller = watching
    slow = str(uuid.uuid4())
    sandbox.script_job(slow, [running(slow)] * 50)
    for job in (PROCESSED_JOB, FAILED_JOB, slow):
        window.job_field.set_text(job)
        window.watch_button.click()
    qtbot.waitUntil(lambda: controller.finished.rowCount() == 2, timeout=20000)
    qtbot.waitUntil(
        lambda: (s := controller.model.state(slow)) is not None and s.outcome is not None, timeout=20000
    )
    controller.open_job(PROCESSED_JOB)  # one opened, the failed one still new (bold)
    qtbot.waitUntil(lambda: controller.finished.unseen_count() == 1, timeout=5000)
    qtbot.wait(300)

    panel = controller.panel
    assert panel.watching_group.title() == "Watching now" and panel.finished_group.title() == "Finished"
    assert panel.finished_info.text() == "2 finished jobs. 1 new (in bold): not opened yet."
    assert window.result_pane.timeline.isVisible()
    assert window.result_pane.timeline.text().startswith("So far: ")
    shot = artifacts_dir / "watch-panel-finished.png"
    image = window.grab().toImage()
    assert image.save(str(shot))
    assert distinct_colours(image) > 20

    tray = TrayController(controller.model, available=True, finished=controller.finished)
    try:
        assert tray.menu is not None
        tray.rebuild_menu()
        texts = [a.text() for a in tray.menu.actions()]
        assert "Finished recently" in texts
        finished_items = [a for a in tray.menu.actions() if a.objectName() == "trayFinishedJob"]
        assert len(finished_items) == 2 and all(not a.icon().isNull() for a in finished_items)
        assert any("(new)" in a.text() and "Failed" in a.text() for a in finished_items)
        assert "not opened yet" in tray.tooltip()
        tray.menu.popup(QPoint(40, 40))
        qtbot.waitExposed(tray.menu)
        qtbot.wait(300)
        menu_image = tray.menu.grab().toImage()
        assert menu_image.save(str(artifacts_dir / "tray-menu.png"))
        assert distinct_colours(menu_image) > 5
        tray.menu.hide()
    finally:
        tray.dispose()
