"""The watch schedule, driven with simulated time: rate cap, stretching intervals, backoff, Retry-After,
give-up, sleep/wake, pause. No threads, no clock, no network."""

from __future__ import annotations

from collections import deque

import pytest

from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.policy import WatchPolicy, poll_interval
from pig_desktop.core.scheduler import REASON_FINAL, REASON_GAVE_UP, SLEEP_GAP, Scheduler

T0 = 1_800_000_000.0


def running(job_id: str) -> StatusReport:
    return StatusReport(job_id, Outcome.RUNNING, "still running")


def report(job_id: str, outcome: Outcome, retry_after: float | None = None) -> StatusReport:
    return StatusReport(job_id, outcome, "x", retry_after=retry_after, transient=outcome is Outcome.ERROR)


def run_until(sched: Scheduler, start: float, end: float, answer=running) -> list[tuple[float, str]]:
    """Simulate the polling thread: sleep until next_wake, check what is due, record the answers."""
    now = start
    log: list[tuple[float, str]] = []
    while now < end:
        for job in sched.due(now):
            log.append((now, job.job_id))
            sched.record(job.job_id, answer(job.job_id), now)
        wait = sched.next_wake(now)
        if wait is None:
            break
        now += max(wait, 1e-6)
    return log


def test_rate_cap_never_exceeded_over_an_hour_with_500_jobs() -> None:
    sched = Scheduler(WatchPolicy(), rate=2.0)
    for i in range(500):
        sched.add(f"job-{i:03d}", T0)
    log = run_until(sched, T0, T0 + 3600)
    times = [t for t, _ in log]
    assert len(times) > 2 * 3600 * 0.95  # the cap is the limit, and the schedule uses it
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.5 - 1e-9
    window: deque[float] = deque()
    for t in times:  # no one-second window holds more than 2 requests
        window.append(t)
        while window[0] <= t - 1.0:
            window.popleft()
        assert len(window) <= 2
    # every job was checked, and fairly: no job starves behind the others
    counts: dict[str, int] = {}
    for _, job_id in log:
        counts[job_id] = counts.get(job_id, 0) + 1
    assert len(counts) == 500
    assert max(counts.values()) - min(counts.values()) <= 2


def test_a_lower_rate_setting_is_honoured() -> None:
    sched = Scheduler(WatchPolicy(base_interval=1.0), rate=0.5)
    for i in range(20):
        sched.add(f"j{i}", T0)
    times = [t for t, _ in run_until(sched, T0, T0 + 120)]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 2.0 - 1e-9


def test_intervals_start_short_and_stretch_with_age() -> None:
    policy = WatchPolicy(base_interval=10, max_interval=300, stretch=0.1)
    sched = Scheduler(policy, rate=2.0)
    sched.add("job", T0)
    times = [t for t, _ in run_until(sched, T0, T0 + 6 * 3600)]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps[0] == pytest.approx(10)
    assert gaps == sorted(gaps)  # never shrinking
    assert gaps[-1] == pytest.approx(300)
    assert any(10 < g < 300 for g in gaps)


def test_errors_back_off_and_success_resets() -> None:
    policy = WatchPolicy(base_interval=10, error_backoff_cap=600)
    sched = Scheduler(policy)
    sched.add("job", T0)
    now = T0
    delays = []
    for _ in range(6):
        (job,) = sched.due(now)
        verdict = sched.record("job", report("job", Outcome.ERROR), now)
        assert verdict.next_due is not None
        delays.append(verdict.next_due - now)
        now = verdict.next_due
    assert delays[:3] == [20, 40, 80]
    assert delays[-1] == 600  # capped
    (job,) = sched.due(now)
    verdict = sched.record("job", running("job"), now)
    # back to the age-based interval, no error doubling
    assert verdict.next_due - now == pytest.approx(poll_interval(now - T0, policy))
    assert sched.get("job").consecutive_errors == 0


def test_retry_after_holds_that_job_and_every_other_check() -> None:
    sched = Scheduler(WatchPolicy(base_interval=1), rate=2.0)
    sched.add("a", T0)
    sched.add("b", T0)
    (first,) = sched.due(T0)
    verdict = sched.record(first.job_id, report(first.job_id, Outcome.ERROR, retry_after=30), T0)
    assert verdict.next_due >= T0 + 30
    # the other job was due, but CINX asked the whole account to slow down
    assert sched.due(T0 + 5) == []
    assert sched.next_wake(T0 + 5) == pytest.approx(25)
    assert [j.job_id for j in sched.due(T0 + 30)] == ["b"]


def test_final_outcomes_end_the_watch() -> None:
    sched = Scheduler()
    cases = (("p", Outcome.PROCESSED), ("f", Outcome.FAILED), ("n", Outcome.NOT_FOUND))
    for step, (name, outcome) in enumerate(cases):
        now = T0 + 10 * step
        sched.add(name, now)
        (job,) = sched.due(now)
        verdict = sched.record(name, report(name, outcome), now)
        assert verdict.finished == REASON_FINAL
        assert name not in sched
    assert sched.next_wake(T0 + 100) is None  # nothing watched: no wake-ups at all


def test_max_watch_time_gives_up_on_time() -> None:
    policy = WatchPolicy(base_interval=10, max_interval=300, max_duration=1000)
    sched = Scheduler(policy)
    sched.add("job", T0)
    log = run_until(sched, T0, T0 + 5000)
    assert "job" not in sched
    last_check = log[-1][0]
    # the last check happens when the watch time runs out, not up to max_interval later
    assert last_check == pytest.approx(T0 + 1000)


