"""Sandbox CINX server on loopback, for tests and the `--demo` modes (no Qt, no CINX account needed).

    from pig_desktop.demo import SandboxServer, PROCESSED_JOB
    with SandboxServer() as server:
        ...  # server.url is "http://127.0.0.1:PORT"; sign in with DEMO_EMAIL / DEMO_PASSWORD

`python -m pig_desktop.demo` runs one in the foreground and prints its URL, the credentials and the job ids.
"""

from pig_desktop.demo.accounts import (
    ACTIVE_ORG,
    ACTIVE_TOKEN,
    DEMO_EMAIL,
    DEMO_JOBS,
    DEMO_PASSWORD,
    EXPIRED_ORG,
    EXPIRED_TOKEN,
    FAILED_JOB,
    NO_API_ORG,
    NOT_FOUND_JOB,
    PROCESSED_JOB,
    PROGRESS_JOB,
    RATE_LIMITED_JOB,
    SLOW_JOB,
)
from pig_desktop.demo.server import RecordedRequest, SandboxServer, ScriptedResponse

__all__ = [
    "ACTIVE_ORG",
    "ACTIVE_TOKEN",
    "DEMO_EMAIL",
    "DEMO_JOBS",
    "DEMO_PASSWORD",
    "EXPIRED_ORG",
    "EXPIRED_TOKEN",
    "FAILED_JOB",
    "NOT_FOUND_JOB",
    "NO_API_ORG",
    "PROCESSED_JOB",
    "PROGRESS_JOB",
    "RATE_LIMITED_JOB",
    "SLOW_JOB",
    "RecordedRequest",
    "SandboxServer",
    "ScriptedResponse",
]
