"""A thread-safe request pacer: at most ``rate`` requests per second, for checks made outside the watch
scheduler (a batch of jobs, the look-up in other organisations, ``pig-status`` with several jobs).

The first request goes at once; each next one waits its turn (a bucket of one token), so N requests take
(N - 1) / rate seconds and never arrive in a burst. Qt-free; waits are cancellable through an Event.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .scheduler import DEFAULT_RATE, MAX_RATE, MIN_RATE


class RateLimiter:
    """``acquire()`` blocks until the next request may go; share one instance between the threads that must
    stay within one cap together."""

    def __init__(self, rate: float = DEFAULT_RATE, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rate = _clamp(rate)
        self._next_at = float("-inf")

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        with self._lock:
            self._rate = _clamp(rate)

    def reserve(self) -> float:
        """Take the next slot; return how many seconds to wait before using it (0 when it is free now)."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next_at)
            self._next_at = at + 1.0 / self._rate
            return at - now

    def acquire(self, cancel: threading.Event | None = None) -> bool:
        """Wait for a slot. False when ``cancel`` was set first (the slot is then lost, which is harmless)."""
        if cancel is not None and cancel.is_set():
            return False
        delay = self.reserve()
        if delay <= 0:
            return True
        if cancel is None:
            time.sleep(delay)
            return True
        return not cancel.wait(delay)


def _clamp(rate: float) -> float:
    if rate != rate:  # NaN
        return DEFAULT_RATE
    return min(MAX_RATE, max(MIN_RATE, float(rate)))
