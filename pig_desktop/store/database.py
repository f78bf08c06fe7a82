"""The history database (``data/history.sqlite3``): opening it, its schema and upgrades, and its problems.

The history store (:mod:`pig_desktop.store.history`) and the watch-list store
(:mod:`pig_desktop.store.watchlist`) each have their own :class:`Database` on the same file.

Durability and sharing:

- WAL journal with ``synchronous=FULL``: each commit fsyncs the WAL, so every committed entry survives a
  kill -9 (NORMAL would already do that) and also a power cut. A commit happens once per check, so the fsync
  costs nothing the user could notice.
- ``busy_timeout`` and ``BEGIN IMMEDIATE`` for every write: two app processes can write at the same time
  without "database is locked" errors; one simply waits for the other.
- Schema version in ``PRAGMA user_version``, upgraded by :func:`migrate` inside a write transaction, so two
  processes opening a new file at once do not both create it.

Privacy: the file holds job ids, answers and the watch list's API tokens, so it is created 0600 (made empty
with ``O_EXCL`` and mode 0600 before SQLite opens it; SQLite gives its -wal and -shm files the main file's
mode) and an existing file, -wal or -shm from an older version is set to 0600 on opening. Creating the file
ourselves rather than changing the umask around the connect: the umask is process-wide, and other threads
create files meanwhile.

Opening checks the file (``PRAGMA quick_check``) and its schema. A damaged file, one that is not a database,
one whose schema is unknown or newer than this app's is moved aside to ``history.sqlite3.corrupt-<timestamp>``
(with its -wal/-shm files) and a new one is started. If the file cannot be opened at all (no permission, disk
full), the store works in memory for this run, so the app still opens. Either way, and when a later write
fails (disk full), the store's :attr:`Database.problem` says so in a plain sentence (a :class:`StoreProblem`),
and the ``on_problem`` callback hears of every change, so the window can show a banner instead of the
failure going only to the log. A write that fails raises :class:`StoreWriteFailed` (an
``sqlite3.OperationalError``) and leaves the store usable: the next write that works clears the problem.

Thread safety: each store has one connection made with ``check_same_thread=False`` and guarded by a lock, so
it may be used from a worker thread (or several). ``on_problem`` is called on the thread that wrote.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from pig_desktop.i18n import N_, _
from pig_desktop.store import timeline
from pig_desktop.store.bounds import FIELD_KEEP_CHARS, REPORT_KEEP_BYTES, bound_report, cut_text
from pig_desktop.store.paths import backup_path
from pig_desktop.store.text import list_text, search_text
from pig_desktop.store.times import from_text

log = logging.getLogger(__name__)

SCHEMA_VERSION: Final = 3
BUSY_TIMEOUT_S: Final = 15.0
FILE_MODE: Final = 0o600

_SQLITE_ERROR: Final = 1  # SQL error: here, a table or column that is not where our schema has it
_SQLITE_CORRUPT: Final = 11
_SQLITE_FULL: Final = 13
_SQLITE_NOTADB: Final = 26
_COMPANION_SUFFIXES: Final = ("-wal", "-shm", "-journal")

NOTICE_CORRUPT: Final = N_(
    "Your saved history of checks and watched jobs could not be read, so PIG Desktop started with an empty "
    "one. The old file was kept as {name}."
)
NOTICE_NEWER: Final = N_(
    "Your saved history of checks and watched jobs was written by a newer version of PIG Desktop, so this "
    "version started with an empty one. The old file was kept as {name}; a newer PIG Desktop can read it."
)
NOTICE_NO_FILE: Final = N_(
    "Recent checks can't be saved: PIG Desktop could not open its history file, so checks and watched jobs "
    "from now on will not be kept after you close it. Please check that your account may change files in "
    "{folder}."
)
NOTICE_DISK_FULL: Final = N_(
    "Recent checks can't be saved: the disk that holds {folder} is full. Checking jobs still works; free "
    "some space and PIG Desktop saves them again by itself."
)
NOTICE_WRITE_FAILED: Final = N_(
    "Recent checks can't be saved: PIG Desktop could not write to its history file in {folder}. Checking "
    "jobs still works; if this keeps happening, restart PIG Desktop."
)


# --- problems ---


class ProblemKind(StrEnum):
    """What went wrong with the history file."""

    #: A write failed because the disk (or the database's size limit) is full. Clears on the next write.
    DISK_FULL = "disk_full"
    #: A write failed for another reason (I/O error, a lock held too long). Clears on the next write.
    WRITE_FAILED = "write_failed"
    #: The file was damaged, not a database, or of an unknown schema: moved aside, a new one started.
    UNREADABLE = "unreadable"
    #: The file came from a newer app version: moved aside, a new one started.
    NEWER_SCHEMA = "newer_schema"
    #: The file could not be opened at all: nothing is kept after this run.
    MEMORY_ONLY = "memory_only"


#: Kinds that a successful write ends (the others describe how the file was opened and stay).
WRITE_KINDS: Final = frozenset({ProblemKind.DISK_FULL, ProblemKind.WRITE_FAILED})


@dataclass(frozen=True)
class StoreProblem:
    """A problem with the history file, for a banner: ``message`` is the plain sentence to show, ``detail``
    the technical reason (for "Copy details" and the log), ``backup`` where a moved-aside file went."""

    kind: ProblemKind
    message: str
    detail: str
    backup: Path | None = None

    @property
    def saving(self) -> bool:
        """True when checks are being saved regardless (the file was replaced by a fresh one)."""
        return self.kind in (ProblemKind.UNREADABLE, ProblemKind.NEWER_SCHEMA)


class StoreWriteFailed(sqlite3.OperationalError):
    """A write did not reach the file; ``problem`` says why in plain words. The store stays usable."""

    def __init__(self, problem: StoreProblem) -> None:
        super().__init__(problem.detail)
        self.problem = problem


ProblemCallback = Callable[[StoreProblem | None], None]


# --- schema ---


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        CREATE TABLE IF NOT EXISTS history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a stale id never names another row
            job_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            status_message TEXT NOT NULL,
            app TEXT NOT NULL,
            organisation TEXT NOT NULL,
            server TEXT NOT NULL,
            checked_at TEXT NOT NULL,
            search_text TEXT NOT NULL,  -- casefolded fields for the filter, joined by newlines
            report TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX IF NOT EXISTS history_checked_at ON history (checked_at)")
    conn.execute(
        """
        CREATE TABLE IF NOT EXISTS watch (
            server TEXT NOT NULL,
            api_token TEXT NOT NULL,
            job_id TEXT NOT NULL,
            organisation TEXT NOT NULL,
            started_at TEXT NOT NULL,
            last_checked_at TEXT,
            next_check_at TEXT,
            last_outcome TEXT NOT NULL,
            last_message TEXT NOT NULL,
            PRIMARY KEY (server, api_token, job_id)
        )
        """
    )


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    # The history list's filter text (see list_text), worked out once per entry instead of at every start.
    # An app from before this version leaves it empty in the rows it adds; HistoryStore.list_rows() fills
    # those in as it reads them.
    conn.execute("ALTER TABLE history ADD COLUMN list_text TEXT NOT NULL DEFAULT ''")
    # A covering index for list_rows(): the list is read from it alone, in order. Without it SQLite reads
    # the table rows, and list_text (added last) sits behind each stored report: a long report's overflow
    # pages were read just to reach it.
    conn.execute(
        "CREATE INDEX IF NOT EXISTS history_list ON history "
        "(checked_at, id, job_id, outcome, status_message, app, organisation, server, list_text)"
    )
    rows = conn.execute(
        "SELECT id, job_id, outcome, status_message, app, organisation FROM history"
    ).fetchall()
    conn.executemany(
        "UPDATE history SET list_text = ? WHERE id = ?",
        [(list_text(r[1], r[2], r[3], r[4], r[5]), r[0]) for r in rows],
    )


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """History becomes one entry per job and server; finished watches stay; each job gets a timeline;
    entries get their size bound.

    Duplicates (one row per poll, before) are merged into the newest row: it keeps the newest answer, the
    first row's time becomes ``first_checked_at``, the number of rows ``check_count``, and the outcome
    changes along the rows become the job's timeline.
    """
    conn.execute("ALTER TABLE history ADD COLUMN first_checked_at TEXT")
    conn.execute("ALTER TABLE history ADD COLUMN check_count INTEGER NOT NULL DEFAULT 1")
    conn.execute("ALTER TABLE history ADD COLUMN report_cut INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE history ADD COLUMN report_bytes INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE watch ADD COLUMN finished_at TEXT")  # NULL while the job is watched
    conn.execute("ALTER TABLE watch ADD COLUMN seen INTEGER NOT NULL DEFAULT 0")
    conn.execute(timeline.CREATE_TABLE)
    conn.execute(timeline.CREATE_INDEX)
    _cap_oversized_fields(conn)
    _merge_duplicates(conn)
    _cut_oversized_reports(conn)
    # SQLite's lower() folds ASCII letters only, as NOCASE does: the grouping above matches this index.
    conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS history_job ON history (server, job_id COLLATE NOCASE)")


def _cap_oversized_fields(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT id, job_id, outcome, status_message, app, organisation FROM history "
        "WHERE length(status_message) > ?1 OR length(app) > ?1 OR length(organisation) > ?1",
        (FIELD_KEEP_CHARS,),
    ).fetchall()
    for entry_id, job_id, outcome, status, app, organisation in rows:
        fields = (job_id, outcome, *(cut_text(v, FIELD_KEEP_CHARS) for v in (status, app, organisation)))
        conn.execute(
            "UPDATE history SET status_message = ?, app = ?, organisation = ?, search_text = ?, "
            "list_text = ? WHERE id = ?",
            (*fields[2:], search_text(*fields), list_text(*fields), entry_id),
        )


def _merge_duplicates(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT id, server, lower(job_id), job_id, checked_at, outcome, status_message FROM history "
        "ORDER BY server, lower(job_id), checked_at, id"
    ).fetchall()
    groups: list[list[Sequence[str | int]]] = []
    for row in rows:
        if groups and (groups[-1][0][1], groups[-1][0][2]) == (row[1], row[2]):
            groups[-1].append(row)
        else:
            groups.append([row])
    doomed: list[tuple[int]] = []
    for group in groups:
        newest = group[-1]
        server, job_id = str(newest[1]), str(newest[3])
        events = timeline.changes_only(
            timeline.TimelineEvent(
                from_text(str(r[4])), str(r[5]), cut_text(str(r[6]), timeline.STATUS_KEEP_CHARS)
            )
            for r in group
        )
        timeline.insert_rows(conn, server, job_id, timeline.bounded(events))
        conn.execute(
            "UPDATE history SET first_checked_at = ?, check_count = ? WHERE id = ?",
            (group[0][4], len(group), newest[0]),
        )
        doomed.extend((int(r[0]),) for r in group[:-1])
    conn.executemany("DELETE FROM history WHERE id = ?", doomed)


def _cut_oversized_reports(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT id, report FROM history WHERE length(CAST(report AS BLOB)) > ?", (REPORT_KEEP_BYTES,)
    ).fetchall()
    for entry_id, text in rows:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            value = {"raw_text": text}
        bounded = bound_report(value if isinstance(value, dict) else {"value": value})
        conn.execute(
            "UPDATE history SET report = ?, report_cut = 1, report_bytes = ? WHERE id = ?",
            (bounded.text, max(bounded.full_bytes, len(text.encode("utf-8"))), entry_id),
        )


# MIGRATIONS[n] upgrades a database from user_version n to n + 1.
MIGRATIONS: Final[Sequence[Callable[[sqlite3.Connection], None]]] = (
    _migrate_0_to_1,
    _migrate_1_to_2,
    _migrate_2_to_3,
)
assert len(MIGRATIONS) == SCHEMA_VERSION

#: The columns this app reads and writes, per table: a file at SCHEMA_VERSION without them is not ours.
EXPECTED_COLUMNS: Final = {
    "history": frozenset(
        "id job_id outcome status_message app organisation server checked_at search_text report list_text "
        "first_checked_at check_count report_cut report_bytes".split()
    ),
    "watch": frozenset(
        "server api_token job_id organisation started_at last_checked_at next_check_at last_outcome "
        "last_message finished_at seen".split()
    ),
    "timeline": frozenset("id server job_id at outcome status".split()),
}


class SchemaTooNew(Exception):
    """The database was written by a newer app version (its user_version is above SCHEMA_VERSION)."""


class UnknownSchema(Exception):
    """The database's schema is not one this app made (a negative version, or tables without our columns)."""


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to SCHEMA_VERSION in one write transaction; return the version found.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Raises :class:`SchemaTooNew` for a
    database from a newer app version and :class:`UnknownSchema` for one that is not ours; both are left
    as they were.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        _check_version(found)
        try:
            for version in range(found, SCHEMA_VERSION):
                MIGRATIONS[version](conn)
        except sqlite3.OperationalError as exc:
            # "no such table", "duplicate column": not our schema. A full disk or an I/O error is not the
            # file's fault and must not get it moved aside.
            if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF != _SQLITE_ERROR:
                raise
            raise UnknownSchema(f"upgrading from version {found}: {exc}") from exc
        _check_columns(conn)
        if found != SCHEMA_VERSION:
            # PRAGMA takes no parameters; SCHEMA_VERSION is our own integer constant.
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found


