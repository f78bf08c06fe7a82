"""Demo account, subscription tokens and job ids served by the sandbox CINX server.

These are public sandbox values: they only work against `pig_desktop.demo.SandboxServer` on loopback and are
fine to show in docs, screenshots and the `--demo` modes. They are not secrets.
"""

from __future__ import annotations

DEMO_EMAIL = "demo@pig-desktop.example"
# A public sandbox credential, on purpose: anyone can try the app with no CINX account.
DEMO_PASSWORD = "demo-password"

# Subscription tokens, as in tests/fixtures/subs.json.
ACTIVE_TOKEN = "dfed7d88-adf8-5356-8029-fe061c93d0fe"  # org "WTS Mechanical -DEV", subscription active
EXPIRED_TOKEN = "fde79d15-0a1b-5d51-a665-7b87ed341711"  # org "Alpine Mechanical", expired 2017-11-22
ACTIVE_ORG = "WTS Mechanical -DEV"
EXPIRED_ORG = "Alpine Mechanical"
# A third organisation whose cinx_api_token is empty: the company is not enabled for API access.
NO_API_ORG = "Keystone Plumbing Co."
EXPIRED_ON = "2017-11-22"
# A second organisation with an active subscription (issue 14): the demo account belongs to two, and one job
# lives only there, so "not found" can look in the user's other organisations.
SECOND_TOKEN = "c2a7f3e9-41d8-5b6c-9e0a-7f1d3b5c8e24"
# Named to sort after ACTIVE_ORG (organisations are listed by name), so the first active one stays ACTIVE_ORG.
SECOND_ORG = "Zenith Fabrication LLC"

# Job ids (use them with ACTIVE_TOKEN).
PROCESSED_JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
FAILED_JOB = "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17"
NOT_FOUND_JOB = "7ab6f316-39bb-4d02-92aa-c9cfd8eeeb11"
PROGRESS_JOB = "1d4e7a52-8c3b-4f9a-a6e2-5b0c9d7f3e81"
SLOW_JOB = "5a8b2c4d-6e0f-4a1b-8c2d-3e4f5a6b7c8d"
RATE_LIMITED_JOB = "9e2d4c6b-8a0f-4e1d-b3c5-7a9b1d3f5e72"
# Only in SECOND_ORG (SECOND_TOKEN): with ACTIVE_TOKEN it is not found.
SECOND_ORG_JOB = "b8e41f07-2c9d-4a63-8f5e-1d7a0c3b9e56"

DEMO_JOBS: dict[str, str] = {
    PROCESSED_JOB: "finished successfully (Processed)",
    FAILED_JOB: "was attempted and failed (Internal Server Error)",
    NOT_FOUND_JOB: "does not exist (not found)",
    PROGRESS_JOB: "queued, then processing, then processed over a few checks",
    SLOW_JOB: "processed, but the server takes a few seconds to answer",
    RATE_LIMITED_JOB: "first check is told to slow down (HTTP 429), then processed",
    SECOND_ORG_JOB: f"lives only in the second organisation, {SECOND_ORG} (processed)",
}
