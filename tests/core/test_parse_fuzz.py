"""Property test: on arbitrary JSON the parsers raise nothing but ProtocolError, and classify never raises."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pig_desktop.core.errors import ProtocolError
from pig_desktop.core.models import Envelope, JobRow, Organisation, parse_ping, parse_subscriptions
from pig_desktop.core.outcome import Outcome, StatusReport, classify

JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"

# Keys the parsers look at, so the generated objects often hit the interesting paths, plus any text.
KEYS = st.sampled_from(
    [
        "response",
        "rows",
        "status_code",
        "message",
        "status_message",
        "cinx_id",
        "id",
        "args",
        "app",
        "command_started_at",
        "file_count",
        "start_time",
        "record_count",
        "org",
        "name",
        "cinx_api_token",
        "subscription",
        "apps",
        "status",
    ]
) | st.text(max_size=8)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["200", "500", "202", "Processed", "Queued", JOB, "2024-01-17 16:38:55Z", "1e400"])
)

JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=30,
)

# Envelope-like objects, so the deeper parsers run and not only the "not an object" refusal.
ENVELOPES = st.fixed_dictionaries(
    {},
    optional={
        "response": JSON | st.dictionaries(KEYS, JSON, max_size=6),
        "rows": JSON | st.lists(JSON | st.dictionaries(KEYS, JSON, max_size=8), max_size=4),
    },
)

ANY_BODY = JSON | ENVELOPES


def only_protocol_errors(parse: Any, data: Any) -> None:
    try:
        parse(data)
    except ProtocolError as exc:
        assert exc.message and exc.detail


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_BODY)
def test_parsers_raise_only_protocol_error(data: Any) -> None:
    only_protocol_errors(Envelope.parse, data)
    only_protocol_errors(JobRow.parse, data)
    only_protocol_errors(Organisation.parse, data)
    only_protocol_errors(parse_subscriptions, data)
    only_protocol_errors(parse_ping, data)
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        for row in data["rows"]:
            only_protocol_errors(JobRow.parse, row)
            only_protocol_errors(Organisation.parse, row)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_BODY, st.sampled_from([None, 200, 202, 401, 403, 404, 429, 500, 502, 503]))
def test_classify_never_raises_and_reports_round_trip(data: Any, http: int | None) -> None:
    body = json.dumps(data).encode()
    report = classify(JOB, http, body)
    assert isinstance(report.outcome, Outcome) and report.message
    # Whatever came in, the --json/history form is plain JSON and reads back to the same outcome.
    text = json.dumps(report.to_dict())
    assert StatusReport.from_dict(json.loads(text)).outcome is report.outcome


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_classify_on_arbitrary_bytes(body: bytes) -> None:
    assert classify(JOB, 200, body).outcome in set(Outcome)
