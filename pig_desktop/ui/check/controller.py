"""One check of one job: from the job field to the result pane, and the history line it leaves.

The check controller owns the check worker (one at a time: a new check drops the old one), the job the
window shows, the stored results opened from history, the clipboard offer and the "Watch until finished"
request for the job in the field. The check worker writes its history line in the same worker right after
the answer, so no SQLite write happens on the GUI thread.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

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
    from pig_desktop.core.outcome import StatusReport
    from pig_desktop.core.ticket import TicketContext
    from pig_desktop.store.history import HistoryEntry, HistoryStore
    from pig_desktop.ui.check.result_pane import ResultPane

log = logging.getLogger(__name__)

__all__ = ["CheckController", "FinishedCheck", "JobWatcher", "check_and_record"]


@dataclass(frozen=True)
class FinishedCheck:
    """A finished check: the report, the history entry written for it (or None) and the session used."""

    report: StatusReport
    entry: HistoryEntry | None
    session: Session


def check_and_record(
    holder: ClientHolder,
    session: Session,
    job_id: str,
    history: HistoryStore | None,
    cancel: threading.Event,
) -> FinishedCheck:
    """Worker: one check (with the client's retries) and its history record."""
    import sqlite3  # the first frame may not import it (docs/architecture.md); this runs in a worker

    client = holder.get(session.connection)
    report = client.check_status(job_id, cancel=cancel)
    entry: HistoryEntry | None = None
    if history is not None and not cancel.is_set():
        entry = history_entry(report, session.organisation, session.server)
        try:
            entry = dataclasses.replace(entry, id=history.add(entry))
        except (sqlite3.Error, OSError):
            # Losing one history line must not lose the answer the user is waiting for.
            log.warning("could not record check of %s in history", job_id, exc_info=True)
            entry = None
    return FinishedCheck(report, entry, session)


class JobWatcher(Protocol):
    """What "Watch until finished" needs of the watch service (``ui.watching.polling.PollingService``)."""

    def watch(self, job_id: str, organisation: str = "") -> object: ...


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

    def __init__(
        self,
        account: AccountController,
        history: HistoryController,
        field: JobField,
        result_pane: Callable[[], ResultPane],
        offer_banner: Banner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
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
        store, session = self._history.store(), self._account.session()
        if store is None or session is None:
            return None
        from pig_desktop.core.outcome import StatusReport  # not in the first frame (docs/architecture.md)

        try:
            entry = store.find(job_id, session.server)
            return StatusReport.from_dict(entry.report) if entry is not None and entry.report else None
        except Exception:  # a closed database or a damaged stored result: nothing to show
            log.warning("stored result of %s unreadable", job_id, exc_info=True)
            return None

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
        self._pane().set_checking(job_id)
        holder = self._account.holder
        task = self._tasks.run(
            check_and_record,
            holder,
            session,
            job_id,
            self._history.store(),
            on_cancel=holder.abort,
            name="check",
        )
        task.succeeded.connect(self._on_check_done)
        task.failed.connect(self._on_check_failed)
        self._check_task = task
        self.busy_changed.emit(True)
        self.status.emit(_("Checking job %s\u2026") % job_id, 0)
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
        self.show_report(result.report, self.ticket_context(result.session))
        if result.entry is not None:
            self._history.show_added(result.entry)
        when = result.report.checked_at.astimezone().strftime("%H:%M:%S")
        self.status.emit(_("Checked at %s: %s") % (when, result.report.outcome.label), 6000)
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
                _("Stored result shown. It was checked for %s; switch to that organisation to refresh it.")
                % (entry.organisation or entry.server),
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
        self.status.emit(_("Watching job %s. You will be told when it finishes.") % job_id, 6000)
        return True

    def show_watch_report(self, job_id: str, report: StatusReport) -> None:
        """A watched job's new answer: shown when it is the job on screen and no check is running."""
        if job_id == self._current_job and self._check_task is None:
            self.show_report(report)

    # -- clipboard offer -------------------------------------------------------------------------------------

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
            _("There is a job id on the clipboard: %s. Check it?") % guid,
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
        if self._check_task is not None:
            self._drop_check_task()
        self._tasks.shutdown(timeout_ms)
