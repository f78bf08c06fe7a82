"""History of job lookups and the watch list, in one SQLite database (``data/history.sqlite3``).

Durability and sharing:

- WAL journal with ``synchronous=FULL``: each commit fsyncs the WAL, so every committed entry survives a
  kill -9 (NORMAL would already do that) and also a power cut. A commit happens once per check, so the fsync
  costs nothing the user could notice.
- ``busy_timeout`` and ``BEGIN IMMEDIATE`` for every write: two app processes can write at the same time
  without "database is locked" errors; one simply waits for the other.
- Schema version in ``PRAGMA user_version``, upgraded by :func:`migrate` inside a write transaction, so two
  processes opening a new file at once do not both create it.

Opening checks the file (``PRAGMA quick_check``). A damaged file or one that is not a database is moved aside
to ``history.sqlite3.corrupt-<timestamp>`` (with its -wal/-shm files), a new one is started, and ``notice``
says so in plain words. If the file cannot be opened at all (no permission, disk full), the store works in
memory for this run, again with a notice, so the app still opens.

Thread safety: each store has one connection made with ``check_same_thread=False`` and guarded by a lock, so
it may be used from a worker thread (or several).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Final

from pig_desktop.i18n import N_, _
from pig_desktop.core.outcome import Outcome
from pig_desktop.store.paths import backup_path

log = logging.getLogger(__name__)

SCHEMA_VERSION: Final = 2
BUSY_TIMEOUT_S: Final = 15.0
DEFAULT_MAX_ENTRIES: Final = 1000

_SQLITE_CORRUPT: Final = 11
_SQLITE_NOTADB: Final = 26

NOTICE_CORRUPT: Final = N_(
    "Your saved history of checks and watched jobs could not be read, so PIG Desktop started with an empty "
    "one. The old file was kept as {name}."
)
NOTICE_NO_FILE: Final = N_(
    "PIG Desktop could not open its history file, so checks and watched jobs from now on will not be kept "
    "after you close it. Please check that your account may change files in {folder}."
)


# --- time values: stored as fixed-width UTC text so that text order is time order ---


def _to_text(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _from_text(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _opt_to_text(moment: datetime | None) -> str | None:
    return None if moment is None else _to_text(moment)


def _opt_from_text(text: str | None) -> datetime | None:
    return None if text is None else _from_text(text)


# --- values ---


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded check. ``report`` is the full result as a JSON-able dict."""

    id: int | None
    job_id: str
    outcome: str
    status_message: str
    app: str
    organisation: str
    server: str
    checked_at: datetime  # timezone-aware, UTC
    report: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class HistorySummary:
    """A history row without its report: cheap enough to list thousands of them."""

    id: int
    job_id: str
    outcome: str
    status_message: str
    app: str
    organisation: str
    server: str
    checked_at: datetime


@dataclass(frozen=True)
class WatchEntry:
    """One watched job; the key is (server, api_token, job_id)."""

    job_id: str
    server: str
    organisation: str
    api_token: str
    started_at: datetime
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    last_outcome: str = ""
    last_message: str = ""


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
    # pages were read just to reach it (3,000 entries of 50 KB: 30 ms instead of 3 ms).
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


# MIGRATIONS[n] upgrades a database from user_version n to n + 1.
MIGRATIONS: Final[Sequence[Callable[[sqlite3.Connection], None]]] = (_migrate_0_to_1, _migrate_1_to_2)
assert len(MIGRATIONS) == SCHEMA_VERSION


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to SCHEMA_VERSION in one write transaction; return the version found.

    ``conn`` must be in autocommit mode (``isolation_level=None``). A database from a newer app version is
    left alone.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if found > SCHEMA_VERSION:
            log.warning("History database has schema %d, newer than this app's %d", found, SCHEMA_VERSION)
        else:
            for version in range(found, SCHEMA_VERSION):
                MIGRATIONS[version](conn)
            if found != SCHEMA_VERSION:
                # PRAGMA takes no parameters; SCHEMA_VERSION is our own integer constant.
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found


