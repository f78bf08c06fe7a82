"""Walks over a decoded JSON answer that work at any depth the parser accepts.

``json.loads`` accepts nesting close to the interpreter's recursion limit; a recursive walk started a few
frames down (a Qt slot, a worker) then raises RecursionError on a valid answer. These walks use an explicit
stack instead, so their depth is bounded only by memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of a JSON value with ``change`` applied to every string in it, object keys included.

    Tuples become lists (as JSON has them). Iterative: any depth.
    """
    if not isinstance(value, dict | list | tuple):
        return change(value) if isinstance(value, str) else value
    root: list[Any] = [None]
    # Each entry: a source container, and the slot (container, key) its copy goes into.
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        source, target, slot = stack.pop()
        if isinstance(source, dict):
            copy: Any = {}
            target[slot] = copy
            for key, item in source.items():
                new_key = change(key) if isinstance(key, str) else key
                if isinstance(item, dict | list | tuple):
                    copy[new_key] = None
                    stack.append((item, copy, new_key))
                else:
                    copy[new_key] = change(item) if isinstance(item, str) else item
        elif isinstance(source, list | tuple):
            copy = [None] * len(source)
            target[slot] = copy
            for index, item in enumerate(source):
                if isinstance(item, dict | list | tuple):
                    stack.append((item, copy, index))
                else:
                    copy[index] = change(item) if isinstance(item, str) else item
    return root[0]


def depth(value: Any) -> int:
    """How deeply containers nest in a JSON value (a scalar is 0). Iterative."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def dumps(
    value: Any,
    *,
    indent: int | None = None,
    ensure_ascii: bool = False,
    separators: tuple[str, str] | None = None,
    default: Callable[[Any], Any] | None = str,
    limit: int | None = None,
) -> str:
    """``json.dumps`` with the same output, at any depth: past the C encoder's depth it writes iteratively.

    With ``limit``, only about the first ``limit`` characters are written (the iterative writer stops there
    and long strings are cut first), so a preview of a huge value costs no more than the preview.
    """
    if limit is None:
        try:
            return json.dumps(
                value, indent=indent, ensure_ascii=ensure_ascii, separators=separators, default=default
            )
        except RecursionError:
            pass
    item_sep, key_sep = separators or ((",", ": ") if indent is not None else (", ", ": "))

    def scalar(item: Any) -> str:
        if limit is not None and isinstance(item, str) and len(item) > limit:
            item = item[:limit]
        return json.dumps(item, ensure_ascii=ensure_ascii, default=default)

    def key_text(key: Any) -> str:
        return scalar(
            key
            if isinstance(key, str)
            else json.dumps(key)
            if key is None or isinstance(key, bool)
            else str(key)
        )

    out: list[str] = []
    written = 0

    def emit(text: str) -> None:
        nonlocal written
        out.append(text)
        written += len(text)

    stack: list[Any] = [(value, 0)]
    while stack and (limit is None or written <= limit):
        op = stack.pop()
        if isinstance(op, str):
            emit(op)
            continue
        item, level = op
        if isinstance(item, dict | list | tuple) and not item:
            emit("{}" if isinstance(item, dict) else "[]")
            continue
        if not isinstance(item, dict | list | tuple):
            emit(scalar(item))
            continue
        inner = "\n" + " " * (indent * (level + 1)) if indent is not None else ""
        outer = "\n" + " " * (indent * level) if indent is not None else ""
        parts: list[Any] = ["{" if isinstance(item, dict) else "["]
        if isinstance(item, dict):
            for index, (key, child) in enumerate(item.items()):
                parts.append((item_sep if index else "") + inner + key_text(key) + key_sep)
                parts.append((child, level + 1))
        else:
            for index, child in enumerate(item):
                parts.append((item_sep if index else "") + inner)
                parts.append((child, level + 1))
        parts.append(outer + ("}" if isinstance(item, dict) else "]"))
        stack.extend(reversed(parts))
    return "".join(out)
