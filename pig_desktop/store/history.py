"""The history of checks: one entry per job and server, with the latest answer, kept in the history database.

Checking a job again updates its entry in place (the newest answer and time; the first time it was seen and
how often it was checked are kept) and so moves it to the top of the list. Each job's outcome changes are
its timeline (:mod:`pig_desktop.store.timeline`). An entry keeps an answer only up to a size bound and says
when it was cut (:mod:`pig_desktop.store.bounds`).

The database itself (opening, schema, problems such as a full disk) is :mod:`pig_desktop.store.database`;
the watch list is :mod:`pig_desktop.store.watchlist`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from pig_desktop.store import timeline as _timeline
from pig_desktop.store.bounds import FIELD_KEEP_CHARS, bound_report, bounded_copy, cut_text, loads_any_depth
from pig_desktop.store.database import Database, ProblemCallback
from pig_desktop.store.text import filter_needle, list_text, search_text
from pig_desktop.store.timeline import TimelineEvent
from pig_desktop.store.times import from_text, opt_from_text, to_text

log = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES: Final = 1000


# --- values ---


@dataclass(frozen=True)
class HistoryEntry:
    """One job's entry: its latest check. ``report`` is the full result as a JSON-able dict.

    The bookkeeping fields after ``report`` are filled in by the store and not compared: an entry read back
    equals the one that was added. ``report_cut``: the stored report is shorter than the answer was (see
    :mod:`pig_desktop.store.bounds`), ``report_bytes`` its full size as JSON (0 if not known).
    """

    id: int | None
    job_id: str
    outcome: str
    status_message: str
    app: str
    organisation: str
    server: str
    checked_at: datetime  # timezone-aware, UTC: the latest check
    report: dict[str, Any] = field(hash=False)
    first_checked_at: datetime | None = field(default=None, compare=False)  # None: same as checked_at
    check_count: int = field(default=1, compare=False)
    report_cut: bool = field(default=False, compare=False)
    report_bytes: int = field(default=0, compare=False)


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


# --- the history list's rows (they belong to the UI's history model; here until the UI takes them) ---

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
    return from_text(row[ROW_CHECKED])


def summary_of_row(row: ListRow) -> HistorySummary:
    entry_id, job_id, outcome, status_message, app, organisation, server, checked_at, _text = row
    return HistorySummary(
        entry_id, job_id, outcome, status_message, app, organisation, server, from_text(checked_at)
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
        to_text(s.checked_at),
        text,
    )


# --- queries ---

_SUMMARY_COLUMNS: Final = "id, job_id, outcome, status_message, app, organisation, server, checked_at"
_ENTRY_COLUMNS: Final = f"{_SUMMARY_COLUMNS}, report, first_checked_at, check_count, report_cut, report_bytes"


def _where_text(text: str) -> tuple[str, list[Any]]:
    needle = filter_needle(text)
    if not needle:
        return "", []
    return "WHERE instr(search_text, ?) > 0", [needle]


def _limit_clause(limit: int | None) -> tuple[str, list[Any]]:
    if limit is None:
        return "", []
    return "LIMIT ?", [max(0, int(limit))]


_UNREADABLE: Final = object()


def _parse_report(text: str, entry_id: int) -> dict[str, Any]:
    value: Any
    try:
        value = json.loads(text)
    except RecursionError:
        # Stored before reports were depth-bounded: read it without recursion, then bound it as new ones are.
        try:
            value, _cut = bounded_copy(loads_any_depth(text), None)
        except ValueError:
            value = _UNREADABLE
    except ValueError:
        value = _UNREADABLE
    if value is _UNREADABLE:
        log.warning("History entry %d has an unreadable stored result", entry_id)
        return {}
    return value if isinstance(value, dict) else {"value": value}


class HistoryStore(Database):
    """Recent jobs, one entry per job and server, newest check first, trimmed to the newest
    ``max_entries``. ``on_problem``: see :class:`~pig_desktop.store.database.Database`."""

    def __init__(
        self, path: Path, max_entries: int = DEFAULT_MAX_ENTRIES, on_problem: ProblemCallback | None = None
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        super().__init__(path, on_problem)
        self._max_entries = int(max_entries)

    @property
    def max_entries(self) -> int:
        return self._max_entries

    def _trim(self, conn: sqlite3.Connection) -> None:
        dropped = conn.execute(
            "DELETE FROM history WHERE id IN "
            "(SELECT id FROM history ORDER BY checked_at DESC, id DESC LIMIT -1 OFFSET ?) "
            "RETURNING server, job_id",
            (self._max_entries,),
        ).fetchall()
        _timeline.forget(conn, ((str(server), str(job)) for server, job in dropped))

    @staticmethod
    def _upsert(conn: sqlite3.Connection, entry: HistoryEntry) -> int:
        """Record ``entry`` as its job's entry: a new one, or the existing one updated in place."""
        checked = to_text(entry.checked_at)  # first: a naive time is refused before anything is written
        report = bound_report(entry.report)
        status, app, organisation = (
            cut_text(value, FIELD_KEEP_CHARS)
            for value in (entry.status_message, entry.app, entry.organisation)
        )
        fields = (entry.job_id, entry.outcome, status, app, organisation)
        values = (
            *fields,
            entry.server,
            checked,
            search_text(*fields),
            list_text(*fields),
            report.text,
            int(report.cut),
            report.full_bytes,
        )
        existing = conn.execute(
            "SELECT id, checked_at FROM history WHERE server = ? AND job_id = ? COLLATE NOCASE",
            (entry.server, entry.job_id),
        ).fetchone()
        if existing is None:
            cursor = conn.execute(
                "INSERT INTO history (job_id, outcome, status_message, app, organisation, server, "
                "checked_at, search_text, list_text, report, report_cut, report_bytes, first_checked_at, "
                "check_count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                (*values, checked),
            )
            entry_id = cursor.lastrowid
            assert entry_id is not None
        else:
            entry_id = int(existing[0])
            if checked >= existing[1]:
                conn.execute(
                    "UPDATE history SET job_id = ?, outcome = ?, status_message = ?, app = ?, "
                    "organisation = ?, server = ?, checked_at = ?, search_text = ?, list_text = ?, "
                    "report = ?, report_cut = ?, report_bytes = ?, "
                    " first_checked_at = min(coalesce(first_checked_at, checked_at), ?), "
                    "check_count = check_count + 1 WHERE id = ?",
                    (*values, checked, entry_id),
                )
            else:
                # An answer older than the stored one (it arrived late): the newer answer stays.
                conn.execute(
                    "UPDATE history SET first_checked_at = min(coalesce(first_checked_at, checked_at), ?), "
                    "check_count = check_count + 1 WHERE id = ?",
                    (checked, entry_id),
                )
        # The status as given, not the list's cut copy: the watch list records the same text for a job's
        # final answer, and the two must compare equal so that the change is added once.
        _timeline.record(
            conn, entry.server, entry.job_id, entry.checked_at, entry.outcome, entry.status_message
        )
        return entry_id

    def add(self, entry: HistoryEntry) -> int:
        """Record a check of ``entry``'s job (its ``id`` is ignored) and trim to the newest entries; return
        the job's entry id, the same for every check of one job and server (job ids ignore letter case).

        Returns once the entry is committed (and fsync-ed). Raises
        :class:`~pig_desktop.store.database.StoreWriteFailed` if it could not be saved (see ``problem``).
        """
        with self._write() as conn:
            entry_id = self._upsert(conn, entry)
            self._trim(conn)
        return entry_id

    def add_many(self, entries: Iterable[HistoryEntry]) -> list[int]:
        """Record several checks in one transaction (one fsync); return their entry ids in order."""
        with self._write() as conn:
            ids = [self._upsert(conn, entry) for entry in entries]
            self._trim(conn)
        return ids

    def recent(self, limit: int | None = None, text: str = "") -> list[HistoryEntry]:
        """Entries newest first, optionally only those whose job id, outcome, status message, app or
        organisation contains ``text`` (ignoring case)."""
        rows = self._newest_first(_ENTRY_COLUMNS, limit, text)
        return [self._entry(row) for row in rows]

    def summaries(self, limit: int | None = None, text: str = "") -> list[HistorySummary]:
        """Like :meth:`recent` but without loading or parsing the stored results."""
        rows = self._newest_first(_SUMMARY_COLUMNS, limit, text)
        return [HistorySummary(r[0], r[1], r[2], r[3], r[4], r[5], r[6], from_text(r[7])) for r in rows]

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
            checked_at=from_text(row[7]),
            report=_parse_report(row[8], row[0]),
            first_checked_at=opt_from_text(row[9]) or from_text(row[7]),
            check_count=int(row[10]),
            report_cut=bool(row[11]),
            report_bytes=int(row[12]),
        )

    def get(self, entry_id: int) -> HistoryEntry | None:
        with self._read() as conn:
            row = conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM history WHERE id = ?", (entry_id,)).fetchone()
        return None if row is None else self._entry(row)

    def find(self, job_id: str, server: str) -> HistoryEntry | None:
        """The entry of ``job_id`` on ``server`` (job ids ignore letter case), or None."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM history WHERE server = ? AND job_id = ? COLLATE NOCASE",
                (server, job_id),
            ).fetchone()
        return None if row is None else self._entry(row)

    def timeline(self, job_id: str, server: str) -> list[TimelineEvent]:
        """The job's outcome changes, oldest first (see :mod:`pig_desktop.store.timeline`)."""
        with self._read() as conn:
            return _timeline.read(conn, server, job_id)

    def delete(self, entry_id: int) -> bool:
        """Delete one entry (and its job's timeline, unless the job is watched); True if it existed."""
        with self._write() as conn:
            dropped = conn.execute(
                "DELETE FROM history WHERE id = ? RETURNING server, job_id", (entry_id,)
            ).fetchall()
            _timeline.forget(conn, ((str(server), str(job)) for server, job in dropped))
            return bool(dropped)

    def clear(self) -> None:
        """Delete every entry, and the timelines of jobs not on the watch list."""
        with self._write() as conn:
            conn.execute("DELETE FROM history")
            _timeline.forget_orphans(conn)

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


__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "ROW_APP",
    "ROW_CHECKED",
    "ROW_ID",
    "ROW_JOB",
    "ROW_ORG",
    "ROW_OUTCOME",
    "ROW_SERVER",
    "ROW_STATUS",
    "ROW_TEXT",
    "HistoryEntry",
    "HistoryStore",
    "HistorySummary",
    "ListRow",
    "row_checked_at",
    "row_of_summary",
    "summary_of_row",
]
