"""The watch list: jobs being watched, and finished ones until the user removes them, across restarts.

Kept in the history database (its own connection, see :mod:`pig_desktop.store.database`). The key of an
entry is (server, api_token, job_id): the same job watched under two organisations is two entries.

A job is *watching* until :meth:`WatchStore.mark_finished` records its final answer; then it is *finished*
and stays, with its outcome, when it finished and how long it took, until :meth:`WatchStore.remove` or
:meth:`WatchStore.clear_finished` (or until :data:`FINISHED_KEPT` newer ones have finished). ``seen`` says
whether the user has looked at a finished job yet (for the tray's "something finished" mark). Watching it
again (:meth:`WatchStore.add`) makes it a watching job again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Final

from pig_desktop.store import timeline as _timeline
from pig_desktop.store.database import Database, ProblemCallback
from pig_desktop.store.timeline import TimelineEvent
from pig_desktop.store.times import from_text, opt_from_text, opt_to_text, to_text


@dataclass(frozen=True)
class WatchEntry:
    """One watched job; the key is (server, api_token, job_id).

    ``finished_at``: when the final answer came (None while the job is watched); then ``last_outcome`` and
    ``last_message`` are that answer's. ``seen``: the user has opened the finished job since.
    """

    job_id: str
    server: str
    organisation: str
    api_token: str
    started_at: datetime
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    last_outcome: str = ""
    last_message: str = ""
    finished_at: datetime | None = None
    seen: bool = False

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def duration(self) -> timedelta | None:
        """How long the job took to finish, from the start of the watch to its final answer (None while
        watched; never negative, even if the clock was set back meanwhile)."""
        if self.finished_at is None:
            return None
        return max(self.finished_at - self.started_at, timedelta(0))


class _Unset(Enum):
    UNSET = "unset"


#: "Leave this field as it is" for :meth:`WatchStore.update`.
UNSET: Final = _Unset.UNSET

_WATCH_COLUMNS: Final = (
    "job_id, server, organisation, api_token, started_at, last_checked_at, next_check_at, last_outcome, "
    "last_message, finished_at, seen"
)
_KEY: Final = "server = ? AND api_token = ? AND job_id = ?"


def _account(server: str | None, api_token: str | None) -> tuple[str, list[Any]]:
    """SQL conditions (each starting with AND) for "of this server and token" (None: any)."""
    sql, params = "", list[Any]()
    if server is not None:
        sql, params = sql + " AND server = ?", [*params, server]
    if api_token is not None:
        sql, params = sql + " AND api_token = ?", [*params, api_token]
    return sql, params


#: How many finished jobs the list keeps (the newest to finish); older ones are dropped as new ones finish.
FINISHED_KEPT = 500


class WatchStore(Database):
    """The watch list (see the module docstring). Own connection to the history database file.
    ``on_problem``: see :class:`~pig_desktop.store.database.Database`. ``finished_kept``: see
    :data:`FINISHED_KEPT`."""

    def __init__(
        self, path: Path, on_problem: ProblemCallback | None = None, finished_kept: int = FINISHED_KEPT
    ) -> None:
        super().__init__(path, on_problem)
        self.finished_kept = finished_kept

    @staticmethod
    def _entry(row: Sequence[Any]) -> WatchEntry:
        return WatchEntry(
            job_id=row[0],
            server=row[1],
            organisation=row[2],
            api_token=row[3],
            started_at=from_text(row[4]),
            last_checked_at=opt_from_text(row[5]),
            next_check_at=opt_from_text(row[6]),
            last_outcome=row[7],
            last_message=row[8],
            finished_at=opt_from_text(row[9]),
            seen=bool(row[10]),
        )

    def _select(self, where: str, params: Sequence[Any], order: str) -> list[WatchEntry]:
        with self._read() as conn:
            rows = conn.execute(f"SELECT {_WATCH_COLUMNS} FROM watch WHERE {where} ORDER BY {order}", params)
            return [self._entry(row) for row in rows.fetchall()]

    # --- watching ---

    def add(self, entry: WatchEntry) -> None:
        """Add a job, or replace the entry with the same (server, api_token, job_id): watching a finished
        job again makes it a watching job (with ``entry``'s ``finished_at``, normally None)."""
        with self._write() as conn:
            conn.execute(
                f"INSERT INTO watch ({_WATCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (server, api_token, job_id) DO UPDATE SET "
                "organisation = excluded.organisation, started_at = excluded.started_at, "
                "last_checked_at = excluded.last_checked_at, next_check_at = excluded.next_check_at, "
                "last_outcome = excluded.last_outcome, last_message = excluded.last_message, "
                "finished_at = excluded.finished_at, seen = excluded.seen",
                (
                    entry.job_id,
                    entry.server,
                    entry.organisation,
                    entry.api_token,
                    to_text(entry.started_at),
                    opt_to_text(entry.last_checked_at),
                    opt_to_text(entry.next_check_at),
                    entry.last_outcome,
                    entry.last_message,
                    opt_to_text(entry.finished_at),
                    int(entry.seen),
                ),
            )

    def all(self) -> list[WatchEntry]:
        """Every job being watched (not the finished ones), oldest watch first: what to resume polling."""
        return self._select("finished_at IS NULL", (), "started_at, job_id, server, api_token")

    def count(self) -> int:
        """How many jobs are being watched (not counting finished ones)."""
        with self._read() as conn:
            return int(conn.execute("SELECT count(*) FROM watch WHERE finished_at IS NULL").fetchone()[0])

    def get(self, server: str, api_token: str, job_id: str) -> WatchEntry | None:
        """The entry, watching or finished, or None."""
        found = self._select(_KEY, (server, api_token, job_id), "job_id")
        return found[0] if found else None

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
        """Change only the given fields of one job's entry; True if the job is on the list."""
        changes: dict[str, Any] = {}
        if not isinstance(last_checked_at, _Unset):
            changes["last_checked_at"] = opt_to_text(last_checked_at)
        if not isinstance(next_check_at, _Unset):
            changes["next_check_at"] = opt_to_text(next_check_at)
        if not isinstance(last_outcome, _Unset):
            changes["last_outcome"] = last_outcome
        if not isinstance(last_message, _Unset):
            changes["last_message"] = last_message
        with self._write() as conn:
            if not changes:
                key = (server, api_token, job_id)
                row = conn.execute(f"SELECT 1 FROM watch WHERE {_KEY}", key).fetchone()
                return row is not None
            # Column names come from the fixed keys above, never from the caller.
            assignments = ", ".join(f"{column} = ?" for column in changes)
            cursor = conn.execute(
                f"UPDATE watch SET {assignments} WHERE {_KEY}", [*changes.values(), server, api_token, job_id]
            )
            return cursor.rowcount > 0

    # --- finished ---

    def mark_finished(
        self,
        server: str,
        api_token: str,
        job_id: str,
        *,
        outcome: str,
        message: str,
        finished_at: datetime,
        status: str = "",
    ) -> bool:
        """Record the job's final answer: it stays on the list as finished (not yet seen) until removed.

        ``outcome``: the outcome code ("processed"); ``message``: the plain sentence shown for it;
        ``finished_at``: when the final answer came. ``status``: the job's status word for the timeline,
        the same text the history records as the entry's status message, so that the two never add the
        same change twice. True if the job was on the list.
        """
        finished = to_text(finished_at)
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE watch SET last_outcome = ?, last_message = ?, last_checked_at = ?, "
                f"next_check_at = NULL, finished_at = ?, seen = 0 WHERE {_KEY}",
                (outcome, message, finished, finished, server, api_token, job_id),
            )
            if cursor.rowcount == 0:
                return False
            _timeline.record(conn, server, job_id, finished_at, outcome, status)
            # A list watched for months must not grow without end: the oldest finished jobs beyond the bound
            # go (their answers stay in the history).
            conn.execute(
                "DELETE FROM watch WHERE rowid IN (SELECT rowid FROM watch WHERE finished_at IS NOT NULL "
                "ORDER BY finished_at DESC, job_id LIMIT -1 OFFSET ?)",
                (self.finished_kept,),
            )
            return True

    def finished(self, server: str | None = None, api_token: str | None = None) -> list[WatchEntry]:
        """The finished jobs, the latest to finish first; only those of ``server`` and ``api_token`` when
        given (one account's)."""
        where, params = _account(server, api_token)
        return self._select(f"finished_at IS NOT NULL{where}", params, "finished_at DESC, job_id")

    def mark_seen(self, server: str, api_token: str, job_id: str | None = None) -> int:
        """The user has looked at a finished job (``job_id``), or at all of the account's (None). Returns how
        many were newly marked."""
        where, params = _account(server, api_token)
        if job_id is not None:
            where, params = f"{where} AND job_id = ?", [*params, job_id]
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE watch SET seen = 1 WHERE finished_at IS NOT NULL AND seen = 0{where}", params
            )
            return cursor.rowcount

    def unseen_count(self, server: str | None = None, api_token: str | None = None) -> int:
        """How many finished jobs the user has not looked at yet (of one account when given)."""
        where, params = _account(server, api_token)
        with self._read() as conn:
            row = conn.execute(
                f"SELECT count(*) FROM watch WHERE finished_at IS NOT NULL AND seen = 0{where}", params
            ).fetchone()
        return int(row[0])

    def clear_finished(self, server: str | None = None, api_token: str | None = None) -> int:
        """Remove the finished jobs (of one account when given), keeping the watching ones; return how
        many were removed."""
        where, params = _account(server, api_token)
        with self._write() as conn:
            dropped = conn.execute(
                f"DELETE FROM watch WHERE finished_at IS NOT NULL{where} RETURNING server, job_id", params
            ).fetchall()
            _timeline.forget(conn, ((str(s), str(j)) for s, j in dropped))
            return len(dropped)

    # --- either ---

    def remove(self, server: str, api_token: str, job_id: str) -> bool:
        """Take one job off the list, watching or finished; True if it was there."""
        with self._write() as conn:
            dropped = conn.execute(
                f"DELETE FROM watch WHERE {_KEY} RETURNING server, job_id", (server, api_token, job_id)
            ).fetchall()
            _timeline.forget(conn, ((str(s), str(j)) for s, j in dropped))
            return bool(dropped)

    def clear(self) -> None:
        """Empty the whole list, watching and finished."""
        with self._write() as conn:
            conn.execute("DELETE FROM watch")
            _timeline.forget_orphans(conn)

    def timeline(self, job_id: str, server: str) -> list[TimelineEvent]:
        """The job's outcome changes, oldest first (see :mod:`pig_desktop.store.timeline`)."""
        with self._read() as conn:
            return _timeline.read(conn, server, job_id)

    def __enter__(self) -> WatchStore:
        return self


__all__ = ["UNSET", "WatchEntry", "WatchStore"]
