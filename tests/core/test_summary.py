"""The plain summary of a job (core/summary.py): one sentence from the answer, plain names, where it shows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from helpers.reports import JOB, report_of, status_body

from pig_desktop import i18n
from pig_desktop.core.outcome import Outcome
from pig_desktop.core.summary import (
    APP_NAMES,
    app_name,
    arg_label,
    envelope_label,
    job_summary,
    relative_age,
    split_args,
)
from pig_desktop.core.ticket import ticket_html, ticket_text
from pig_desktop.demo.bodies import envelope, job_row

NOW = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)  # three years after the fixture's 2024-01-17 16:38:55Z


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    i18n.install("en")
    yield
    i18n.install("en")


def test_the_issue_example_from_the_captured_fixture() -> None:
    report = report_of(status_body("processed"))
    assert job_summary(report, now=NOW, tz=UTC) == (
        "RFQ import for PSF Mechanical, Inc., submitted by USER TEST, started 17 Jan 2024 at 16:38 "
        "(3 years ago), 1 file: finished successfully."
    )


def test_failed_fixture_and_spanish() -> None:
    report = report_of(status_body("failed"))
    assert report.outcome is Outcome.FAILED
    english = job_summary(report, now=NOW, tz=UTC)
    assert english.endswith(": CINX tried to run it and it failed.")
    i18n.install("es")
    processed = report_of(status_body("processed"))
    assert job_summary(processed, now=NOW, tz=UTC) == (
        "Importación de RFQ para PSF Mechanical, Inc., enviada por USER TEST, iniciada el 17 ene 2024 a las "
        "16:38 (hace 3 años), 1 archivo: terminó correctamente."
    )


def test_running_job_from_the_demo_bodies_names_its_status() -> None:
    row = job_row(JOB, status_code=202, status_message="Queued")
    row["file_count"] = 3
    report = report_of(envelope([row]))
    text = job_summary(report, now=NOW, tz=UTC)
    assert text.endswith(", 3 files: not finished yet (status: Queued).")


def test_unknown_app_shows_as_sent_and_missing_parts_are_left_out() -> None:
    row = {
        "app": "json-unheard-of",
        "status_code": 200,
        "status_message": "Processed",
        "cinx_id": {"id": JOB},
    }
    report = report_of(envelope([row]))
    assert job_summary(report, now=NOW, tz=UTC) == "json-unheard-of: finished successfully."
    assert app_name("json-unheard-of") == "json-unheard-of"


def test_no_job_row_no_summary() -> None:
    report = report_of(status_body("not-found"))
    assert report.outcome is Outcome.NOT_FOUND
    assert job_summary(report) == ""
    lines = ticket_text(report).splitlines()
    assert lines[1] == "" and lines[2] == "Job"  # no summary paragraph before the first section


def test_every_documented_app_has_a_plain_name() -> None:
    # The table of shared/design/CINX-API.md, 16 apps.
    assert len(APP_NAMES) == 16
    assert app_name("json-rfq-import") == "RFQ import"
    assert app_name("json-po-import") == "Purchase order import"
    assert all(not name.startswith("json-") for name in map(app_name, APP_NAMES))


def test_argument_labels_keep_the_raw_key_and_split_technical_fields() -> None:
    body = status_body("processed")
    args = body["rows"][0]["args"]
    plain, technical = split_args(args)
    assert [x.label for x in plain] == [
        "Submit automatically",
        "Organisation",
        "Submitted by",
        "Archive the files",
    ]
    assert {x.key for x in technical} == {
        "body",
        "api_version",
        "app_cdoc",
        "org_cdoc",
        "user_cdoc",
        "user_id",
        "sub_id",
    }
    label = arg_label("org_name")
    assert (label.key, label.label, label.technical) == ("org_name", "Organisation", False)
    assert label.tooltip == "Sent by CINX as “org_name”"
    unknown = arg_label("made_up")
    assert unknown.label == unknown.tooltip == "made_up"
    for key in ("method", "uri", "format", "start_time", "total_time"):
        assert envelope_label(key).technical, key
    assert not envelope_label("message").technical
    i18n.install("es")
    assert arg_label("user_name").label == "Enviado por"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (5, "just now"),
        (60, "1 minute ago"),
        (150, "2 minutes ago"),
        (3600, "1 hour ago"),
        (86400 * 2, "2 days ago"),
        (86400 * 65, "2 months ago"),
        (86400 * 366, "1 year ago"),
        (-10, "in the future"),
    ],
)
def test_relative_age(seconds: int, expected: str) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert relative_age(datetime.fromtimestamp(now.timestamp() - seconds, UTC), now) == expected


def test_summary_heads_the_ticket_text_and_html() -> None:
    report = report_of(status_body("processed"))
    lines = ticket_text(report).splitlines()
    assert lines[0] == "PIG Desktop: CINX job status"
    assert lines[2].startswith(
        "RFQ import for PSF Mechanical, Inc., submitted by USER TEST, started 17 Jan 2024"
    )
    assert lines[3] == "" and lines[4] == "Job"
    html = ticket_html(report)
    assert html.index("<p>RFQ import for PSF Mechanical, Inc.") < html.index("<table")
    # The values stay as CINX sent them (the raw keys and the raw app name too).
    assert any(x.split() == ["App:", "json-rfq-import"] for x in lines)
    assert any(x.strip().startswith("org_name:") for x in lines)


def test_ticket_outcome_line_states_the_fact_without_advice() -> None:
    failed = report_of(status_body("failed"))
    text = ticket_text(failed)
    outcome = next(x for x in text.splitlines() if x.strip().startswith("Outcome:"))
    assert outcome.split(":", 1)[1].strip() == "Failed: CINX tried to run the job and it failed."
    assert "support ticket" not in text.lower()


def test_summary_is_masked_in_the_ticket() -> None:
    # A hostile server may put a token-looking path into a name: the ticket masks it like everything else.
    row = job_row(JOB, status_code=200, status_message="Processed")
    row["args"]["org_name"] = ["sub/ABCDEFGHIJKLMNOP"]
    text = ticket_text(report_of(json.loads(json.dumps(envelope([row])))))
    assert "ABCDEFGHIJKLMNOP" not in text and "sub/…MNOP" in text
