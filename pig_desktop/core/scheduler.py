"""The watch schedule: which watched jobs to check when, under one global request-rate cap. No Qt, no clock.

Pure logic: every method takes the time as an argument (``now``: seconds since the epoch, as ``time.time()``
gives), so tests drive it exactly and the polling thread passes the real clock. Wall-clock time is used on
purpose: a laptop that slept for an hour has jobs an hour older, and every check that fell due while it slept
is due at once when it wakes (the rate cap then spreads them out).

- Per-job intervals come from :mod:`pig_desktop.core.policy`: short while a job is young, stretching with its
  age; errors back off; a Retry-After is honoured for that job and, because CINX throttles the whole account,
  also holds back every other check until it has passed.
- A final outcome ends a watch ("final"); so does the maximum watch time ("gave_up"). An auth error puts the
  whole schedule on hold (asking again with the same credentials cannot help)
  until :meth:`Scheduler.resume_after_sign_in`.
- The cap is a token bucket (default 2 requests/s, burst 1): with a burst of 1 consecutive requests are at
  least ``1/rate`` seconds apart, so no one-second window ever holds more than ``rate`` requests.
- :meth:`Scheduler.observe_clock` notices a sleep (wall time jumped further than monotonic time) and
  :meth:`Scheduler.wake` makes every job due now, errors forgotten: after sleep or when the network returns,
  checks run promptly, still under the cap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from .outcome import Outcome, StatusReport
from .policy import WatchPolicy, next_check_delay, watch_is_over

DEFAULT_RATE = 2.0  # requests per second over all watched jobs
MIN_RATE = 0.05
MAX_RATE = 20.0
# A wall-clock jump this much larger than the monotonic clock's means the machine slept (monotonic time stops
# during suspend on Linux) or the clock was set: either way, check everything again soon.
SLEEP_GAP = 20.0

# Why a watch ended. "final": processed, failed or not found. "gave_up": the maximum watch time passed.
REASON_FINAL = "final"
REASON_GAVE_UP = "gave_up"
REASON_STOPPED = "stopped"


def to_datetime(moment: float | None) -> datetime | None:
    """Epoch seconds as an aware UTC datetime (None stays None)."""
    return None if moment is None else datetime.fromtimestamp(moment, UTC)


@dataclass(frozen=True)
class WatchedJob:
    """The schedule's view of one watched job (a snapshot: the schedule replaces it on every change)."""

    job_id: str
    started_at: float  # epoch seconds when the watch began (kept across restarts)
    due_at: float  # when the next check may run
    organisation: str = ""
    last_checked_at: float | None = None
    checks: int = 0
    consecutive_errors: int = 0
    in_flight: bool = False
    last_outcome: Outcome | None = None

    def age(self, now: float) -> float:
        return max(0.0, now - self.started_at)


@dataclass(frozen=True)
class Verdict:
    """What the schedule decided after a check: ``finished`` is a reason when the watch ended, else None."""

    job_id: str
    finished: str | None
    next_due: float | None
    hold: bool = False  # an auth error put the whole schedule on hold


@dataclass(frozen=True)
class WatchState:
    """What the UI shows about one watch. Immutable: it crosses from the polling thread to the GUI.

    ``finished_reason`` is None while the job is watched, else "final", "gave_up" or "stopped".
    """

    job_id: str
    started_at: datetime
    organisation: str = ""
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    last_report: StatusReport | None = None
    finished_reason: str | None = None
    checking: bool = False
    checks: int = 0

    @property
    def outcome(self) -> Outcome | None:
        return self.last_report.outcome if self.last_report is not None else None


