"""The schema 3 upgrade of a real schema 2 database: one entry per job, nothing a user would miss lost.

The schema 2 file is made as the app of that version made it: its schema upgrades (``_migrate_0_to_1`` and
``_migrate_1_to_2`` are unchanged since) and its INSERT statements, copied here as raw SQL, one row per poll.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pig_desktop.store.bounds import FIELD_KEEP_CHARS, REPORT_KEEP_BYTES
from pig_desktop.store.database import SCHEMA_VERSION, _migrate_0_to_1, _migrate_1_to_2
from pig_desktop.store.history import HistoryStore
from pig_desktop.store.text import list_text, search_text
from pig_desktop.store.timeline import TIMELINE_KEEP
from pig_desktop.store.watchlist import WatchEntry, WatchStore

SERVER = "https://cinx.example"
OTHER_SERVER = "https://other.example"
T0 = datetime(2026, 12, 1, 10, 2, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_v2(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    _migrate_0_to_1(conn)
    _migrate_1_to_2(conn)
    conn.execute("PRAGMA user_version = 2")
    return conn


def add_v2(
    conn: sqlite3.Connection,
    job_id: str,
    minutes: float,
    outcome: str,
    status: str,
    *,
    server: str = SERVER,
    report: dict[str, Any] | None = None,
) -> int:
    """One history row exactly as the schema 2 app's HistoryStore._insert wrote it."""
    app, organisation = "json-rfq-import", "Acme Plumbing"
    fields = (job_id, outcome, status, app, organisation)
    body = report if report is not None else {"job_id": job_id, "status_message": status, "n": minutes}
    cursor = conn.execute(
        "INSERT INTO history (job_id, outcome, status_message, app, organisation, server, checked_at, "
        "search_text, list_text, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            job_id,
            outcome,
            status,
            app,
            organisation,
            server,
            _stamp(T0 + timedelta(minutes=minutes)),
            search_text(*fields),
            list_text(*fields),
            json.dumps(body, ensure_ascii=False),
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def test_duplicates_merge_into_one_entry_per_job_and_server(db_path: Path) -> None:
    conn = make_v2(db_path)
    # One watched job, one row per poll (the old behaviour): Queued, Processing twice, Processed.
    add_v2(conn, "JOB-A", 0, "running", "Queued")
    add_v2(conn, "JOB-B", 1, "failed", "Import failed: bad row")
    add_v2(conn, "JOB-A", 3, "running", "Processing")
    add_v2(conn, "job-a", 5, "running", "Processing")  # the same GUID pasted in lower case
    newest_a = add_v2(conn, "JOB-A", 7, "processed", "Processed", report={"final": True, "rows": [1, 2]})
    add_v2(conn, "JOB-A", 2, "not_found", "Failed to find a job", server=OTHER_SERVER)  # another server
    conn.execute(
        "INSERT INTO watch (server, api_token, job_id, organisation, started_at, last_checked_at, "
        "next_check_at, last_outcome, last_message) VALUES (?, 'tok', 'JOB-W', 'Acme', ?, NULL, NULL, "
        "'running', 'Queued')",
        (SERVER, _stamp(T0)),
    )
    conn.close()

    with HistoryStore(db_path) as store:
        assert store.notice is None and store.problem is None
        assert store.count() == 3
        rows = store.list_rows()
        assert [(r[1], r[6]) for r in rows] == [("JOB-A", SERVER), ("JOB-A", OTHER_SERVER), ("JOB-B", SERVER)]

        merged = store.find("job-a", SERVER)
        assert merged is not None
        assert merged.id == newest_a  # the newest row survives, with the newest answer
        assert merged.outcome == "processed" and merged.status_message == "Processed"
        assert merged.report == {"final": True, "rows": [1, 2]}
        assert merged.checked_at == T0 + timedelta(minutes=7)
        assert merged.first_checked_at == T0  # when it was first seen
        assert merged.check_count == 4
        assert [(e.word, e.at) for e in store.timeline("JOB-A", SERVER)] == [
            ("Queued", T0),
            ("Processing", T0 + timedelta(minutes=3)),
            ("Processed", T0 + timedelta(minutes=7)),
        ]
        other = store.find("JOB-A", OTHER_SERVER)
        assert other is not None and other.check_count == 1 and other.first_checked_at == other.checked_at
        assert [e.word for e in store.timeline("JOB-A", OTHER_SERVER)] == ["Failed to find a job"]
        single = store.find("JOB-B", SERVER)
        assert single is not None and single.status_message == "Import failed: bad row"

        # The filter still finds the merged entry by what the list shows.
        assert [s.job_id for s in store.summaries(text="processed")] == ["JOB-A"]

        # From now on a check of the job updates its one entry.
        assert store.find("JOB-A", SERVER) is not None
    with WatchStore(db_path) as watches:
        (watched,) = watches.all()
        assert watched == WatchEntry("JOB-W", SERVER, "Acme", "tok", T0, last_outcome="running",
                                     last_message="Queued")  # fmt: skip
        assert watched.finished_at is None and watches.finished() == []

    check = sqlite3.connect(db_path)
    try:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        indexes = {r[1]: r[2] for r in check.execute("PRAGMA index_list(history)")}
        assert indexes["history_job"] == 1  # unique
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with pytest.raises(sqlite3.IntegrityError):
            check.execute(
                "INSERT INTO history (job_id, outcome, status_message, app, organisation, server, "
                "checked_at, search_text, report) VALUES ('Job-A', 'x', '', '', '', ?, '', '', '{}')",
                (SERVER,),
            )
    finally:
        check.close()


def test_a_long_flapping_history_becomes_a_bounded_timeline(db_path: Path) -> None:
    conn = make_v2(db_path)
    for n in range(60):  # 60 polls that each changed the status word
        add_v2(conn, "JOB-F", n, "running", "Queued" if n % 2 == 0 else "Processing")
    add_v2(conn, "JOB-F", 60, "running", "Processing")  # a repeat: not a change
    conn.close()
    with HistoryStore(db_path) as store:
        events = store.timeline("JOB-F", SERVER)
        entry = store.find("JOB-F", SERVER)
        assert store.count() == 1
    assert entry is not None and entry.check_count == 61
    assert len(events) == TIMELINE_KEEP
    assert events[0].at == T0 and events[0].word == "Queued"  # the first sighting is kept
    assert events[-1].at == T0 + timedelta(minutes=59)  # then the newest changes
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert all(a.status != b.status for a, b in zip(events[1:], events[2:], strict=False))


def test_a_huge_old_entry_is_cut_to_the_bound_on_upgrade(db_path: Path) -> None:
    conn = make_v2(db_path)
    huge = "A" * 3_500_000
    report = {"job": {"status_message": huge}, "envelope": {"rows": [{"status_message": huge}]}}
    add_v2(conn, "JOB-HUGE", 0, "running", huge, report=report)
    add_v2(conn, "JOB-SMALL", 1, "processed", "Processed")
    conn.close()
    with HistoryStore(db_path) as store:
        big = store.find("JOB-HUGE", SERVER)
        small = store.find("JOB-SMALL", SERVER)
        raw = store._conn.execute(
            "SELECT length(CAST(report AS BLOB)), length(status_message), length(search_text), "
            "length(list_text) FROM history WHERE job_id = 'JOB-HUGE'"
        ).fetchone()
    assert big is not None and small is not None
    assert big.report_cut and big.report_bytes > 2 * 3_500_000
    assert raw[0] <= REPORT_KEEP_BYTES
    assert all(length < FIELD_KEEP_CHARS + 100 for length in raw[1:2])
    assert raw[2] < 5 * (FIELD_KEEP_CHARS + 100) and raw[3] < 5 * (FIELD_KEEP_CHARS + 100)
    assert big.status_message.startswith("AAAA") and "3,500,000 characters in all" in big.status_message
    assert not small.report_cut
    assert small.report == {"job_id": "JOB-SMALL", "status_message": "Processed", "n": 1}


def test_the_upgrade_happens_once_and_later_opens_are_quiet(db_path: Path) -> None:
    conn = make_v2(db_path)
    add_v2(conn, "JOB-1", 0, "running", "Queued")
    add_v2(conn, "JOB-1", 1, "processed", "Processed")
    conn.close()
    with HistoryStore(db_path) as store:
        assert store.count() == 1
    with HistoryStore(db_path) as store:
        assert store.notice is None and store.count() == 1
        assert [e.word for e in store.timeline("JOB-1", SERVER)] == ["Queued", "Processed"]
