"""The support-ticket summary (text, HTML, JSON): complete, escaped, and never carrying secrets."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pig_desktop import __version__
from pig_desktop.core.connection import Connection
from pig_desktop.core.durations import format_measured
from pig_desktop.core.outcome import Outcome, classify, error_report
from pig_desktop.core.session import Session
from pig_desktop.core.ticket import (
    TicketContext,
    default_context,
    display_value,
    format_local,
    mask_text,
    report_json,
    ticket_html,
    ticket_text,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
TOKEN = "dfed7d88-adf8-5356-8029-fe061c93d0fe"
PASSWORD = "S3cret-pw!"
EMAIL = "will.stone@example.com"
# A fixed local zone (tests/conftest.py), so that "local time" has a known value that differs from UTC.
pytestmark = pytest.mark.usefixtures("berlin_time")


def fixture_report(name: str, http: int = 200, job_id: str = JOB):
    return classify(job_id, http, (FIXTURES / f"status-{name}.json").read_bytes())


def session() -> Session:
    conn = Connection(server="https://api.cinx.com", email=EMAIL, password=PASSWORD, api_token=TOKEN)
    return Session(conn, organisation="PSF Mechanical, Inc.", org_id="org-0001-4030")


def body_with_secrets() -> bytes:
    """A failed job whose envelope echoes the token (uri, an arg) and, absurdly, the password."""
    data = json.loads((FIXTURES / "status-failed.json").read_text())
    data["response"]["uri"] = f"sub/{TOKEN}/partner/exec/{JOB}/status"
    data["rows"][0]["args"]["callback"] = [f"https://example.test/hook?sub={TOKEN.upper()}"]
    data["rows"][0]["args"]["echo"] = f"user said {PASSWORD} here"
    return json.dumps(data).encode()


def test_display_value_joins_plain_lists_and_shows_odd_types_as_json() -> None:
    assert display_value(["json"]) == "json"
    assert display_value(["a", "b", 3]) == "a, b, 3"
    assert display_value([1]) == "1"
    assert display_value([["x", 1], "y"]) == '[["x", 1], "y"]'
    assert display_value({"k": [1, None]}) == '{"k": [1, null]}'
    assert display_value(None) == "null"
    assert display_value(True) == "true"
    assert display_value([True, "x"]) == '[true, "x"]'
    assert display_value(2.5) == "2.5"
    assert display_value([]) == "[]"
    assert display_value("plain") == "plain"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2764439582824707, "276 ms"),
        (3.177053928375244, "3.18 s"),
        (0.0004, "0 ms"),
        (0.9999, "1.00 s"),
        (61.5, "61.50 s"),
        (None, ""),
    ],
)
def test_format_measured(seconds: float | None, text: str) -> None:
    assert format_measured(seconds) == text


def test_local_time_format_is_the_local_zone() -> None:
    moment = datetime(2024, 1, 17, 16, 38, 55, tzinfo=UTC)
    assert format_local(moment) == "17 Jan 2024, 17:38:55 CET"


def test_mask_text_shortens_the_token_in_a_uri_without_knowing_it() -> None:
    uri = "sub/d4cdf53d-1e7d-7cf9-8cbe-94d194241980/partner/exec/7ab6f316/status"
    assert mask_text(uri) == "sub/…1980/partner/exec/7ab6f316/status"
    assert mask_text(mask_text(uri)) == mask_text(uri)
    assert mask_text("https://h/1.0/SUB/abcdefgh12/x") == "https://h/1.0/SUB/…gh12/x"


def test_ticket_text_has_every_field_support_needs() -> None:
    report = fixture_report("failed").with_context(
        checked_at=datetime(2024, 6, 28, 12, 0, 5, tzinfo=UTC), server="https://api.cinx.com"
    )
    ctx = TicketContext(
        organisation="PSF Mechanical, Inc.",
        server="https://api.cinx.com",
        api_token=TOKEN,
        app_version="9.8.7",
        os_name="TestOS-1.0",
    )
    text = ticket_text(report, ctx)
    for expected in (
        JOB,
        "Failed: CINX tried to run the job and it failed.",
        "500 Internal Server Error",
        "json-rfq-import",
        "Partner:",
        "cinx",
        "PSF Mechanical, Inc.",
        "2024-01-17 16:38:55 UTC (local time: 17 Jan 2024, 17:38:55 CET)",
        "2024-06-28 12:00:05 UTC (local time: 28 Jun 2024, 14:00:05 CEST)",
        "Production (https://api.cinx.com)",
        "CINX message:",
        "App\\Controllers\\Auth->authenticate",
        "org_name:",
        "couchdb://users/CINX-SYSTEM",
        "archive:",
        "PIG Desktop 9.8.7",
        "TestOS-1.0",
        "…d0fe",
    ):
        assert expected in text, expected
    html = ticket_html(report, ctx)
    for expected in (
        JOB,
        "500 Internal Server Error",
        "PSF Mechanical, Inc.",
        "17:38:55 CET",
        "org_name",
        "App\\Controllers\\Auth-&gt;authenticate",
        "<table",
        "</table>",
    ):
        assert expected in html, expected


def test_ticket_for_not_found_has_the_masked_uri_and_message() -> None:
    report = fixture_report("not-found", http=500, job_id="7ab6f316-39bb-4d02-92aa-c9cfd8eeeb11")
    assert report.outcome is Outcome.NOT_FOUND
    text = ticket_text(report)
    assert "Failed to find a job with the given id" in text
    assert "sub/…1980/partner/exec/7ab6f316-39bb-4d02-92aa-c9cfd8eeeb11/status" in text
    assert "d4cdf53d-1e7d-7cf9-8cbe-94d194241980" not in text
    assert "d4cdf53d-1e7d-7cf9-8cbe-94d194241980" not in report_json(report)
    assert json.loads(report_json(report))["envelope"]["response"]["uri"].startswith("sub/…1980/")


def test_ticket_for_an_error_without_answer() -> None:
    report = error_report(JOB, "PIG Desktop couldn't reach CINX.", "ConnectError: refused", transient=True)
    text = ticket_text(report, TicketContext(os_name="X"))
    assert "Can't reach CINX: PIG Desktop couldn't reach CINX." in text
    assert "ConnectError: refused" in text
    assert "Arguments" not in text


def test_html_escapes_values() -> None:
    data = json.loads((FIXTURES / "status-processed.json").read_text())
    data["rows"][0]["args"]["note"] = "<script>alert('x')</script> & more"
    report = classify(JOB, 200, json.dumps(data).encode())
    html = ticket_html(report, TicketContext(os_name="X"))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html


def test_no_secret_in_ticket_text_html_or_json() -> None:
    report = classify(JOB, 200, body_with_secrets())
    ctx = default_context(session())
    basic = base64.b64encode(f"{EMAIL}:{PASSWORD}".encode()).decode()
    outputs = [ticket_text(report, ctx), ticket_html(report, ctx), report_json(report, ctx)]
    for out in outputs:
        assert PASSWORD not in out
        assert basic not in out
        assert TOKEN not in out.lower()
        assert "…d0fe" in out
    # Masking must not lose the rest of the value.
    assert f"sub/…d0fe/partner/exec/{JOB}/status" in outputs[0]
    assert "user said •••••• here" in outputs[0]
    assert "PSF Mechanical, Inc." in outputs[0]


def test_default_context_and_repr_hide_secrets() -> None:
    ctx = default_context(session())
    assert ctx.organisation == "PSF Mechanical, Inc."
    assert ctx.server == "https://api.cinx.com"
    assert ctx.app_version == __version__
    assert ctx.os_name
    assert ctx.token_hint == "…d0fe"
    assert TOKEN not in repr(ctx) and PASSWORD not in repr(ctx)
    assert default_context(None).api_token == ""


def test_os_description_names_the_system_without_running_a_program() -> None:
    """``platform.platform()`` would run ``uname -p`` in a subprocess the first time a ticket is made."""
    import platform
    import subprocess
    import sys

    code = (
        "import sys; from pig_desktop.core.ticket import os_description; "
        "print(os_description()); print('subprocess' in sys.modules)"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    described, spawned = result.stdout.strip().splitlines()
    assert spawned == "False"
    assert platform.machine() in described and platform.release() in described
    assert described.startswith("macOS" if platform.system() == "Darwin" else platform.system())


# ---- issue 14: links and batches ---------------------------------------------------------------------------


def test_the_ticket_includes_the_pig_desktop_link() -> None:
    from pig_desktop.core.outcome import Outcome as _Outcome
    from pig_desktop.core.outcome import StatusReport as _Report
    from pig_desktop.core.ticket import copy_link_text

    job = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
    report = _Report(
        job_id=job, outcome=_Outcome.PROCESSED, message="Done.", server="https://api.dev.cinx.biz"
    )
    assert f"pig-desktop://job/{job}?server=development" in ticket_text(report)
    assert copy_link_text(job, "https://api.cinx.com") == f"pig-desktop://job/{job}?server=production"
    # A sandbox or custom address never goes into a link.
    assert copy_link_text(job, "http://127.0.0.1:5000") == f"pig-desktop://job/{job}"


def test_batch_ticket_lists_every_job_masked() -> None:
    from pig_desktop.core.outcome import Outcome as _Outcome
    from pig_desktop.core.outcome import StatusReport as _Report
    from pig_desktop.core.ticket import BatchItem, TicketContext, batch_ticket_text

    token = "dfed7d88-adf8-5356-8029-fe061c93d0fe"
    first, second, third = (f"{n}7b96860-ca73-4f8e-b6ba-37ce9f256871" for n in (1, 2, 3))
    items = [
        BatchItem(first, _Report(job_id=first, outcome=_Outcome.PROCESSED, message="Done."), "WTS"),
        BatchItem(
            second,
            _Report(
                job_id=second,
                outcome=_Outcome.ERROR,
                message="No answer.",
                detail=f"GET sub/{token}/x failed",
            ),
            "Zenith",
        ),
        BatchItem(third, None),
    ]
    ctx = TicketContext(server="https://api.cinx.com", api_token=token, hidden=("s3cret-pass",))
    text = batch_ticket_text(items, ctx)
    assert text.startswith("PIG Desktop: CINX status of 3 jobs")
    assert "Processed: 1" in text and "Not checked: 1" in text
    for job in (first, second, third):
        assert f"pig-desktop://job/{job}?server=production" in text
    assert text.index(first) < text.index(second) < text.index(third)
    assert "Zenith" in text and "WTS" in text
    assert token not in text and "s3cret-pass" not in text
