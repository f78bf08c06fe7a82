"""History as a list of jobs: one entry per job and server, updated in place; its timeline; its size bound."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers.history import T0, history_entry

from pig_desktop.core.models import decode_json
from pig_desktop.core.outcome import Outcome, StatusReport, classify
from pig_desktop.store.bounds import (
    DEPTH_KEEP,
    FIELD_KEEP_CHARS,
    REPORT_KEEP_BYTES,
    STRING_KEEP_CHARS,
    bound_report,
    bounded_copy,
    loads_any_depth,
)
from pig_desktop.store.history import HistoryEntry, HistoryStore
from pig_desktop.store.timeline import TIMELINE_KEEP, TimelineEvent, summary_text
from pig_desktop.store.watchlist import WatchEntry, WatchStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SERVER = "https://127.0.0.1:9"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def check(job: str, minutes: float, outcome: str, status: str, **changes: Any) -> HistoryEntry:
    values: dict[str, Any] = {
        "job_id": job,
        "outcome": outcome,
        "status_message": status,
        "checked_at": T0 + timedelta(minutes=minutes),
        "report": {"status": status, "at": minutes},
    }
    return history_entry(0, **{**values, **changes})


def test_checking_a_job_again_updates_its_entry_and_moves_it_to_the_top(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        first = store.add(check("JOB-A", 0, "running", "Queued"))
        other = store.add(check("JOB-B", 1, "processed", "Processed"))
        assert [s.job_id for s in store.summaries()] == ["JOB-B", "JOB-A"]
        again = store.add(check("job-a", 5, "processed", "Processed"))  # same GUID, other letter case
        assert again == first != other
        assert store.count() == 2
        assert [s.job_id for s in store.summaries()] == ["job-a", "JOB-B"]  # on top, spelt as last pasted
        assert [r[0] for r in store.list_rows()] == [first, other]
        entry = store.get(first)
        assert entry is not None
        assert entry == check("job-a", 5, "processed", "Processed", id=first)  # the latest answer
        assert entry.first_checked_at == T0 and entry.check_count == 2
        assert store.summaries(text="queued") == []  # the old answer is not searched any more
        # Another server is another entry.
        elsewhere = store.add(check("JOB-A", 6, "running", "Queued", server="https://other.example"))
        assert elsewhere not in (first, other) and store.count() == 3
        assert store.find("JOB-A", SERVER) == entry
        assert store.find("JOB-A", "https://nowhere.example") is None


def test_an_answer_that_arrives_late_does_not_replace_a_newer_one(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        entry_id = store.add(check("JOB-A", 10, "processed", "Processed"))
        assert store.add(check("JOB-A", 2, "running", "Queued")) == entry_id
        entry = store.get(entry_id)
        assert entry is not None and entry.outcome == "processed" and entry.status_message == "Processed"
        assert entry.first_checked_at == T0 + timedelta(minutes=2) and entry.check_count == 2
        assert [e.word for e in store.timeline("JOB-A", SERVER)] == ["Processed"]


def test_add_many_with_one_job_twice_gives_one_entry(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        ids = store.add_many([check("JOB-A", 0, "running", "Queued"), check("JOB-A", 1, "running", "Busy")])
        assert ids[0] == ids[1] and store.count() == 1


def test_the_timeline_keeps_only_changes_and_stays_bounded(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        for minutes, status in [(0, "Queued"), (1, "Queued"), (3, "Processing"), (4, "Processing")]:
            store.add(check("JOB-A", minutes, "running", status))
        store.add(check("JOB-A", 7, "processed", "Processed"))
        assert store.timeline("JOB-A", SERVER) == [
            TimelineEvent(T0, "running", "Queued"),
            TimelineEvent(T0 + timedelta(minutes=3), "running", "Processing"),
            TimelineEvent(T0 + timedelta(minutes=7), "processed", "Processed"),
        ]
        assert store.timeline("job-a", SERVER) == store.timeline("JOB-A", SERVER)
        for n in range(100):
            store.add(check("JOB-B", n, "running", f"Step {n}"))
        events = store.timeline("JOB-B", SERVER)
        assert len(events) == TIMELINE_KEEP
        assert events[0].status == "Step 0" and events[-1].status == "Step 99"
        assert [e.status for e in events[1:]] == [f"Step {n}" for n in range(100 - TIMELINE_KEEP + 1, 100)]
        # An unknown or empty status reads as the outcome's badge word.
        store.add(check("JOB-C", 0, "not_found", ""))
        assert [e.word for e in store.timeline("JOB-C", SERVER)] == ["Job not found"]


def test_timeline_summary_text_in_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    __import__("time").tzset()
    day = datetime(2026, 12, 1, 10, 2, tzinfo=UTC)
    events = [
        TimelineEvent(day, "running", "Queued"),
        TimelineEvent(day + timedelta(minutes=3), "running", "Processing"),
        TimelineEvent(day + timedelta(minutes=7), "processed", "Processed"),
    ]
    assert summary_text(events) == "Queued 10:02, Processing 10:05, Processed 10:09"
    later = [*events, TimelineEvent(day + timedelta(days=1), "failed", "")]
    assert summary_text(later).endswith("Processed 2026-12-01 10:09, Failed 2026-12-02 10:02")
    assert summary_text([]) == ""


def test_a_timeline_goes_with_its_entry_unless_the_job_is_watched(db_path: Path) -> None:
    with HistoryStore(db_path) as store, WatchStore(db_path) as watches:
        a = store.add(check("JOB-A", 0, "running", "Queued"))
        store.add(check("JOB-B", 0, "running", "Queued"))
        store.add(check("JOB-W", 0, "running", "Queued"))
        watches.add(WatchEntry("job-w", SERVER, "Acme", "tok", T0))
        assert store.delete(a)
        assert store.timeline("JOB-A", SERVER) == []
        store.clear()
        assert store.timeline("JOB-B", SERVER) == []
        assert [e.word for e in store.timeline("JOB-W", SERVER)] == ["Queued"]  # still watched
        watches.remove(SERVER, "tok", "job-w")
        assert watches.timeline("JOB-W", SERVER) == []


def test_trimming_drops_the_timelines_of_dropped_entries(db_path: Path) -> None:
    with HistoryStore(db_path, max_entries=2) as store:
        for n in range(4):
            store.add(check(f"JOB-{n}", n, "running", "Queued"))
        assert [s.job_id for s in store.summaries()] == ["JOB-3", "JOB-2"]
        assert store.timeline("JOB-0", SERVER) == [] and store.timeline("JOB-1", SERVER) == []
        assert len(store.timeline("JOB-3", SERVER)) == 1


# --- the size bound ---


def hostile_report(status_size: int, job_id: str = "JOB-HUGE") -> StatusReport:
    """A real answer (the processed fixture) whose status_message is ``status_size`` characters long."""
    body = json.loads((FIXTURES / "status-processed.json").read_text())
    body["rows"][0]["status_message"] = "Processed" + "!" * (status_size - 9)
    return classify(job_id, 200, json.dumps(body).encode())


def entry_of(report: StatusReport) -> HistoryEntry:
    return HistoryEntry(None, report.job_id, report.outcome.value, report.status_message,
                        report.job.app if report.job else "", "Acme", SERVER, report.checked_at,
                        report.to_dict())  # fmt: skip


def test_a_huge_field_is_stored_once_and_cut_with_a_note(db_path: Path) -> None:
    report = hostile_report(3_500_000)
    assert len(report.status_message) == 3_500_000
    with HistoryStore(db_path) as store:
        # Create the file first, so that the growth below is the one entry's.
        store.add(entry_of(hostile_report(100, "JOB-SMALL")))
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = db_path.stat().st_size + Path(f"{db_path}-wal").stat().st_size
        entry_id = store.add(entry_of(report))
        after = db_path.stat().st_size + Path(f"{db_path}-wal").stat().st_size
        got = store.get(entry_id)
        assert got is not None
        stored_report = store._conn.execute(
            "SELECT report FROM history WHERE id = ?", (entry_id,)
        ).fetchone()[0]
    # About 28 MB per check before; now the bound plus the small fields (and SQLite's page slack).
    assert after - before < 2 * REPORT_KEEP_BYTES + 64 * 1024, after - before
    assert len(stored_report.encode()) <= REPORT_KEEP_BYTES
    assert got.report_cut and got.report_bytes > 2 * 3_500_000
    assert len(got.status_message) < FIELD_KEEP_CHARS + 100
    assert got.status_message.startswith("Processed!!!")
    assert "3,500,000 characters in all" in got.status_message
    # What is kept still reads back as the same answer: the same outcome, for a job of the same app.
    again = StatusReport.from_dict(got.report)
    assert again.outcome is report.outcome is Outcome.RUNNING and again.job is not None
    assert report.job is not None and again.job.app == report.job.app
    assert len(again.status_message) <= STRING_KEEP_CHARS + 100


def test_an_ordinary_answer_is_kept_whole(db_path: Path) -> None:
    report = hostile_report(9)  # just "Processed": the fixture as it is
    assert report.outcome is Outcome.PROCESSED
    with HistoryStore(db_path) as store:
        got = store.get(store.add(entry_of(report)))
    assert got is not None and not got.report_cut
    assert got.report == json.loads(json.dumps(report.to_dict()))
    assert got.report_bytes == len(json.dumps(report.to_dict(), ensure_ascii=False).encode())


def test_the_bound_holds_for_a_report_of_many_large_fields() -> None:
    report = {f"field{n}": "x" * 10_000 for n in range(500)}
    bounded = bound_report(report)
    assert bounded.cut and len(bounded.text.encode()) <= REPORT_KEEP_BYTES
    kept = json.loads(bounded.text)
    assert kept and all(value.startswith("xxxx") for value in kept.values())
    unicode = bound_report({"job": {"status_message": "✓" * 200_000}})
    assert len(unicode.text.encode()) <= REPORT_KEEP_BYTES and unicode.full_bytes > 600_000


def deepest_the_parser_accepts() -> tuple[int, Any]:
    """The deepest list nesting the answer parser (core.models.decode_json) reads, and that value."""
    depth, accepted = 0, None
    for candidate in (100, 500, 900, 990, 1500, 3000, 10_000, 100_000):
        try:
            accepted = decode_json(("[" * candidate + "]" * candidate).encode())
        except Exception:
            break
        depth = candidate
    return depth, accepted


def test_any_depth_the_parser_accepts_is_stored_and_read_back(db_path: Path) -> None:
    depth, value = deepest_the_parser_accepts()
    assert depth >= 900  # the 900-deep answer
    deeper: Any = "bottom"
    for _ in range(200_000):  # far deeper than any parser here accepts, built without recursion
        deeper = {"next": deeper}
    with HistoryStore(db_path) as store:
        first = store.add(history_entry(1, report={"envelope": value}))
        second = store.add(history_entry(2, report={"envelope": deeper}))
        for entry_id in (first, second):
            got = store.get(entry_id)
            assert got is not None and got.report_cut and got.report  # not the empty unreadable-{} fallback
        assert len(store.recent()) == 2
    copy, cut = bounded_copy(deeper, None)
    assert cut
    level = 0
    while isinstance(copy, dict):
        copy, level = copy["next"], level + 1
    assert level == DEPTH_KEEP and isinstance(copy, str)


# --- reading a stored report of any depth ---


def sample_values() -> list[Any]:
    import random

    rng = random.Random(11)

    def make(depth: int) -> Any:
        kind = rng.randrange(8 if depth < 6 else 5)
        if kind == 0:
            return rng.choice([None, True, False])
        if kind == 1:
            return rng.randint(-(10**20), 10**20)
        if kind == 2:
            return rng.uniform(-1e300, 1e300)
        if kind in (3, 4):
            return "".join(
                rng.choice(["a", "é", '"', "\\", "\n", "\u202e", "✓", "\x00", " "]) for _ in range(8)
            )
        if kind == 5:
            return []
        if kind == 6:
            return [make(depth + 1) for _ in range(rng.randrange(4))]
        return {f'k{n}"é': make(depth + 1) for n in range(rng.randrange(4))}

    fixtures = [json.loads(path.read_text()) for path in sorted(FIXTURES.glob("*.json"))]
    return [*fixtures, *(make(0) for _ in range(300)), {}, [], "", 0, -0.5, 1e-7, [[]], {"a": {}}]


def test_the_any_depth_reader_reads_what_json_reads() -> None:
    for value in sample_values():
        for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=2)):
            assert loads_any_depth(text) == json.loads(text), text
    nan = loads_any_depth("[NaN, Infinity, -Infinity, 1E3, -0]")
    assert nan[0] != nan[0] and nan[1:] == [float("inf"), float("-inf"), 1000.0, 0]
    for broken in ["", "[", "[1,]", '{"a" 1}', '{"a":1,}', "[1] 2", "tru", '"open', "{1: 2}", "[1 2]"]:
        with pytest.raises(ValueError):
            loads_any_depth(broken)
    deep = "[" * 200_000 + "]" * 200_000
    level, value = 0, loads_any_depth(deep)
    while value:
        value, level = value[0], level + 1
    assert level == 200_000 - 1


def test_an_old_entry_deeper_than_the_parser_reads_is_read_back_bounded(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        entry_id = store.add(history_entry(1))
        # As an app from before the depth bound could have stored it (written here as raw SQL).
        deep = '{"envelope": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + ', "outcome": "processed"}'
        store._conn.execute("UPDATE history SET report = ? WHERE id = ?", (deep, entry_id))
        got = store.get(entry_id)
    assert got is not None and got.report["outcome"] == "processed"
    copy, cut = bounded_copy(got.report, None)
    assert not cut  # already within DEPTH_KEEP
