"""The one polling thread that checks every watched job in the background.

One long-lived QThread owns one :class:`~pig_desktop.core.client.CinxClient` (one connection pool) and a
:class:`~pig_desktop.core.scheduler.Scheduler`.
The GUI talks to it only through commands put on a list under a
``threading.Condition``; the thread sleeps on that condition with a timeout equal to the time until the next
check may run, so between checks it uses no CPU: no busy loop, and no tick at all while nothing is watched.
Results go back as Qt signals carrying frozen objects (``StatusReport``, ``WatchState``); the signals
belong to this object, which lives in the GUI thread, so they reach GUI slots queued.

Each check is exactly one request (``check_once``, no retries inside), so every request passes the scheduler's
rate cap; the scheduler's own backoff takes the place of the client's retries.

Changing the session (sign-in, another organisation, sign-out) while a check is in flight aborts that check
(the client closes its sockets) and, in case the answer was already on its way, a generation number makes the
thread throw away any result that belongs to the old session. Each session sees only its own watched jobs;
the others stay in the store and come back when that session does.

Shutdown: ``requestInterruption()`` + ``client.abort()`` + wake + ``wait()``; never ``terminate()``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from pig_desktop.core.client import CinxClient
from pig_desktop.core.connection import Connection
from pig_desktop.core.errors import Cancelled, InvalidJobId, PigError
from pig_desktop.core.jobid import extract_job_id
from pig_desktop.core.outcome import Outcome, StatusReport, error_report
from pig_desktop.core.policy import WatchPolicy
from pig_desktop.core.rate import RateLimiter
from pig_desktop.core.scheduler import (
    DEFAULT_RATE,
    REASON_STOPPED,
    Scheduler,
    WatchedJob,
    WatchState,
    to_datetime,
)
from pig_desktop.core.servers import normalize_server
from pig_desktop.core.session import Session
from pig_desktop.i18n import N_, _
from pig_desktop.store.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["PollingService", "WatchState", "policy_from_settings"]

# While jobs are watched the thread wakes at least this often, only to notice a suspend: Python's timed waits
# run on the monotonic clock, which stops while the machine sleeps.
SLEEP_PROBE_S = 30.0

# Translated when emitted (N_ marks them for extraction).
MSG_SIGN_IN_FIRST = N_("Sign in first, then watch the job again.")
MSG_HELD = N_(
    "Watching is paused because CINX did not accept your sign-in. Sign in again and watching carries on."
)
MSG_STORE = N_("Couldn't save the list of watched jobs. Watching goes on, but may not survive a restart.")
MSG_BROKEN = N_(
    "Background checks stopped because of an unexpected problem. Restart PIG Desktop to watch jobs again."
)


def policy_from_settings(settings: Settings) -> WatchPolicy:
    """A WatchPolicy from the settings (poll_interval, watch_max_hours)."""
    return WatchPolicy(
        base_interval=float(settings.poll_interval), max_duration=settings.watch_max_hours * 3600.0
    )


@dataclass(frozen=True)
class _Command:
    name: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class _SessionKey:
    server: str
    token: str


class _PollThread(QThread):
    """Runs the service's loop; a QThread so Qt knows it and ``isInterruptionRequested`` works."""

    def __init__(self, service: PollingService) -> None:
        super().__init__()
        self._service = service
        self.setObjectName("pig-polling")

    def run(self) -> None:
        self._service._run(self)


