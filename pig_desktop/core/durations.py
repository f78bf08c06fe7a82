"""Durations as people read them. Two meanings, two names:

- :func:`format_elapsed`: how long something has been going on, coarse and friendly ("3 min", "1 h 5 min");
  :func:`format_next_check` builds the watch countdown on it.
- :func:`format_measured`: a time CINX measured (``total_time``), precise ("276 ms", "3.18 s").
"""

from __future__ import annotations

import math

from ..i18n import _, format_decimal

__all__ = ["format_elapsed", "format_measured", "format_next_check"]


def format_elapsed(seconds: float) -> str:
    """A short, friendly duration: "40 s", "3 min", "1 h 5 min", "2 days 3 h"."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    minutes = s // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {hours} h" if hours else f"{days} {unit}"


def format_next_check(seconds_left: float) -> str:
    """ "in 5 s", rounded up so the countdown never shows "in 0 s" before the check, or "any moment"."""
    return "any moment" if seconds_left < 1 else f"in {format_elapsed(math.ceil(seconds_left))}"


def format_measured(seconds: float | None) -> str:
    """CINX's ``total_time``: "276 ms" under a second, "3.18 s" from one second on."""
    if seconds is None:
        return ""
    if seconds < 0.9995:
        return _("{milliseconds} ms").format(milliseconds=round(seconds * 1000))
    return _("{seconds} s").format(seconds=format_decimal(seconds, 2))
