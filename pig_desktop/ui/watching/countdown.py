"""The line under the job field while the job on screen is watched: "Watching this job for 5 min · next
check in 20 s", counted down once a second."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from pig_desktop.core.durations import format_elapsed, format_next_check
from pig_desktop.i18n import _

if TYPE_CHECKING:
    from pig_desktop.core.scheduler import WatchState

__all__ = ["WatchCountdown"]


class WatchCountdown(QObject):
    def __init__(self, label: QLabel, current_job: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self._current_job = current_job
        self._state: WatchState | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._update)

    def watch_changed(self, state: WatchState) -> None:
        if state.job_id != self._current_job():
            return
        self._state = state
        self.sync()

    def watch_finished(self, job_id: str, *_why_and_report: object) -> None:
        if job_id == self._current_job():
            self._state = None
            self.sync()

    def sync(self) -> None:
        """Show the line when the job on screen is being watched, hide it otherwise."""
        state = self._state
        watching = state is not None and state.job_id == self._current_job() and state.finished_reason is None
        self._label.setVisible(watching)
        if watching:
            if not self._timer.isActive():
                self._timer.start()
            self._update()
        else:
            self._timer.stop()

    def _update(self) -> None:
        state = self._state
        if state is None:
            self._timer.stop()
            return
        from datetime import UTC, datetime  # off the first frame (docs/architecture.md)

        now = datetime.now(UTC)
        elapsed = format_elapsed((now - state.started_at).total_seconds())
        if state.checking:
            text = _("Watching this job for {elapsed} \u00b7 checking now\u2026").format(elapsed=elapsed)
        elif state.next_check_at is not None:
            left = format_next_check((state.next_check_at - now).total_seconds())
            # TRANSLATORS: {when} is "in 5 s", "in 3 min" or "any moment".
            text = _("Watching this job for {elapsed} \u00b7 next check {when}").format(
                elapsed=elapsed, when=left
            )
        else:
            text = _("Watching this job for {elapsed}").format(elapsed=elapsed)
        self._label.setText(text)

    def shutdown(self, timeout_ms: int = 0) -> None:
        self._timer.stop()