def test_give_up_verdict() -> None:
    sched = Scheduler(WatchPolicy(max_duration=60))
    sched.add("job", T0 - 120)  # restored from the store: started two minutes ago
    (job,) = sched.due(T0)
    assert sched.record("job", running("job"), T0).finished == REASON_GAVE_UP
    # ...but a job that finished meanwhile says so rather than "gave up"
    sched.add("done", T0 - 120, started_at=T0 - 120)
    (job,) = sched.due(T0 + 1)
    assert sched.record("done", report("done", Outcome.PROCESSED), T0 + 1).finished == REASON_FINAL


def test_sleep_is_noticed_and_due_checks_run_promptly_under_the_cap() -> None:
    sched = Scheduler(WatchPolicy(base_interval=10, max_interval=300), rate=2.0)
    for i in range(10):
        sched.add(f"j{i}", T0)
    run_until(sched, T0, T0 + 2000)
    sched.observe_clock(T0 + 2000, 5000.0)
    # an hour asleep: wall time moved 3600 s, monotonic time did not
    assert sched.observe_clock(T0 + 5600, 5000.0 + 1) is True
    assert sched.next_wake(T0 + 5600) == 0
    dispatched = run_until(sched, T0 + 5600, T0 + 5610)
    firsts = {}
    for t, job_id in dispatched:
        firsts.setdefault(job_id, t)
    assert len(firsts) == 10
    assert max(firsts.values()) - (T0 + 5600) <= 10 * 0.5  # promptly: all within the cap's pace
    times = sorted(firsts.values())
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.5 - 1e-9


def test_no_sleep_detected_for_normal_ticks() -> None:
    sched = Scheduler()
    sched.observe_clock(T0, 100.0)
    assert sched.observe_clock(T0 + 300, 100.0 + 300 - SLEEP_GAP / 2) is False


def test_wake_forgets_error_backoff() -> None:
    sched = Scheduler(WatchPolicy(base_interval=10))
    sched.add("job", T0)
    now = T0
    for _ in range(5):
        sched.due(now)
        now = sched.record("job", report("job", Outcome.ERROR), now).next_due
    assert sched.next_wake(now - 100) > 50
    sched.wake(now - 100)
    assert sched.next_wake(now - 100) == 0
    assert sched.get("job").consecutive_errors == 0


def test_pause_and_resume() -> None:
    sched = Scheduler()
    sched.add("job", T0)
    sched.pause()
    assert sched.due(T0 + 100) == []
    assert sched.next_wake(T0 + 100) is None
    sched.resume(T0 + 100)
    assert [j.job_id for j in sched.due(T0 + 100)] == ["job"]


def test_auth_error_holds_everything_until_sign_in() -> None:
    sched = Scheduler()
    sched.add("a", T0)
    sched.add("b", T0)
    (job,) = sched.due(T0)
    verdict = sched.record(job.job_id, report(job.job_id, Outcome.AUTH_ERROR), T0)
    assert verdict.hold and verdict.finished is None
    assert sched.due(T0 + 1000) == [] and sched.next_wake(T0 + 1000) is None
    sched.resume_after_sign_in(T0 + 1000)
    assert len(sched.due(T0 + 1000)) == 1


def test_in_flight_jobs_are_not_handed_out_twice_and_release_makes_them_due() -> None:
    sched = Scheduler(rate=10.0, burst=5)
    sched.add("a", T0)
    sched.add("b", T0)
    assert {j.job_id for j in sched.due(T0)} == {"a", "b"}
    assert sched.due(T0 + 10) == []
    assert sched.next_wake(T0 + 10) is None
    sched.release("a", T0 + 10)
    assert [j.job_id for j in sched.due(T0 + 10)] == ["a"]
    # unwatched while in flight: the late result is ignored
    sched.remove("b")
    assert sched.record("b", running("b"), T0 + 11).finished == "stopped"


def test_clock_going_backwards_mints_no_extra_tokens() -> None:
    sched = Scheduler(rate=2.0)
    for i in range(5):
        sched.add(f"j{i}", T0 - 1000)
    assert len(sched.due(T0)) == 1
    assert sched.due(T0 - 500) == []  # clock set back: no token appears from nowhere
    assert sched.next_wake(T0 - 500) == pytest.approx(0.5)


def test_watching_again_keeps_the_start_and_checks_now() -> None:
    sched = Scheduler()
    sched.add("job", T0)
    sched.due(T0)
    sched.record("job", running("job"), T0)
    again = sched.add("job", T0 + 3)
    assert again.started_at == T0
    assert again.due_at == T0 + 3


def test_tokens_refill_only_from_when_a_request_completed() -> None:
    # The polling thread may send a request a little after due() handed it out; counting from the answer
    # keeps the gap between requests on the wire at least 1/rate.
    sched = Scheduler(WatchPolicy(base_interval=1), rate=2.0)
    sched.add("a", T0)
    sched.add("b", T0)
    (job,) = sched.due(T0)
    sched.record(job.job_id, running(job.job_id), T0 + 0.2)  # the answer came 0.2 s later
    assert sched.due(T0 + 0.5) == []
    assert sched.next_wake(T0 + 0.5) == pytest.approx(0.2)
    assert [j.job_id for j in sched.due(T0 + 0.7)] == ["b"]