# --- opening, with corruption handling ---


class _CorruptDatabase(Exception):
    pass


def _connect(target: str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000):d}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
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
    if isinstance(exc, _CorruptDatabase):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    # Older sqlite3 modules: "file is not a database" / "malformed" are plain DatabaseError, while
    # locking, permission and I/O problems are OperationalError.
    return type(exc) is sqlite3.DatabaseError


def _move_aside(path: Path) -> Path:
    backup = backup_path(path, "corrupt")
    for suffix in ("", "-wal", "-shm", "-journal"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{backup}{suffix}"))
    return backup


@dataclass(frozen=True)
class _Opened:
    conn: sqlite3.Connection
    notice: str | None
    detail: str
    backup: Path | None
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
            log.error("History kept in memory only: %s", opened.detail)
            return opened
        opened.conn.close()
        time.sleep(0.05)


def _open_once(path: Path) -> _Opened:
    problem = _header_problem(path)
    if problem is not None:
        return _replace(path, _CorruptDatabase(problem))
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        conn = _connect(str(path))
    except (sqlite3.DatabaseError, OSError) as exc:
        return _fallback(path, exc) if not _is_corruption(exc) else _replace(path, exc)
    try:
        _quick_check(conn)
        migrate(conn)
    except (sqlite3.DatabaseError, _CorruptDatabase, OSError) as exc:
        conn.close()
        return _replace(path, exc) if _is_corruption(exc) else _fallback(path, exc)
    return _Opened(conn, None, "", None, False)


def _replace(path: Path, exc: BaseException) -> _Opened:
    detail = f"{path} is damaged ({type(exc).__name__}: {exc})"
    log.warning("History database unusable, moving it aside: %s", detail)
    try:
        backup = _move_aside(path)
        conn = _connect(str(path))
        try:
            migrate(conn)
        except BaseException:
            conn.close()
            raise
    except (sqlite3.DatabaseError, OSError) as exc2:
        return _fallback(path, exc2, f"{detail}; then ")
    log.warning("Damaged history database kept as %s", backup)
    return _Opened(conn, _(NOTICE_CORRUPT).format(name=backup.name), detail, backup, False)


def _fallback(path: Path, exc: BaseException, prefix: str = "") -> _Opened:
    detail = f"{prefix}could not open {path} ({type(exc).__name__}: {exc}); using memory only"
    if not _is_locked(exc):
        log.error("History kept in memory only: %s", detail)
    conn = _connect(":memory:")
    migrate(conn)
    return _Opened(conn, _(NOTICE_NO_FILE).format(folder=path.parent), detail, None, True, _is_locked(exc))


class _Database:
    """One checked connection, a lock around it, and transaction helpers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        opened = _open(path)
        self._conn: sqlite3.Connection = opened.conn
        self._lock = threading.RLock()
        #: Plain-language message for the user when the file was damaged or could not be opened, else None.
        self.notice: str | None = opened.notice
        #: Technical reason behind ``notice`` (for the log or a "details" view).
        self.detail: str = opened.detail
        #: Where a damaged file was moved, if it was.
        self.backup: Path | None = opened.backup
        #: True when nothing is written to disk this run.
        self.in_memory: bool = opened.in_memory

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction. IMMEDIATE takes the write lock up front, so a busy database makes this wait
        (busy_timeout) instead of failing later with an unrecoverable SQLITE_BUSY on upgrade."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> _Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- history ---

_SUMMARY_COLUMNS: Final = "id, job_id, outcome, status_message, app, organisation, server, checked_at"


def _search_text(job_id: str, outcome: str, status_message: str, app: str, organisation: str) -> str:
    return "\n".join(v.casefold() for v in (job_id, outcome, status_message, app, organisation))


def outcome_label(value: str) -> str:
    """The badge word of a stored outcome ("Job not found"), or the stored value if it is not one we know."""
    try:
        return Outcome(value).label
    except ValueError:
        return value


def list_text(job_id: str, outcome: str, status_message: str, app: str, organisation: str) -> str:
    """What the history list's filter searches: job id, the outcome's word (what the list shows, not its
    code), status message, app and organisation, casefolded; newlines keep a match from spanning two."""
    parts = (job_id, outcome_label(outcome), status_message, app, organisation)
    return "\n".join(part.casefold() for part in parts)


#: One entry of :meth:`HistoryStore.list_rows`: (id, job_id, outcome, status_message, app, organisation,
#: server, checked_at as stored text, list_text). Plain tuples: 10,000 of them are read at every start.
ListRow = tuple[int, str, str, str, str, str, str, str, str]

# Indexes into a ListRow.
ROW_ID: Final = 0
ROW_JOB: Final = 1
ROW_OUTCOME: Final = 2
ROW_STATUS: Final = 3
ROW_APP: Final = 4
ROW_ORG: Final = 5
ROW_SERVER: Final = 6
ROW_CHECKED: Final = 7
ROW_TEXT: Final = 8


def row_checked_at(row: ListRow) -> datetime:
    """A ListRow's check time (timezone-aware, UTC)."""
    return _from_text(row[ROW_CHECKED])


def summary_of_row(row: ListRow) -> HistorySummary:
    entry_id, job_id, outcome, status_message, app, organisation, server, checked_at, _text = row
    return HistorySummary(
        entry_id, job_id, outcome, status_message, app, organisation, server, _from_text(checked_at)
    )


def row_of_summary(summary: HistorySummary) -> ListRow:
    """The list's row for a summary (e.g. of an entry just added)."""
    s = summary
    text = list_text(s.job_id, s.outcome, s.status_message, s.app, s.organisation)
    return (
        s.id,
        s.job_id,
        s.outcome,
        s.status_message,
        s.app,
        s.organisation,
        s.server,
        _to_text(s.checked_at),
        text,
    )


def filter_needle(text: str) -> str:
    """What a filter searches for: ``text`` casefolded, its whitespace (newlines too) made single spaces. The
    stored filter texts separate their fields with newlines, so a needle never matches across two fields."""
    return " ".join(text.split()).casefold()


def _where_text(text: str) -> tuple[str, list[Any]]:
    needle = filter_needle(text)
    if not needle:
        return "", []
    return "WHERE instr(search_text, ?) > 0", [needle]


def _limit_clause(limit: int | None) -> tuple[str, list[Any]]:
    if limit is None:
        return "", []
    return "LIMIT ?", [max(0, int(limit))]


def _parse_report(text: str, entry_id: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        log.warning("History entry %d has an unreadable stored result", entry_id)
        return {}
    return value if isinstance(value, dict) else {"value": value}


class HistoryStore(_Database):
    """Recent checks, newest first, trimmed to the newest ``max_entries``."""

    def __init__(self, path: Path, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        super().__init__(path)
        self._max_entries = int(max_entries)

    @property
    def max_entries(self) -> int:
        return self._max_entries

    def _trim(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "DELETE FROM history WHERE id IN "
            "(SELECT id FROM history ORDER BY checked_at DESC, id DESC LIMIT -1 OFFSET ?)",
            (self._max_entries,),
        )

    @staticmethod
    def _insert(conn: sqlite3.Connection, entry: HistoryEntry) -> int:
        report = json.dumps(entry.report, ensure_ascii=False, default=str)
        fields = (entry.job_id, entry.outcome, entry.status_message, entry.app, entry.organisation)
        cursor = conn.execute(
            "INSERT INTO history (job_id, outcome, status_message, app, organisation, server, checked_at, "
            "search_text, list_text, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.job_id,
                entry.outcome,
                entry.status_message,
                entry.app,
                entry.organisation,
                entry.server,
                _to_text(entry.checked_at),
                _search_text(*fields),
                list_text(*fields),
                report,
            ),
        )
        new_id = cursor.lastrowid
        assert new_id is not None
        return new_id

    def add(self, entry: HistoryEntry) -> int:
        """Record ``entry`` (its ``id`` is ignored) and trim to the newest entries; return the new id.

        Returns once the entry is committed (and fsync-ed).
        """
        with self._write() as conn:
            new_id = self._insert(conn, entry)
            self._trim(conn)
        return new_id

    def add_many(self, entries: Iterable[HistoryEntry]) -> list[int]:
        """Record several entries in one transaction (one fsync); return their ids in order."""
        with self._write() as conn:
            ids = [self._insert(conn, entry) for entry in entries]
            self._trim(conn)
        return ids

    def recent(self, limit: int | None = None, text: str = "") -> list[HistoryEntry]:
        """Entries newest first, optionally only those whose job id, outcome, status message, app or
        organisation contains ``text`` (ignoring case)."""
        rows = self._newest_first(f"{_SUMMARY_COLUMNS}, report", limit, text)
        return [self._entry(row) for row in rows]

    def summaries(self, limit: int | None = None, text: str = "") -> list[HistorySummary]:
        """Like :meth:`recent` but without loading or parsing the stored results."""
        rows = self._newest_first(_SUMMARY_COLUMNS, limit, text)
        return [HistorySummary(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _from_text(r[7])) for r in rows]

    def list_rows(self) -> list[ListRow]:
        """Every entry as a compact row for the history list, newest first (see :data:`ListRow`).

        Made for 10,000 entries read at start-up: plain tuples straight from SQLite, no datetime parsed and
        the filter text stored at insert, so reading costs little more than SQLite's own work.
        """
        rows: list[ListRow] = self._newest_first(f"{_SUMMARY_COLUMNS}, list_text", None, "")
        for n, row in enumerate(rows):
            if not row[ROW_TEXT]:
                # Added by an app version from before list_text existed (rare): work it out now.
                entry_id, job_id, outcome, status, app, org, server, checked_at, _empty = row
                text = list_text(job_id, outcome, status, app, org)
                rows[n] = (entry_id, job_id, outcome, status, app, org, server, checked_at, text)
        return rows

    def _newest_first(self, columns: str, limit: int | None, text: str) -> list[Any]:
        """``columns`` of the rows matching ``text`` (see :meth:`recent`), newest first, at most ``limit``."""
        where, params = _where_text(text)
        limit_sql, limit_params = _limit_clause(limit)
        with self._read() as conn:
            rows: list[Any] = conn.execute(
                f"SELECT {columns} FROM history {where} ORDER BY checked_at DESC, id DESC {limit_sql}",
                [*params, *limit_params],
            ).fetchall()
        return rows

    @staticmethod
    def _entry(row: Sequence[Any]) -> HistoryEntry:
        return HistoryEntry(
            id=row[0],
            job_id=row[1],
            outcome=row[2],
            status_message=row[3],
            app=row[4],
            organisation=row[5],
            server=row[6],
            checked_at=_from_text(row[7]),
            report=_parse_report(row[8], row[0]),
        )

    def get(self, entry_id: int) -> HistoryEntry | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_SUMMARY_COLUMNS}, report FROM history WHERE id = ?", (entry_id,)
            ).fetchone()
        return None if row is None else self._entry(row)

    def delete(self, entry_id: int) -> bool:
        """Delete one entry; True if it existed."""
        with self._write() as conn:
            return conn.execute("DELETE FROM history WHERE id = ?", (entry_id,)).rowcount > 0

    def clear(self) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM history")

    def count(self) -> int:
        with self._read() as conn:
            return int(conn.execute("SELECT count(*) FROM history").fetchone()[0])

    def set_max_entries(self, max_entries: int) -> None:
        """Change the limit and drop the oldest entries beyond it now."""
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        with self._write() as conn:
            self._max_entries = int(max_entries)
            self._trim(conn)

    def __enter__(self) -> HistoryStore:
        return self


