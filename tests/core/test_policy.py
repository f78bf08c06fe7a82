"""Retry and polling policy (issue 2, part 5): pure functions in pig_desktop.core.policy."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.policy import (
    RetryPolicy,
    WatchPolicy,
    backoff_delay,
    error_backoff,
    next_check_delay,
    parse_retry_after,
    poll_interval,
    retry_delay,
    should_retry,
    watch_is_over,
)

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def report(outcome: Outcome, *, transient: bool = False, retry_after: float | None = None) -> StatusReport:
    return StatusReport(
        job_id="j", outcome=outcome, message="m", transient=transient, retry_after=retry_after
    )


# ---- backoff -----------------------------------------------------------------------------------------------


def test_backoff_grows_exponentially_within_equal_jitter_bounds() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=20.0)
    rng = random.Random(1234)
    for attempt in range(1, 12):
        step = min(20.0, 0.5 * 2 ** (attempt - 1))
        for _ in range(50):
            delay = backoff_delay(attempt, policy, rng)
            assert step / 2 <= delay <= step


def test_backoff_is_capped_even_for_huge_attempt_numbers() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=20.0)
    assert backoff_delay(10_000, policy, random.Random(0)) <= 20.0
    assert backoff_delay(0, policy, random.Random(0)) <= 0.5


def test_backoff_jitter_spreads_and_is_reproducible_with_a_seed() -> None:
    policy = RetryPolicy()
    first = [backoff_delay(3, policy, random.Random(42)) for _ in range(3)]
    assert len(set(first)) == 1  # same seed, same delay
    rng = random.Random(7)
    spread = {round(backoff_delay(3, policy, rng), 6) for _ in range(20)}
    assert len(spread) > 10  # not a fixed value: retries of many clients do not fire together


# ---- Retry-After -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", 0.0),
        ("1", 1.0),
        (" 120 ", 120.0),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        ("Wed, 01 May 2024 12:01:00 GMT", 60.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),  # in the past: no wait
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("²", None),
        ("Wed, 99 Foo 2024 99:99:99 GMT", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


def test_parse_retry_after_huge_number_does_not_overflow() -> None:
    value = parse_retry_after("9" * 5000, now=NOW)
    assert value is not None and value > 3600


def test_retry_delay_honours_retry_after_up_to_the_cap() -> None:
    policy = RetryPolicy(retry_after_cap=60.0)
    assert retry_delay(report(Outcome.ERROR, transient=True, retry_after=3.0), 1, policy) == 3.0
    assert retry_delay(report(Outcome.ERROR, transient=True, retry_after=3600.0), 1, policy) == 60.0
    assert retry_delay(report(Outcome.ERROR, transient=True, retry_after=-1.0), 1, policy) == 0.0
    plain = retry_delay(report(Outcome.ERROR, transient=True), 2, policy, random.Random(3))
    assert 0.5 <= plain <= 1.0


def test_should_retry_only_transient_errors_while_attempts_remain() -> None:
    policy = RetryPolicy(max_attempts=3)
    busy = report(Outcome.ERROR, transient=True)
    assert should_retry(busy, 1, policy) and should_retry(busy, 2, policy)
    assert not should_retry(busy, 3, policy)  # gives up
    assert not should_retry(report(Outcome.ERROR, transient=False), 1, policy)
    for outcome in (
        Outcome.AUTH_ERROR,
        Outcome.NOT_FOUND,
        Outcome.PROCESSED,
        Outcome.FAILED,
        Outcome.RUNNING,
    ):
        # even if something marked them transient, these are answers, not failures to get one
        assert not should_retry(report(outcome, transient=True), 1, policy)


# ---- watching ----------------------------------------------------------------------------------------------


def test_poll_interval_stretches_with_age_and_is_capped() -> None:
    policy = WatchPolicy(base_interval=10.0, max_interval=300.0, stretch=0.1)
    assert poll_interval(0, policy) == 10.0
    assert poll_interval(60, policy) == 10.0
    assert poll_interval(600, policy) == 60.0
    assert poll_interval(1200, policy) == 120.0
    assert poll_interval(10 * 3600, policy) == 300.0
    ages = [0, 50, 100, 500, 1000, 2000, 3000, 5000, 10_000]
    intervals = [poll_interval(age, policy) for age in ages]
    assert intervals == sorted(intervals)


def test_error_backoff_doubles_and_caps() -> None:
    policy = WatchPolicy(error_backoff_cap=600.0)
    assert error_backoff(0, 10.0, policy) == 10.0
    assert error_backoff(1, 10.0, policy) == 20.0
    assert error_backoff(3, 10.0, policy) == 80.0
    assert error_backoff(50, 10.0, policy) == 600.0


def test_next_check_delay() -> None:
    policy = WatchPolicy(base_interval=10.0)
    assert next_check_delay(report(Outcome.RUNNING), 0, 0, policy) == 10.0
    assert next_check_delay(report(Outcome.ERROR, transient=True), 0, 2, policy) == 40.0
    # The server's Retry-After wins when longer, but is bounded.
    assert next_check_delay(report(Outcome.ERROR, transient=True, retry_after=90.0), 0, 1, policy) == 90.0
    assert (
        next_check_delay(report(Outcome.ERROR, retry_after=10**6), 0, 1, policy) == policy.error_backoff_cap
    )


def test_watch_is_over() -> None:
    policy = WatchPolicy(max_duration=3600.0)
    for outcome in (Outcome.PROCESSED, Outcome.FAILED, Outcome.NOT_FOUND):
        assert watch_is_over(report(outcome), 5, policy) == "final"
    assert watch_is_over(report(Outcome.AUTH_ERROR), 5, policy) == "sign_in"
    assert watch_is_over(report(Outcome.RUNNING), 5, policy) is None
    assert watch_is_over(report(Outcome.ERROR, transient=True), 5, policy) is None
    assert watch_is_over(report(Outcome.RUNNING), 3600.0, policy) == "gave_up"
    assert watch_is_over(report(Outcome.ERROR), 7200.0, policy) == "gave_up"
    # A final answer at the deadline is still final, not "gave up".
    assert watch_is_over(report(Outcome.PROCESSED), 7200.0, policy) == "final"
