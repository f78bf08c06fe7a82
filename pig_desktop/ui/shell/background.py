"""What runs with or without the main window: the settings, the account, the history database, the rate cap.

A normal start builds the window at once and the window starts these right after its first paint. A hidden
start (``--hidden``, the sign-in autostart entry) builds only these and the watch feature: the tray, the
notifications and the polling need no window, so none exists until the user opens it (the tray, a
notification, a second start). What these say before a window exists (a sign-in that failed, a history
notice) is kept and shown in the window's banner when it is built.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from pig_desktop.ui.account.app_state import StartOptions
from pig_desktop.ui.account.controller import AccountController
from pig_desktop.ui.batch.host import SharedRate
from pig_desktop.ui.history.controller import HistoryController
from pig_desktop.ui.settings.controller import SettingsController, load_start_settings

if TYPE_CHECKING:
    from pig_desktop.core.outcome import StatusReport
    from pig_desktop.ui.watching.polling import PollingService

log = logging.getLogger(__name__)

__all__ = ["START_STEPS", "Background", "BannerLine"]

#: The start steps the window waits for before it is "ready".
START_STEPS = ("history", "session")

#: A message kept for the window's banner: (kind, text, detail, key); kind is "error" or "notice".
BannerLine = tuple[str, str, str, str]


class Background(QObject):
    #: One of :data:`START_STEPS` is done (the history is open or failed; the saved sign-in was tried).
    step_done = Signal(str)

    def __init__(self, options: StartOptions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options
        loaded = options.settings or load_start_settings(options.dirs.settings_file, options.demo)
        self.settings = SettingsController(options.dirs.settings_file, loaded, self)
        # Dialogs (sign-in) have no parent until the window exists: see set_dialog_parent.
        self.account = AccountController(
            self.settings, None, demo=options.demo, restore_session=options.restore_session, parent=self
        )
        self.history = HistoryController(options.dirs.history_file, self.settings, self)
        # One rate cap for the checks made outside the watch scheduler: batches and the look-ups in other
        # organisations; the watch scheduler shares it (docs/architecture.md).
        self.rate = SharedRate(float(self.settings.current().watch_rate_limit))
        self.settings.applied.connect(lambda _old, new: self.rate.set_rate(float(new.watch_rate_limit)))
        self.started = False
        self._done: set[str] = set()
        self._kept: list[BannerLine] | None = []  # None once a window takes them
        self._shut_down = False
        self.history.open_done.connect(lambda: self._step_done("history"))
        self.account.restore_done.connect(lambda: self._step_done("session"))
        self.account.error.connect(lambda text, detail: self._keep(("error", text, detail, "")))
        self.history.open_failed.connect(lambda text, detail: self._keep(("error", text, detail, "")))
        self.history.notice.connect(lambda text, detail, key: self._keep(("notice", text, detail, key)))
        self.settings.notice.connect(lambda text, detail, key: self._keep(("notice", text, detail, key)))

    def start(self) -> None:
        """Open the history database and sign in with the saved sign-in, both in workers; once only."""
        if self.started or self._shut_down:
            return
        self.started = True
        self.settings.show_start_notice()
        # The history worker first: it only opens SQLite and reads the list (Qt-free).
        self.history.open()
        self.account.restore()

    def serve(self, service: PollingService) -> None:
        """The watch service works with or without a window: it follows the sign-in and the settings,
        shares the rate cap, and its answers go into the history (Recent checks)."""
        service.share_limiter(self.rate.limiter())
        service.set_session(self.account.session())
        service.apply_settings(self.settings.current())
        self.account.session_changed.connect(service.set_session)
        self.settings.applied.connect(lambda _old, new: service.apply_settings(new))
        service.report.connect(self._record)
        service.watch_finished.connect(lambda job_id, _reason, report: self._record(job_id, report))
        service.watch_changed.connect(lambda _state: self.settings.offer_autostart())

    def _record(self, _job_id: str, report: StatusReport | None) -> None:
        if report is not None:
            self.history.record_watch_report(report, self.account.session())

    def is_done(self, step: str) -> bool:
        return step in self._done

    def _step_done(self, step: str) -> None:
        self._done.add(step)
        self.step_done.emit(step)

    def _keep(self, line: BannerLine) -> None:
        if self._kept is not None:
            self._kept.append(line)

    def take_kept_messages(self, show: Callable[[BannerLine], None]) -> None:
        """The window is built: pass it what was said before it existed; from now on it listens itself."""
        kept, self._kept = self._kept or [], None
        for line in kept:
            show(line)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """After the polling has stopped: the account's workers, then the history database (closed last)."""
        if self._shut_down:
            return
        self._shut_down = True
        self.account.shutdown(timeout_ms)
        self.history.shutdown(timeout_ms)
