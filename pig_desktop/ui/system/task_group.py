"""The worker tasks one controller started, so that it can cancel and wait for exactly its own at shutdown.

Each controller owns one :class:`TaskGroup`; ``run`` is ``run_in_thread`` plus bookkeeping (a finished task
is forgotten and deleted). ``shutdown`` first asks every task to cancel, then waits for each: a task is never
terminated (see ``pig_desktop.ui.system.tasks``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from pig_desktop.ui.system.tasks import TaskHandle, run_in_thread

__all__ = ["TaskGroup"]


class TaskGroup:
    def __init__(self, parent: QObject) -> None:
        self._parent = parent
        self._tasks: list[TaskHandle] = []

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_cancel: Callable[[], None] | None = None,
        name: str = "",
    ) -> TaskHandle:
        task = run_in_thread(self._parent, fn, *args, on_cancel=on_cancel, name=name)
        self._tasks.append(task)
        task.finished.connect(lambda: self._finished(task))
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> int:
        """Cancel every task, then wait for each (up to ``timeout_ms`` each); returns how many there were."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            task.shutdown(timeout_ms)
        return len(tasks)

    def _finished(self, task: TaskHandle) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
        task.deleteLater()
