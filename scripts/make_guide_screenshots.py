"""Take the screenshots of the first-run guide (docs/user-guide.md) from the real app.

The real MainWindow runs against the in-process sandbox CINX server (loopback only), starting signed out so
the sign-in dialog shows, and is driven through its own buttons and fields, in the order a new user would go:
sign in, pick the organisation, check a job, look at a failed one, copy it for a ticket, watch one until it
finishes. Each step is saved as a PNG in the output folder:

    01-sign-in.png  02-pick-organisation.png  03-check-job.png  04-failed-job.png
    05-watch.png  06-copy-for-ticket.png

The text "Copy for ticket" put on the clipboard is printed to stdout (the guide quotes it as text, which is
easier to read and to search than a picture of it).

Run it under Xvfb, with its own app folders and no keychain (see docs/user-guide.md, "Screenshots")::

    dbus-run-session -- bash -c 'Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>/tmp/d & sleep 1;
      export DISPLAY=:$(cat /tmp/d); QT_QPA_PLATFORM=xcb PIG_DESKTOP_HOME=$(mktemp -d)
      PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring
      .venv/bin/python scripts/make_guide_screenshots.py docs/guide'

Every shot is Qt's own rendering of the window (``grab()``), so ``QT_QPA_PLATFORM=offscreen`` works too; Xvfb
gives the same fonts and sizes as a desktop session.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without an editable install
    sys.path.insert(0, str(REPO))

from pig_desktop import APP_DISPLAY_NAME, APP_NAME, __version__  # noqa: E402
from pig_desktop.demo import (  # noqa: E402
    DEMO_EMAIL,
    DEMO_PASSWORD,
    FAILED_JOB,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    SandboxServer,
)
from pig_desktop.store.paths import HOME_ENV, app_dirs, ensure  # noqa: E402
from pig_desktop.store.settings import Settings, save_settings  # noqa: E402

WINDOW_SIZE = (1100, 700)
NULL_KEYRING = "keyring.backends.null.Keyring"


class ShotError(RuntimeError):
    """A step of the tour did not reach the state its screenshot needs."""


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Run the Qt event loop until ``condition()`` holds; raise naming ``what`` if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise ShotError(f"timed out waiting for {what}")
        QTest.qWait(20)


def settle(ms: int = 400) -> None:
    """Let Qt finish layouts and paints (a grab taken too early is half-painted or black)."""
    QTest.qWait(ms)


def check_not_blank(image: QImage, name: str) -> None:
    colours = {image.pixel(x, y) for x in range(0, image.width(), 9) for y in range(0, image.height(), 9)}
    if image.isNull() or len(colours) < 12:
        raise ShotError(f"{name} came out blank ({len(colours)} colours)")
    black = sum(
        1
        for x in range(0, image.width(), 9)
        for y in range(0, image.height(), 9)
        if QColor(image.pixel(x, y)).lightness() < 8
    )
    samples = len(range(0, image.width(), 9)) * len(range(0, image.height(), 9))
    if black > samples // 10:
        raise ShotError(f"{name} has large black areas: not painted yet?")


def save(pixmap: QPixmap, out: Path, name: str) -> Path:
    path = out / name
    image = pixmap.toImage()
    check_not_blank(image, name)
    if not image.save(str(path)):  # PNG, from the .png name
        raise ShotError(f"could not write {path}")
    print(f"saved {path} ({image.width()}x{image.height()})", file=sys.stderr)
    return path


def grab_with_dialog(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window with its dialog on top, centred, as the user sees them.

    Both are rendered by Qt itself (``grab()``), so this works on Xvfb and offscreen alike. Xvfb has no
    window manager, so a dialog on the real screen has no frame and melts into the window behind it; a
    plain frame with the dialog's real title and a soft shadow are drawn around it instead, as a desktop
    would, and the window behind is dimmed a little, as it is inactive while the dialog is open.
    """
    base = window.grab()
    content = dialog.grab()
    title_height = 30
    size = content.size() / content.devicePixelRatio()
    # Centred on the window, title bar included, as desktops place a dialog (the dialog's own position is
    # of no use here: it was placed when it opened, before the organisation list made it grow).
    left = max(0, (window.width() - size.width()) // 2)
    top = max(title_height, (window.height() - size.height() + title_height) // 2)
    body = QRect(QPoint(left, top), size)
    frame = body.adjusted(-1, -title_height, 1, 1)
    painter = QPainter(base)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(base.rect(), QColor(0, 0, 0, 35))
    for spread in range(1, 9):  # a soft shadow: fading outlines around the frame
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 22 - 2 * spread))
        painter.drawRoundedRect(
            frame.adjusted(-spread, -spread + 2, spread, spread + 2), 6 + spread, 6 + spread
        )
    palette = dialog.palette()
    bar = QRect(frame.left(), frame.top(), frame.width(), title_height)
    painter.setBrush(palette.color(palette.ColorRole.Window).darker(112))
    painter.setPen(QColor(0, 0, 0, 110))
    painter.drawRoundedRect(frame, 5, 5)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRect(bar.adjusted(1, 6, -1, 0))
    painter.drawPixmap(body.topLeft(), content)
    font = QFont(dialog.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(palette.color(palette.ColorRole.WindowText))
    painter.drawText(bar, int(Qt.AlignmentFlag.AlignCenter), dialog.windowTitle())
    painter.end()
    return base


def check_job(window: object, text: str, outcome: str) -> None:
    """Paste ``text`` into the job field and press Check, as a user would; wait for ``outcome``."""
    from pig_desktop.ui.shell.main_window import MainWindow

    assert isinstance(window, MainWindow)
    done: list[object] = []
    window.check_finished.connect(done.append)
    try:
        window.job_field.edit.setFocus()
        window.job_field.edit.clear()
        window.job_field.edit.insert(text)  # like a paste: the field sees edited text
        QTest.mouseClick(window.check_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: bool(done), f"the check of {text!r}")
    finally:
        window.check_finished.disconnect(done.append)
    label = window.result_pane.badge.text
    if label != outcome:
        raise ShotError(f"expected {outcome!r} for {text!r}, the badge says {label!r}")
    settle()


def make_shots(out: Path) -> str:
    """Drive the window through the tour and save the shots. Returns the ticket text that was copied."""
    from pig_desktop.core.outcome import Outcome
    from pig_desktop.ui.account.app_state import NOTICE_KEYCHAIN, StartOptions
    from pig_desktop.ui.shell.main_window import MainWindow
    from pig_desktop.ui.system.icons import app_icon
    from pig_desktop.ui.watching.controller import NOTICE_NO_TRAY, WatchController

    dirs = ensure(app_dirs())
    # Xvfb has no system tray and the null keyring is no keychain: the app would rightly say so once in a
    # banner. Those notices are not part of a normal first run, so mark them as already shown.
    save_settings(Settings(shown_notices=(NOTICE_NO_TRAY, NOTICE_KEYCHAIN)), dirs.settings_file)

    QApplication.instance().setWindowIcon(app_icon())  # type: ignore[union-attr]
    # Stays "Processing" for the whole tour (the default turns to Processed on the third check).
    with SandboxServer(progress_steps=1000) as sandbox:
        window = MainWindow(StartOptions(dirs=dirs, restore_session=False))
        controllers: list[WatchController] = []
        try:
            window.resize(*WINDOW_SIZE)
            window.move(0, 0)
            window.show()
            wait_until(window.isVisible, "the window to show")
            wait_until(lambda: window.is_ready, "the window to finish starting")
            # As app.main() does once the window is ready: watching, the watch list and notifications.
            controllers.append(WatchController.for_window(window, single_instance=None, tray_available=False))
            window.activateWindow()
            settle()

            # -- 01: the sign-in dialog, filled in --
            dialog = window.open_sign_in()
            wait_until(dialog.isVisible, "the sign-in dialog")
            dialog.email.setText(DEMO_EMAIL)
            dialog.password.setText(DEMO_PASSWORD)
            dialog.server.setCurrentIndex(dialog.server.findData("custom"))
            dialog.custom_url.setText(sandbox.url)
            dialog.remember.setChecked(True)
            dialog.password.setFocus()
            settle(600)
            save(grab_with_dialog(window, dialog), out, "01-sign-in.png")

            # -- 02: the organisations after signing in --
            QTest.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
            wait_until(lambda: bool(dialog.organisations()), "the organisation list")
            if len(dialog.organisations()) < 3 or dialog.selected_organisation() is None:
                raise ShotError(f"unexpected organisations: {dialog.organisations()!r}")
            settle(600)
            save(grab_with_dialog(window, dialog), out, "02-pick-organisation.png")
            QTest.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
            wait_until(lambda: window.session() is not None, "the sign-in to finish")
            wait_until(lambda: not dialog.isVisible(), "the dialog to close")

            # A job that does not exist first, so the history list shows more than one kind of result.
            check_job(window, NOT_FOUND_JOB, Outcome.NOT_FOUND.label)

            # -- 03: a processed job, pasted as a whole link --
            check_job(
                window, f"https://cinx.example/partner/exec/{PROCESSED_JOB}/status", Outcome.PROCESSED.label
            )
            save(window.grab(), out, "03-check-job.png")

            # -- 04: a failed job, pasted as a line from an email --
            check_job(window, f"Re: upload {FAILED_JOB} did not go through?", Outcome.FAILED.label)
            save(window.grab(), out, "04-failed-job.png")

            # -- 06: Copy for ticket on the failed job (taken before the watch, so it shows the failure) --
            clipboard = QGuiApplication.clipboard()
            clipboard.clear()
            QTest.mouseClick(window.result_pane.copy_ticket_button, Qt.MouseButton.LeftButton)
            wait_until(lambda: FAILED_JOB in clipboard.text(), "the ticket text on the clipboard")
            ticket = clipboard.text()
            if DEMO_PASSWORD in ticket:
                raise ShotError("the password reached the clipboard")
            settle()
            save(window.grab(), out, "06-copy-for-ticket.png")

            # -- 05: a job being watched --
            window.job_field.edit.clear()
            window.job_field.edit.insert(PROGRESS_JOB)
            QTest.mouseClick(window.watch_button, Qt.MouseButton.LeftButton)
            model = controllers[0].model
            wait_until(lambda: model.rowCount() == 1, "the job in the watch list")
            # The second check answers "Processing" (the first says "Queued"); then a few seconds pass so
            # the times read like a real watch.
            wait_until(
                lambda: getattr(window.result_pane.report(), "status_message", "") == "Processing",
                "the watched job to be processing",
                timeout=40,
            )
            QTest.qWait(4000)
            if not window.watch_label.isVisible() or "next check" not in window.watch_label.text():
                raise ShotError(f"the watch line says {window.watch_label.text()!r}")
            save(window.grab(), out, "05-watch.png")
            return ticket
        finally:
            for controller in controllers:
                controller.shutdown()
            window.shutdown()
            from pig_desktop.ui.system.tasks import shutdown_all

            shutdown_all(5000)
            # Delete the window (and everything parented to it) while Qt is still whole; left to Python's
            # exit, the teardown order can crash the interpreter.
            window.deleteLater()
            # The ticket's QMimeData was made in Python; the offscreen platform's clipboard outlives Python
            # and would delete it at exit (a crash). Clear it while both are alive.
            QGuiApplication.clipboard().clear()
            QTest.qWait(50)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="folder for the PNGs (docs/guide)")
    args = parser.parse_args(argv)
    if not os.environ.get(HOME_ENV):
        print(f"Set {HOME_ENV} to an empty folder, so your real settings and history are not used.")
        return 2
    # No keychain at all: nothing is stored for the demo account, not even in a throw-away keyring.
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", NULL_KEYRING)
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication([sys.argv[0]])
    # The language the app itself would pick (LANGUAGE / LC_ALL / LANG): LANGUAGE=es gives the Spanish guide.
    from pig_desktop import i18n

    i18n.setup("system")
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    try:
        ticket = make_shots(args.out)
    except ShotError as exc:
        print(f"screenshots failed: {exc}", file=sys.stderr)
        return 1
    print(ticket)
    return 0


if __name__ == "__main__":
    sys.exit(main())
