"""Desktop notifications when watched jobs finish, grouped so several at once make one notification.

Finished jobs are collected for ``group_ms`` (2 s); then one notification says what happened: "Job processed"
with the job id and app, or "3 jobs finished: 2 processed, 1 failed". Settings decide whether to notify at all
and whether only problems (failed, not found, gave up) are worth one.

Where it goes:

* Linux with a session bus: straight to the desktop's notification service
  (``org.freedesktop.Notifications``), whatever the tray is (StatusNotifierItem, XEmbed or none), through
  :class:`FreedesktopBackend`. Qt's own tray messages are not used there: on the StatusNotifierItem path
  they carry a generic icon and no actions, and with an XEmbed tray they are Qt balloons that
  never reach the service (nothing in its history).
* No notification service on the bus (or no bus), and on Windows and macOS: the tray's message
  (``QSystemTrayIcon.showMessage``, :class:`TrayBackend`); clicking it opens the job. That code path is kept
  small because it cannot be tested on this project's Linux machines.
* Neither: :class:`NullBackend` (the window still shows everything).

Why jeepney on a thread rather than QtDBus or desktop-notifier: ``Notify`` takes a ``uint32`` replaces-id, a
string list and an ``a{sv}`` of typed hints, which jeepney marshals from an explicit signature
(``susssasa{sv}i``) while PySide6's QtDBus cannot express those types from Python values (a plain
``QDBusInterface.call`` raises TypeError). desktop-notifier would need an asyncio loop next to Qt's (qasync),
another dependency and thread of control, for what is one method and two signals here. jeepney is already
installed on Linux (keyring needs it). The listener thread only reads the socket; everything it hears is
posted to the GUI thread through a queued Qt signal, so the notifier's signals always fire on the GUI thread.

The rest of the app hears about clicks through :class:`Notifier`'s typed signals (``open_job_requested``,
``open_finished_list_requested``, ``copy_ticket_requested``); the notifier never touches the window.
"""

from __future__ import annotations

import html
import logging
import os
import socket
import sys
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.i18n import N_, _, ngettext

log = logging.getLogger(__name__)

__all__ = [
    "ACTION_COPY_TICKET",
    "ACTION_OPEN",
    "FreedesktopBackend",
    "Finished",
    "Message",
    "Notifier",
    "NullBackend",
    "TrayBackend",
    "compose",
    "notification_body",
    "notify_arguments",
]

APP_NAME = "PIG Desktop"
DESKTOP_ENTRY = "io.github.pigdesktop.PigDesktop"
GROUP_MS = 2000
PROBLEMS = ("failed", "not_found", "gave_up")
# D-Bus action keys. "default" is the freedesktop name for a click on the notification itself.
ACTION_OPEN = "default"
ACTION_COPY_TICKET = "copy-ticket"
# The action buttons' labels (translated when a notification is sent).
OPEN_LABEL = N_("Open")
COPY_TICKET_LABEL = N_("Copy for ticket")
# How long a notification stays on screen (the service may ignore it, as GNOME does): a success goes after
# 10 s; a problem stays until the user opens or dismisses it, so someone who stepped away still sees it.
EXPIRE_SUCCESS_MS = 10_000
EXPIRE_NEVER = 0
# Bounds on server-supplied words (the app name) and on the whole body: the server is not trusted.
MAX_APP_CHARS = 60
MAX_BODY_CHARS = 1000
NOTICE = "notice"  # Message.kind of a notice about the app itself (no job, no actions)
GROUP_KEY = "\x00group"  # the replaces-id slot of the grouped notification (no job id can look like it)


@dataclass(frozen=True)
class Finished:
    """One finished watch, as the notifier words it."""

    job_id: str
    kind: str  # "processed", "failed", "not_found", "gave_up"
    app: str = ""
    server: str = ""  # the server the job was checked on (StatusReport.server), passed back with actions

    @property
    def is_problem(self) -> bool:
        return self.kind in PROBLEMS