class PollingService(QObject):
    """Watches jobs in one background thread. Every public method is safe to call from the GUI thread at any
    time (also before :meth:`start` and after :meth:`shutdown`, when it does nothing)."""

    report = Signal(str, object)  # job_id, StatusReport: every check's result
    watch_changed = Signal(object)  # WatchState: added, checking, checked
    watch_finished = Signal(str, str, object)  # job_id, reason ("final"/"gave_up"), StatusReport | None
    watch_removed = Signal(str)  # job_id: stopped watching (by the user)
    watches_reset = Signal(object)  # tuple[WatchState, ...]: the whole list (start, session change)
    paused_changed = Signal(bool)
    problem = Signal(str, str)  # plain message, technical detail
    #: tuple[WatchEntry, ...]: the session's finished jobs, latest first (after each change to them)
    finished_changed = Signal(object)

    def __init__(
        self,
        store: Any | None = None,
        *,
        rate: float = DEFAULT_RATE,
        policy: WatchPolicy | None = None,
        client_factory: Callable[[Connection], CinxClient] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store  # store.watchlist.WatchStore, or None to keep nothing
        self._client_factory = client_factory or CinxClient
        self._cond = threading.Condition()
        self._commands: list[_Command] = []
        self._generation = 0
        self._stop = False
        self._client: CinxClient | None = None  # read by other threads only to abort() it
        self._in_flight = False
        self._thread: _PollThread | None = None
        # Owned by the polling thread from start() on:
        self._scheduler = Scheduler(policy, rate)
        self._session: Session | None = None
        self._key: _SessionKey | None = None
        self._last: dict[str, StatusReport] = {}
        self._held_told = False
        self._store_told = False
        # The window's shared limiter (batches, other organisations): every watch check takes a slot in it
        # too, so all the app's checks together stay within one cap. Set before start() or from any thread;
        # ``_interrupt`` cuts a wait for a slot short (shutdown, a new session).
        self._limiter: RateLimiter | None = None
        self._interrupt = threading.Event()

    # -- commands (any thread) -------------------------------------------------------------------------------

    def _send(self, name: str, *args: Any) -> None:
        with self._cond:
            self._commands.append(_Command(name, args))
            self._cond.notify()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = _PollThread(self)
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def share_limiter(self, limiter: RateLimiter | None) -> None:
        """Take a slot of ``limiter`` before each check (the window's one cap for all its checks)."""
        self._limiter = limiter

    def set_session(self, session: Session | None) -> None:
        """New credentials, organisation or sign-out. A check in flight for the old session is aborted and its
        result, if any, thrown away."""
        with self._cond:
            self._generation += 1
            self._commands.append(_Command("session", (session, self._generation)))
            self._interrupt.set()
            client, flying = self._client, self._in_flight
            self._cond.notify()
        if client is not None and flying:
            client.abort()

    def watch(self, job_id: str, organisation: str = "") -> None:
        self._send("watch", job_id, organisation)

    def unwatch(self, job_id: str) -> None:
        self._send("unwatch", job_id)

    def unwatch_all(self) -> None:
        self._send("unwatch_all")

    def remove_finished(self, job_id: str) -> None:
        """Take a finished job off the list (the user's Remove)."""
        self._send("remove_finished", job_id)

    def clear_finished(self) -> None:
        """Take every finished job of the session off the list (Clear finished)."""
        self._send("clear_finished")

    def mark_seen(self, job_id: str | None = None) -> None:
        """The user has opened this finished job (None: all of them)."""
        self._send("mark_seen", job_id)

    def pause(self) -> None:
        self._send("pause")

    def resume(self) -> None:
        self._send("resume")

    def check_now(self, job_id: str) -> None:
        self._send("check_now", job_id)

    def wake(self) -> None:
        """The network came back (or the machine woke): run due checks now, forgetting error backoffs."""
        self._send("wake")

    def set_rate(self, rate: float) -> None:
        self._send("rate", float(rate))

    def set_policy(self, policy: WatchPolicy) -> None:
        self._send("policy", policy)

    def apply_settings(self, settings: Settings) -> None:
        """Take the rate cap, interval and maximum watch time from the settings."""
        self.set_rate(float(settings.watch_rate_limit))
        self.set_policy(policy_from_settings(settings))

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the thread: interrupt, abort the request in flight, wake, wait. True if it ended in time."""
        thread = self._thread
        with self._cond:
            self._stop = True
            self._interrupt.set()
            client = self._client
            self._cond.notify_all()
        if thread is None:
            return True
        thread.requestInterruption()
        if client is not None:
            client.abort()
        ended = thread.wait(max(0, int(timeout_ms)))
        if not ended:
            # Never terminate(): a killed thread can leave the pool or SQLite half-way. Keep the object
            # alive so Qt does not destroy a running thread; it ends when its socket read returns.
            log.warning("polling thread did not stop within %d ms", timeout_ms)
        return bool(ended)

    # -- the thread ------------------------------------------------------------------------------------------

    def _run(self, thread: QThread) -> None:
        try:
            self._loop(thread)
        except Exception as exc:  # never die silently in a thread
            log.exception("polling thread failed")
            self.problem.emit(_(MSG_BROKEN), f"{type(exc).__name__}: {exc}")
        finally:
            with self._cond:
                client, self._client = self._client, None
            if client is not None:
                client.close()

    def _stopping(self, thread: QThread) -> bool:
        return self._stop or thread.isInterruptionRequested()

    def _loop(self, thread: QThread) -> None:
        sched = self._scheduler
        while True:
            with self._cond:
                commands, self._commands = self._commands, []
                generation = self._generation
                if not self._stop:
                    self._interrupt.clear()  # set by a session change now being applied
            if self._stopping(thread):
                return
            for command in commands:
                self._apply(command)
            now = time.time()
            sched.observe_clock(now, time.monotonic())
            batch = sched.due(now) if self._session is not None else []
            for index, job in enumerate(batch):
                if self._stopping(thread) or self._generation_changed(generation):
                    for rest in batch[index:]:
                        sched.release(rest.job_id, time.time())
                    break
                self._check(job, generation)
            if batch:
                continue  # more may be due; due() itself enforces the cap
            with self._cond:
                if self._commands or self._stop:
                    continue
                wait = sched.next_wake(time.time()) if self._session is not None else None
                if wait is not None:
                    wait = min(wait, SLEEP_PROBE_S)
                self._cond.wait(wait)

    def _generation_changed(self, generation: int) -> bool:
        with self._cond:
            return self._generation != generation

    def _check(self, job: WatchedJob, generation: int) -> None:
        sched = self._scheduler
        client = self._client
        if client is None:
            sched.release(job.job_id, time.time())
            return
        limiter = self._limiter
        if limiter is not None:
            if not limiter.acquire(self._interrupt) or self._generation_changed(generation):
                sched.release(job.job_id, time.time())
                return
        self.watch_changed.emit(self._state(job.job_id, checking=True))
        with self._cond:
            self._in_flight = True
        try:
            report = client.check_once(job.job_id)
        except Cancelled:
            report = None
        except Exception as exc:  # check_once should not raise; if it does, it is one failed check
            log.exception("check of %s failed", job.job_id)
            report = error_report(
                job.job_id,
                _("Couldn't check this job. Watching tries again at the next check."),
                f"{type(exc).__name__}: {exc}",
                transient=True,
                server=client.server,
            )
        finally:
            with self._cond:
                self._in_flight = False
        now = time.time()
        if report is None or self._generation_changed(generation):
            # Aborted, or the answer belongs to a session that is no longer the current one: drop it.
            sched.release(job.job_id, now)
            return
        verdict = sched.record(job.job_id, report, now)
        if verdict.finished == REASON_STOPPED:
            return  # unwatched meanwhile
        self._last[job.job_id] = report
        self.report.emit(job.job_id, report)
        if verdict.finished is not None:
            self._last.pop(job.job_id, None)
            # The finished job stays on the list (until the user removes it), with its final answer.
            self._persist_finished(job.job_id, report, now)
            state = WatchState(
                job_id=job.job_id,
                started_at=to_datetime(job.started_at) or datetime.now(UTC),
                organisation=job.organisation,
                last_checked_at=to_datetime(now),
                last_report=report,
                finished_reason=verdict.finished,
                checks=job.checks + 1,
            )
            self.watch_changed.emit(state)
            self.watch_finished.emit(job.job_id, verdict.finished, report)
            self._emit_finished()
            return
        self._persist_check(job.job_id, report, now)
        self.watch_changed.emit(self._state(job.job_id))
        if verdict.hold and not self._held_told:
            self._held_told = True
            self.problem.emit(_(MSG_HELD), report.detail)

    # -- commands, applied on the thread ---------------------------------------------------------------------

    def _apply(self, command: _Command) -> None:
        sched = self._scheduler
        now = time.time()
        name, args = command.name, command.args
        if name == "session":
            self._apply_session(args[0])
        elif name == "watch":
            self._add(args[0], args[1], now)
        elif name == "unwatch":
            job_id = _canonical(args[0]) or args[0]
            if sched.remove(job_id):
                self._last.pop(job_id, None)
                self._forget(job_id)
                self.watch_removed.emit(job_id)
        elif name == "unwatch_all":
            for job in sched.jobs():
                sched.remove(job.job_id)
                self._forget(job.job_id)
                self.watch_removed.emit(job.job_id)
            self._last.clear()
        elif name in ("remove_finished", "clear_finished", "mark_seen"):
            self._change_finished(name, args)
        elif name == "pause":
            sched.pause()
            self.paused_changed.emit(True)
        elif name == "resume":
            sched.resume(now)
            self.paused_changed.emit(False)
            self._emit_all()
        elif name == "check_now":
            job_id = _canonical(args[0]) or args[0]
            if sched.make_due(job_id, now):
                self.watch_changed.emit(self._state(job_id))
        elif name == "wake":
            sched.wake(now)
            self._emit_all()
        elif name == "rate":
            sched.set_rate(args[0])
        elif name == "policy":
            sched.set_policy(args[0])

    def _apply_session(self, session: Session | None) -> None:
        sched = self._scheduler
        sched.clear()
        self._last.clear()
        self._held_told = False
        self._session = session
        self._key = None
        if session is None:
            self.watches_reset.emit(())
            self.finished_changed.emit(())
            return
        connection = session.connection
        try:
            self._key = _SessionKey(normalize_server(connection.server), connection.api_token)
            if self._client is None:
                client = self._client_factory(connection)
                with self._cond:
                    self._client = client
            else:
                self._client.set_connection(connection)
        except PigError as exc:
            self._session = None
            self.problem.emit(exc.message, exc.detail)
            self.watches_reset.emit(())
            return
        now = time.time()
        for entry in self._stored():
            job = sched.add(
                entry.job_id,
                now,
                started_at=entry.started_at.timestamp(),
                organisation=entry.organisation,
            )
            if entry.last_outcome:
                try:
                    outcome = Outcome(entry.last_outcome)
                except ValueError:
                    outcome = Outcome.ERROR
                when = entry.last_checked_at or datetime.now(UTC)
                self._last[job.job_id] = StatusReport(
                    job.job_id, outcome, entry.last_message, checked_at=when, server=self._key.server
                )
        self.watches_reset.emit(tuple(self._state(job.job_id) for job in sched.jobs()))
        self._emit_finished()

    def _add(self, text: str, organisation: str, now: float) -> None:
        if self._session is None or self._key is None:
            self.problem.emit(_(MSG_SIGN_IN_FIRST), f"watch({text!r}) without a session")
            return
        try:
            job_id = extract_job_id(text)
        except InvalidJobId as exc:
            self.problem.emit(exc.message, exc.detail)
            return
        fresh = job_id not in self._scheduler
        job = self._scheduler.add(job_id, now, organisation=organisation or self._session.organisation)
        if fresh:
            self._persist_new(job)  # a finished job watched again is a watching one again
        self.watch_changed.emit(self._state(job_id))
        if fresh:
            self._emit_finished()

    # -- state for the UI ------------------------------------------------------------------------------------

    def _state(self, job_id: str, *, checking: bool = False) -> WatchState:
        job = self._scheduler.get(job_id)
        if job is None:
            return WatchState(job_id=job_id, started_at=datetime.now(UTC), finished_reason=REASON_STOPPED)
        last = self._last.get(job_id)
        return WatchState(
            job_id=job_id,
            started_at=to_datetime(job.started_at) or datetime.now(UTC),
            organisation=job.organisation,
            last_checked_at=to_datetime(job.last_checked_at)
            or (last.checked_at if last is not None else None),
            next_check_at=None if checking else to_datetime(self._scheduler.next_due_at(job_id)),
            last_report=last,
            checking=checking,
            checks=job.checks,
        )

    def _emit_all(self) -> None:
        for job in self._scheduler.jobs():
            self.watch_changed.emit(self._state(job.job_id))

    # -- the store -------------------------------------------------------------------------------------------

    def _store_failed(self, exc: Exception) -> None:
        log.warning("watch list could not be saved: %s", exc)
        if not self._store_told:
            self._store_told = True
            self.problem.emit(_(MSG_STORE), f"{type(exc).__name__}: {exc}")

    def _stored(self) -> list[Any]:
        if self._store is None or self._key is None:
            return []
        try:
            entries = self._store.all()
        except Exception as exc:  # sqlite3 errors, a closed store
            self._store_failed(exc)
            return []
        key = self._key
        return [e for e in entries if e.server == key.server and e.api_token == key.token]

    def _persist_new(self, job: WatchedJob) -> None:
        if self._store is None or self._key is None:
            return
        from pig_desktop.store.watchlist import WatchEntry

        try:
            self._store.add(
                WatchEntry(
                    job_id=job.job_id,
                    server=self._key.server,
                    organisation=job.organisation,
                    api_token=self._key.token,
                    started_at=to_datetime(job.started_at) or datetime.now(UTC),
                    next_check_at=to_datetime(job.due_at),
                )
            )
        except Exception as exc:
            self._store_failed(exc)

    def _persist_check(self, job_id: str, report: StatusReport, now: float) -> None:
        if self._store is None or self._key is None:
            return
        try:
            self._store.update(
                self._key.server,
                self._key.token,
                job_id,
                last_checked_at=to_datetime(now),
                next_check_at=to_datetime(self._scheduler.next_due_at(job_id)),
                last_outcome=report.outcome.value,
                last_message=report.message,
            )
        except Exception as exc:
            self._store_failed(exc)

    def _change_finished(self, name: str, args: tuple[Any, ...]) -> None:
        if self._store is None or self._key is None:
            return
        key = self._key
        try:
            if name == "remove_finished":
                job_id = _canonical(args[0]) or args[0]
                if job_id in self._scheduler:
                    return  # watched again meanwhile: Stop watching is the way
                self._store.remove(key.server, key.token, job_id)
            elif name == "clear_finished":
                self._store.clear_finished(key.server, key.token)
            else:
                self._store.mark_seen(key.server, key.token, args[0])
        except Exception as exc:
            self._store_failed(exc)
        self._emit_finished()

    def _emit_finished(self) -> None:
        if self._store is None or self._key is None:
            return
        try:
            entries = self._store.finished(self._key.server, self._key.token)
        except Exception as exc:
            self._store_failed(exc)
            return
        self.finished_changed.emit(tuple(entries))

    def _persist_finished(self, job_id: str, report: StatusReport, now: float) -> None:
        if self._store is None or self._key is None:
            return
        try:
            self._store.mark_finished(
                self._key.server,
                self._key.token,
                job_id,
                outcome=report.outcome.value,
                message=report.message,
                finished_at=to_datetime(now) or datetime.now(UTC),
                status=report.status_message if report.job is not None else report.label,
            )
        except Exception as exc:
            self._store_failed(exc)

    def _forget(self, job_id: str) -> None:
        if self._store is None or self._key is None:
            return
        try:
            self._store.remove(self._key.server, self._key.token, job_id)
        except Exception as exc:
            self._store_failed(exc)


def _canonical(text: str) -> str | None:
    try:
        return extract_job_id(text)
    except InvalidJobId:
        return None