# --- watch list ---


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET

_WATCH_COLUMNS: Final = (
    "job_id, server, organisation, api_token, started_at, last_checked_at, next_check_at, last_outcome, "
    "last_message"
)


class WatchStore(_Database):
    """The jobs being watched, kept across restarts. Own connection to the history database file."""

    @staticmethod
    def _entry(row: Sequence[Any]) -> WatchEntry:
        return WatchEntry(
            job_id=row[0],
            server=row[1],
            organisation=row[2],
            api_token=row[3],
            started_at=_from_text(row[4]),
            last_checked_at=_opt_from_text(row[5]),
            next_check_at=_opt_from_text(row[6]),
            last_outcome=row[7],
            last_message=row[8],
        )

    def add(self, entry: WatchEntry) -> None:
        """Add a job, or replace the entry with the same (server, api_token, job_id)."""
        with self._write() as conn:
            conn.execute(
                f"INSERT INTO watch ({_WATCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (server, api_token, job_id) DO UPDATE SET "
                "organisation = excluded.organisation, started_at = excluded.started_at, "
                "last_checked_at = excluded.last_checked_at, next_check_at = excluded.next_check_at, "
                "last_outcome = excluded.last_outcome, last_message = excluded.last_message",
                (
                    entry.job_id,
                    entry.server,
                    entry.organisation,
                    entry.api_token,
                    _to_text(entry.started_at),
                    _opt_to_text(entry.last_checked_at),
                    _opt_to_text(entry.next_check_at),
                    entry.last_outcome,
                    entry.last_message,
                ),
            )

    def remove(self, server: str, api_token: str, job_id: str) -> bool:
        """Stop keeping one job; True if it was there."""
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM watch WHERE server = ? AND api_token = ? AND job_id = ?",
                (server, api_token, job_id),
            )
            return cursor.rowcount > 0

    def clear(self) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM watch")

    def all(self) -> list[WatchEntry]:
        """Every watched job, oldest watch first."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_WATCH_COLUMNS} FROM watch ORDER BY started_at, job_id, server, api_token"
            ).fetchall()
        return [self._entry(row) for row in rows]

    def get(self, server: str, api_token: str, job_id: str) -> WatchEntry | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_WATCH_COLUMNS} FROM watch WHERE server = ? AND api_token = ? AND job_id = ?",
                (server, api_token, job_id),
            ).fetchone()
        return None if row is None else self._entry(row)

    def count(self) -> int:
        with self._read() as conn:
            return int(conn.execute("SELECT count(*) FROM watch").fetchone()[0])

    def update(
        self,
        server: str,
        api_token: str,
        job_id: str,
        *,
        last_checked_at: datetime | None | _Unset = UNSET,
        next_check_at: datetime | None | _Unset = UNSET,
        last_outcome: str | _Unset = UNSET,
        last_message: str | _Unset = UNSET,
    ) -> bool:
        """Change only the given fields of one watched job; True if the job is on the list."""
        changes: dict[str, Any] = {}
        if not isinstance(last_checked_at, _Unset):
            changes["last_checked_at"] = _opt_to_text(last_checked_at)
        if not isinstance(next_check_at, _Unset):
            changes["next_check_at"] = _opt_to_text(next_check_at)
        if not isinstance(last_outcome, _Unset):
            changes["last_outcome"] = last_outcome
        if not isinstance(last_message, _Unset):
            changes["last_message"] = last_message
        with self._write() as conn:
            if not changes:
                row = conn.execute(
                    "SELECT 1 FROM watch WHERE server = ? AND api_token = ? AND job_id = ?",
                    (server, api_token, job_id),
                ).fetchone()
                return row is not None
            # Column names come from the fixed keys above, never from the caller.
            assignments = ", ".join(f"{column} = ?" for column in changes)
            cursor = conn.execute(
                f"UPDATE watch SET {assignments} WHERE server = ? AND api_token = ? AND job_id = ?",
                [*changes.values(), server, api_token, job_id],
            )
            return cursor.rowcount > 0

    def __enter__(self) -> WatchStore:
        return self


__all__ = [
    "HistoryEntry",
    "HistoryStore",
    "HistorySummary",
    "ListRow",
    "SCHEMA_VERSION",
    "UNSET",
    "WatchEntry",
    "WatchStore",
    "filter_needle",
    "list_text",
    "migrate",
    "outcome_label",
    "row_checked_at",
    "row_of_summary",
    "summary_of_row",
]
