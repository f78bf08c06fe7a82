"""The batch controller: checks many jobs in its own worker thread, within the rate cap, cancellable.

Constructor (typed): ``make_client`` makes a NEW CinxClient for the current account (called once per batch in
the worker thread; the controller closes it at the end and may abort it on Cancel, so it must not be the
window's shared client), ``rate`` (requests per second, or a RateLimiter shared with other checks), the
history store (each check is recorded like a single one; None for no history) and, keyword-only, the
account's ``organisations`` (from /2.0/subs): a job not found with the chosen one is looked for in the other
active ones, and the row shows the organisation that has it.

Signals: ``progress(done, total)``, ``row_updated(row)``, ``finished(cancelled)``,
``open_job_requested(job_id)`` (the user asked to open one job), ``watch_requested(job_ids)`` ("Watch all
unfinished").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal

from pig_desktop.core.client import CinxClient
from pig_desktop.core.errors import Cancelled
from pig_desktop.core.models import Organisation
from pig_desktop.core.org_search import client_check, search_other_organisations
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.rate import RateLimiter
from pig_desktop.core.ticket import TicketContext, batch_ticket_text
from pig_desktop.ui.history.controller import history_entry

from .model import CHECKING, NOT_CHECKED, BatchModel

if TYPE_CHECKING:
    from pig_desktop.store.history import HistoryStore

log = logging.getLogger(__name__)

#: Makes a new client for the current account (server, credentials, the chosen organisation's token).
ClientFactory = Callable[[], CinxClient]


def _list_organisations(client: CinxClient) -> list[Organisation]:
    """The account's organisations (/2.0/subs) when the window did not know them (a restored sign-in)."""
    from pig_desktop.core.errors import PigError

    try:
        return list(client.subscriptions())
    except PigError as exc:
        log.info("batch: could not list the organisations to search: %s", exc.detail)
        return []


class _BatchWorker(QThread):
    """Checks the jobs one after the other, paced by the limiter; stops at the next step once cancelled."""

    checking = Signal(int)
    checked = Signal(int, object, str)  # row, StatusReport, organisation

    def __init__(
        self,
        job_ids: Sequence[str],
        make_client: ClientFactory,
        limiter: RateLimiter,
        history: HistoryStore | None,
        organisations: Sequence[Organisation],
        organisation: str,
        cancel: threading.Event,
    ) -> None:
        super().__init__()
        self.setObjectName("batchWorker")
        self._job_ids = list(job_ids)
        self._make_client = make_client
        self._limiter = limiter
        self._history = history
        self._organisations = list(organisations)
        self._organisation = organisation
        self._cancel = cancel
        self._client_lock = threading.Lock()
        self._client: CinxClient | None = None

    def abort_request(self) -> None:
        """Cut the request in flight short (from the GUI thread); the loop then sees the cancel flag."""
        with self._client_lock:
            client = self._client
        if client is not None:
            client.abort()

    def run(self) -> None:
        try:
            client = self._make_client()
        except Exception:
            log.exception("batch: could not make a client")
            return
        with self._client_lock:
            self._client = client
        try:
            self._check_all(client)
        finally:
            with self._client_lock:
                self._client = None
            client.close()

    def _check_all(self, client: CinxClient) -> None:
        chosen = client.connection
        if not self._organisations and self._limiter.acquire(self._cancel):
            self._organisations = _list_organisations(client)  # one request, within the cap too
        for row, job_id in enumerate(self._job_ids):
            if not self._limiter.acquire(self._cancel):
                return
            self.checking.emit(row)
            try:
                report = client.check_status(job_id, cancel=self._cancel)
                organisation = self._organisation
                if report.outcome is Outcome.NOT_FOUND and len(self._organisations) > 1:
                    result = search_other_organisations(
                        job_id,
                        self._organisations,
                        chosen.api_token,
                        client_check(client, cancel=self._cancel),
                        limiter=self._limiter,
                        cancel=self._cancel,
                    )
                    client.set_connection(chosen)
                    report = result.report
                    organisation = result.organisation.name if result.organisation else ""
            except Cancelled:
                return
            if self._cancel.is_set():
                return  # an answer cut short by Cancel is not an answer
            self._record(report, organisation, client.server)
            self.checked.emit(row, report, organisation)

    def _record(self, report: StatusReport, organisation: str, server: str) -> None:
        if self._history is None:
            return
        import sqlite3

        try:
            self._history.add(history_entry(report, organisation, server))  # as single checks record it
        except (sqlite3.Error, OSError):
            # Losing one history line must not lose the answers of the batch.
            log.warning("could not record check of %s in history", report.job_id, exc_info=True)


