"""Durations as people read them. Two meanings, two names:

- :func:`format_elapsed`: how long something has been going on, coarse and friendly ("3 min", "1 h 5 min");
  :func:`format_next_check` builds the watch countdown on it.
- :func:`format_measured`: a time CINX measured (``total_time``), precise ("276 ms", "3.18 s").
"""

from __future__ import annotations

import math

from ..i18n import _, format_decimal, ngettext

__all__ = ["format_elapsed", "format_measured", "format_next_check"]


def format_elapsed(seconds: float) -> str:
    """A short, friendly duration: "40 s", "3 min", "1 h 5 min", "2 days 3 h"."""
    s = max(0, int(seconds))
    if s < 60:
        return _("{seconds} s").format(seconds=s)
    minutes = s // 60
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes:
            return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
        return _("{hours} h").format(hours=hours)
    days, hours = divmod(hours, 24)
    if hours:
        return ngettext("{days} day {hours} h", "{days} days {hours} h", days).format(days=days, hours=hours)
    return ngettext("{days} day", "{days} days", days).format(days=days)


def format_next_check(seconds_left: float) -> str:
    """ "in 5 s", rounded up so the countdown never shows "in 0 s" before the check, or "any moment"."""
    if seconds_left < 1:
        return _("any moment")
    # TRANSLATORS: when the next check comes; {duration} is e.g. "5 s" or "3 min".
    return _("in {duration}").format(duration=format_elapsed(math.ceil(seconds_left)))


def format_measured(seconds: float | None) -> str:
    """CINX's ``total_time``: "276 ms" under a second, "3.18 s" from one second on."""
    if seconds is None:
        return ""
    if seconds < 0.9995:
        return _("{milliseconds} ms").format(milliseconds=round(seconds * 1000))
    return _("{seconds} s").format(seconds=format_decimal(seconds, 2))
