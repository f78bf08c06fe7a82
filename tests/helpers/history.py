"""History entries for the store tests: entry number ``n`` of a made-up history, changed where a test says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pig_desktop.store.history import HistoryEntry

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def history_entry(n: int, **changes: object) -> HistoryEntry:
    """Job ``JOB-0000n``, failed when ``n`` is a multiple of 3 and processed otherwise, checked ``n`` seconds
    after ``T0``; any field can be given instead."""
    values: dict[str, object] = {
        "id": None,
        "job_id": f"JOB-{n:05d}",
        "outcome": "processed" if n % 3 else "failed",
        "status_message": "Processed" if n % 3 else "Import failed: bad row",
        "app": "Estimating" if n % 2 else "Ordering",
        "organisation": "Acme Plumbing",
        "server": "https://127.0.0.1:9",
        "checked_at": T0 + timedelta(seconds=n),
        "report": {"job": {"id": n, "args": ["a", "b"]}, "raw": "é ✓"},
    }
    values.update(changes)
    return HistoryEntry(**values)  # type: ignore[arg-type]
