"""The filter texts stored with each history entry, and the needle a filter searches them for.

Shared by the schema upgrades (which fill the texts in for old rows) and the history store (which writes them
with each entry), so both work them out the same way.
"""

from __future__ import annotations

from pig_desktop.core.outcome import Outcome


def outcome_label(value: str) -> str:
    """The badge word of a stored outcome ("Job not found"), or the stored value if it is not one we know."""
    try:
        return Outcome(value).label
    except ValueError:
        return value


def search_text(job_id: str, outcome: str, status_message: str, app: str, organisation: str) -> str:
    """What :meth:`HistoryStore.recent` and ``summaries`` search (the outcome's code, not its word)."""
    return "\n".join(v.casefold() for v in (job_id, outcome, status_message, app, organisation))


def list_text(job_id: str, outcome: str, status_message: str, app: str, organisation: str) -> str:
    """What the history list's filter searches: job id, the outcome's word (what the list shows, not its
    code), status message, app and organisation, casefolded; newlines keep a match from spanning two."""
    parts = (job_id, outcome_label(outcome), status_message, app, organisation)
    return "\n".join(part.casefold() for part in parts)


def filter_needle(text: str) -> str:
    """What a filter searches for: ``text`` casefolded, its whitespace (newlines too) made single spaces. The
    stored filter texts separate their fields with newlines, so a needle never matches across two fields."""
    return " ".join(text.split()).casefold()


__all__ = ["filter_needle", "list_text", "outcome_label", "search_text"]
