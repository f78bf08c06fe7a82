"""Size bounds for what a history entry keeps of an answer.

An answer may be up to the client's 4 MB cap, and a hostile one puts it all in one field. Stored as it came,
that field was kept several times over (the list columns, the filter texts, their index, and the report's
job row and envelope), about 28 MB per check. So each entry keeps:

- the list's text fields (status message, app, organisation) up to :data:`FIELD_KEEP_CHARS` characters: the
  list shows one line of them;
- the full report (the answer as JSON) only up to :data:`REPORT_KEEP_BYTES`. A real CINX answer is one job
  row, one or two KB, so 64 KiB is some thirty times that and never cuts a real answer, while 1,000 entries
  (the default history size) stay under 64 MB even if every answer were hostile. A report over the limit
  keeps its shape with long strings cut (each says how long it was), then without the envelope (a second
  copy of the job row), then without the job row; the entry records that it was cut and the full size;
- nesting up to :data:`DEPTH_KEEP` levels (CINX answers have four or five), so reading a stored report back
  never meets Python's recursion limit, whatever depth the answer had.

Every walk here uses an explicit stack: an answer nested as deeply as the JSON parser accepts is fine.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]  # public in json, missing in typeshed
from typing import Any, Final

FIELD_KEEP_CHARS: Final = 1000
REPORT_KEEP_BYTES: Final = 64 * 1024
STRING_KEEP_CHARS: Final = 4096
DEPTH_KEEP: Final = 100
TOO_DEEP: Final = "[cut by PIG Desktop: nested too deeply to keep]"


def cut_text(text: str, keep: int) -> str:
    """``text`` if it has at most ``keep`` characters, else its start and a note saying how long it was."""
    if len(text) <= keep:
        return text
    return f"{text[:keep]}… [cut by PIG Desktop: {len(text):,} characters in all]"


@dataclass(frozen=True)
class BoundedReport:
    """A report as stored: ``text`` (JSON, at most REPORT_KEEP_BYTES in UTF-8), whether anything of the
    report was left out (``cut``), and the size in bytes of the whole report as JSON (``full_bytes``)."""

    text: str
    cut: bool
    full_bytes: int


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # what json.dumps(default=str) would have written


def bounded_copy(value: Any, string_keep: int | None, depth_keep: int = DEPTH_KEEP) -> tuple[Any, bool]:
    """A JSON-able copy of ``value``: containers deeper than ``depth_keep`` replaced by a note, strings (and
    keys) longer than ``string_keep`` cut (None: kept whole), other objects as their str(). Returns the copy
    and whether anything was cut. Iterative, so any depth is fine."""
    cut = False
    holder: list[Any] = [None]
    # (source value, container to put its copy in, key or index there, depth of the value)
    stack: list[tuple[Any, Any, Any, int]] = [(value, holder, 0, 1)]
    while stack:
        source, target, key, depth = stack.pop()
        if isinstance(source, (dict, list, tuple)) and depth > depth_keep:
            target[key] = TOO_DEEP
            cut = True
        elif isinstance(source, dict):
            copy: dict[str, Any] = {}
            target[key] = copy
            for item_key, item in source.items():
                name = str(item_key)
                if string_keep is not None and len(name) > string_keep:
                    name = cut_text(name, string_keep)
                    cut = True
                copy[name] = None  # keeps the keys in their order; the stack fills the values in
                stack.append((item, copy, name, depth + 1))
        elif isinstance(source, (list, tuple)):
            items: list[Any] = [None] * len(source)
            target[key] = items
            stack.extend((item, items, n, depth + 1) for n, item in enumerate(source))
        elif isinstance(source, str) and string_keep is not None and len(source) > string_keep:
            target[key] = cut_text(source, string_keep)
            cut = True
        else:
            target[key] = _scalar(source)
    return holder[0], cut


_SPACE: Final = re.compile(r"[ \t\n\r]*")
_NUMBER: Final = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
# What json.dumps writes, NaN and the infinities included (json.loads reads them too).
_LITERALS: Final = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


def loads_any_depth(text: str) -> Any:
    """``json.loads`` for any nesting depth: an explicit stack instead of the C parser's recursion, for a
    stored report that the recursive parser refuses (one stored before reports were depth-bounded).
    Raises ValueError for text that is not JSON."""
    size = len(text)

    def skip(pos: int) -> int:
        match = _SPACE.match(text, pos)
        return match.end() if match else pos

    def key_at(pos: int) -> tuple[str, int]:
        if not text.startswith('"', pos):
            raise ValueError(f"expected a key at {pos}")
        key, pos = scanstring(text, pos + 1)
        pos = skip(pos)
        if not text.startswith(":", pos):
            raise ValueError(f"expected ':' at {pos}")
        return key, skip(pos + 1)

    containers: list[dict[str, Any] | list[Any]] = []
    keys: list[str] = []  # the pending key of each container (unused for a list)
    pos = skip(0)
    while True:
        if pos >= size:
            raise ValueError("JSON cut short")
        char = text[pos]
        value: Any
        if char in "{[":
            new: dict[str, Any] | list[Any] = {} if char == "{" else []
            pos = skip(pos + 1)
            if text.startswith("}" if char == "{" else "]", pos):
                value, pos = new, pos + 1  # empty: complete at once
            else:
                containers.append(new)
                key = ""
                if char == "{":
                    key, pos = key_at(pos)
                keys.append(key)
                continue  # read the first member
        elif char == '"':
            value, pos = scanstring(text, pos + 1)
        elif (number := _NUMBER.match(text, pos)) is not None:
            whole, fraction, exponent = number.groups()
            value = float(whole + (fraction or "") + (exponent or "")) if fraction or exponent else int(whole)
            pos = number.end()
        else:
            word = next((w for w in _LITERALS if text.startswith(w, pos)), None)
            if word is None:
                raise ValueError(f"unexpected {char!r} at {pos}")
            value, pos = _LITERALS[word], pos + len(word)
        # Put the value in its container; close every container that ends here.
        while True:
            if not containers:
                if skip(pos) != size:
                    raise ValueError(f"extra data at {skip(pos)}")
                return value
            top = containers[-1]
            if isinstance(top, dict):
                top[keys[-1]] = value
            else:
                top.append(value)
            pos = skip(pos)
            if pos >= size:
                raise ValueError("JSON cut short")
            if text[pos] == ",":
                pos = skip(pos + 1)
                if isinstance(top, dict):
                    keys[-1], pos = key_at(pos)
                break  # read the next member
            if text[pos] != ("}" if isinstance(top, dict) else "]"):
                raise ValueError(f"expected ',' or a closing bracket at {pos}")
            value, pos = containers.pop(), pos + 1
            keys.pop()


def _dumps(value: Any) -> str:
    # Only ever given a bounded_copy, so at most DEPTH_KEEP levels: the C encoder's recursion is safe.
    return json.dumps(value, ensure_ascii=False)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def bound_report(report: dict[str, Any], limit: int = REPORT_KEEP_BYTES) -> BoundedReport:
    """What a history entry stores of ``report`` (see the module docstring)."""
    whole, cut = bounded_copy(report, None)
    text = _dumps(whole)
    full_bytes = _size(text)
    if full_bytes <= limit:
        return BoundedReport(text, cut, full_bytes)
    shortened, _ = bounded_copy(whole, STRING_KEEP_CHARS)
    # Then without the second copy of the job row, then without the job row (the outcome, message and
    # detail at the top level still say what the answer meant).
    for drop in ((), ("envelope",), ("envelope", "job")):
        candidate = dict(shortened)
        for name in drop:
            if name in candidate:
                candidate[name] = None
        text = _dumps(candidate)
        if _size(text) <= limit:
            return BoundedReport(text, True, full_bytes)
    # Not a report of ours (made of many large fields): keep what fits of its top-level plain values.
    kept: dict[str, Any] = {}
    budget = limit - 200
    for name, item in shortened.items():
        if isinstance(item, (dict, list)):
            continue
        piece = _size(_dumps({name: item}))
        if piece <= budget:
            kept[name] = item
            budget -= piece
    return BoundedReport(_dumps(kept), True, full_bytes)


__all__ = [
    "DEPTH_KEEP",
    "FIELD_KEEP_CHARS",
    "REPORT_KEEP_BYTES",
    "STRING_KEEP_CHARS",
    "BoundedReport",
    "bound_report",
    "bounded_copy",
    "cut_text",
    "loads_any_depth",
]
