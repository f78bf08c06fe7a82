"""While the UI moves to the split store modules, ``pig_desktop.store.history`` still offers every name it
imported before the split, as the very same objects (a moved name re-exported, not a copy)."""

from __future__ import annotations

import pig_desktop.store.history as history
from pig_desktop.store import database, text, watchlist

# Name -> the module that owns it now. The lead drops these re-exports once ui/ imports from the owners.
MOVED = {
    "SCHEMA_VERSION": database,
    "migrate": database,
    "WatchEntry": watchlist,
    "WatchStore": watchlist,
    "UNSET": watchlist,
    "filter_needle": text,
    "list_text": text,
    "outcome_label": text,
}
# Still defined in history.py (the list-row helpers are the UI's, to move with the history model).
STAYING = [
    "HistoryEntry",
    "HistoryStore",
    "HistorySummary",
    "ListRow",
    "ROW_APP",
    "ROW_CHECKED",
    "ROW_ID",
    "ROW_JOB",
    "ROW_ORG",
    "ROW_OUTCOME",
    "ROW_STATUS",
    "ROW_TEXT",
    "row_checked_at",
    "row_of_summary",
    "summary_of_row",
]


def test_every_name_imported_before_the_split_is_still_there() -> None:
    for name, owner in MOVED.items():
        assert getattr(history, name) is getattr(owner, name), name
        assert name in history.__all__, name
    for name in STAYING:
        value = getattr(history, name)
        if isinstance(value, type) or callable(value) and not hasattr(value, "__origin__"):
            assert value.__module__ == history.__name__, name  # classes and functions: defined there
        assert name in history.__all__, name
    assert history.ROW_TEXT == 8 and history.ListRow.__args__[history.ROW_TEXT] is str