def _check_version(found: int) -> None:
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(f"schema version {found}, newer than this app's {SCHEMA_VERSION}")
    if found < 0:
        raise UnknownSchema(f"schema version {found}")


def _check_columns(conn: sqlite3.Connection) -> None:
    for table, expected in EXPECTED_COLUMNS.items():
        # The table names are our own constants above.
        present = {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}
        missing = expected - present
        if missing:
            raise UnknownSchema(f"table {table!r} lacks {', '.join(sorted(missing))}")


# --- files ---


def make_private(path: Path) -> None:
    """Set the database file and its -wal/-shm/-journal files, where they exist, to FILE_MODE."""
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in _COMPANION_SUFFIXES)):
        try:
            mode = candidate.lstat().st_mode
        except FileNotFoundError:
            continue
        except OSError:
            continue  # the open that follows reports the real problem
        if stat.S_ISREG(mode) and stat.S_IMODE(mode) != FILE_MODE:
            try:
                os.chmod(candidate, FILE_MODE)
            except OSError as exc:
                log.warning("Could not make %s private: %s", candidate, exc)


def _create_private(path: Path) -> None:
    """Make the (empty) database file with FILE_MODE if it does not exist yet."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


# --- opening, with corruption handling ---


class _CorruptDatabase(Exception):
    pass


def _connect(target: str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000):d}")
        # Before the switch to WAL, which rewrites the file's header: a file from a newer version is kept
        # aside exactly as it was, for that version to read.
        _check_version(int(conn.execute("PRAGMA user_version").fetchone()[0]))
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def _connect_file(path: Path) -> sqlite3.Connection:
    _create_private(path)
    conn = _connect(str(path))
    make_private(path)  # the -wal and -shm the connect just made
    return conn


def _quick_check(conn: sqlite3.Connection) -> None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise _CorruptDatabase("quick_check: " + "; ".join(str(r[0]) for r in rows[:5]))


_SQLITE_HEADER: Final = b"SQLite format 3\x00"


def _header_problem(path: Path) -> str | None:
    """Recognise a file that is not an SQLite database before SQLite opens it.

    Checked first because SQLite, opening such a file, may delete a -wal file beside it, and that WAL could
    hold the last entries someone would want to recover from the backup.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
    except FileNotFoundError:
        return None
    except OSError:
        return None  # let sqlite3 report the real problem (permissions and so on)
    if not head:
        return None  # an empty file is a valid empty database
    if len(head) < 100:
        return f"only {len(head)} bytes long, shorter than an SQLite header"
    if not head.startswith(_SQLITE_HEADER):
        return "does not start with the SQLite header"
    return None


