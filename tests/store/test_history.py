"""History and watch list in SQLite: CRUD, filtering, trimming, 10,000 rows, damaged files, threads."""

from __future__ import annotations

import os
import random
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers.history import T0, history_entry

from pig_desktop.store.database import SCHEMA_VERSION
from pig_desktop.store.history import HistoryStore
from pig_desktop.store.watchlist import WatchEntry, WatchStore

entry = history_entry


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def test_add_get_recent(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        assert store.notice is None and not store.in_memory
        ids = [store.add(entry(n)) for n in range(5)]
        assert len(set(ids)) == 5
        got = store.get(ids[2])
        assert got == entry(2, id=ids[2])
        assert got is not None and got.checked_at.tzinfo is not None
        assert [e.job_id for e in store.recent()] == [f"JOB-{n:05d}" for n in (4, 3, 2, 1, 0)]
        assert [e.job_id for e in store.recent(limit=2)] == ["JOB-00004", "JOB-00003"]
        assert store.get(99999) is None
        assert store.count() == 5
    # Survives closing and reopening.
    with HistoryStore(db_path) as store:
        assert store.count() == 5
        assert store.recent(limit=1)[0].report == {"job": {"id": 4, "args": ["a", "b"]}, "raw": "é ✓"}


def test_database_file_has_wal_and_schema_version(db_path: Path) -> None:
    HistoryStore(db_path).close()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(history)")}
        assert "history_checked_at" in indexes
    finally:
        conn.close()


def test_naive_datetime_is_refused(db_path: Path) -> None:
    with HistoryStore(db_path) as store, pytest.raises(ValueError):
        store.add(entry(1, checked_at=datetime(2024, 1, 1)))


def test_other_timezones_are_stored_as_utc(db_path: Path) -> None:
    plus2 = datetime(2024, 5, 1, 14, 0, tzinfo=UTC).astimezone(
        __import__("datetime").timezone(timedelta(hours=2))
    )
    with HistoryStore(db_path) as store:
        new_id = store.add(entry(1, checked_at=plus2))
        got = store.get(new_id)
        assert got is not None and got.checked_at == plus2 and got.checked_at.utcoffset() == timedelta(0)


def test_filter_is_case_insensitive_on_each_field(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        store.add(
            entry(1, job_id="ABC-123", app="Estimating", organisation="Acme", status_message="Processed")
        )
        store.add(
            entry(
                2,
                job_id="XYZ-999",
                app="Ordering",
                organisation="Zeta Ltd",
                outcome="failed",
                status_message="Import FAILED: Straße unknown",
            )
        )
        store.add(
            entry(
                3,
                job_id="QQQ-1",
                app="Billing",
                organisation="Ölwerke GmbH",
                outcome="running",
                status_message="Queued",
            )
        )

        def jobs(text: str) -> list[str]:
            found = [e.job_id for e in store.recent(text=text)]
            assert found == [s.job_id for s in store.summaries(text=text)]
            return found

        assert jobs("abc") == ["ABC-123"]  # job id
        assert jobs("FAILED") == ["XYZ-999"]  # outcome and message
        assert jobs("queued") == ["QQQ-1"]  # status message
        assert jobs("estim") == ["ABC-123"]  # app
        assert jobs("zeta") == ["XYZ-999"]  # organisation
        assert jobs("ÖLWERKE") == ["QQQ-1"]  # non-ASCII case folding
        assert jobs("strasse") == ["XYZ-999"]  # casefold: ß == ss
        assert jobs("  ") == ["QQQ-1", "XYZ-999", "ABC-123"]  # blank filter = everything
        assert jobs("no such thing") == []
        assert jobs("https") == []  # server is not searched
        assert jobs("%") == [] and jobs("_") == []  # no LIKE wildcards
        assert jobs("123\nestimating") == []  # never matches across fields
        assert [e.job_id for e in store.recent(limit=1, text="e")] == ["QQQ-1"]


def test_delete_and_clear(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        ids = [store.add(entry(n)) for n in range(4)]
        assert store.delete(ids[1]) is True
        assert store.delete(ids[1]) is False
        assert store.get(ids[1]) is None
        assert store.count() == 3
        store.clear()
        assert store.count() == 0 and store.recent() == []
        # Ids are never reused, so a stale id from the UI cannot name a new row.
        assert store.add(entry(9)) > max(ids)


def test_trims_to_newest_max_entries(db_path: Path) -> None:
    with HistoryStore(db_path, max_entries=10) as store:
        for n in random.Random(1).sample(range(25), 25):  # insertion order differs from time order
            store.add(entry(n))
        assert store.count() == 10
        assert [e.job_id for e in store.recent()] == [f"JOB-{n:05d}" for n in range(24, 14, -1)]
        store.set_max_entries(3)
        assert store.max_entries == 3
        assert [e.job_id for e in store.recent()] == ["JOB-00024", "JOB-00023", "JOB-00022"]
        with pytest.raises(ValueError):
            store.set_max_entries(0)


def test_ten_thousand_entries(db_path: Path) -> None:
    with HistoryStore(db_path, max_entries=10_000) as store:
        ids = store.add_many(entry(n, report={"big": "x" * 500, "n": n}) for n in range(10_050))
        assert len(ids) == 10_050
        assert store.count() == 10_000
        summaries = store.summaries()
        assert len(summaries) == 10_000
        assert summaries[0].job_id == "JOB-10049" and summaries[-1].job_id == "JOB-00050"
        assert summaries[0].id == ids[-1]
        assert len(store.summaries(text="JOB-0999")) == 10  # JOB-09990 .. JOB-09999
        assert len(store.recent(limit=50)) == 50
        full = store.get(summaries[123].id)
        assert full is not None and full.report["n"] == 10049 - 123


def test_store_is_usable_from_several_threads(db_path: Path) -> None:
    store = HistoryStore(db_path, max_entries=100_000)
    errors: list[BaseException] = []

    def worker(base: int) -> None:
        try:
            for n in range(base, base + 50):
                store.add(entry(n))
                store.recent(limit=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i * 1000,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == 200
    store.close()


def _make_populated(db_path: Path) -> None:
    with HistoryStore(db_path, max_entries=10_000) as store:
        store.add_many(entry(n, report={"pad": os.urandom(200).hex(), "n": n}) for n in range(2000))
    # Closing the last connection checkpoints the WAL into the main file.
    assert not Path(f"{db_path}-wal").exists()


def _assert_moved_aside_and_working(db_path: Path, original: bytes) -> None:
    store = HistoryStore(db_path)
    try:
        assert store.notice is not None
        assert store.notice.startswith("Your saved history of checks and watched jobs could not be read")
        assert store.backup is not None
        assert store.backup.name.startswith("history.sqlite3.corrupt-")
        assert store.backup.name in store.notice
        assert store.backup.read_bytes() == original
        assert store.detail
        assert not store.in_memory
        assert store.count() == 0
        new_id = store.add(entry(1))
        assert store.get(new_id) == entry(1, id=new_id)
    finally:
        store.close()
    # The fresh database opens quietly next time.
    with HistoryStore(db_path) as again:
        assert again.notice is None and again.count() == 1


def test_random_bytes_file_is_moved_aside(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    content = os.urandom(64 * 1024)
    db_path.write_bytes(content)
    _assert_moved_aside_and_working(db_path, content)


def test_text_file_is_moved_aside(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    content = b"this is not a database\n" * 100
    db_path.write_bytes(content)
    _assert_moved_aside_and_working(db_path, content)


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_truncated_database_is_moved_aside(db_path: Path, fraction: float) -> None:
    _make_populated(db_path)
    content = db_path.read_bytes()
    cut = content[: int(len(content) * fraction) // 4096 * 4096 + 100]
    db_path.write_bytes(cut)
    _assert_moved_aside_and_working(db_path, cut)


def test_truncated_header_is_moved_aside(db_path: Path) -> None:
    _make_populated(db_path)
    cut = db_path.read_bytes()[:50]
    db_path.write_bytes(cut)
    _assert_moved_aside_and_working(db_path, cut)


def test_overwritten_pages_are_moved_aside(db_path: Path) -> None:
    _make_populated(db_path)
    content = bytearray(db_path.read_bytes())
    rng = random.Random(7)
    for page in range(2, len(content) // 4096, 3):  # scribble over every third page after the first
        start = page * 4096
        content[start : start + 4096] = rng.randbytes(4096)
    db_path.write_bytes(bytes(content))
    _assert_moved_aside_and_working(db_path, bytes(content))


def test_wal_and_shm_are_moved_with_the_damaged_file(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"garbage" * 1000)
    Path(f"{db_path}-wal").write_bytes(b"old wal")
    Path(f"{db_path}-shm").write_bytes(b"old shm")
    store = HistoryStore(db_path)
    try:
        assert store.backup is not None
        assert Path(f"{store.backup}-wal").read_bytes() == b"old wal"
        assert Path(f"{store.backup}-shm").read_bytes() == b"old shm"
        store.add(entry(1))
    finally:
        store.close()


def test_unopenable_location_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data directory should be")
    store = HistoryStore(blocker / "history.sqlite3")
    try:
        assert store.in_memory
        assert store.notice is not None and "will not be kept" in store.notice
        new_id = store.add(entry(1))
        assert store.get(new_id) is not None
    finally:
        store.close()
    assert blocker.read_text() == "a file where the data directory should be"


def test_old_schema_is_migrated(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    sqlite3.connect(db_path).close()  # an empty database, user_version 0
    with HistoryStore(db_path) as store:
        assert store.notice is None
        store.add(entry(1))
        assert store.count() == 1


# --- watch list ---


def watch(job: str, **changes: object) -> WatchEntry:
    values: dict[str, object] = {
        "job_id": job,
        "server": "https://127.0.0.1:9",
        "organisation": "Acme",
        "api_token": "tok-abcdef123456",
        "started_at": T0,
    }
    values.update(changes)
    return WatchEntry(**values)  # type: ignore[arg-type]


def test_watch_store_crud(db_path: Path) -> None:
    with WatchStore(db_path) as watches, HistoryStore(db_path) as history:
        assert watches.notice is None
        assert watches.all() == []
        watches.add(watch("J1"))
        watches.add(watch("J2", started_at=T0 + timedelta(minutes=1)))
        watches.add(watch("J1", api_token="other-token"))  # another organisation: a separate entry
        assert watches.count() == 3
        assert [(w.job_id, w.api_token) for w in watches.all()] == [
            ("J1", "other-token"),
            ("J1", "tok-abcdef123456"),
            ("J2", "tok-abcdef123456"),
        ]
        # Upsert replaces the entry with the same key.
        watches.add(watch("J2", started_at=T0 + timedelta(minutes=1), organisation="Acme Ltd"))
        assert watches.count() == 3
        got = watches.get("https://127.0.0.1:9", "tok-abcdef123456", "J2")
        assert got is not None and got.organisation == "Acme Ltd"

        checked = T0 + timedelta(minutes=5)
        assert watches.update(
            "https://127.0.0.1:9",
            "tok-abcdef123456",
            "J1",
            last_checked_at=checked,
            next_check_at=checked + timedelta(seconds=30),
            last_outcome="running",
            last_message="Queued",
        )
        got = watches.get("https://127.0.0.1:9", "tok-abcdef123456", "J1")
        assert got == watch(
            "J1",
            last_checked_at=checked,
            next_check_at=checked + timedelta(seconds=30),
            last_outcome="running",
            last_message="Queued",
        )
        # Only the given fields change; None clears a time.
        assert watches.update("https://127.0.0.1:9", "tok-abcdef123456", "J1", next_check_at=None)
        got = watches.get("https://127.0.0.1:9", "tok-abcdef123456", "J1")
        assert got is not None and got.next_check_at is None and got.last_message == "Queued"
        assert got.last_checked_at == checked
        assert not watches.update("https://127.0.0.1:9", "tok-abcdef123456", "nope", last_outcome="x")
        assert watches.update("https://127.0.0.1:9", "tok-abcdef123456", "J1")  # nothing to change, exists

        assert watches.remove("https://127.0.0.1:9", "other-token", "J1") is True
        assert watches.remove("https://127.0.0.1:9", "other-token", "J1") is False
        assert watches.count() == 2
        # The history in the same file is independent of the watch list.
        history.add(entry(1))
        watches.clear()
        assert watches.all() == []
        assert history.count() == 1


def test_watch_list_survives_restart(db_path: Path) -> None:
    with WatchStore(db_path) as watches:
        watches.add(watch("J1", last_checked_at=T0, last_outcome="running"))
    with WatchStore(db_path) as watches:
        assert watches.all() == [watch("J1", last_checked_at=T0, last_outcome="running")]


def test_first_opens_at_the_same_moment_both_get_the_file(tmp_path: Path) -> None:
    """The window's history and the watch list open one new file together: neither falls back to memory."""

    def open_together(path: Path) -> list[HistoryStore | WatchStore]:
        start = threading.Barrier(2)
        opened: list[HistoryStore | WatchStore] = []

        def open_one(kind: type[HistoryStore] | type[WatchStore]) -> None:
            start.wait()
            opened.append(kind(path))

        threads = [threading.Thread(target=open_one, args=(kind,)) for kind in (HistoryStore, WatchStore)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        return opened

    # Without the retry, about one trial in six fell back to memory on this machine.
    for trial in range(20):
        opened = open_together(tmp_path / f"race-{trial}" / "history.sqlite3")
        assert len(opened) == 2
        for store in opened:
            assert not store.in_memory, store.detail
            store.close()