class BatchController(QObject):
    """See the module docstring."""

    progress = Signal(int, int)  # done, total
    row_updated = Signal(int)
    finished = Signal(bool)  # True when cancelled before every job was checked
    open_job_requested = Signal(str)
    watch_requested = Signal(list)  # list[str]: the job ids still running

    def __init__(
        self,
        make_client: ClientFactory,
        rate: float | RateLimiter,
        history: HistoryStore | None,
        *,
        organisations: Sequence[Organisation] = (),
        organisation: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("batchController")
        self._make_client = make_client
        self._limiter = rate if isinstance(rate, RateLimiter) else RateLimiter(rate)
        self._history = history
        self._organisations = list(organisations)
        self._organisation = organisation
        self.model = BatchModel(self)
        self._worker: _BatchWorker | None = None
        self._cancel = threading.Event()
        self._done = 0
        self._total = 0

    # -- state ---------------------------------------------------------------------------------------------
    @property
    def limiter(self) -> RateLimiter:
        return self._limiter

    @property
    def done(self) -> int:
        return self._done

    @property
    def total(self) -> int:
        return self._total

    def is_running(self) -> bool:
        return self._worker is not None

    def job_ids(self) -> list[str]:
        return [row.job_id for row in self.model.rows()]

    def unfinished_ids(self) -> list[str]:
        return [row.job_id for row in self.model.rows() if row.unfinished]

    # -- actions -------------------------------------------------------------------------------------------
    def start(self, job_ids: Sequence[str]) -> None:
        """Check ``job_ids`` (distinct, in order). A batch still running is cancelled first."""
        self.shutdown()
        ids = list(dict.fromkeys(job_ids))
        self.model.set_jobs(ids)
        self._done, self._total = 0, len(ids)
        self._cancel = threading.Event()
        worker = _BatchWorker(
            ids,
            self._make_client,
            self._limiter,
            self._history,
            self._organisations,
            self._organisation,
            self._cancel,
        )
        worker.checking.connect(self._on_checking)
        worker.checked.connect(self._on_checked)
        worker.finished.connect(self._on_worker_finished)
        self._worker = worker
        self.progress.emit(0, self._total)
        worker.start()

    def cancel(self) -> None:
        """Stop after the request in flight (cut short); unchecked rows say so. Never terminates a thread."""
        worker = self._worker
        if worker is None:
            return
        self._cancel.set()
        worker.abort_request()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel and wait for the worker (window closing). True when it has stopped."""
        worker = self._worker
        if worker is None:
            return True
        self.cancel()
        stopped = worker.wait(timeout_ms)
        if stopped:
            self._finish(worker)
        return stopped

    def open_job(self, row: int) -> None:
        found = self.model.row_at(row)
        if found is not None:
            self.open_job_requested.emit(found.job_id)

    def watch_unfinished(self) -> list[str]:
        ids = self.unfinished_ids()
        if ids:
            self.watch_requested.emit(ids)
        return ids

    def ticket_text(self, ctx: TicketContext | None = None) -> str:
        return batch_ticket_text([row.as_item() for row in self.model.rows()], ctx)

    def csv_text(self, server: str = "") -> str:
        from pig_desktop.core.batch import batch_csv

        return batch_csv([row.as_item() for row in self.model.rows()], server)

    # -- from the worker (queued into the GUI thread) -------------------------------------------------------
    def _current(self) -> bool:
        """The signal comes from this batch's worker, not one replaced by start() or stopped by shutdown()."""
        sender = self.sender()
        return sender is not None and sender is self._worker

    def _on_checking(self, row: int) -> None:
        if not self._current():
            return
        self.model.update_row(row, state=CHECKING)
        self.row_updated.emit(row)

    def _on_checked(self, row: int, report: StatusReport, organisation: str) -> None:
        if not self._current():
            return
        self.model.update_row(row, report=report, organisation=organisation)
        self._done += 1
        self.row_updated.emit(row)
        self.progress.emit(self._done, self._total)

    def _on_worker_finished(self) -> None:
        if self._current():
            self._finish(self._worker)

    def _finish(self, worker: _BatchWorker | None) -> None:
        if worker is None or worker is not self._worker:
            return
        self._worker = None
        cancelled = self._done < self._total
        for index, row in enumerate(self.model.rows()):
            if row.report is None:
                self.model.update_row(index, state=NOT_CHECKED)
        worker.deleteLater()
        self.finished.emit(cancelled)