def _is_corruption(exc: BaseException) -> bool:
    if isinstance(exc, (_CorruptDatabase, UnknownSchema, SchemaTooNew)):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    # Older sqlite3 modules: "file is not a database" / "malformed" are plain DatabaseError, while
    # locking, permission and I/O problems are OperationalError.
    return type(exc) is sqlite3.DatabaseError


def is_disk_full(exc: BaseException) -> bool:
    """True for SQLite's SQLITE_FULL ("database or disk is full") and the OS's ENOSPC/EDQUOT."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) == _SQLITE_FULL:
            return True
        return "database or disk is full" in str(exc)
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return False


def _move_aside(path: Path) -> Path:
    backup = backup_path(path, "corrupt")
    for suffix in ("", *_COMPANION_SUFFIXES):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{backup}{suffix}"))
    return backup


@dataclass(frozen=True)
class _Opened:
    conn: sqlite3.Connection
    problem: StoreProblem | None
    in_memory: bool
    locked: bool = False  # fell back to memory only because another connection held the lock


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _open(path: Path) -> _Opened:
    """Open (creating if needed) and check the database; never raises for a bad or unopenable file.

    Switching a new file to WAL needs a moment of exclusive access that SQLite's busy handler does not wait
    for, so two first opens at the same moment (the window's history and the watch list, or the app and
    pig-status) can see "database is locked": wait and try again rather than fall back to memory.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        opened = _open_once(path)
        if not (opened.in_memory and opened.locked):
            return opened
        if time.monotonic() > deadline:
            log.error("History kept in memory only: %s", opened.problem.detail if opened.problem else "")
            return opened
        opened.conn.close()
        time.sleep(0.05)


