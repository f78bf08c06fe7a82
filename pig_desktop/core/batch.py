"""Batches of jobs (issue 14, part 2), the Qt-free parts: the CSV export and reading ids from a file.

The CSV is opened in spreadsheets, and CINX text (a status message, an app name) is hostile: a cell that
starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would be run as a formula, so it gets a
leading apostrophe (the OWASP CSV-injection advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .jobid import JobIdScan, extract_job_ids
from .outcome import StatusReport
from .ticket import BatchItem, copy_link_text, format_utc, mask_text

CSV_COLUMNS = ("Job id", "Outcome", "App", "Status", "Organisation", "Checked at (UTC)", "Message", "Link")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A .csv or .txt of job ids is small; a larger file is read only this far.
MAX_JOB_FILE_BYTES = 4 * 1024 * 1024


def csv_safe(value: str) -> str:
    """``value`` made harmless for a spreadsheet: a leading formula character is prefixed with '."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _status(report: StatusReport) -> str:
    return " ".join(part for part in (str(report.status_code or ""), report.status_message) if part)


def batch_csv(items: Iterable[BatchItem], server: str = "") -> str:
    """The batch as CSV text (header row first), every cell CSV-injection safe and tokens masked."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        report = item.report
        cells = [
            item.job_id,
            report.label if report else "Not checked",
            report.job.app if report and report.job else "",
            _status(report) if report else "",
            item.organisation,
            format_utc(report.checked_at) if report else "",
            report.message if report else "",
            copy_link_text(item.job_id, server or (report.server if report else "")),
        ]
        writer.writerow([csv_safe(mask_text(cell)) for cell in cells])
    return out.getvalue()


def read_job_file(path: Path | str, max_bytes: int = MAX_JOB_FILE_BYTES) -> JobIdScan:
    """Every job id in a .csv or .txt file (read at most ``max_bytes``; undecodable bytes replaced)."""
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    scan = extract_job_ids(data[:max_bytes].decode("utf-8-sig", errors="replace"))
    if len(data) > max_bytes:
        scan = replace(scan, truncated=True)
    return scan
