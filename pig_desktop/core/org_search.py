"""Find a job in the account's other organisations (issue 14, part 1). Qt-free.

Many people belong to several organisations (``/2.0/subs`` lists them all), and a job made in one is "not
found" with another's API token. Given the organisations and a check function, ``search_organisations`` asks
each ACTIVE one in turn (at most ``MAX_ORGANISATIONS``, paced by a shared RateLimiter) and stops at the first
that has the job. Tokens come from the same ``/2.0/subs`` answer, so they are all for the same server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from .client import CinxClient
from .errors import Cancelled
from .models import Organisation
from .outcome import Outcome, StatusReport
from .rate import RateLimiter

MAX_ORGANISATIONS = 10

#: Check one job with one organisation's API token. Must not raise for server or network trouble.
StatusCheck = Callable[[Organisation, str], StatusReport]

_HAS_IT = frozenset({Outcome.PROCESSED, Outcome.FAILED, Outcome.RUNNING})


@dataclass(frozen=True)
class OrgSearchResult:
    """The answer to show and where it came from.

    ``organisation`` is the organisation that has the job (None when none of the searched ones has it).
    ``report`` is that organisation's answer; when none has it, the not-found answer (its message naming the
    organisations searched) or, when some could not answer, the first problem (nothing can be ruled out).
    ``searched`` are the names tried, in order; ``not_searched`` the active ones left out by the cap.
    """

    job_id: str
    report: StatusReport
    organisation: Organisation | None
    searched: tuple[str, ...]
    not_searched: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.organisation is not None


def active_organisations(
    organisations: Iterable[Organisation], *, first: Organisation | None = None, exclude_token: str = ""
) -> list[Organisation]:
    """The active organisations, ``first`` (the chosen one) leading, each token once, ``exclude_token`` left
    out (the one already checked)."""
    ordered = list(organisations)
    if first is not None:
        ordered = [first] + [org for org in ordered if org is not first]
    seen: set[str] = {exclude_token} if exclude_token else set()
    result: list[Organisation] = []
    for org in ordered:
        if org.usable and org.api_token not in seen:
            seen.add(org.api_token)
            result.append(org)
    return result


def not_found_message(job_id: str, searched: Sequence[str]) -> str:
    """The plain not-found sentence naming the organisations searched."""
    if not searched:
        return (
            f"CINX has no job {job_id}, and none of your organisations has an active subscription to look in."
        )
    if len(searched) == 1:
        where = f"your organisation {searched[0]}"
    else:
        where = "any of your organisations (" + ", ".join(searched) + ")"
    return (
        f"CINX has no job {job_id} in {where} on this server. Check the id, or ask whoever started the job "
        "which organisation and server it was sent to."
    )


def belongs_message(organisation: str) -> str:
    """The sentence shown above a job found in another organisation than the chosen one."""
    return f"This job belongs to {organisation}."


def search_organisations(
    job_id: str,
    organisations: Sequence[Organisation],
    check: StatusCheck,
    *,
    limiter: RateLimiter | None = None,
    cancel: threading.Event | None = None,
    max_organisations: int = MAX_ORGANISATIONS,
) -> OrgSearchResult:
    """Ask each organisation in ``organisations`` (in order, active ones only, at most ``max_organisations``)
    until one has ``job_id``. Raises Cancelled when ``cancel`` is set."""
    candidates = active_organisations(organisations)
    tried, left = candidates[: max(0, max_organisations)], candidates[max(0, max_organisations) :]
    searched: list[str] = []
    problems: list[StatusReport] = []
    first_not_found: StatusReport | None = None
    for org in tried:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if limiter is not None and not limiter.acquire(cancel):
            raise Cancelled()
        report = check(org, job_id)
        searched.append(org.name)
        if report.outcome in _HAS_IT:
            return OrgSearchResult(job_id, report, org, tuple(searched), tuple(o.name for o in left))
        if report.outcome is Outcome.NOT_FOUND:
            first_not_found = first_not_found or report
        else:
            problems.append(report)
    names = tuple(searched)
    not_searched = tuple(org.name for org in left)
    if problems:
        return OrgSearchResult(job_id, problems[0], None, names, not_searched)
    if first_not_found is None:
        empty = StatusReport(job_id=job_id, outcome=Outcome.NOT_FOUND, message=not_found_message(job_id, ()))
        return OrgSearchResult(job_id, empty, None, names, not_searched)
    report = replace(first_not_found, message=not_found_message(job_id, names))
    return OrgSearchResult(job_id, report, None, names, not_searched)


def search_other_organisations(
    job_id: str,
    organisations: Sequence[Organisation],
    chosen_token: str,
    check: StatusCheck,
    *,
    limiter: RateLimiter | None = None,
    cancel: threading.Event | None = None,
    max_organisations: int = MAX_ORGANISATIONS,
) -> OrgSearchResult:
    """After ``job_id`` was not found with ``chosen_token``: look in the account's other active organisations.
    ``searched`` then starts with the chosen organisation's name (it was searched too)."""
    chosen = [org.name for org in organisations if org.api_token == chosen_token][:1]
    others = active_organisations(organisations, exclude_token=chosen_token)
    result = search_organisations(
        job_id, others, check, limiter=limiter, cancel=cancel, max_organisations=max_organisations
    )
    searched = tuple(chosen) + result.searched
    report = result.report
    if not result.found and report.outcome is Outcome.NOT_FOUND:
        report = replace(report, message=not_found_message(job_id, searched))
    return replace(result, searched=searched, report=report)


def client_check(client: CinxClient, *, cancel: threading.Event | None = None) -> StatusCheck:
    """A StatusCheck that switches ``client`` to each organisation's token in turn (one thread at a time)."""
    base = client.connection

    def check(org: Organisation, job_id: str) -> StatusReport:
        client.set_connection(base.with_token(org.api_token))
        return client.check_status(job_id, cancel=cancel)

    return check
