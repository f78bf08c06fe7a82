"""One check of one job: from the job field to the result pane, and the history line it leaves.

The check controller owns the check worker (one at a time: a new check drops the old one), the job the
window shows, the stored results opened from history, the clipboard offer and the "Watch until finished"
request for the job in the field. The check worker writes its history line in the same worker right after
the answer, so no SQLite write happens on the GUI thread.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, Protocol

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal, SignalInstance
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from pig_desktop.core.jobid import find_guid
from pig_desktop.core.session import Session
from pig_desktop.i18n import _
from pig_desktop.ui.account.app_state import ClientHolder
from pig_desktop.ui.account.controller import AccountController
from pig_desktop.ui.check.job_field import JobField
from pig_desktop.ui.history.controller import HistoryController, history_entry
from pig_desktop.ui.shell.banner import Banner
from pig_desktop.ui.system.task_group import TaskGroup
from pig_desktop.ui.system.tasks import TaskHandle

if TYPE_CHECKING:
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.models import Organisation
    from pig_desktop.core.outcome import StatusReport
    from pig_desktop.core.rate import RateLimiter
    from pig_desktop.core.ticket import TicketContext
    from pig_desktop.store.history import HistoryEntry, HistoryStore
    from pig_desktop.ui.check.result_pane import ResultPane

log = logging.getLogger(__name__)

__all__ = ["CheckController", "FinishedCheck", "JobWatcher", "check_and_record"]


class FinishedCheck(NamedTuple):
    """A finished check: the report, the history entry written for it (or None) and the session used."""

    report: StatusReport
    entry: HistoryEntry | None
    session: Session
    #: The other organisation that has the job (the chosen one said "not found"); None otherwise.
    found_in: Organisation | None = None
    #: The organisation names asked when the chosen one did not have the job (the chosen one first).
    searched: tuple[str, ...] = ()
    #: The account's /2.0/subs list as the worker knew or read it (the window keeps it for next time).
    organisations: tuple[Organisation, ...] = ()


def check_and_record(
    holder: ClientHolder,
    session: Session,
    job_id: str,
    history: HistoryStore | None,
    cancel: threading.Event,
    organisations: tuple[Organisation, ...] = (),
    limiter: RateLimiter | None = None,
    search_others: bool = False,
) -> FinishedCheck:
    """Worker: one check (with the client's retries) and its history record.

    With ``search_others``, not found with the chosen organisation: the account's other active organisations
    (``organisations``, or /2.0/subs read now when empty) are asked, at most 10, within ``limiter`` (the
    window's shared cap), with a client of their own so the session's client keeps its token; the history
    line names the organisation that answered."""
    import sqlite3  # the first frame may not import it (docs/architecture.md); this runs in a worker

    from pig_desktop.core.outcome import Outcome

    client = holder.get(session.connection)
    report = client.check_status(job_id, cancel=cancel)
    organisation = session.organisation
    found_in: Organisation | None = None
    searched: tuple[str, ...] = ()
    if search_others and report.outcome is Outcome.NOT_FOUND and not cancel.is_set():
        organisations = organisations or _list_organisations(client)
        if sum(1 for org in organisations if org.usable) > 1:
            report, found_in, searched = _search_others(
                session, job_id, report, organisations, limiter, cancel
            )
            if found_in is not None:
                organisation = found_in.name
    entry: HistoryEntry | None = None
    if history is not None and not cancel.is_set():
        entry = history_entry(report, organisation, session.server)
        try:
            entry = dataclasses.replace(entry, id=history.add(entry))
        except (sqlite3.Error, OSError):
            # Losing one history line must not lose the answer the user is waiting for.
            log.warning("could not record check of %s in history", job_id, exc_info=True)
            entry = None
    return FinishedCheck(report, entry, session, found_in, searched, tuple(organisations))


def _list_organisations(client: CinxClient) -> tuple[Organisation, ...]:
    """The account's organisations (/2.0/subs) for a session restored without the sign-in dialog."""
    from pig_desktop.core.errors import PigError

    try:
        return tuple(client.subscriptions())
    except PigError as exc:
        log.info("could not list the organisations to search: %s", exc.detail)
        return ()


def _search_others(
    session: Session,
    job_id: str,
    report: StatusReport,
    organisations: tuple[Organisation, ...],
    limiter: RateLimiter | None,
    cancel: threading.Event,
) -> tuple[StatusReport, Organisation | None, tuple[str, ...]]:
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.errors import Cancelled
    from pig_desktop.core.org_search import client_check, search_other_organisations

    with CinxClient(session.connection) as searcher:
        try:
            result = search_other_organisations(
                job_id,
                organisations,
                session.connection.api_token,
                client_check(searcher, cancel=cancel),
                limiter=limiter,
                cancel=cancel,
            )
        except Cancelled:
            return report, None, ()
    return result.report, result.organisation, result.searched


def search_and_record(
    session: Session,
    report: StatusReport,
    history: HistoryStore | None,
    organisations: tuple[Organisation, ...],
    limiter: RateLimiter | None,
    cancel: threading.Event,
) -> FinishedCheck:
    """Worker: a job the chosen organisation did not find (a watched job's last answer): ask the others.

    The history line is written only when another organisation has the job (the not-found answer is already
    the watch's)."""
    import sqlite3

    from pig_desktop.core.client import CinxClient

    if not organisations:
        with CinxClient(session.connection) as client:
            organisations = _list_organisations(client)
    found_in: Organisation | None = None
    searched: tuple[str, ...] = ()
    if sum(1 for org in organisations if org.usable) > 1:
        report, found_in, searched = _search_others(
            session, report.job_id, report, organisations, limiter, cancel
        )
    entry: HistoryEntry | None = None
    if found_in is not None and history is not None and not cancel.is_set():
        entry = history_entry(report, found_in.name, session.server)
        try:
            entry = dataclasses.replace(entry, id=history.add(entry))
        except (sqlite3.Error, OSError):
            log.warning("could not record check of %s in history", report.job_id, exc_info=True)
            entry = None
    return FinishedCheck(report, entry, session, found_in, searched, tuple(organisations))


class JobWatcher(Protocol):
    """What "Watch until finished" needs of the watch service (``ui.watching.polling.PollingService``)."""

    def watch(self, job_id: str, organisation: str = "") -> object: ...


class WatchAnswers(Protocol):
    """The watch service's answers, which the job on screen follows (``ui.watching.polling.PollingService``):
    ``report(job_id, StatusReport | None)`` and ``watch_finished(job_id, reason, StatusReport | None)``."""

    @property
    def report(self) -> SignalInstance: ...

    @property
    def watch_finished(self) -> SignalInstance: ...


class CheckController(QObject):
    #: A check finished and its result is on screen (StatusReport).
    check_finished = Signal(object)
    #: A check started (True) or ended (False): the Cancel button follows it.
    busy_changed = Signal(bool)
    #: A result was brought to the view (job id): the watch countdown follows the job on screen.
    report_shown = Signal(str)
    #: A line for the status bar: (text, timeout in ms; 0 keeps it).
    status = Signal(str, int)
    #: A plain error for the banner: (message, detail).
    error = Signal(str, str)
    #: The job on screen was found in another organisation than the chosen one (Organisation), or the
    #: search found it nowhere / a new check started (None): the window's "Switch to" notice follows it.
    found_elsewhere = Signal(object)

    def __init__(
        self,
        account: AccountController,
        history: HistoryController,
        field: JobField,
        result_pane: Callable[[], ResultPane],
        offer_banner: Banner,
        parent: QObject | None = None,
        *,
        limiter: Callable[[], RateLimiter] | None = None,
    ) -> None:
        """``limiter``: the window's shared rate cap (made on first use) for the look-ups in other
        organisations; the batch view paces its checks with the same one."""
        super().__init__(parent)
        self._limiter = limiter
        self._account = account
        self._history = history
        self._field = field
        self._pane = result_pane
        self._offer_banner = offer_banner
        self._tasks = TaskGroup(self)
        self._check_task: TaskHandle | None = None
        self._current_job = ""
        self._shown: StatusReport | None = None
        self._pending_job = ""
        self._offered: set[str] = set()
        self._watcher: JobWatcher | None = None
        self._shut_down = False
        self._follows_app_state = False
        account.session_changed.connect(self._on_session_changed)
        account.signed_in.connect(self._on_signed_in)
        account.sign_in_closed.connect(self._on_sign_in_closed)
        history.entry_added.connect(self._history_written)

    # -- state -----------------------------------------------------------------------------------------------

    def current_job(self) -> str:
        """The job whose result the window shows (or is checking)."""
        return self._current_job

    def is_checking(self) -> bool:
        return self._check_task is not None

    def ticket_context(self, session: Session | None = None) -> TicketContext:
        from pig_desktop.core.ticket import default_context  # not in the first frame (docs/architecture.md)

        ctx = default_context(session or self._account.session())
        if self._account.is_demo and ctx.server:
            ctx = dataclasses.replace(ctx, server=f"{ctx.server} (sandbox)")
        return ctx

    def show_report(self, report: StatusReport, ticket: TicketContext | None = None) -> None:
        """Bring a job's result to the view (a check, a watch, history, the watch list)."""
        self._current_job = report.job_id
        self._shown = report
        ctx = self.with_timeline(report, ticket or self.ticket_context())
        self._pane().set_report(report, ctx)
        self.report_shown.emit(report.job_id)

    def _history_written(self, entry: HistoryEntry) -> None:
        """A watched job's answer reached the history after it was shown: refresh the timeline line."""
        shown = self._shown
        if shown is None or shown.job_id.lower() != entry.job_id.lower() or self._check_task is not None:
            return
        pane = self._pane()
        pane.set_ticket_context(self.with_timeline(shown, pane.ticket_context()))

    def stored_report(self, job_id: str) -> StatusReport | None:
        """The job's last answer kept in the history for the current sign-in's server, or None."""
        session = self._account.session()
        return self._history.stored_report(job_id, session.server) if session is not None else None

    def with_timeline(self, report: StatusReport, ctx: TicketContext) -> TicketContext:
        """``ctx`` with the job's timeline and whether its stored answer was shortened, from the history
        (a small indexed read of the job's rows)."""
        store = self._history.store()
        if store is None or not report.job_id:
            return ctx
        session = self._account.session()
        servers = [report.server, session.server if session is not None else "", ctx.server]
        from pig_desktop.store.timeline import summary_text  # sqlite-side module: not in the first frame

        for server in dict.fromkeys(s for s in servers if s):
            try:
                events = store.timeline(report.job_id, server)
                entry = store.find(report.job_id, server)
            except Exception:  # a closed or damaged database: the result still shows
                log.warning("timeline of %s unreadable", report.job_id, exc_info=True)
                return ctx
            if events or entry is not None:
                cut = entry.report_bytes or 1 if entry is not None and entry.report_cut else 0
                return dataclasses.replace(ctx, timeline=summary_text(events), stored_cut_bytes=cut)
        return ctx

    # -- checking --------------------------------------------------------------------------------------------

    def check_job(self) -> bool:
        """Check the id in the field (Enter / Check). Refuses inline, with no request, when there is none."""
        job_id = self._field.validate()
        if not job_id:
            self._field.edit.setFocus()
            return False
        return self.start_check(job_id)

    def refresh(self) -> bool:
        """F5: check the job on screen again (or the one in the field)."""
        if self._current_job:
            return self.start_check(self._current_job)
        return self.check_job()

    def start_check(self, job_id: str) -> bool:
        session = self._account.session()
        if session is None:
            self._pending_job = job_id
            self.status.emit(_("Sign in first; the job is checked right after."), 6000)
            self._account.open_sign_in()
            return False
        if self._check_task is not None:
            self._drop_check_task()
        self._pending_job = ""
        self._current_job = job_id
        self.found_elsewhere.emit(None)
        self._pane().set_checking(job_id)
        holder = self._account.holder
        search = functools.partial(
            check_and_record,
            organisations=self._account.organisations(),
            limiter=self._limiter() if self._limiter is not None else None,
            search_others=True,
        )
        task = self._tasks.run(
            search, holder, session, job_id, self._history.store(), on_cancel=holder.abort, name="check"
        )
        task.succeeded.connect(self._on_check_done)
        task.failed.connect(self._on_check_failed)
        self._check_task = task
        self.busy_changed.emit(True)
        self.status.emit(_("Checking job {job_id}\u2026").format(job_id=job_id), 0)
        return True

    def cancel_check(self) -> None:
        """Cancel: abort the request and go back to idle at once; the thread ends on its own."""
        if self._check_task is None:
            return
        self._drop_check_task()
        previous = self._shown
        self._pane().set_report(previous, self.ticket_context() if previous else None)
        if previous is not None:
            self._current_job = previous.job_id
        self.status.emit(_("Check cancelled"), 6000)

    def _drop_check_task(self) -> None:
        task, self._check_task = self._check_task, None
        if task is not None:
            task.succeeded.disconnect(self._on_check_done)
            task.failed.disconnect(self._on_check_failed)
            task.cancel()
        self.busy_changed.emit(False)

    def _on_check_done(self, result: FinishedCheck) -> None:
        self._check_task = None
        self.busy_changed.emit(False)
        if result.organisations:
            self._account.set_organisations(result.organisations, result.session)
        ticket = self.ticket_context(result.session)
        if result.found_in is not None:
            ticket = dataclasses.replace(
                ticket, organisation=result.found_in.name, api_token=result.found_in.api_token
            )
        self.show_report(result.report, ticket)
        # Job ids are not secrets; the log says which job the window shows (support, the link tests).
        log.info("job %s shown: %s", result.report.job_id, result.report.outcome.value)
        self.found_elsewhere.emit(result.found_in)
        if result.entry is not None:
            self._history.show_added(result.entry)
        from pig_desktop.core.ticket import format_local_clock  # not in the first frame (architecture.md)

        when = format_local_clock(result.report.checked_at)
        self.status.emit(
            _("Checked at {time}: {outcome}").format(time=when, outcome=result.report.outcome.label), 6000
        )
        self.check_finished.emit(result.report)

    def _on_check_failed(self, message: str, detail: str) -> None:
        # check_status never raises for network trouble; this is a bug or a local problem.
        self._check_task = None
        self.busy_changed.emit(False)
        self._pane().set_report(self._shown, self.ticket_context() if self._shown else None)
        self.error.emit(message, detail)

    def open_history_entry(self, entry: HistoryEntry) -> None:
        """Show the stored result at once, then refresh it (when it belongs to the current sign-in)."""
        if not self._field.text().strip() or self._field.job_id() != entry.job_id:
            self._field.set_text(entry.job_id)
        from pig_desktop.core.outcome import StatusReport  # not in the first frame (docs/architecture.md)
        from pig_desktop.core.ticket import TicketContext

        report: StatusReport | None = None
        if entry.report:
            try:
                report = StatusReport.from_dict(entry.report)
            except Exception:  # a damaged stored result: still refresh it
                log.warning("stored result of history entry %s unreadable", entry.id, exc_info=True)
        if report is not None:
            self.show_report(report, TicketContext(organisation=entry.organisation, server=entry.server))
        session = self._account.session()
        same_place = (
            session is not None
            and session.server == entry.server
            and (not entry.organisation or entry.organisation == session.organisation)
        )
        if same_place:
            self.start_check(entry.job_id)
        elif session is not None:
            self.status.emit(
                _(
                    "Stored result shown. It was checked for {organisation}; switch to that organisation to "
                    "refresh it."
                ).format(organisation=entry.organisation or entry.server),
                10000,
            )
        else:
            self.status.emit(_("Stored result shown. Sign in to refresh it."), 10000)

    # -- the account -----------------------------------------------------------------------------------------

    def _on_session_changed(self, _session: Session | None) -> None:
        if self._check_task is not None:
            self.cancel_check()

    def _on_signed_in(self, _session: Session) -> None:
        if self._pending_job:
            job, self._pending_job = self._pending_job, ""
            self.start_check(job)

    def _on_sign_in_closed(self, signed_in: bool) -> None:
        if not signed_in:
            self._pending_job = ""

    # -- watching --------------------------------------------------------------------------------------------

    def set_watcher(self, watcher: JobWatcher) -> None:
        self._watcher = watcher

    def watch_job(self, job_id: str | None = None) -> bool:
        """Watch a job (the field's when none is given) until it finishes."""
        if self._watcher is None:
            return False
        if not job_id:
            job_id = self._field.validate()
            if not job_id:
                self._field.edit.setFocus()
                return False
        session = self._account.session()
        if session is None:
            self.status.emit(_("Sign in first, then watch the job."), 6000)
            self._account.open_sign_in()
            return False
        self._current_job = job_id
        if self._shown is None or self._shown.job_id != job_id:
            self._pane().set_checking(job_id)
        self._watcher.watch(job_id, session.organisation)
        self.status.emit(
            _("Watching job {job_id}. You will be told when it finishes.").format(job_id=job_id), 6000
        )
        return True

    def look_in_other_organisations(self, report: StatusReport) -> bool:
        """A watched job ended "not found" with the chosen organisation: ask the account's other ones in a
        worker. Found: the window shows it with "This job belongs to ..." and the Switch button (unless a
        check is running); not found anywhere: the status line names the organisations searched."""
        session = self._account.session()
        if session is None or self._shut_down:
            return False
        task = self._tasks.run(
            search_and_record,
            session,
            report,
            self._history.store(),
            self._account.organisations(),
            self._limiter() if self._limiter is not None else None,
            name="org-search",
        )
        task.succeeded.connect(self._on_search_done)
        return True

    def _on_search_done(self, result: FinishedCheck) -> None:
        if result.organisations:
            self._account.set_organisations(result.organisations, result.session)
        job = result.report.job_id
        if result.found_in is None:
            if result.searched:
                self.status.emit(result.report.message, 10000)
            return
        if result.entry is not None:
            self._history.show_added(result.entry)
        if self._check_task is not None:
            self.status.emit(
                _("The watched job {job} belongs to {organisation}.").format(
                    job=job, organisation=result.found_in.name
                ),
                10000,
            )
            return
        ticket = dataclasses.replace(
            self.ticket_context(result.session),
            organisation=result.found_in.name,
            api_token=result.found_in.api_token,
        )
        self.show_report(result.report, ticket)
        self.found_elsewhere.emit(result.found_in)

    def show_watch_report(self, job_id: str, report: StatusReport) -> None:
        """A watched job's new answer: shown when it is the job on screen and no check is running."""
        if job_id == self._current_job and self._check_task is None:
            self.show_report(report)

    def follow_watch_answers(self, answers: WatchAnswers) -> None:
        """Show each watched job's answer when it is the job on screen; a watch that ends "not found" is
        looked for in the account's other organisations, the same as a single check."""
        answers.report.connect(self._on_watch_report)
        answers.watch_finished.connect(self._on_watch_finished)

    def _on_watch_report(self, job_id: str, report: StatusReport | None) -> None:
        if report is not None:
            self.show_watch_report(job_id, report)

    def _on_watch_finished(self, _job_id: str, _reason: str, report: StatusReport | None) -> None:
        from pig_desktop.core.outcome import Outcome  # not in the first frame (docs/architecture.md)

        if report is not None and report.outcome is Outcome.NOT_FOUND:
            self.look_in_other_organisations(report)

    # -- clipboard offer -------------------------------------------------------------------------------------

    def offer_clipboard_on_activation(self, window: QWidget) -> None:
        """Offer the clipboard's job id each time ``window`` is activated."""
        window.installEventFilter(self)

    def offer_clipboard_when_app_active(self) -> None:
        """Also each time the application becomes active. Called after the first paint: the signal carries
        a ``Qt`` enum, whose type the first frame does not make (docs/architecture.md)."""
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication) and not self._shut_down:
            app.applicationStateChanged.connect(self._on_app_state)
            self._follows_app_state = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate:
            QTimer.singleShot(0, self.offer_clipboard)
        return False

    def _on_app_state(self, state: QtCore.Qt.ApplicationState) -> None:
        if state == QtCore.Qt.ApplicationState.ApplicationActive:
            QTimer.singleShot(0, self.offer_clipboard)

    def offer_clipboard(self) -> bool:
        """Offer a job id found on the clipboard (once per id), without touching the field or the focus."""
        if self._shut_down:
            return False
        text = QGuiApplication.clipboard().text()
        guid = find_guid(text[:20000]) if text else None
        if not guid or guid == self._field.job_id() or guid in self._offered:
            return False
        self._offered.add(guid)
        self._offer_banner.show_offer(
            _("There is a job id on the clipboard: {job_id}. Check it?").format(job_id=guid),
            [
                (_("Check"), lambda: self._accept_offer(guid)),
                (_("Dismiss"), self._offer_banner.clear),
            ],
            key="clipboard",
        )
        return True

    def _accept_offer(self, guid: str) -> None:
        self._offer_banner.clear()
        self._field.set_text(guid)
        self.check_job()

    # -- shutdown --------------------------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Drop the running check (its request is aborted) and wait for the check threads to end."""
        self._shut_down = True
        app = QGuiApplication.instance()
        if self._follows_app_state and isinstance(app, QGuiApplication):
            self._follows_app_state = False
            try:
                app.applicationStateChanged.disconnect(self._on_app_state)
            except (RuntimeError, TypeError):
                pass
        if self._check_task is not None:
            self._drop_check_task()
        self._tasks.shutdown(timeout_ms)
