"""Every walk over an answer at any depth the parser accepts, called from deep in a stack (issue 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pig_desktop.core.outcome import StatusReport, classify
from pig_desktop.core.secrets import HIDDEN, hide_in_value, secret_forms
from pig_desktop.core.ticket import TicketContext, mask_value, report_json, ticket_html, ticket_text
from pig_desktop.core.walk import depth, dumps, map_strings

JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"


def nested(levels: int) -> Any:
    value: Any = "bottom"
    for level in range(levels):
        value = [value] if level % 2 else {"deeper": value}
    return value


def deepest_parsable() -> tuple[int, bytes]:
    """The deepest status answer json.loads accepts here (close to the interpreter's recursion limit)."""
    levels = 2000
    while levels > 0:
        row = {
            "status_code": 200,
            "status_message": "Processed",
            "cinx_id": {"id": JOB},
            "args": nested(levels),
        }
        try:
            body = json.dumps({"response": {"status_code": 200}, "rows": [row]}).encode()
            json.loads(body)
            return levels, body
        except RecursionError:
            levels -= 25
    raise AssertionError("nothing parsed")


def at_depth(frames: int, call: Any) -> Any:
    """``call()`` from ``frames`` Python frames down, as from inside a Qt slot or a worker."""
    return call() if frames == 0 else at_depth(frames - 1, call)


def test_every_walk_handles_the_deepest_answer_the_parser_accepts_from_deep_in_the_stack() -> None:
    levels, body = deepest_parsable()
    assert levels >= 900
    # Parsed where the client parses (a worker's shallow stack); walked from deep in a stack.
    report = classify(JOB, 200, body, hidden=secret_forms("a@example.com", "pw-secret"))
    assert report.outcome.value == "processed"
    ctx = TicketContext(api_token="tok-123456")
    for walk in (
        lambda: report_json(report, ctx),
        lambda: ticket_text(report, ctx),
        lambda: ticket_html(report, ctx),
        lambda: mask_value(report.body, ctx),
        lambda: StatusReport.from_dict(report.to_dict()),  # history: re-read, never raises
        lambda: depth(report.body),
    ):
        assert at_depth(150, walk)
    assert '"bottom"' in at_depth(150, lambda: report_json(report, ctx))


@pytest.mark.parametrize(
    "value",
    [{"a": [1, {"b": "x"}], "c": None, "d": True, "e": {}, "f": [], "g": 1.5, "ü": "é"}, [], "s", 3],
)
@pytest.mark.parametrize("style", [{}, {"indent": 2}, {"separators": (", ", ": ")}])
def test_the_iterative_writer_writes_what_json_dumps_writes(value: Any, style: dict[str, Any]) -> None:
    # A limit larger than the output forces the iterative writer.
    assert dumps(value, limit=10**9, **style) == json.dumps(value, ensure_ascii=False, **style)


def test_a_limited_preview_costs_only_the_preview() -> None:
    huge = {"k": "x" * 5_000_000, "deep": nested(5000)}
    assert len(dumps(huge, limit=100)) < 200


def test_map_strings_and_secret_hiding_at_5000_levels() -> None:
    value = nested(5000)
    assert depth(map_strings(value, str.upper)) == 5000
    secrets = secret_forms("a@example.com", "pw-secret")
    hidden = hide_in_value({"x": nested(5000), "pw": "pw-secret", "msg": "the pw-secret here"}, secrets)
    assert hidden["pw"] == HIDDEN and hidden["msg"] == f"the {HIDDEN} here"


def test_a_short_password_is_hidden_only_as_a_whole_value() -> None:
    secrets = secret_forms("a@example.com", "p")
    assert hide_in_value({"a": "p", "b": "expired"}, secrets) == {"a": HIDDEN, "b": "expired"}
