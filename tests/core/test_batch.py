"""Qt-free parts of batches (issue 14): the CSV export's formula safety and reading ids from a file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pig_desktop.core.batch import CSV_COLUMNS, batch_csv, csv_safe, read_job_file
from pig_desktop.core.jobid import command_line_jobs
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.core.ticket import BatchItem

JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
OTHER = "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("Processed", "Processed"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_csv_safe(value: str, safe: str) -> None:
    assert csv_safe(value) == safe


def test_batch_csv_has_a_header_every_job_and_masks_tokens() -> None:
    token = "dfed7d88-adf8-5356-8029-fe061c93d0fe"
    hostile = StatusReport(
        job_id=JOB, outcome=Outcome.ERROR, message=f"=cmd|' /C calc'!A0 at sub/{token}/partner", server=""
    )
    text = batch_csv([BatchItem(JOB, hostile, "-Org"), BatchItem(OTHER)], "https://api.cinx.com")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][0] == JOB and rows[1][4] == "'-Org" and rows[1][6].startswith("'=cmd")
    assert token not in text
    assert rows[1][7] == f"pig-desktop://job/{JOB}?server=production"
    assert rows[2][:2] == [OTHER, "Not checked"]


def test_read_job_file_takes_every_id_of_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "jobs.csv"
    path.write_bytes(
        b"\xef\xbb\xbfjob,state\r\n" + f"{JOB},x\r\n{OTHER},y\r\n{JOB},z\r\n".encode() + b"\xff\r\n"
    )
    assert read_job_file(path).ids == (JOB, OTHER)
    small = read_job_file(path, max_bytes=60)
    assert small.truncated and small.ids == (JOB,)


def test_command_line_links_become_job_ids() -> None:
    assert command_line_jobs([f"pig-desktop://job/{JOB}", "text with no id", OTHER]) == [
        JOB,
        "text with no id",
        OTHER,
    ]