def _open_once(path: Path) -> _Opened:
    make_private(path)  # files left 0644 by an older version, before anything is moved or reopened
    problem = _header_problem(path)
    if problem is not None:
        return _replace(path, _CorruptDatabase(problem))
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        conn = _connect_file(path)
    except (sqlite3.DatabaseError, OSError, UnknownSchema, SchemaTooNew) as exc:
        return _fallback(path, exc) if not _is_corruption(exc) else _replace(path, exc)
    try:
        _quick_check(conn)
        migrate(conn)
    except (sqlite3.DatabaseError, _CorruptDatabase, UnknownSchema, SchemaTooNew, OSError) as exc:
        conn.close()
        return _replace(path, exc) if _is_corruption(exc) else _fallback(path, exc)
    return _Opened(conn, None, False)


def _replace(path: Path, exc: BaseException) -> _Opened:
    newer = isinstance(exc, SchemaTooNew)
    what = "from a newer app version" if newer else "damaged"
    detail = f"{path} is {what} ({type(exc).__name__}: {exc})"
    log.warning("History database unusable, moving it aside: %s", detail)
    try:
        backup = _move_aside(path)
        conn = _connect_file(path)
        try:
            migrate(conn)
        except BaseException:
            conn.close()
            raise
    except (sqlite3.DatabaseError, OSError, UnknownSchema, SchemaTooNew) as exc2:
        return _fallback(path, exc2, f"{detail}; then ")
    log.warning("Unusable history database kept as %s", backup)
    kind = ProblemKind.NEWER_SCHEMA if newer else ProblemKind.UNREADABLE
    notice = _(NOTICE_NEWER if newer else NOTICE_CORRUPT).format(name=backup.name)
    return _Opened(conn, StoreProblem(kind, notice, detail, backup), False)