class Scheduler:
    """Due times for every watched job, and the token bucket that caps the request rate."""

    def __init__(
        self, policy: WatchPolicy | None = None, rate: float = DEFAULT_RATE, burst: float = 1.0
    ) -> None:
        self.policy = policy or WatchPolicy()
        self._rate = _clamp_rate(rate)
        self._burst = max(1.0, float(burst))
        self._tokens = self._burst
        self._refilled_at: float | None = None
        self._jobs: dict[str, WatchedJob] = {}
        self._paused = False
        self._held = False
        self._not_before = -math.inf  # a Retry-After holds back every check until then
        self._clock: tuple[float, float] | None = None  # last (wall, monotonic) seen by observe_clock

    # -- settings --------------------------------------------------------------------------------------------

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        self._rate = _clamp_rate(rate)

    def set_policy(self, policy: WatchPolicy) -> None:
        self.policy = policy

    # -- the job list ----------------------------------------------------------------------------------------

    def add(
        self,
        job_id: str,
        now: float,
        *,
        started_at: float | None = None,
        organisation: str = "",
        due_at: float | None = None,
    ) -> WatchedJob:
        """Watch a job (a job already watched keeps its state and is made due now). Returns its entry."""
        existing = self._jobs.get(job_id)
        if existing is not None:
            job = replace(existing, due_at=min(existing.due_at, now))
        else:
            job = WatchedJob(
                job_id=job_id,
                started_at=now if started_at is None else started_at,
                due_at=now if due_at is None else due_at,
                organisation=organisation,
            )
        self._jobs[job_id] = job
        return job

    def remove(self, job_id: str) -> bool:
        return self._jobs.pop(job_id, None) is not None

    def clear(self) -> None:
        self._jobs.clear()
        self._held = False
        self._not_before = -math.inf

    def get(self, job_id: str) -> WatchedJob | None:
        return self._jobs.get(job_id)

    def jobs(self) -> list[WatchedJob]:
        """Every watched job, oldest watch first."""
        return sorted(self._jobs.values(), key=lambda j: (j.started_at, j.job_id))

    def __len__(self) -> int:
        return len(self._jobs)

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._jobs

    # -- states ----------------------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def held(self) -> bool:
        """True after an auth error, until the user signs in again."""
        return self._held

    def pause(self) -> None:
        self._paused = True

    def resume(self, now: float) -> None:
        """Resume after a pause: checks that fell due meanwhile run now (under the cap)."""
        self._paused = False

    def resume_after_sign_in(self, now: float) -> None:
        self._held = False
        self.wake(now)

    def make_due(self, job_id: str, now: float) -> bool:
        """Check this job as soon as the cap allows ("Check now")."""
        job = self._jobs.get(job_id)
        if job is None:
            return False
        self._jobs[job_id] = replace(job, due_at=min(job.due_at, now))
        return True

    def wake(self, now: float) -> None:
        """The machine woke up or the network came back: every job is due now, error backoffs forgotten.

        A Retry-After still in force is kept: the server asked for it.
        """
        for job_id, job in self._jobs.items():
            self._jobs[job_id] = replace(job, due_at=min(job.due_at, now), consecutive_errors=0)

    def observe_clock(self, wall: float, monotonic: float) -> bool:
        """Feed both clocks; returns True (and wakes) when wall time jumped well past monotonic time."""
        previous, self._clock = self._clock, (wall, monotonic)
        if previous is None:
            return False
        gap = (wall - previous[0]) - (monotonic - previous[1])
        if abs(gap) >= SLEEP_GAP:
            self._refilled_at = None if gap < 0 else self._refilled_at
            self.wake(wall)
            return True
        return False

    # -- the rate cap ----------------------------------------------------------------------------------------

    def _refill(self, now: float) -> None:
        if self._refilled_at is None or now < self._refilled_at:
            # First use, or the clock went backwards: start counting from here, never mint extra tokens.
            if self._refilled_at is None:
                self._tokens = self._burst
            self._refilled_at = now
            return
        self._tokens = min(self._burst, self._tokens + (now - self._refilled_at) * self._rate)
        self._refilled_at = now

    def _settle(self, now: float) -> None:
        """A request handed out earlier has just completed. Its bytes may have left later than the moment
        :meth:`due` handed it out (the thread can wait for the GIL in between), so tokens only start to
        refill from now: the gap between two requests on the wire is then never below ``1/rate``."""
        if self._refilled_at is not None and now > self._refilled_at:
            self._refilled_at = now

    def _token_ready_at(self, now: float) -> float:
        self._refill(now)
        if self._tokens >= 1.0:
            return now
        return now + (1.0 - self._tokens) / self._rate

    # -- asking what to do -----------------------------------------------------------------------------------

    def _waiting(self) -> list[WatchedJob]:
        return [j for j in self._jobs.values() if not j.in_flight]

    def due(self, now: float) -> list[WatchedJob]:
        """The jobs to check now, most overdue first, as many as the rate cap allows; they become in flight.

        Each returned job has spent one token: call :meth:`record` or :meth:`release` for every one.
        """
        if self._paused or self._held or now < self._not_before:
            return []
        ready = sorted((j for j in self._waiting() if j.due_at <= now), key=lambda j: (j.due_at, j.job_id))
        if not ready:
            return []
        self._refill(now)
        chosen: list[WatchedJob] = []
        for job in ready:
            if self._tokens < 1.0:
                break
            self._tokens -= 1.0
            flying = replace(job, in_flight=True)
            self._jobs[job.job_id] = flying
            chosen.append(flying)
        return chosen

    def next_wake(self, now: float) -> float | None:
        """Seconds until :meth:`due` may return something, or None when nothing ever will without a command
        (no jobs, paused, on hold, or everything in flight)."""
        if self._paused or self._held:
            return None
        waiting = self._waiting()
        if not waiting:
            return None
        earliest = min(j.due_at for j in waiting)
        at = max(earliest, self._not_before, self._token_ready_at(now))
        return max(0.0, at - now)

    def next_due_at(self, job_id: str) -> float | None:
        """When this job's next check is expected (its due time, or later if a Retry-After holds checks)."""
        job = self._jobs.get(job_id)
        if job is None or job.in_flight:
            return None
        return max(job.due_at, self._not_before)

    # -- results ---------------------------------------------------------------------------------------------

    def record(self, job_id: str, report: StatusReport, now: float) -> Verdict:
        """Apply a check's report: end the watch, or pick the next due time from the policy."""
        self._settle(now)
        job = self._jobs.get(job_id)
        if job is None:
            # Unwatched while the check was in flight: nothing to schedule.
            return Verdict(job_id, REASON_STOPPED, None)
        errors = job.consecutive_errors + 1 if report.outcome is Outcome.ERROR else 0
        age = job.age(now)
        reason = watch_is_over(report, age, self.policy)
        if reason in (REASON_FINAL, REASON_GAVE_UP):
            del self._jobs[job_id]
            return Verdict(job_id, reason, None)
        if report.retry_after is not None and report.retry_after > 0:
            # CINX throttles per account: hold every check back, not only this job's.
            self._not_before = max(
                self._not_before, now + min(report.retry_after, self.policy.error_backoff_cap)
            )
        delay = next_check_delay(report, age, errors, self.policy)
        # Never sleep past the give-up moment: the last check happens when the watch time runs out.
        deadline = job.started_at + self.policy.max_duration
        due_at = max(now, min(now + delay, deadline)) if now < deadline else now + delay
        updated = replace(
            job,
            due_at=due_at,
            in_flight=False,
            last_checked_at=now,
            checks=job.checks + 1,
            consecutive_errors=errors,
            last_outcome=report.outcome,
        )
        self._jobs[job_id] = updated
        hold = reason == "sign_in"
        if hold:
            self._held = True
        return Verdict(job_id, None, due_at, hold=hold)

    def release(self, job_id: str, now: float) -> None:
        """A check was cancelled or its result thrown away: the job is due again (it keeps its history)."""
        self._settle(now)
        job = self._jobs.get(job_id)
        if job is not None:
            self._jobs[job_id] = replace(job, in_flight=False, due_at=min(job.due_at, now))

    def release_all(self, now: float) -> None:
        for job_id, job in list(self._jobs.items()):
            if job.in_flight:
                self.release(job_id, now)


def _clamp_rate(rate: float) -> float:
    if not math.isfinite(rate):
        return DEFAULT_RATE
    return min(MAX_RATE, max(MIN_RATE, float(rate)))


__all__ = [
    "DEFAULT_RATE",
    "REASON_FINAL",
    "REASON_GAVE_UP",
    "REASON_STOPPED",
    "SLEEP_GAP",
    "Scheduler",
    "Verdict",
    "WatchState",
    "WatchedJob",
    "to_datetime",
]
