"""Retry and polling policy: pure functions, no I/O, no clock of their own (the caller passes time in).

- Transient failures (connect errors, timeouts, 429, 502/503/504) are retried with exponential backoff and
  jitter, honouring Retry-After up to a cap. Auth errors and "not found" are never retried.
- A watch polls until a final outcome or a maximum duration; the interval starts short and stretches as the
  job gets older, so a job that has run for an hour is not asked about every ten seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .outcome import Outcome, StatusReport


@dataclass(frozen=True)
class RetryPolicy:
    """How one check retries transient failures."""

    max_attempts: int = 4  # the first try plus three retries
    base_delay: float = 0.5  # seconds before the first retry (before jitter)
    max_delay: float = 20.0  # cap of the exponential part
    retry_after_cap: float = 60.0  # never wait longer than this for one Retry-After
    max_elapsed: float = 20.0  # no retry starts once the check has taken this long: people are waiting


@dataclass(frozen=True)
class WatchPolicy:
    """How a watch polls one job."""

    base_interval: float = 10.0  # seconds between checks while a job is young
    max_interval: float = 300.0  # the interval never stretches past this
    stretch: float = 0.1  # once older, poll every `stretch` x the job's age
    max_duration: float = 24 * 3600.0  # give up after this long
    error_backoff_cap: float = 600.0  # longest pause after repeated errors


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or bad."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        # isascii: str.isdigit() also accepts digits like "²" that int() refuses. A huge number is capped by
        # the caller (RetryPolicy.retry_after_cap), so clamp here instead of overflowing a float.
        return float(int(text)) if len(text) <= 15 else 1e15
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def backoff_delay(attempt: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1 = first retry): exponential with "equal jitter".

    Half the exponential step is fixed and half random, so retries spread out but never fire at once.
    """
    # The exponent is bounded so a runaway attempt count cannot overflow a float.
    step = min(policy.max_delay, policy.base_delay * (2 ** min(max(0, attempt - 1), 60)))
    chooser = rng or random
    return float(step / 2 + chooser.uniform(0, step / 2))


def should_retry(report: StatusReport, attempt: int, policy: RetryPolicy) -> bool:
    """Retry only transient errors, and only while attempts remain. ``attempt`` counts tries made so far."""
    return report.outcome is Outcome.ERROR and report.transient and attempt < policy.max_attempts


def retry_fits(elapsed: float, delay: float, policy: RetryPolicy) -> bool:
    """True when waiting ``delay`` more seconds still keeps the whole check within its time budget."""
    return elapsed + delay <= policy.max_elapsed


def retry_delay(
    report: StatusReport, attempt: int, policy: RetryPolicy, rng: random.Random | None = None
) -> float:
    """How long to wait before the next try: the server's Retry-After (capped) or the backoff."""
    if report.retry_after is not None:
        return min(max(report.retry_after, 0.0), policy.retry_after_cap)
    return backoff_delay(attempt, policy, rng)


def poll_interval(age: float, policy: WatchPolicy) -> float:
    """Seconds until the next check of a job that has been watched for ``age`` seconds."""
    return min(policy.max_interval, max(policy.base_interval, age * policy.stretch))


def error_backoff(consecutive_errors: int, interval: float, policy: WatchPolicy) -> float:
    """The pause after ``consecutive_errors`` failed checks in a row: doubles each time, capped."""
    if consecutive_errors <= 0:
        return interval
    return float(min(policy.error_backoff_cap, interval * (2 ** min(consecutive_errors, 16))))


def next_check_delay(report: StatusReport, age: float, consecutive_errors: int, policy: WatchPolicy) -> float:
    """When to ask again about a watched job after ``report``: honours Retry-After and backs off on errors."""
    interval = poll_interval(age, policy)
    if report.outcome is Outcome.ERROR:
        interval = error_backoff(consecutive_errors, interval, policy)
    if report.retry_after is not None:
        interval = max(interval, min(report.retry_after, policy.error_backoff_cap))
    return interval


def watch_is_over(report: StatusReport, age: float, policy: WatchPolicy) -> str | None:
    """Why a watch ends now ("final", "sign_in", "gave_up"), or None to keep watching."""
    if report.outcome.is_final:
        return "final"
    if report.outcome is Outcome.AUTH_ERROR:
        # Asking again with the same credentials cannot help; the user must sign in again.
        return "sign_in"
    if age >= policy.max_duration:
        return "gave_up"
    return None
