"""Each job's timeline: its outcome changes, one event per change ("Queued 10:02, Processing 10:05,
Processed 10:09"), kept per job and server in the history database's ``timeline`` table.

Both the history (every check it records) and the watch list (a job's final answer) add to it; an event
equal to the job's latest one is not added, so the two never double an event. A timeline keeps the first
event (when the job was first seen) and the newest ones, :data:`TIMELINE_KEEP` in all, so a job that flips
for days stays small. It lives as long as the job is in the history or on the watch list.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from pig_desktop.store.bounds import cut_text
from pig_desktop.store.text import outcome_label
from pig_desktop.store.times import from_text, to_text

TIMELINE_KEEP: Final = 20
#: The status word of an event is the job's status message (a word in real answers), cut to this length.
STATUS_KEEP_CHARS: Final = 200

CREATE_TABLE: Final = """
    CREATE TABLE IF NOT EXISTS timeline (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        server TEXT NOT NULL,
        job_id TEXT NOT NULL COLLATE NOCASE,  -- GUIDs: the same job whatever the letter case
        at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        status TEXT NOT NULL
    )
"""
CREATE_INDEX: Final = "CREATE INDEX IF NOT EXISTS timeline_job ON timeline (server, job_id, at, id)"


@dataclass(frozen=True)
class TimelineEvent:
    """One outcome change of a job: when it was seen, the outcome code and the status word."""

    at: datetime  # timezone-aware, UTC
    outcome: str
    status: str

    @property
    def word(self) -> str:
        """What a person reads for this event: the status word ("Queued"), else the outcome's badge word."""
        return self.status or outcome_label(self.outcome)


def changes_only(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """``events`` (oldest first) without those that repeat the previous one's outcome and status."""
    kept: list[TimelineEvent] = []
    for event in events:
        if not kept or (kept[-1].outcome, kept[-1].status) != (event.outcome, event.status):
            kept.append(event)
    return kept


def bounded(events: Sequence[TimelineEvent], keep: int = TIMELINE_KEEP) -> list[TimelineEvent]:
    """The first event and the newest ``keep - 1`` (``events`` oldest first)."""
    if len(events) <= keep:
        return list(events)
    return [events[0], *events[len(events) - (keep - 1) :]]


def summary_text(events: Sequence[TimelineEvent]) -> str:
    """The timeline in words: "Queued 10:02, Processing 10:05, Processed 10:09", in local time, with the
    date when the events span more than one day. For the result pane and the ticket text."""
    local = [event.at.astimezone() for event in events]
    one_day = len({moment.date() for moment in local}) <= 1
    pattern = "%H:%M" if one_day else "%Y-%m-%d %H:%M"
    words = (f"{event.word} {moment.strftime(pattern)}" for event, moment in zip(events, local, strict=True))
    return ", ".join(words)


def insert_rows(conn: sqlite3.Connection, server: str, job_id: str, events: Iterable[TimelineEvent]) -> None:
    conn.executemany(
        "INSERT INTO timeline (server, job_id, at, outcome, status) VALUES (?, ?, ?, ?, ?)",
        [(server, job_id, to_text(e.at), e.outcome, e.status) for e in events],
    )


def read(conn: sqlite3.Connection, server: str, job_id: str) -> list[TimelineEvent]:
    """The job's timeline, oldest first (job ids compare without regard to case)."""
    rows = conn.execute(
        "SELECT at, outcome, status FROM timeline WHERE server = ? AND job_id = ? ORDER BY at, id",
        (server, job_id),
    ).fetchall()
    return [TimelineEvent(from_text(at), outcome, status) for at, outcome, status in rows]


def record(
    conn: sqlite3.Connection, server: str, job_id: str, at: datetime, outcome: str, status: str
) -> bool:
    """Add an event if it changes the job's latest one; True if added. An answer older than the latest
    event (one that arrived late) is not added: it would put the timeline out of order."""
    status = cut_text(status, STATUS_KEEP_CHARS)
    at_text = to_text(at)
    latest = conn.execute(
        "SELECT at, outcome, status FROM timeline WHERE server = ? AND job_id = ? ORDER BY at DESC, id DESC "
        "LIMIT 1",
        (server, job_id),
    ).fetchone()
    if latest is not None and ((latest[1], latest[2]) == (outcome, status) or at_text < latest[0]):
        return False
    conn.execute(
        "INSERT INTO timeline (server, job_id, at, outcome, status) VALUES (?, ?, ?, ?, ?)",
        (server, job_id, at_text, outcome, status),
    )
    conn.execute(
        "DELETE FROM timeline WHERE server = ?1 AND job_id = ?2 "
        "AND id NOT IN (SELECT id FROM timeline WHERE server = ?1 AND job_id = ?2 ORDER BY at, id LIMIT 1) "
        "AND id NOT IN (SELECT id FROM timeline WHERE server = ?1 AND job_id = ?2 "
        "ORDER BY at DESC, id DESC LIMIT ?3)",
        (server, job_id, TIMELINE_KEEP - 1),
    )
    return True


def forget(conn: sqlite3.Connection, jobs: Iterable[tuple[str, str]]) -> None:
    """Drop the timelines of these (server, job_id) pairs where the job is neither in the history nor on
    the watch list any more."""
    conn.executemany(
        "DELETE FROM timeline WHERE server = ?1 AND job_id = ?2 "
        "AND NOT EXISTS (SELECT 1 FROM history h WHERE h.server = ?1 AND h.job_id = ?2 COLLATE NOCASE) "
        "AND NOT EXISTS (SELECT 1 FROM watch w WHERE w.server = ?1 AND w.job_id = ?2 COLLATE NOCASE)",
        list(jobs),
    )


def forget_orphans(conn: sqlite3.Connection) -> None:
    """Drop the timelines of jobs that are neither in the history nor on the watch list."""
    conn.execute(
        # timeline.job_id on the left: its NOCASE collation is the one used for the comparison.
        "DELETE FROM timeline WHERE NOT EXISTS (SELECT 1 FROM history h WHERE timeline.server = h.server "
        "AND timeline.job_id = h.job_id) AND NOT EXISTS (SELECT 1 FROM watch w WHERE "
        "timeline.server = w.server AND timeline.job_id = w.job_id)"
    )


__all__ = [
    "STATUS_KEEP_CHARS",
    "TIMELINE_KEEP",
    "TimelineEvent",
    "bounded",
    "changes_only",
    "summary_text",
]
