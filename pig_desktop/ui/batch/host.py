"""The batch view in the main window: one panel, a new BatchController per batch, the shared rate cap.

``BatchHost`` is created in ``MainWindow.__init__`` (before the first paint, so it imports nothing heavy: the
controller, the view and the client are imported on the first batch). ``start(job_ids)`` checks them with the
current sign-in: a fresh client per batch (``make_client``), the settings' rate through ``SharedRate`` (the
same limiter paces the look-ups in other organisations of single checks), the history store, and the
account's organisations (a job not found with the chosen one is looked for in the others).

Signals: ``open_job_requested(job_id)`` and ``watch_requested(job_ids)`` (forwarded from the controller),
``status(text)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from pig_desktop.i18n import _, ngettext

if TYPE_CHECKING:
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.rate import RateLimiter
    from pig_desktop.core.session import Session
    from pig_desktop.core.ticket import TicketContext
    from pig_desktop.ui.account.controller import AccountController
    from pig_desktop.ui.history.controller import HistoryController

    from .controller import BatchController
    from .view import BatchView

__all__ = ["BatchHost", "SharedRate"]


class SharedRate:
    """The window's one RateLimiter for checks outside the watch scheduler (batches, other organisations),
    made on first use (core.rate imports the scheduler, which the first frame may not)."""

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._lock = threading.Lock()
        self._limiter: RateLimiter | None = None

    def set_rate(self, rate: float) -> None:
        with self._lock:
            self._rate = rate
            if self._limiter is not None:
                self._limiter.set_rate(rate)

    def limiter(self) -> RateLimiter:
        with self._lock:
            if self._limiter is None:
                from pig_desktop.core.rate import RateLimiter

                self._limiter = RateLimiter(self._rate)
            return self._limiter


class BatchHost(QObject):
    open_job_requested = Signal(str)
    watch_requested = Signal(list)  # list[str]
    status = Signal(str)

    def __init__(
        self,
        account: AccountController,
        history: HistoryController,
        ticket_context: Callable[[], TicketContext],
        add_panel: Callable[[QWidget, str], None],
        rate: SharedRate,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._account = account
        self._history = history
        self._ticket_context = ticket_context
        self._add_panel = add_panel
        self._rate = rate
        self.controller: BatchController | None = None
        self.view: BatchView | None = None
        self._panel: QWidget | None = None
        account.session_changed.connect(self._on_session_changed)

    def start(self, job_ids: Sequence[str]) -> bool:
        """Check ``job_ids`` in the batch view (shown on first use). False when nobody is signed in."""
        session = self._account.session()
        if session is None or not job_ids:
            return False
        from pig_desktop.core.client import CinxClient

        from .controller import BatchController
        from .view import BatchView

        self.shutdown()
        connection = session.connection

        def make_client() -> CinxClient:
            return CinxClient(connection)

        controller = BatchController(
            make_client,
            self._rate.limiter(),
            self._history.store(),
            organisations=self._account.organisations(),
            organisation=session.organisation,
            parent=self,
        )
        controller.open_job_requested.connect(self.open_job_requested)
        controller.watch_requested.connect(self.watch_requested)
        controller.finished.connect(self._on_finished)
        panel = self._ensure_panel()
        view = BatchView(controller, panel, ticket_context=self._ticket_context())
        old_view, old_controller = self.view, self.controller
        layout = panel.layout()
        if layout is not None:
            if old_view is not None:
                layout.replaceWidget(old_view, view)
                old_view.deleteLater()
            else:
                layout.addWidget(view)
        if old_controller is not None:
            old_controller.deleteLater()
        self.view, self.controller = view, controller
        count = len(dict.fromkeys(job_ids))
        sentence = ngettext(
            "Checking {count} job in the batch view.", "Checking {count} jobs in the batch view.", count
        )
        self.status.emit(sentence.format(count=count))
        controller.start(job_ids)
        view.table.setFocus()
        return True

    def _on_finished(self, _cancelled: bool) -> None:
        # The worker wrote one history line per job: the panel reads its list again (one read, no write).
        panel = self._history.panel
        if panel is not None:
            panel.reload()

    def _ensure_panel(self) -> QWidget:
        if self._panel is None:
            panel = QWidget()
            panel.setObjectName("batchPanel")
            layout = QVBoxLayout(panel)
            layout.setContentsMargins(0, 0, 0, 0)
            self._add_panel(panel, _("Batch of jobs"))
            self._panel = panel
        return self._panel

    def _on_session_changed(self, _session: Session | None) -> None:
        # The batch's client carries the old sign-in: stop it (its rows keep what was already answered).
        if self.controller is not None and self.controller.is_running():
            self.controller.cancel()

    def shutdown(self, timeout_ms: int = 10000) -> None:
        if self.controller is not None:
            self.controller.shutdown(timeout_ms)
