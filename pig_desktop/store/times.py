"""Time values in the history database: fixed-width UTC text, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def to_text(moment: datetime) -> str:
    """``moment`` (timezone-aware) as stored; a naive datetime is refused, since its zone is a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_text(text: str) -> datetime:
    """A stored time, timezone-aware in UTC."""
    return datetime.fromisoformat(text).astimezone(UTC)


def opt_to_text(moment: datetime | None) -> str | None:
    return None if moment is None else to_text(moment)


def opt_from_text(text: str | None) -> datetime | None:
    return None if text is None else from_text(text)


__all__ = ["from_text", "opt_from_text", "opt_to_text", "to_text"]
