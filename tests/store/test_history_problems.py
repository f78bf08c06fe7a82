"""Storage failures are told, and the history files are private.

Disk full is tested two ways, both real: SQLite's own size limit (``PRAGMA max_page_count``, which makes
SQLite fail a write with SQLITE_FULL, "database or disk is full", exactly as a full disk does), and a really
full file system: a 2 MB tmpfs mounted in a private user and mount namespace (``unshare -rm``, no root
needed), filled up, then freed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.history import history_entry

from pig_desktop.store.database import (
    FILE_MODE,
    NOTICE_CORRUPT,
    NOTICE_NEWER,
    ProblemKind,
    StoreProblem,
    StoreWriteFailed,
)
from pig_desktop.store.history import HistoryStore
from pig_desktop.store.watchlist import WatchEntry, WatchStore

REPO_ROOT = Path(__file__).resolve().parents[2]
CANT_SAVE = "Recent checks can't be saved: "


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual desktop umask, under which files are made world-readable unless made otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def companions(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


# --- private files ---


@pytest.mark.usefixtures("open_umask")
def test_a_new_database_and_its_wal_and_shm_are_private(db_path: Path) -> None:
    with HistoryStore(db_path) as store, WatchStore(db_path) as watches:
        store.add(history_entry(1))
        watches.add(WatchEntry("J", "s", "o", "t", history_entry(1).checked_at))
        files = companions(db_path)
        assert all(f.exists() for f in files)
        assert {f.name: mode(f) for f in files} == {f.name: FILE_MODE for f in files}
    assert mode(db_path) == FILE_MODE
    assert mode(db_path.parent) == 0o700


@pytest.mark.usefixtures("open_umask")
def test_files_left_readable_by_an_older_version_are_made_private(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    old = sqlite3.connect(db_path, isolation_level=None)  # as the old app did: the umask's 0644
    old.execute("PRAGMA journal_mode = WAL")
    old.execute("CREATE TABLE t (x)")
    old.execute("INSERT INTO t VALUES (1)")  # keeps -wal and -shm while this connection is open
    try:
        assert {mode(f) for f in companions(db_path)} == {0o644}
        with HistoryStore(db_path) as store:
            assert {f.name: mode(f) for f in companions(db_path)} == {
                f.name: FILE_MODE for f in companions(db_path)
            }
            assert store.count() == 0
    finally:
        old.close()


@pytest.mark.usefixtures("open_umask")
def test_a_damaged_file_kept_aside_is_private_too(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"not a database" * 100)
    db_path.chmod(0o644)
    with HistoryStore(db_path) as store:
        assert store.backup is not None and mode(store.backup) == FILE_MODE
        assert mode(db_path) == FILE_MODE


# --- a full disk ---


def test_disk_full_is_told_writes_fail_softly_and_saving_resumes(db_path: Path) -> None:
    heard: list[StoreProblem | None] = []
    store = HistoryStore(db_path, on_problem=heard.append)
    try:
        assert store.problem is None
        kept = store.add(history_entry(1))
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
        big = history_entry(2, report={"pad": "x" * 50_000})
        with pytest.raises(StoreWriteFailed) as caught:
            store.add(big)
        problem = caught.value.problem
        assert isinstance(caught.value, sqlite3.OperationalError)  # callers catching sqlite3 errors still do
        assert problem.kind is ProblemKind.DISK_FULL and not problem.saving
        assert problem.message.startswith(CANT_SAVE + "the disk that holds")
        assert str(db_path.parent) in problem.message
        assert "database or disk is full" in problem.detail
        assert store.problem == problem and heard == [problem]
        # Nothing half-written, reading still works, and a second failure is not told twice.
        assert store.count() == 1 and store.get(kept) == history_entry(1, id=kept)
        with pytest.raises(StoreWriteFailed):
            store.add_many([big, history_entry(3, report={"pad": "y" * 50_000})])
        assert heard == [problem] and store.count() == 1
        # Space again: the next write works and the problem ends.
        store._conn.execute("PRAGMA max_page_count = 1073741823")
        added = store.add(big)
        assert store.get(added) == history_entry(2, id=added, report={"pad": "x" * 50_000})
        assert store.problem is None and heard == [problem, None]
    finally:
        store.close()


def test_the_watch_list_tells_a_full_disk_too(db_path: Path) -> None:
    heard: list[StoreProblem | None] = []
    with WatchStore(db_path, on_problem=heard.append) as watches:
        started = history_entry(1).checked_at
        watches.add(WatchEntry("J1", "s", "o", "t", started))
        pages = watches._conn.execute("PRAGMA page_count").fetchone()[0]
        watches._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreWriteFailed):
            for n in range(2000):  # until the pages are full
                watches.add(WatchEntry(f"J{n:04d}" + "x" * 500, "s", "o", "t", started))
        assert watches.problem is not None and watches.problem.kind is ProblemKind.DISK_FULL
        assert len(heard) == 1 and heard[0] == watches.problem
        assert watches.get("s", "t", "J1") is not None


def test_a_listener_that_fails_does_not_turn_a_soft_failure_into_a_crash(db_path: Path) -> None:
    def broken(problem: StoreProblem | None) -> None:
        raise RuntimeError("listener bug")

    with HistoryStore(db_path, on_problem=broken) as store:
        store.add(history_entry(1))
        store._conn.execute(
            f"PRAGMA max_page_count = {store._conn.execute('PRAGMA page_count').fetchone()[0]}"
        )
        with pytest.raises(StoreWriteFailed):
            store.add(history_entry(2, report={"pad": "x" * 50_000}))
        assert store.problem is not None and store.count() == 1


def test_a_naive_time_is_still_a_caller_error_not_a_storage_problem(db_path: Path) -> None:
    from datetime import datetime

    with HistoryStore(db_path) as store, pytest.raises(ValueError):
        store.add(history_entry(1, checked_at=datetime(2024, 1, 1)))
    assert store.problem is None


FILL_AND_FREE = r"""
import json, os, sys
from datetime import UTC, datetime
from pathlib import Path
from pig_desktop.store.database import StoreWriteFailed
from pig_desktop.store.history import HistoryEntry, HistoryStore

