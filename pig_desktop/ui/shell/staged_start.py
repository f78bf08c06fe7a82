"""The window's start in stages: the first frame, then what it did without, then "ready".

``first_painted`` is emitted once, right after the window's first paint (seen by an event filter that goes
with it), or after :data:`START_FALLBACK_MS` for a window that is never painted (started hidden). Its slots
load what the first frame must not (docs/architecture.md). ``ready`` follows once every named start step
(the history database, the saved sign-in) is done: see :meth:`StagedStart.follow`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal, SignalInstance

__all__ = ["START_FALLBACK_MS", "StagedStart"]

#: When the deferred start runs anyway if the window has not been painted by then (e.g. started hidden).
START_FALLBACK_MS = 500


class StagedStart(QObject):
    first_painted = Signal()
    ready = Signal()

    def __init__(self, steps: Iterable[str], window: QObject) -> None:
        super().__init__(window)
        self._steps = set(steps)
        self.started = False
        self.is_ready = False
        self._stopped = False
        self._window = window
        window.installEventFilter(self)  # until its first paint
        # Not a 0 ms timer: it could fire before the first paint, and what it starts would delay that paint.
        QTimer.singleShot(START_FALLBACK_MS, self.begin)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted()
        return False

    def painted(self) -> None:
        self._window.removeEventFilter(self)
        if not self.started:
            QTimer.singleShot(0, self.begin)

    def begin(self) -> None:
        if self.started or self._stopped:
            return
        self.started = True
        # Create the ``Qt`` namespace's enums, which the first frame did without, here on the GUI thread and
        # before any worker thread might (PySide6 creating types in two threads at once crashed). Only then
        # can a signal that carries one reach Python.
        QtCore.Qt.ApplicationState  # noqa: B018  # creates the namespace
        self.first_painted.emit()

    def follow(self, step_done: SignalInstance, is_done: Callable[[str], bool]) -> None:
        """Take the steps from whoever runs them (the app's Background); some may be done already."""
        step_done.connect(self.step_done)
        for step in list(self._steps):
            if is_done(step):
                self.step_done(step)

    def step_done(self, step: str) -> None:
        self._steps.discard(step)
        if self._steps or self.is_ready or self._stopped:
            return
        self.is_ready = True
        # Everything made during start-up (Qt's wrappers, modules, widgets) lives as long as the app: move it
        # out of the cycle collector's sight, so that a big answer's many new objects do not trigger full
        # collections that walk all of it while holding the GIL (docs/performance.md). Objects are still
        # freed by reference counting as usual.
        gc.freeze()
        self.ready.emit()

    def shutdown(self, timeout_ms: int = 0) -> None:
        self._stopped = True
