"""The history list's rows (``HistoryStore.list_rows``): what the window reads at every start, 10,000 of them.

Covers the schema 2 upgrade (the stored filter text and the covering index), rows written by an older app
version, and that the listing never reads the stored reports.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from helpers.history import T0, history_entry

from pig_desktop.store.database import SCHEMA_VERSION, _migrate_0_to_1
from pig_desktop.store.history import (
    ROW_CHECKED,
    ROW_ID,
    ROW_JOB,
    ROW_TEXT,
    HistoryEntry,
    HistoryStore,
    row_checked_at,
    row_of_summary,
    summary_of_row,
)
from pig_desktop.store.text import list_text

# Every outcome (the list shows its word: "Job not found"), and a name that casefolds ("ß" -> "ss").
OUTCOMES = [
    ("processed", "Processed"),
    ("failed", "Import failed: bad row"),
    ("not_found", "Failed to find a job"),
]


def entry(n: int, **changes: object) -> HistoryEntry:
    outcome, status = OUTCOMES[n % 3]
    values: dict[str, object] = {
        "outcome": outcome,
        "status_message": status,
        "organisation": "Straße Plumbing",
    }
    return history_entry(n, **{**values, "report": {"job": {"id": n}}, **changes})


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def test_list_rows_match_the_summaries_newest_first(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        store.add_many(entry(n) for n in range(30))
        store.add(entry(99, checked_at=T0 - timedelta(days=1)))  # added last, but the oldest check
        rows = store.list_rows()
        assert [summary_of_row(row) for row in rows] == store.summaries()
        assert rows[0][ROW_JOB] == "JOB-00029" and rows[-1][ROW_JOB] == "JOB-00099"
        assert row_checked_at(rows[0]) == T0 + timedelta(seconds=29)
        assert all(row == row_of_summary(summary_of_row(row)) for row in rows)


def test_list_text_holds_the_words_the_list_shows_casefolded() -> None:
    text = list_text("AbC-1", "not_found", "Failed to find a job", "Ordering", "Straße Plumbing")
    assert text.split("\n") == [
        "abc-1",
        "job not found",
        "failed to find a job",
        "ordering",
        "strasse plumbing",
    ]
    assert list_text("j", "something-new", "", "", "").split("\n")[1] == "something-new"  # unknown: kept


def test_old_schema_1_database_is_upgraded_and_keeps_its_entries(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    _migrate_0_to_1(conn)
    conn.execute("PRAGMA user_version = 1")
    for n in range(3):
        e = entry(n)
        conn.execute(
            "INSERT INTO history (job_id, outcome, status_message, app, organisation, server, checked_at, "
            "search_text, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}')",
            (e.job_id, e.outcome, e.status_message, e.app, e.organisation, e.server,
             e.checked_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "old search text"),
        )  # fmt: skip
    conn.close()
    with HistoryStore(db_path) as store:
        assert store.notice is None
        rows = store.list_rows()
        assert [r[ROW_JOB] for r in rows] == ["JOB-00002", "JOB-00001", "JOB-00000"]
        assert rows[0][ROW_TEXT] == list_text("JOB-00002", "not_found", "Failed to find a job", "Ordering",
                                              "Straße Plumbing")  # fmt: skip
        assert store.count() == 3
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        stored = conn.execute("SELECT list_text FROM history ORDER BY id").fetchall()
        assert all(text for (text,) in stored)  # filled in once, by the upgrade
    finally:
        conn.close()


def test_rows_added_by_an_older_app_get_their_filter_text_when_read(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        store.add(entry(1))
    # An app from before schema 2 does not know list_text: its INSERT leaves the default ''.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO history (job_id, outcome, status_message, app, organisation, server, checked_at, "
        "search_text, report) VALUES ('OLD-APP-JOB', 'failed', 'Bad row', 'Ordering', 'Acme', 's', "
        "'2030-01-01T00:00:00.000000Z', 'x', '{}')"
    )
    conn.commit()
    conn.close()
    with HistoryStore(db_path) as store:
        rows = store.list_rows()
    assert rows[0][ROW_JOB] == "OLD-APP-JOB"
    assert rows[0][ROW_TEXT] == "old-app-job\nfailed\nbad row\nordering\nacme"
    assert rows[1][ROW_TEXT] == list_text("JOB-00001", "failed", "Import failed: bad row", "Estimating",
                                          "Straße Plumbing")  # fmt: skip


def test_the_listing_reads_the_covering_index_not_the_reports(db_path: Path) -> None:
    """list_text sits after the stored report in each table row; reading the rows would walk a long
    report's overflow pages. The covering index has every column the list reads, in list order."""
    with HistoryStore(db_path) as store:
        big = {"rows": ["x" * 200] * 200}  # ~40 KB: overflow pages
        store.add_many(entry(n, report=big) for n in range(50))
        statements: list[str] = []
        store._conn.set_trace_callback(statements.append)
        rows = store.list_rows()
        store._conn.set_trace_callback(None)
        assert len(rows) == 50 and rows[0][ROW_ID] > rows[-1][ROW_ID]
        assert rows[0][ROW_CHECKED] > rows[-1][ROW_CHECKED]
        (listing,) = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
        plan = " ".join(str(step[3]) for step in store._conn.execute("EXPLAIN QUERY PLAN " + listing))
    assert re.search(r"COVERING INDEX history_list\b", plan), plan
    assert "TEMP B-TREE" not in plan, plan  # no sort: the index is already in list order