@dataclass(frozen=True)
class Message:
    """One notification: plain-text title and body, and what its actions act on."""

    title: str
    body: str
    job_id: str  # the job Open shows (for a group: its first problem, used where there is no finished list)
    warning: bool
    kind: str = "processed"  # the outcome whose icon it carries (for a group, the worst one)
    server: str = ""
    jobs: tuple[Finished, ...] = ()

    @property
    def grouped(self) -> bool:
        return len(self.jobs) > 1

    @property
    def key(self) -> str:
        """What a newer notification replaces: the same job again, or the previous group."""
        return GROUP_KEY if self.grouped else f"{self.server}\x00{self.job_id}"

    @property
    def icon_outcome(self) -> str:
        """The outcome icon name (``assets.OUTCOME_NAMES``): a watch given up on is still running; a notice
        about the app itself has none (it carries the app's icon)."""
        if self.kind == NOTICE:
            return ""
        return "running" if self.kind == "gave_up" else self.kind


# Per kind: the short word used in a group's lines, the title of a one-job notification, and its body with
# and without the job's app (whole sentences, so a translator can reorder them).
_WORDS = {
    "processed": (
        N_("processed"),
        N_("Job processed"),
        N_("{app} job {job_id} finished successfully."),
        N_("The job {job_id} finished successfully."),
    ),
    "failed": (
        N_("failed"),
        N_("Job failed"),
        N_("{app} job {job_id} failed. Open it to see why and copy the details for support."),
        N_("The job {job_id} failed. Open it to see why and copy the details for support."),
    ),
    "not_found": (
        N_("not found"),
        N_("Job not found"),
        N_("{app} job {job_id} is not known to CINX. Check the id and the organisation."),
        N_("The job {job_id} is not known to CINX. Check the id and the organisation."),
    ),
    "gave_up": (
        N_("stopped watching"),
        N_("Stopped watching a job"),
        N_(
            "{app} job {job_id} was still not finished after the longest watch time, so PIG Desktop stopped "
            "checking it."
        ),
        N_(
            "The job {job_id} was still not finished after the longest watch time, so PIG Desktop stopped "
            "checking it."
        ),
    ),
}


def _group_count(kind: str, count: int) -> str:
    """ "2 processed", "1 failed": one part of a group's title."""
    if kind == "processed":
        return ngettext("{count} processed", "{count} processed", count).format(count=count)
    if kind == "failed":
        return ngettext("{count} failed", "{count} failed", count).format(count=count)
    if kind == "not_found":
        return ngettext("{count} not found", "{count} not found", count).format(count=count)
    return ngettext("{count} stopped watching", "{count} stopped watching", count).format(count=count)


_WORST_FIRST = ("failed", "not_found", "gave_up", "processed")


def plain_words(text: str, limit: int) -> str:
    """Server text made fit for one line of a notification: no control or format characters, at most
    ``limit`` characters."""
    kept = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)
    kept = " ".join(kept.split())
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


def finished_from(job_id: str, reason: str, report: StatusReport | None) -> Finished:
    app = report.job.app if report is not None and report.job is not None else ""
    server = report.server if report is not None else ""
    if reason == "gave_up":
        kind = "gave_up"
    elif report is not None and report.outcome in (Outcome.PROCESSED, Outcome.FAILED, Outcome.NOT_FOUND):
        kind = report.outcome.value
    else:
        kind = "gave_up"
    return Finished(job_id, kind, app, server)


def compose(items: list[Finished]) -> Message:
    """The words of one notification for one or several finished jobs (plain text)."""
    items = [
        Finished(plain_words(i.job_id, 80), i.kind, plain_words(i.app, MAX_APP_CHARS), i.server)
        for i in items
    ]
    if len(items) == 1:
        item = items[0]
        _word, title, with_app, without_app = _WORDS[item.kind]
        sentence = _(with_app) if item.app else _(without_app)
        body = sentence.format(app=item.app, job_id=item.job_id)
        return Message(_(title), body, item.job_id, item.is_problem, item.kind, item.server, (item,))
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    order = ("processed", "failed", "not_found", "gave_up")
    # TRANSLATORS: separates the counts in "3 jobs finished: 2 processed, 1 failed".
    parts = _(", ").join(_group_count(k, counts[k]) for k in order if k in counts)
    title = ngettext("{count} job finished: {counts}", "{count} jobs finished: {counts}", len(items)).format(
        count=len(items), counts=parts
    )
    lines = [
        (_("{job_id} ({outcome}, {app})") if i.app else _("{job_id} ({outcome})")).format(
            job_id=i.job_id, outcome=_(_WORDS[i.kind][0]), app=i.app
        )
        for i in items[:5]
    ]
    if len(items) > 5:
        rest = len(items) - 5
        lines.append(ngettext("…and {count} more", "…and {count} more", rest).format(count=rest))
    first_problem = next((i for i in items if i.is_problem), items[0])
    worst = next(k for k in _WORST_FIRST if k in counts)
    return Message(
        title,
        "\n".join(lines),
        first_problem.job_id,
        any(i.is_problem for i in items),
        worst,
        first_problem.server,
        tuple(items),
    )


