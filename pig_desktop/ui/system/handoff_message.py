"""The one message a second ``pig-desktop`` start sends the running app, checked without Qt.

Anything that can open the user's local socket can send anything: wrong types (``{"jobs": 5}``, ``null``),
nesting deep enough to exhaust the parser, megabytes of text. ``read_handoff`` never raises: it returns the
jobs and the activate flag, or a plain reason the message was refused (the app replies ``error``).
"""

from __future__ import annotations

import json
from typing import NamedTuple

MAX_MESSAGE_BYTES = 64 * 1024
MAX_JOBS = 500
MAX_JOB_TEXT = 2048


class Handoff(NamedTuple):
    jobs: tuple[str, ...]
    activate: bool


def read_handoff(line: bytes) -> Handoff | str:
    """The hand-off in one JSON line ``{"jobs": [str, ...], "activate": bool}``, or why it was refused."""
    if len(line) > MAX_MESSAGE_BYTES:
        return f"message over {MAX_MESSAGE_BYTES} bytes"
    try:
        message = json.loads(line.decode("utf-8"))
    except RecursionError:
        return "message nested too deeply"
    except (ValueError, UnicodeDecodeError) as exc:
        return f"not JSON: {exc}"
    if not isinstance(message, dict):
        return f"message is a JSON {type(message).__name__}, not an object"
    jobs = message.get("jobs", [])
    if not isinstance(jobs, list) or not all(isinstance(job, str) for job in jobs):
        return "'jobs' is not a list of strings"
    if len(jobs) > MAX_JOBS or any(len(job) > MAX_JOB_TEXT for job in jobs):
        return f"'jobs' holds more than {MAX_JOBS} texts, or one over {MAX_JOB_TEXT} characters"
    activate = message.get("activate", True)
    if not isinstance(activate, bool):
        return "'activate' is not true or false"
    return Handoff(tuple(jobs), activate)
