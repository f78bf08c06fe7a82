"""The watch list keeps finished jobs (outcome, when, how long) until the user removes them, across
restarts; and shares each job's timeline with the history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from helpers.history import T0, history_entry

from pig_desktop.store.history import HistoryStore
from pig_desktop.store.watchlist import WatchEntry, WatchStore

SERVER = "https://127.0.0.1:9"
TOKEN = "tok-abcdef123456"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def watch(job: str, minutes: float = 0, **changes: object) -> WatchEntry:
    values: dict[str, object] = {
        "job_id": job,
        "server": SERVER,
        "organisation": "Acme",
        "api_token": TOKEN,
        "started_at": T0 + timedelta(minutes=minutes),
    }
    values.update(changes)
    return WatchEntry(**values)  # type: ignore[arg-type]


def test_a_finished_job_stays_with_its_outcome_time_and_duration(db_path: Path) -> None:
    with WatchStore(db_path) as watches:
        watches.add(watch("J1"))
        watches.add(watch("J2", 1))
        done = T0 + timedelta(minutes=7, seconds=30)
        assert watches.mark_finished(
            SERVER, TOKEN, "J1", outcome="processed", message="The job was processed.", finished_at=done,
            status="Processed",
        )  # fmt: skip
        assert not watches.mark_finished(
            SERVER, TOKEN, "nope", outcome="processed", message="", finished_at=done
        )
        # Watching and finished are told apart: all() is what to keep polling.
        assert [w.job_id for w in watches.all()] == ["J2"] and watches.count() == 1
        (finished,) = watches.finished()
        assert finished.job_id == "J1" and finished.finished and not finished.seen
        assert finished.last_outcome == "processed" and finished.last_message == "The job was processed."
        assert finished.finished_at == done and finished.last_checked_at == done
        assert finished.next_check_at is None
        assert finished.duration == timedelta(minutes=7, seconds=30)
        assert watches.all()[0].duration is None
        assert watches.get(SERVER, TOKEN, "J1") == finished
    # Across a restart.
    with WatchStore(db_path) as watches:
        assert watches.finished() == [finished]
        assert [w.job_id for w in watches.all()] == ["J2"]


def test_finished_jobs_newest_first_and_per_account(db_path: Path) -> None:
    with WatchStore(db_path) as watches:
        for n, token in enumerate([TOKEN, TOKEN, "other-token"]):
            watches.add(watch(f"J{n}", api_token=token))
            done = T0 + timedelta(hours=n)
            watches.mark_finished(
                SERVER, token, f"J{n}", outcome="failed", message="Failed", finished_at=done
            )
        assert [w.job_id for w in watches.finished()] == ["J2", "J1", "J0"]
        assert [w.job_id for w in watches.finished(SERVER, TOKEN)] == ["J1", "J0"]
        assert watches.finished("https://elsewhere.example") == []


def test_the_finished_list_keeps_only_the_newest_and_never_a_watched_job(db_path: Path) -> None:
    with WatchStore(db_path, finished_kept=3) as watches:
        watches.add(watch("still-watched"))
        for n in range(5):
            watches.add(watch(f"J{n}"))
            watches.mark_finished(
                SERVER, TOKEN, f"J{n}", outcome="processed", message="", finished_at=T0 + timedelta(hours=n)
            )
        assert [w.job_id for w in watches.finished()] == ["J4", "J3", "J2"]
        assert [w.job_id for w in watches.all()] == ["still-watched"]


def test_remove_one_and_clear_finished_keep_the_watching_jobs(db_path: Path) -> None:
    with WatchStore(db_path) as watches:
        for job in ("J1", "J2", "J3", "J4"):
            watches.add(watch(job))
        watches.add(watch("J5", api_token="other-token"))
        for job, token in (("J1", TOKEN), ("J2", TOKEN), ("J5", "other-token")):
            watches.mark_finished(SERVER, token, job, outcome="processed", message="", finished_at=T0)
        assert watches.remove(SERVER, TOKEN, "J1") is True
        assert [w.job_id for w in watches.finished()] == ["J2", "J5"]
        assert watches.clear_finished(SERVER, TOKEN) == 1  # this account's only
        assert [w.job_id for w in watches.finished()] == ["J5"]
        assert watches.clear_finished() == 1 and watches.finished() == []
        assert [w.job_id for w in watches.all()] == ["J3", "J4"]
    with WatchStore(db_path) as watches:
        assert watches.finished() == [] and [w.job_id for w in watches.all()] == ["J3", "J4"]


def test_watching_a_finished_job_again_makes_it_watched(db_path: Path) -> None:
    with WatchStore(db_path) as watches:
        watches.add(watch("J1"))
        watches.mark_finished(SERVER, TOKEN, "J1", outcome="failed", message="", finished_at=T0)
        watches.add(watch("J1", 30))
        assert watches.finished() == [] and watches.all() == [watch("J1", 30)]


def test_seen_marks_for_the_tray(db_path: Path) -> None:
    with WatchStore(db_path) as watches:
        for job in ("J1", "J2", "J3"):
            watches.add(watch(job))
            watches.mark_finished(SERVER, TOKEN, job, outcome="processed", message="", finished_at=T0)
        assert watches.unseen_count() == 3 and watches.unseen_count(SERVER, "other-token") == 0
        assert watches.mark_seen(SERVER, TOKEN, "J2") == 1
        assert watches.mark_seen(SERVER, TOKEN, "J2") == 0
        assert watches.unseen_count(SERVER, TOKEN) == 2
        assert not watches.get(SERVER, TOKEN, "J1").seen  # type: ignore[union-attr]
        assert watches.mark_seen(SERVER, TOKEN) == 2 and watches.unseen_count() == 0
    with WatchStore(db_path) as watches:
        assert all(w.seen for w in watches.finished())


def test_history_and_watch_list_share_the_timeline_without_doubling(db_path: Path) -> None:
    with WatchStore(db_path) as watches, HistoryStore(db_path) as history:
        watches.add(watch("JOB-1"))
        for minutes, outcome, status in [(0, "running", "Queued"), (3, "running", "Processing"),
                                         (7, "processed", "Processed")]:  # fmt: skip
            history.add(history_entry(1, job_id="JOB-1", outcome=outcome, status_message=status,
                                      checked_at=T0 + timedelta(minutes=minutes)))  # fmt: skip
        watches.mark_finished(SERVER, TOKEN, "JOB-1", outcome="processed", message="Done",
                              finished_at=T0 + timedelta(minutes=7), status="Processed")  # fmt: skip
        words = [(e.word, e.at - T0) for e in watches.timeline("JOB-1", SERVER)]
        assert words == [
            ("Queued", timedelta(0)),
            ("Processing", timedelta(minutes=3)),
            ("Processed", timedelta(minutes=7)),
        ]
        assert history.timeline("JOB-1", SERVER) == watches.timeline("JOB-1", SERVER)
        # A finished watch whose history entry was deleted still has its timeline.
        history.clear()
        assert len(watches.timeline("JOB-1", SERVER)) == 3
        watches.clear_finished()
        assert watches.timeline("JOB-1", SERVER) == []