def notification_body(text: str, markup: bool) -> str:
    """The body as the service must get it: escaped where it reads markup (so ``<b>`` or ``&`` from a server
    shows as typed, never as formatting or a link), as is where it shows plain text."""
    text = text if len(text) <= MAX_BODY_CHARS else text[: MAX_BODY_CHARS - 1] + "…"
    return html.escape(text, quote=False) if markup else text


def outcome_icon_file(outcome: str) -> str:
    """The path of an outcome's icon file (the app's icon for ""), or "" when the installation lacks it (the
    service then shows its default icon)."""
    try:
        from pig_desktop import assets

        return str(assets.outcome_icon_path(outcome) if outcome else assets.app_icon_path(64))
    except (OSError, ValueError) as exc:
        log.warning("no icon for a %s notification: %s", outcome, exc)
        return ""


def notify_arguments(message: Message, capabilities: frozenset[str], replaces_id: int = 0) -> tuple[Any, ...]:
    """The arguments of the Notify call (signature ``susssasa{sv}i``) for ``message``, for a service with
    these ``GetCapabilities``."""
    actions: list[str] = []
    if "actions" in capabilities and message.job_id:
        actions = [ACTION_OPEN, _(OPEN_LABEL)]
        if not message.grouped:  # a group has no one job to copy
            actions += [ACTION_COPY_TICKET, _(COPY_TICKET_LABEL)]
    hints: dict[str, tuple[str, Any]] = {"urgency": ("y", 1), "desktop-entry": ("s", DESKTOP_ENTRY)}
    icon = outcome_icon_file(message.icon_outcome)
    if icon:
        hints["image-path"] = ("s", icon)  # the spec's preferred way; app_icon too, for older services
    timeout = EXPIRE_NEVER if message.warning else EXPIRE_SUCCESS_MS
    body = notification_body(message.body, "body-markup" in capabilities)
    return (APP_NAME, replaces_id, icon, message.title, body, actions, hints, timeout)


OnAction = Callable[[str, Message], None]  # (ACTION_OPEN or ACTION_COPY_TICKET, the message it came from)


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
    """The tray's message (a balloon, or the platform's toast on Windows and macOS); a click is Open.

    Used only where there is no freedesktop notification service, so kept small; it has no second action.
    """

    name = "tray"

    def __init__(self, tray: Any, on_action: OnAction) -> None:
        self._tray = tray
        self._last: Message | None = None
        tray.message_clicked.connect(self._clicked)
        self._on_action = on_action

    def _clicked(self) -> None:
        if self._last is not None:
            self._on_action(ACTION_OPEN, self._last)

    def send(self, message: Message) -> bool:
        self._last = message
        return bool(self._tray.show_message(message.title, message.body, warning=message.warning))

    def close(self) -> None:
        pass


class _Relay(QObject):
    # Emitted from the listener thread only, so the connections queue and the slots run on the GUI thread.
    action = Signal(str, object)  # action key, Message
    ready = Signal(bool)  # the service answered (True) or there is none (False)


