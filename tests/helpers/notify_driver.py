"""The app side of tests/x11/test_tray_notify.py, run as its own process (the tray kind is fixed per process).

``python notify_driver.py all|first`` makes a QApplication, the TrayController and the Notifier as the app
does, and a small harness for what the watching controller will do with the notifier's signals (Copy for
ticket: the ticket summary onto the clipboard). It prints JSON lines the test reads, and moves on when the
test clicks through dunst:

1. two jobs finish together: one grouped notification. Its Open (``open_finished_list_requested``) starts 2.
2. a failed job with a hostile app name. Its "Copy for ticket" (``copy_ticket_requested``) puts the job's
   ticket summary on the clipboard, then starts 3.
3. a processed job. Its Open (``open_job_requested``) ends the run.

With ``first`` it stops after the first notification (for the set-ups without a service): at once when
nothing shows it, else once the Qt balloon showing it was clicked.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# Run as a script, this file's folder is on sys.path.
from notify_jobs import GROUP_BAD, GROUP_OK, HOSTILE_APP, HOSTILE_JOB, SERVER, SINGLE_OK
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from pig_desktop.core.models import JobRow
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.ticket import TicketContext, ticket_text
from pig_desktop.store.settings import Settings
from pig_desktop.ui.watching.model import WatchModel
from pig_desktop.ui.watching.notify import FreedesktopBackend, Message, Notifier
from pig_desktop.ui.watching.tray import TrayController

app = QApplication([])
mode = sys.argv[1]
reports: dict[str, StatusReport] = {}


def say(**kw: Any) -> None:
    print(json.dumps(kw), flush=True)


def report(job_id: str, outcome: Outcome, app_name: str) -> StatusReport:
    code, words = (200, "Processed") if outcome is Outcome.PROCESSED else (500, "Internal Server Error")
    row = JobRow(status_code=code, status_message=words, app=app_name)
    made = StatusReport(job_id, outcome, words, job=row, server=SERVER)
    reports[job_id] = made
    return made


model = WatchModel()
tray = TrayController(model)
tray.show()
notifier = Notifier.for_desktop(Settings, tray, parent=app, group_ms=500)
say(event="start", tray=tray.available, backend=notifier.backend.name)


def ready() -> None:
    backend = notifier.backend
    caps = sorted(backend.capabilities) if isinstance(backend, FreedesktopBackend) else []
    say(event="ready", backend=backend.name, capabilities=caps)
    notifier.job_finished(GROUP_OK, "final", report(GROUP_OK, Outcome.PROCESSED, "Estimating"))
    notifier.job_finished(GROUP_BAD, "final", report(GROUP_BAD, Outcome.FAILED, "Takeoff"))


def after_sent(message: Message) -> None:
    tips = [w for w in app.topLevelWidgets() if w.isVisible() and w.metaObject().className() == "QBalloonTip"]
    centre = tips[0].geometry().center() if tips else None
    at = [centre.x(), centre.y()] if centre is not None else None
    say(
        event="sent",
        title=message.title,
        body=message.body,
        grouped=message.grouped,
        balloon=bool(tips),
        at=at,
    )
    if mode == "first" and not tips:
        app.quit()  # nothing to click


def open_list() -> None:
    say(event="open-list")
    if mode == "first":
        app.quit()
        return
    notifier.job_finished(HOSTILE_JOB, "final", report(HOSTILE_JOB, Outcome.FAILED, HOSTILE_APP))


def copy_ticket(job_id: str, server: str) -> None:
    # What the watching controller does with the signal: the same summary as the result pane's button.
    summary = ticket_text(reports[job_id], TicketContext(server=server))
    QGuiApplication.clipboard().setText(summary)
    say(
        event="copy", job=job_id, server=server, clipboard=QGuiApplication.clipboard().text(), summary=summary
    )
    notifier.job_finished(SINGLE_OK, "final", report(SINGLE_OK, Outcome.PROCESSED, "Estimating"))


def open_job(job_id: str, server: str) -> None:
    say(event="open", job=job_id, server=server)
    app.quit()


notifier.sent.connect(lambda m: QTimer.singleShot(400, lambda: after_sent(m)))
notifier.open_finished_list_requested.connect(open_list)
notifier.copy_ticket_requested.connect(copy_ticket)
notifier.open_job_requested.connect(open_job)
if isinstance(notifier.backend, FreedesktopBackend):
    notifier.backend.wait_ready(5)
QTimer.singleShot(1500, ready)  # let the tray host embed the icon first, and a missing service be noticed
QTimer.singleShot(60000, app.quit)  # a test that stopped clicking must not leave this running
app.exec()
notifier.close()
tray.dispose()
say(event="end")
