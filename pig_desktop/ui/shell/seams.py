"""The small protocols the window's parts meet at (docs/architecture.md)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["ClosePolicy", "Stoppable"]


class Stoppable(Protocol):
    """A part the window stops when it closes: waits for its workers, never terminates a thread."""

    def shutdown(self, timeout_ms: int) -> object: ...


class ClosePolicy(Protocol):
    """Who may keep the app running when the user closes the window (the watch feature)."""

    def keep_running_on_close(self) -> bool:
        """The user closed the window: True when the window was hidden or minimised instead."""
        ...

    def keeps_app_running(self) -> bool:
        """True while the app lives on without its window (in the tray)."""
        ...
