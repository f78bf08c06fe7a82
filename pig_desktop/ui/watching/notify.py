"""Desktop notifications when watched jobs finish, grouped so several at once make one notification.

Finished jobs are collected for ``group_ms`` (2 s); then one notification says what happened: "Job processed"
with the job id and app, or "3 jobs finished: 2 processed, 1 failed". Settings decide whether to notify at all
and whether only problems (failed, not found, gave up) are worth one.

Where it goes, best first:
1. the tray (``QSystemTrayIcon.showMessage``); clicking it opens the job (``messageClicked``);
2. with no tray, on Linux: straight to ``org.freedesktop.Notifications`` over D-Bus with jeepney, with a
   "default" action "Open"; a small listener thread hears ``ActionInvoked`` and opens the job;
3. otherwise nowhere (:class:`NullBackend`): the window still shows everything.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from pig_desktop.core.outcome import Outcome, StatusReport

log = logging.getLogger(__name__)

__all__ = ["DBusBackend", "Finished", "Notifier", "NullBackend", "TrayBackend", "compose"]

APP_NAME = "PIG Desktop"
GROUP_MS = 2000
PROBLEMS = ("failed", "not_found", "gave_up")


@dataclass(frozen=True)
class Finished:
    """One finished watch, as the notifier words it."""

    job_id: str
    kind: str  # "processed", "failed", "not_found", "gave_up"
    app: str = ""

    @property
    def is_problem(self) -> bool:
        return self.kind in PROBLEMS


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    job_id: str  # the job a click opens
    warning: bool


_WORDS = {
    "processed": ("processed", "Job processed", "finished successfully."),
    "failed": ("failed", "Job failed", "failed. Open it to see why and copy the details for support."),
    "not_found": ("not found", "Job not found", "is not known to CINX. Check the id and the organisation."),
    "gave_up": (
        "stopped watching",
        "Stopped watching a job",
        "was still not finished after the longest watch time, so PIG Desktop stopped checking it.",
    ),
}


def finished_from(job_id: str, reason: str, report: StatusReport | None) -> Finished:
    app = report.job.app if report is not None and report.job is not None else ""
    if reason == "gave_up":
        kind = "gave_up"
    elif report is not None and report.outcome in (Outcome.PROCESSED, Outcome.FAILED, Outcome.NOT_FOUND):
        kind = report.outcome.value
    else:
        kind = "gave_up"
    return Finished(job_id, kind, app)


def compose(items: list[Finished]) -> Message:
    """The words of one notification for one or several finished jobs."""
    if len(items) == 1:
        item = items[0]
        _, title, sentence = _WORDS[item.kind]
        app = f"{item.app} job" if item.app else "The job"
        return Message(title, f"{app} {item.job_id} {sentence}", item.job_id, item.is_problem)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    order = ("processed", "failed", "not_found", "gave_up")
    parts = [f"{counts[k]} {_WORDS[k][0]}" for k in order if k in counts]
    title = f"{len(items)} jobs finished: {', '.join(parts)}"
    lines = [f"{i.job_id} ({_WORDS[i.kind][0]}{', ' + i.app if i.app else ''})" for i in items[:5]]
    if len(items) > 5:
        lines.append(f"…and {len(items) - 5} more")
    first_problem = next((i for i in items if i.is_problem), items[0])
    return Message(title, "\n".join(lines), first_problem.job_id, any(i.is_problem for i in items))


class Backend(Protocol):
    name: str

    def send(self, message: Message) -> bool: ...

    def close(self) -> None: ...


class NullBackend:
    """Shows nothing: the do-nothing fallback."""

    name = "none"

    def send(self, message: Message) -> bool:
        log.info("notification not shown (no tray, no notification service): %s", message.title)
        return False

    def close(self) -> None:
        pass


class TrayBackend:
    """Through the tray icon: Qt makes a balloon (XEmbed) or a D-Bus notification (StatusNotifierItem)."""

    name = "tray"

    def __init__(self, tray: Any, clicked: Callable[[str], None]) -> None:
        self._tray = tray
        self._last_job = ""
        tray.message_clicked.connect(lambda: clicked(self._last_job) if self._last_job else None)

    def send(self, message: Message) -> bool:
        self._last_job = message.job_id
        return bool(self._tray.show_message(message.title, message.body, warning=message.warning))

    def close(self) -> None:
        pass


class _Relay(QObject):
    action = Signal(str)  # job_id; emitted from the listener thread, delivered queued to the GUI thread


class DBusBackend:
    """org.freedesktop.Notifications over jeepney, for Linux desktops without a tray.

    One daemon thread owns one session-bus connection: it connects (off the GUI thread), then listens for
    method returns (the notification id of each Notify) and ``ActionInvoked``. ``send`` only writes the Notify
    message to the socket, which never blocks for long on a local socket.
    """

    name = "dbus"

    def __init__(self, clicked: Callable[[str], None], *, icon: str = "", timeout_ms: int = 10000) -> None:
        self._relay = _Relay()
        self._relay.action.connect(clicked)
        self._icon = icon
        self._timeout_ms = timeout_ms
        self._conn: Any = None
        self._ready = threading.Event()
        self._failed = False
        self._lock = threading.Lock()
        self._pending: list[Message] = []
        self._by_serial: dict[int, str] = {}
        self._by_id: dict[int, str] = {}
        self._thread = threading.Thread(target=self._run, name="pig-notify-dbus", daemon=True)
        self._thread.start()

    @staticmethod
    def possible() -> bool:
        import os

        return sys.platform.startswith("linux") and bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))

    def wait_ready(self, timeout: float = 5.0) -> bool:
        return self._ready.wait(timeout) and not self._failed

    def _notify_message(self, message: Message) -> Any:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(
            "/org/freedesktop/Notifications",
            bus_name="org.freedesktop.Notifications",
            interface="org.freedesktop.Notifications",
        )
        hints = {"urgency": ("y", 1), "desktop-entry": ("s", "io.github.pigdesktop.PigDesktop")}
        return new_method_call(
            address,
            "Notify",
            "susssasa{sv}i",
            (
                APP_NAME,
                0,
                self._icon,
                message.title,
                message.body,
                ["default", "Open"],
                hints,
                self._timeout_ms,
            ),
        )

    def send(self, message: Message) -> bool:
        with self._lock:
            if self._failed:
                return False
            if self._conn is None:
                self._pending.append(message)
                return True
            return self._send_locked(message)

    def _send_locked(self, message: Message) -> bool:
        serial = next(self._conn.outgoing_serial)
        self._by_serial[serial] = message.job_id
        try:
            self._conn.send(self._notify_message(message), serial=serial)
        except OSError as exc:
            log.warning("could not send a desktop notification: %s", exc)
            return False
        return True

    def _run(self) -> None:
        from jeepney import HeaderFields, MessageType
        from jeepney.bus_messages import MatchRule, message_bus
        from jeepney.io.blocking import open_dbus_connection

        try:
            conn = open_dbus_connection(bus="SESSION")
            rule = MatchRule(type="signal", interface="org.freedesktop.Notifications")
            conn.send(message_bus.AddMatch(rule))
        except Exception as exc:  # no bus, refused: notifications simply do not show
            log.warning("no D-Bus session for notifications: %s", exc)
            with self._lock:
                self._failed = True
            self._ready.set()
            return
        with self._lock:
            self._conn = conn
            pending, self._pending = self._pending, []
            for message in pending:
                self._send_locked(message)
        self._ready.set()
        while True:
            try:
                msg = conn.receive()
            except (OSError, ValueError, TimeoutError):
                return  # closed
            fields = msg.header.fields
            kind = msg.header.message_type
            if kind == MessageType.method_return:
                with self._lock:
                    job = self._by_serial.pop(fields.get(HeaderFields.reply_serial, -1), None)
                    if job is not None and msg.body:
                        self._by_id[int(msg.body[0])] = job
            elif kind == MessageType.error:
                with self._lock:
                    self._by_serial.pop(fields.get(HeaderFields.reply_serial, -1), None)
                log.warning("the notification service refused a notification: %s", msg.body)
            elif kind == MessageType.signal:
                member = fields.get(HeaderFields.member)
                if member == "ActionInvoked" and len(msg.body) == 2:
                    with self._lock:
                        job = self._by_id.get(int(msg.body[0]))
                    if job is not None and msg.body[1] in ("default", "open"):
                        self._relay.action.emit(job)
                elif member == "NotificationClosed" and msg.body:
                    with self._lock:
                        self._by_id.pop(int(msg.body[0]), None)

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            self._failed = True
        if conn is not None:
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        self._thread.join(timeout=2.0)


class Notifier(QObject):
    """Collects finished watches for a moment and sends one notification for them.

    ``settings`` returns the current ``store.settings.Settings`` (``notifications``,
    ``notify_failures_only``).
    """

    job_clicked = Signal(str)  # open this job's details
    sent = Signal(object)  # Message: what was shown (for the status bar and tests)

    def __init__(
        self,
        settings: Callable[[], Any],
        backend: Backend | None = None,
        *,
        group_ms: int = GROUP_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.backend: Backend = backend or NullBackend()
        self._pending: list[Finished] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(group_ms)
        self._timer.timeout.connect(self.flush)

    @classmethod
    def for_desktop(
        cls, settings: Callable[[], Any], tray: Any | None, parent: QObject | None = None
    ) -> Notifier:
        """Pick the backend: the tray if there is one, else D-Bus on Linux, else none."""
        notifier = cls(settings, parent=parent)
        if tray is not None and getattr(tray, "available", False):
            notifier.backend = TrayBackend(tray, notifier.job_clicked.emit)
        elif DBusBackend.possible():
            notifier.backend = DBusBackend(notifier.job_clicked.emit, icon=_icon_path())
        return notifier

    def job_finished(self, job_id: str, reason: str, report: StatusReport | None) -> None:
        """Slot for PollingService.watch_finished."""
        self.add(finished_from(job_id, reason, report))

    def add(self, item: Finished) -> None:
        settings = self._settings()
        if not getattr(settings, "notifications", True):
            return
        if getattr(settings, "notify_failures_only", False) and not item.is_problem:
            return
        self._pending.append(item)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        items, self._pending = self._pending, []
        if not items:
            return
        message = compose(items)
        self.backend.send(message)
        self.sent.emit(message)

    def close(self) -> None:
        self._timer.stop()
        self.backend.close()


def _icon_path() -> str:
    try:
        from pig_desktop import assets

        return str(assets.app_icon_path(64))
    except (OSError, ValueError):
        return ""