root = Path(sys.argv[1])
heard = []
store = HistoryStore(root / "data" / "history.sqlite3",
                     on_problem=lambda p: heard.append(None if p is None else p.kind.value))
def entry(n):
    return HistoryEntry(None, f"JOB-{n}", "processed", "Processed", "App", "Org", "https://s",
                        datetime.now(UTC), {"pad": os.urandom(20_000).hex()})
store.add(entry(0))
filler = root / "filler"
with open(filler, "wb", buffering=0) as f:
    try:
        while True:
            f.write(b"\0" * 4096)
    except OSError as exc:
        filled = exc.strerror
failed = None
for n in range(1, 50):
    try:
        store.add(entry(n))
    except StoreWriteFailed as exc:
        problem = exc.problem
        failed = {"kind": problem.kind.value, "message": problem.message, "detail": problem.detail}
        break
count_when_full = store.count()
filler.unlink()
store.add(entry(100))
print(json.dumps({"filled": filled, "failed": failed, "count_when_full": count_when_full,
                  "count_after": store.count(), "heard": heard, "problem_after": store.problem is None}))
store.close()
"""


def _can_mount_tmpfs() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="unshare -rm cannot mount a tmpfs on this machine")
def test_a_really_full_file_system_is_told_and_saving_resumes_once_space_is_freed(tmp_path: Path) -> None:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    script = f'mount -t tmpfs -o size=2m tmpfs "$1" && exec "{sys.executable}" -c "$2" "$1"'
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(mount_point), FILL_AND_FREE],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["filled"] == "No space left on device"
    assert result["failed"] is not None, result
    assert result["failed"]["kind"] == "disk_full", result
    assert result["failed"]["message"].startswith(CANT_SAVE + "the disk that holds")
    assert result["count_after"] == result["count_when_full"] + 1
    assert result["heard"] == ["disk_full", None] and result["problem_after"]


# --- a database this app cannot read ---


def _contents(path: Path) -> tuple[int, list[tuple[str, ...]]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        return version, conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def _assert_replaced(
    db_path: Path, original: bytes, kind: ProblemKind, heard: list[StoreProblem | None], *, exact: bool = True
) -> None:
    """``exact``: the kept file is byte for byte the original (else its tables and version are)."""
    before = _contents(db_path)
    with HistoryStore(db_path, on_problem=heard.append) as store:
        problem = store.problem
        assert problem is not None and problem.kind is kind and problem.saving
        assert store.notice == problem.message and store.detail == problem.detail
        assert store.backup is not None and problem.backup == store.backup
        assert store.backup.name.startswith("history.sqlite3.corrupt-")
        template = NOTICE_NEWER if kind is ProblemKind.NEWER_SCHEMA else NOTICE_CORRUPT
        assert store.notice == template.format(name=store.backup.name)
        if exact:
            assert store.backup.read_bytes() == original
        else:  # the upgrade that found the tables missing had switched the file to WAL first
            assert _contents(store.backup) == before
        assert not store.in_memory and store.count() == 0
        new_id = store.add(history_entry(1))  # saving works again, and the open-time notice stays
        assert store.get(new_id) is not None and store.problem == problem
    with HistoryStore(db_path) as again:
        assert again.problem is None and again.count() == 1


def _database_with(db_path: Path, *statements: str) -> bytes:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    for sql in statements:
        conn.execute(sql)
    conn.close()
    return db_path.read_bytes()


def test_a_newer_schema_is_moved_aside_and_told(db_path: Path) -> None:
    original = _database_with(
        db_path, "CREATE TABLE history (id INTEGER, future TEXT)", "PRAGMA user_version = 99"
    )
    heard: list[StoreProblem | None] = []
    _assert_replaced(db_path, original, ProblemKind.NEWER_SCHEMA, heard)
    assert heard == []  # told through the problem property at opening; the listener hears later changes


def test_newer_schema_notice_names_the_kept_file(db_path: Path) -> None:
    _database_with(db_path, "PRAGMA user_version = 4")
    with HistoryStore(db_path) as store:
        assert store.backup is not None
        assert store.notice == NOTICE_NEWER.format(name=store.backup.name)


@pytest.mark.parametrize(
    "statements",
    [
        # Our version number, but not our tables: another program's file, or one edited by hand.
        ("CREATE TABLE history (id INTEGER PRIMARY KEY, something TEXT)", "PRAGMA user_version = 3"),
        ("CREATE TABLE unrelated (x)", "PRAGMA user_version = 2"),
        ("PRAGMA user_version = -5",),
    ],
    ids=["v3-without-our-columns", "v2-without-a-history-table", "negative-version"],
)
def test_an_unknown_schema_is_moved_aside_like_a_damaged_file(
    db_path: Path, statements: tuple[str, ...]
) -> None:
    original = _database_with(db_path, *statements)
    _assert_replaced(db_path, original, ProblemKind.UNREADABLE, [], exact="-5" in statements[-1])
    with HistoryStore(db_path) as store:
        assert store.notice is None
    backups = [
        p for p in db_path.parent.glob("history.sqlite3.corrupt-*") if not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(backups) == 1


def test_an_unopenable_location_reports_memory_only(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data directory should be")
    with HistoryStore(blocker / "history.sqlite3") as store:
        assert store.in_memory
        assert store.problem is not None and store.problem.kind is ProblemKind.MEMORY_ONLY
        assert store.problem.message.startswith(CANT_SAVE) and not store.problem.saving
        store.add(history_entry(1))
        assert store.problem.kind is ProblemKind.MEMORY_ONLY  # stays: nothing reaches the disk this run
