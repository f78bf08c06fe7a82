"""Looking for a job in the account's other organisations (issue 14, part 1), against the sandbox over real
sockets; and the request pacer it shares with batches."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from pig_desktop.core.client import CinxClient, Connection
from pig_desktop.core.errors import Cancelled
from pig_desktop.core.models import Organisation
from pig_desktop.core.org_search import (
    active_organisations,
    belongs_message,
    client_check,
    search_organisations,
    search_other_organisations,
)
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.rate import RateLimiter
from pig_desktop.demo import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    EXPIRED_ORG,
    NO_API_ORG,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    SECOND_ORG,
    SECOND_ORG_JOB,
    SECOND_TOKEN,
    SandboxServer,
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as srv:
        yield srv


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[CinxClient]:
    sandbox.reset()
    with CinxClient(Connection(sandbox.url, DEMO_EMAIL, DEMO_PASSWORD, api_token=ACTIVE_TOKEN)) as c:
        yield c


def test_active_organisations_skip_expired_and_tokenless_ones(client: CinxClient) -> None:
    orgs = client.subscriptions()
    names = [org.name for org in active_organisations(orgs)]
    assert names == [ACTIVE_ORG, SECOND_ORG]
    assert EXPIRED_ORG not in names and NO_API_ORG not in names
    assert [o.name for o in active_organisations(orgs, exclude_token=ACTIVE_TOKEN)] == [SECOND_ORG]


def test_a_job_of_the_second_organisation_is_found_there(client: CinxClient, sandbox: SandboxServer) -> None:
    orgs = client.subscriptions()
    result = search_other_organisations(SECOND_ORG_JOB, orgs, ACTIVE_TOKEN, client_check(client))
    assert result.found and result.organisation is not None
    assert result.organisation.name == SECOND_ORG
    assert result.report.outcome is Outcome.PROCESSED
    assert result.searched == (ACTIVE_ORG, SECOND_ORG)
    assert belongs_message(result.organisation.name) == f"This job belongs to {SECOND_ORG}."
    # Only the other organisation was asked (the chosen one had already answered "not found").
    status_calls = [r.path for r in sandbox.requests if "/partner/exec/" in r.path]
    assert status_calls == [f"/1.0/sub/{SECOND_TOKEN}/partner/exec/{SECOND_ORG_JOB}/status"]


def test_no_organisation_has_it_names_every_one_searched(client: CinxClient) -> None:
    orgs = client.subscriptions()
    result = search_organisations(NOT_FOUND_JOB, orgs, client_check(client))
    assert not result.found
    assert result.report.outcome is Outcome.NOT_FOUND
    assert result.searched == (ACTIVE_ORG, SECOND_ORG)
    assert ACTIVE_ORG in result.report.message and SECOND_ORG in result.report.message


def test_the_first_organisation_that_has_it_ends_the_search(
    client: CinxClient, sandbox: SandboxServer
) -> None:
    orgs = client.subscriptions()
    result = search_organisations(PROCESSED_JOB, orgs, client_check(client))
    assert result.organisation is not None and result.organisation.name == ACTIVE_ORG
    assert result.searched == (ACTIVE_ORG,)
    assert sandbox.request_count(SECOND_TOKEN) == 0


def _orgs(count: int) -> list[Organisation]:
    return [
        Organisation(name=f"Org {n}", org_id=f"org-{n}", api_token=f"token-{n:04d}", status_code=200)
        for n in range(count)
    ]


def _not_found(org: Organisation, job_id: str) -> StatusReport:
    return StatusReport(job_id=job_id, outcome=Outcome.NOT_FOUND, message="not found")


def test_at_most_ten_organisations_are_searched() -> None:
    asked: list[str] = []

    def check(org: Organisation, job_id: str) -> StatusReport:
        asked.append(org.name)
        return _not_found(org, job_id)

    result = search_organisations("job-123456", _orgs(13), check)
    assert len(asked) == 10 and result.searched == tuple(asked)
    assert result.not_searched == ("Org 10", "Org 11", "Org 12")


def test_an_organisation_that_cannot_answer_means_not_ruled_out() -> None:
    def check(org: Organisation, job_id: str) -> StatusReport:
        if org.name == "Org 1":
            return StatusReport(job_id=job_id, outcome=Outcome.ERROR, message="CINX took too long")
        return _not_found(org, job_id)

    result = search_organisations("job-123456", _orgs(3), check)
    assert not result.found and result.report.outcome is Outcome.ERROR
    assert result.searched == ("Org 0", "Org 1", "Org 2")


def test_search_is_paced_by_the_shared_limiter_and_cancellable() -> None:
    now = [0.0]
    limiter = RateLimiter(2.0, clock=lambda: now[0])
    waits = [limiter.reserve() for _ in range(4)]
    assert waits == [0.0, 0.5, 1.0, 1.5]  # one request every 1 / rate seconds, never a burst
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        search_organisations("job-123456", _orgs(3), _not_found, limiter=RateLimiter(), cancel=cancel)