class FreedesktopBackend:
    """``org.freedesktop.Notifications`` over jeepney.

    One daemon thread owns one session-bus connection: it connects and asks ``GetCapabilities`` (off the GUI
    thread; the call also starts a service that is D-Bus-activatable), then listens for method returns (the
    id of each notification) and the ``ActionInvoked``/``NotificationClosed`` signals. ``send`` only writes
    the Notify message to the socket. Until the service has answered, messages wait; if there turns out to
    be no service, ``on_unavailable`` gets them so another backend can show them.

    Each notification replaces the one still on screen for the same job, and a group replaces the previous
    group, so a job watched again or several groups in a row do not pile up.
    """

    name = "dbus"

    def __init__(
        self,
        on_action: OnAction,
        *,
        on_unavailable: Callable[[list[Message]], None] | None = None,
        connect_timeout: float = 5.0,
        bus: str = "SESSION",
    ) -> None:
        self._relay = _Relay()
        # Only the listener thread emits, so Qt's automatic connection queues: the slots run on the GUI
        # thread, where the relay was made. (Naming Qt.ConnectionType.QueuedConnection here would create
        # PySide6's whole ``Qt`` namespace at a start in the tray; test_notify.py checks the thread.)
        self._relay.action.connect(on_action)
        self._on_unavailable = on_unavailable
        self._relay.ready.connect(self._ready_on_gui_thread)
        self._connect_timeout = connect_timeout
        self._bus = bus  # "SESSION", or a bus address (tests)
        self.capabilities: frozenset[str] = frozenset()
        self.available: bool | None = None  # None until the service answered
        self._conn: Any = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._pending: list[Message] = []
        self._handed_over = False
        self._by_serial: dict[int, Message] = {}
        self._by_id: dict[int, Message] = {}
        self._id_of_key: dict[str, int] = {}
        # The bus name of the service that answers our calls: only its signals count (any client on the bus
        # can send a signal that looks like ActionInvoked). Updated with each answer, so a restarted service
        # is followed.
        self._service = ""
        self._thread = threading.Thread(target=self._run, name="pig-notify-dbus", daemon=True)
        self._thread.start()

    @staticmethod
    def possible() -> bool:
        return sys.platform.startswith("linux") and bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Wait until the service has answered; True when notifications go to it."""
        return self._ready.wait(timeout) and bool(self.available)

    def shown_ids(self) -> dict[str, int]:
        """The id of each notification still on screen, by what replaces it (:attr:`Message.key`); empty
        until the service has answered each Notify."""
        with self._lock:
            return dict(self._id_of_key)

    def answered(self) -> bool:
        """True when the service has answered every Notify sent so far (with an id or an error)."""
        with self._lock:
            return not self._by_serial and not self._pending

    def send(self, message: Message) -> bool:
        with self._lock:
            if self.available is False:
                if self._on_unavailable is None or self._handed_over:
                    return False
                # The service is missing but the GUI thread has not heard yet: the fallback gets it too.
                self._pending.append(message)
                return True
            if self._conn is None:
                self._pending.append(message)
                return True
            return self._send_locked(message)

    def _send_locked(self, message: Message) -> bool:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(
            "/org/freedesktop/Notifications",
            bus_name="org.freedesktop.Notifications",
            interface="org.freedesktop.Notifications",
        )
        replaces = self._id_of_key.get(message.key, 0)
        arguments = notify_arguments(message, self.capabilities, replaces)
        call = new_method_call(address, "Notify", "susssasa{sv}i", arguments)
        serial = next(self._conn.outgoing_serial)
        self._by_serial[serial] = message
        try:
            self._conn.send(call, serial=serial)
        except OSError as exc:
            log.warning("could not send a desktop notification: %s", exc)
            self._by_serial.pop(serial, None)
            return False
        return True

    def _ready_on_gui_thread(self, available: bool) -> None:
        if available or self._on_unavailable is None:
            return
        with self._lock:
            pending, self._pending = self._pending, []
            self._handed_over = True
        self._on_unavailable(pending)

    def _connect(self) -> Any:
        from jeepney import DBusAddress, HeaderFields, new_method_call
        from jeepney.bus_messages import MatchRule, message_bus
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg

        conn = open_dbus_connection(bus=self._bus)
        try:
            rule = MatchRule(type="signal", interface="org.freedesktop.Notifications")
            conn.send(message_bus.AddMatch(rule))
            address = DBusAddress(
                "/org/freedesktop/Notifications",
                bus_name="org.freedesktop.Notifications",
                interface="org.freedesktop.Notifications",
            )
            reply = conn.send_and_get_reply(
                new_method_call(address, "GetCapabilities"), timeout=self._connect_timeout
            )
            (capabilities,) = unwrap_msg(reply)
            self._service = str(reply.header.fields.get(HeaderFields.sender, ""))
        except BaseException:
            conn.close()
            raise
        self.capabilities = frozenset(str(c) for c in capabilities)
        return conn

    def _run(self) -> None:
        try:
            conn = self._connect()
        except Exception as exc:  # no bus, no service, refused: the fallback shows them
            log.info("no desktop notification service (%s); using the tray's messages", exc)
            with self._lock:
                self.available = False
            self._ready.set()
            self._relay.ready.emit(False)
            return
        offers = ", ".join(sorted(self.capabilities))
        log.info("desktop notifications go to the notification service; it offers %s", offers)
        with self._lock:
            self._conn = conn
            self.available = True
            pending, self._pending = self._pending, []
            for message in pending:
                self._send_locked(message)
        self._ready.set()
        self._relay.ready.emit(True)
        self._listen(conn)

    def _listen(self, conn: Any) -> None:
        from jeepney import HeaderFields, MessageType

        while True:
            try:
                msg = conn.receive()
            except (OSError, ValueError, TimeoutError):
                return  # closed
            fields = msg.header.fields
            kind = msg.header.message_type
            if kind == MessageType.method_return:
                with self._lock:
                    sent = self._by_serial.pop(fields.get(HeaderFields.reply_serial, -1), None)
                    if sent is not None and msg.body and isinstance(msg.body[0], int):
                        self._service = str(fields.get(HeaderFields.sender, ""))
                        notification_id = msg.body[0]
                        self._by_id[notification_id] = sent
                        self._id_of_key[sent.key] = notification_id
            elif kind == MessageType.error:
                with self._lock:
                    self._by_serial.pop(fields.get(HeaderFields.reply_serial, -1), None)
                log.warning("the notification service refused a notification: %s", msg.body)
            elif kind == MessageType.signal and fields.get(HeaderFields.sender) == self._service:
                self._signal(str(fields.get(HeaderFields.member, "")), tuple(msg.body))

    def _signal(self, member: str, body: tuple[Any, ...]) -> None:
        if not body or not isinstance(body[0], int):
            return
        notification_id = body[0]
        if member == "ActionInvoked" and len(body) == 2:
            with self._lock:
                message = self._by_id.get(notification_id)
            if message is not None and body[1] in (ACTION_OPEN, ACTION_COPY_TICKET):
                self._relay.action.emit(str(body[1]), message)
        elif member == "NotificationClosed":
            with self._lock:
                message = self._by_id.pop(notification_id, None)
                if message is not None and self._id_of_key.get(message.key) == notification_id:
                    del self._id_of_key[message.key]

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            self.available = False
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
    ``notify_failures_only``). The signals say what the user asked for from a notification; the notifier
    does not act on them itself.
    """

    open_job_requested = Signal(str, str)  # job_id, server: Open on one job's notification
    open_finished_list_requested = Signal()  # Open on a grouped notification: show the finished jobs
    copy_ticket_requested = Signal(str, str)  # job_id, server: "Copy for ticket" on one job's notification
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
        self._fallback: Backend = NullBackend()
        self._pending: list[Finished] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(group_ms)
        self._timer.timeout.connect(self.flush)

    @classmethod
    def for_desktop(
        cls,
        settings: Callable[[], Any],
        tray: Any | None,
        parent: QObject | None = None,
        *,
        group_ms: int = GROUP_MS,
    ) -> Notifier:
        """Pick the backend: the notification service on Linux (the tray's messages only if there is none),
        the tray's messages elsewhere, else none."""
        notifier = cls(settings, parent=parent, group_ms=group_ms)
        if tray is not None and getattr(tray, "available", False):
            notifier._fallback = TrayBackend(tray, notifier.act)
        if FreedesktopBackend.possible():
            notifier.backend = FreedesktopBackend(notifier.act, on_unavailable=notifier._service_missing)
        else:
            notifier.backend = notifier._fallback
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

    def show_notice(self, title: str, body: str) -> None:
        """A notice about the app itself (e.g. "still watching in the tray"), the same way as the jobs' ones:
        app icon, no actions, not grouped, regardless of the notification settings."""
        message = Message(title, body, "", False, NOTICE)
        self.backend.send(message)
        self.sent.emit(message)

    def act(self, action: str, message: Message) -> None:
        """What a notification's action asks for, as this notifier's signals (on the GUI thread)."""
        if not message.job_id:
            return  # a notice: nothing to open
        if action == ACTION_COPY_TICKET and not message.grouped:
            self.copy_ticket_requested.emit(message.job_id, message.server)
        elif action == ACTION_OPEN and message.grouped:
            self.open_finished_list_requested.emit()
        elif action == ACTION_OPEN:
            self.open_job_requested.emit(message.job_id, message.server)

    def _service_missing(self, waiting: list[Message]) -> None:
        self.backend.close()
        self.backend = self._fallback
        for message in waiting:
            self.backend.send(message)

    def close(self) -> None:
        self._timer.stop()
        self.backend.close()
