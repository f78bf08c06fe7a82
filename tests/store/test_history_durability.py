"""History durability with real processes: two writers at once, and kill -9 in the middle of writes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from pig_desktop.store.history import HistoryStore

REPO_ROOT = Path(__file__).resolve().parents[2]

# A child process that writes history entries and prints each id once add() has returned (committed).
WRITER = r"""
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from pig_desktop.store.history import HistoryEntry, HistoryStore

path, tag, count, go_file = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
store = HistoryStore(path, max_entries=10_000_000)
if store.notice is not None:
    print("NOTICE", store.notice, flush=True)
print("ready", flush=True)
if go_file != "-":
    # Give up after a minute, so an interrupted test never leaves this child waiting forever.
    give_up = time.monotonic() + 60
    while not Path(go_file).exists():
        if time.monotonic() > give_up:
            sys.exit("the test never said go")
        time.sleep(0.001)
n = 0
while count < 0 or n < count:
    entry = HistoryEntry(
        id=None, job_id=f"{tag}-{n}", outcome="processed", status_message="Processed", app="Estimating",
        organisation="Acme", server="https://127.0.0.1:9", checked_at=datetime.now(UTC),
        report={"n": n, "pad": "x" * (n % 7) * 300},
    )
    new_id = store.add(entry)
    sys.stdout.write(f"{new_id} {tag}-{n}\n")
    sys.stdout.flush()
    n += 1
store.close()
print("done", flush=True)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _start(path: Path, tag: str, count: int, go_file: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), tag, str(count), go_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    go = tmp_path / "go"
    children = [_start(path, tag, 200, str(go)) for tag in ("A", "B")]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    go.touch()  # both start inserting at the same moment
    printed: set[tuple[int, str]] = set()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        lines = out.splitlines()
        assert lines[-1] == "done"
        for line in lines[:-1]:
            new_id, job = line.split()
            printed.add((int(new_id), job))
    assert len(printed) == 400
    with HistoryStore(path, max_entries=10_000) as store:
        assert store.notice is None
        stored = {(s.id, s.job_id) for s in store.summaries()}
    assert stored == printed
    assert {job for _, job in stored} == {f"{tag}-{n}" for tag in "AB" for n in range(200)}


def _read_all(stream: object, sink: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.append(line)


def test_kill_9_during_writes_loses_no_committed_entry(tmp_path: Path) -> None:
    """>= 50 trials of SIGKILL at random moments; after each the database opens cleanly and holds every id
    the child reported as committed."""
    path = tmp_path / "history.sqlite3"
    rng = random.Random(int(os.environ.get("PIG_KILL_SEED", "20240501")))
    trials = 60
    committed: dict[int, str] = {}
    kills_mid_write = 0
    started = time.monotonic()
    for trial in range(trials):
        child = _start(path, f"T{trial}", -1, "-")
        assert child.stdout is not None
        lines: list[str] = []
        reader = threading.Thread(target=_read_all, args=(child.stdout, lines))
        reader.start()
        if trial % 6 == 0:
            # Sometimes kill while the child is still starting or opening the database.
            time.sleep(rng.uniform(0.0, 0.06))
        else:
            deadline = time.monotonic() + 10
            while not lines and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.08))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        reader.join(timeout=10)
        assert child.stderr is not None
        err = child.stderr.read()
        child.stderr.close()
        assert child.returncode == -signal.SIGKILL, err
        complete = [line for line in lines if line.endswith("\n")]
        assert not any(line.startswith("NOTICE") for line in complete), complete
        for line in complete:
            if line.strip() == "ready":
                continue
            new_id, job = line.split()
            committed[int(new_id)] = job
        if len(complete) > 1:
            kills_mid_write += 1
        # The database always opens (no "moved aside" notice) and holds every committed entry so far.
        with HistoryStore(path, max_entries=10_000_000) as store:
            assert store.notice is None, store.detail
            stored = {s.id: s.job_id for s in store.summaries()}
        missing = {i: j for i, j in committed.items() if stored.get(i) != j}
        assert not missing, f"trial {trial}: committed entries missing after kill -9: {missing}"
    assert kills_mid_write >= trials // 2, "too few kills landed during writes to test anything"
    assert len(committed) > trials  # entries were really written
    elapsed = time.monotonic() - started
    print(f"{trials} kill -9 trials, {len(committed)} committed entries, {elapsed:.1f} s")