def _fallback(path: Path, exc: BaseException, prefix: str = "") -> _Opened:
    detail = f"{prefix}could not open {path} ({type(exc).__name__}: {exc}); using memory only"
    if not _is_locked(exc):
        log.error("History kept in memory only: %s", detail)
    conn = _connect(":memory:")
    migrate(conn)
    template = NOTICE_DISK_FULL if is_disk_full(exc) else NOTICE_NO_FILE
    problem = StoreProblem(ProblemKind.MEMORY_ONLY, _(template).format(folder=path.parent), detail)
    return _Opened(conn, problem, True, _is_locked(exc))


class Database:
    """One checked connection to the history database, a lock around it, transaction helpers, and the
    file's problem state (see the module docstring).

    ``on_problem`` is called with the new :class:`StoreProblem` whenever one starts, and when a write
    problem ends with the problem now current (None, or how the file was opened); on the thread that
    found it, so a Qt caller forwards it with a queued signal.
    """

    def __init__(self, path: Path, on_problem: ProblemCallback | None = None) -> None:
        self.path = path
        opened = _open(path)
        self._conn: sqlite3.Connection = opened.conn
        self._lock = threading.RLock()
        self._opened_problem = opened.problem
        self._problem: StoreProblem | None = opened.problem
        self.on_problem: ProblemCallback | None = on_problem
        #: Plain-language message for the user when the file was unusable or could not be opened, else None.
        self.notice: str | None = opened.problem.message if opened.problem else None
        #: Technical reason behind ``notice`` (for the log or a "details" view).
        self.detail: str = opened.problem.detail if opened.problem else ""
        #: Where an unusable file was moved, if it was.
        self.backup: Path | None = opened.problem.backup if opened.problem else None
        #: True when nothing is written to disk this run.
        self.in_memory: bool = opened.in_memory

    @property
    def problem(self) -> StoreProblem | None:
        """The current problem: a failed last write, else how the file was opened (None when all is well)."""
        return self._problem

    def _set_problem(self, problem: StoreProblem | None) -> None:
        with self._lock:
            if problem == self._problem:
                return
            self._problem = problem
        callback = self.on_problem
        if callback is not None:
            try:
                callback(problem)
            except Exception:  # a broken listener must not turn a soft failure into a crash
                log.exception("History problem listener failed")

    def _write_problem(self, exc: BaseException) -> StoreProblem:
        folder = self.path.parent
        full = is_disk_full(exc)
        kind = ProblemKind.DISK_FULL if full else ProblemKind.WRITE_FAILED
        template = NOTICE_DISK_FULL if full else NOTICE_WRITE_FAILED
        detail = f"writing {self.path} failed ({type(exc).__name__}: {exc})"
        return StoreProblem(kind, _(template).format(folder=folder), detail)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction. IMMEDIATE takes the write lock up front, so a busy database makes this wait
        (busy_timeout) instead of failing later with an unrecoverable SQLITE_BUSY on upgrade.

        A storage failure (disk full, I/O error, a lock held too long) becomes the store's problem and a
        :class:`StoreWriteFailed`; errors in the caller's own values (ValueError) pass through as they are.
        """
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as exc:
                if isinstance(exc, (StoreWriteFailed, sqlite3.IntegrityError, sqlite3.ProgrammingError)):
                    raise
                problem = self._write_problem(exc)
                log.error("History not saved: %s", problem.detail)
                self._set_problem(problem)
                raise StoreWriteFailed(problem) from exc
        if self._problem is not None and self._problem.kind in WRITE_KINDS:
            self._set_problem(self._opened_problem)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


__all__ = [
    "BUSY_TIMEOUT_S",
    "FILE_MODE",
    "MIGRATIONS",
    "NOTICE_CORRUPT",
    "NOTICE_DISK_FULL",
    "NOTICE_NEWER",
    "NOTICE_NO_FILE",
    "NOTICE_WRITE_FAILED",
    "SCHEMA_VERSION",
    "Database",
    "ProblemCallback",
    "ProblemKind",
    "SchemaTooNew",
    "StoreProblem",
    "StoreWriteFailed",
    "UnknownSchema",
    "is_disk_full",
    "make_private",
    "migrate",
]
