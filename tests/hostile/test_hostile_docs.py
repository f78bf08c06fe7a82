"""docs/reliability.md's table of hostile answers (issue 13), written from what the client returns now.

``PIG_UPDATE_DOCS=1 pytest tests/hostile/test_hostile_docs.py`` rewrites it; the test fails when it is out
of date. "Before" says what each attack did before issue 13's fixes (measured then, kept as history)."""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile.server import TOKEN, HostileServer, bomb, deflate_bomb, job_for
from pig_desktop.core.client import CinxClient, Connection
from pig_desktop.core.policy import RetryPolicy

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
START, END = "<!-- hostile-matrix:start -->", "<!-- hostile-matrix:end -->"
ATTACKS = {
    "gzip2": ("`Content-Encoding: gzip, gzip`, 2.5 KB to 1 GiB", "pig-status past 2 GB of memory"),
    "gzip3": ("`gzip, gzip, gzip`, 236 bytes to 1 GiB", "pig-status to about 8 GB of memory"),
    "gzip1": ("gzip, 1 MB to 1 GiB of zeros", "about 160 MB of memory before it was refused"),
    "deflate": ("deflate, 1 MB to 1 GiB of zeros", "as gzip: a whole chunk decoded at once"),
    "br": ("`Content-Encoding: br` (not asked for)", "bytes passed on still compressed"),
    "zstd": ("`Content-Encoding: zstd` (not asked for)", "bytes passed on still compressed"),
    "trickle-headers": ("headers one byte at a time", "a check hung for 700 s; polling held every watch"),
    "huge-field": ("a 3.5 MB `status_message`", "window froze ~18 s; ~28 MB per check in history"),
    "deep": ("a valid answer 900 levels deep", "Copy JSON raised RecursionError"),
    "markup": ("markup in organisation name, app and status", "header label rendered `<font>`/`<u>`"),
    "escapes": ("ESC, OSC title, BEL, BS, CR, NUL, U+202E", "pig-status printed them raw"),
    "echo-secrets": ("Authorization header and password echoed", "both stored, shown and copied"),
}
PASSWORD = "Hostile-Pa55word!"


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    # Built before serving, so building them never counts against a request's one-second budget here.
    for layers in (1, 2, 3):
        bomb(layers)
    deflate_bomb()
    with HostileServer(trickle_interval=0.2) as server:
        yield server


def render(server: HostileServer) -> str:
    connection = Connection(
        server.url, "someone@example.com", PASSWORD, TOKEN, connect_timeout=1, read_timeout=1
    )
    lines = ["| attack | before | now: outcome | now: what the user reads |", "|---|---|---|---|"]
    with CinxClient(connection, retry=RetryPolicy(max_attempts=1)) as client:
        for key, (title, before) in ATTACKS.items():
            report = client.check_once(job_for(key))
            # As text in Markdown too: the server's markup must not render on the docs page either.
            said = html.escape(report.message[:160]).replace("|", "\\|")
            lines.append(f"| {title} | {before} | {report.outcome.value} | {said} |")
    return "\n".join(lines)


def test_docs_reliability_lists_every_hostile_answer_as_observed(hostile: HostileServer) -> None:
    table = render(hostile)
    text = DOC.read_text(encoding="utf-8")
    if os.environ.get("PIG_UPDATE_DOCS") == "1":
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        DOC.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
        text = DOC.read_text(encoding="utf-8")
    assert START in text, "docs/reliability.md has no hostile-matrix block"
    block = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert block == table, "docs/reliability.md is out of date: run PIG_UPDATE_DOCS=1 pytest tests/hostile"
