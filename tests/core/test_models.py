"""Tolerant, typed models (issue 2, part 4): pig_desktop.core.models."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from pig_desktop.core.errors import ProtocolError
from pig_desktop.core.models import (
    CinxId,
    Envelope,
    JobRow,
    Organisation,
    ResponseMeta,
    as_float,
    as_int,
    as_text,
    decode_json,
    parse_cinx_time,
    parse_ping,
    parse_subscriptions,
)


def test_documented_processed_body(fixture_body: Callable[[str], bytes]) -> None:
    envelope = Envelope.parse(decode_json(fixture_body("status-processed")))
    assert envelope.response.status_code == 200
    assert envelope.response.message == "OK"
    assert envelope.response.total_time == pytest.approx(3.177053928375244)
    row = JobRow.parse(envelope.rows[0])
    assert row.status_code == 200 and row.status_message == "Processed"
    assert row.app == "json-rfq-import" and row.partner == "cinx"
    assert row.job_id == "97b96860-ca73-4f8e-b6ba-37ce9f256871"
    assert row.cinx_id == CinxId("97b96860-ca73-4f8e-b6ba-37ce9f256871", "pig", "PIG-UPLOAD")
    assert row.command_started_at == datetime(2024, 1, 17, 16, 38, 55, tzinfo=UTC)
    assert row.file_count == 1
    assert row.args["org_name"] == ["PSF Mechanical, Inc."]
    assert row.raw == envelope.rows[0]


def test_unknown_fields_are_kept_everywhere() -> None:
    body = {
        "response": {"status_code": 200, "message": "OK", "request_id": "r-1"},
        "rows": [
            {
                "status_code": 200,
                "status_message": "Processed",
                "new_field": [1, 2],
                "cinx_id": {"id": "x", "shard": 3},
            }
        ],
        "paging": {"next": None},
    }
    envelope = Envelope.parse(body)
    assert envelope.extra == {"paging": {"next": None}}
    assert envelope.response.extra == {"request_id": "r-1"}
    row = JobRow.parse(envelope.rows[0])
    assert row.extra == {"new_field": [1, 2]}
    assert row.cinx_id is not None and row.cinx_id.extra == {"shard": 3}
    assert row.raw["new_field"] == [1, 2]


def test_numbers_as_strings_are_accepted() -> None:
    meta = ResponseMeta.parse(
        {"status_code": "200", "start_time": "1719584394.5", "record_count": " 1 ", "total_count": "2.0"}
    )
    assert meta.status_code == 200
    assert meta.start_time == pytest.approx(1719584394.5)
    assert meta.record_count == 1 and meta.total_count == 2
    row = JobRow.parse({"status_code": "500", "file_count": "3", "status_message": "Internal Server Error"})
    assert row.status_code == 500 and row.file_count == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (200, 200),
        ("200", 200),
        (200.0, 200),
        ("2e2", 200),
        (True, None),
        (200.5, None),
        ("abc", None),
        (None, None),
        ([200], None),
        ("", None),
        (10**400, 10**400),
    ],
)
def test_as_int(value: object, expected: int | None) -> None:
    assert as_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, 1.5),
        ("1.5", 1.5),
        (2, 2.0),
        (False, None),
        ("nan", None),
        ("inf", None),
        (float("nan"), None),
        ("x", None),
        (None, None),
        (10**400, None),
    ],
)
def test_as_float(value: object, expected: float | None) -> None:
    assert as_float(value) == expected


def test_as_text() -> None:
    assert as_text(None) == ""
    assert as_text("Processed") == "Processed"
    assert as_text(200) == "200"
    assert as_text(True) == "true"
    assert as_text({"a": ["ö"]}) == '{"a": ["ö"]}'


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            {"body": ["json"], "api_version": "2.0", "archive": [1]},
            {"body": ["json"], "api_version": "2.0", "archive": [1]},
        ),
        (None, {}),
        ("scalar", {"(args)": "scalar"}),
        (["a", "b"], {"(args)": ["a", "b"]}),
        (7, {"(args)": 7}),
    ],
)
def test_args_lists_scalars_and_odd_shapes(args: object, expected: dict[str, object]) -> None:
    assert JobRow.parse({"status_code": 200, "args": args}).args == expected


def test_cinx_id_as_plain_string_or_missing() -> None:
    assert JobRow.parse({"cinx_id": "abc"}).job_id == "abc"
    assert JobRow.parse({}).job_id == ""
    assert JobRow.parse({"cinx_id": 5}).cinx_id is None


def test_response_empty_object_accepted() -> None:
    envelope = Envelope.parse({"response": {}, "rows": []})
    assert envelope.response == ResponseMeta()
    assert envelope.rows == ()


def test_rows_null_or_missing_means_no_rows() -> None:
    assert Envelope.parse({"response": {"status_code": 404}, "rows": None}).rows == ()
    assert Envelope.parse({"response": {"status_code": 404}}).rows == ()
    assert Envelope.parse({"rows": []}).response == ResponseMeta()


@pytest.mark.parametrize(
    "data",
    [
        [],
        "text",
        3,
        None,
        {},
        {"other": 1},
        {"response": [], "rows": []},
        {"response": {}, "rows": {}},
        {"response": {}, "rows": [1]},
        {"response": {}, "rows": [{"ok": 1}, "x"]},
    ],
)
def test_wrong_shapes_raise_protocol_error(data: object) -> None:
    with pytest.raises(ProtocolError) as caught:
        Envelope.parse(data)
    assert caught.value.message  # plain
    assert caught.value.detail  # technical


def test_job_row_not_an_object() -> None:
    with pytest.raises(ProtocolError):
        JobRow.parse(["not", "a", "row"])


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        (b"", "empty"),
        (b"   ", "empty"),
        (b"<html><body>502 Bad Gateway</body></html>", "HTML"),
        (b'{"response": {"status_code": 200', "cut short"),
        (b"\xff\xfe\x00", "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
)
def test_decode_json_failures(body: bytes, hint: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_json(body)
    assert hint in caught.value.detail


def test_decode_json_ok() -> None:
    assert decode_json('{"a": "ö"}'.encode()) == {"a": "ö"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-17 16:38:55Z", datetime(2024, 1, 17, 16, 38, 55, tzinfo=UTC)),
        ("2024-01-17T16:38:55", datetime(2024, 1, 17, 16, 38, 55, tzinfo=UTC)),
        ("2024-01-17T17:38:55+01:00", datetime(2024, 1, 17, 16, 38, 55, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (12345, None),
        (None, None),
    ],
)
def test_parse_cinx_time(text: object, expected: datetime | None) -> None:
    assert parse_cinx_time(text) == expected


def test_subscriptions_from_documented_body(fixture_body: Callable[[str], bytes]) -> None:
    orgs = parse_subscriptions(json.loads(fixture_body("subs")))
    assert [org.name for org in orgs] == sorted((org.name for org in orgs), key=str.casefold)
    by_state = {org.state for org in orgs}
    assert "active" in by_state and "expired" in by_state
    expired = next(org for org in orgs if org.state == "expired")
    assert not expired.usable
    assert "renew" in expired.plain_state
    active = next(org for org in orgs if org.usable)
    assert active.api_token and active.plain_state == "Subscription active."


def test_organisation_states() -> None:
    base = {"org": {"name": "Acme", "cinx_org_id": "o-1"}, "subscription": {"status_code": 200}}
    assert Organisation.parse({**base, "cinx_api_token": " tok "}).api_token == "tok"
    no_api = Organisation.parse({**base, "cinx_api_token": ""})
    assert no_api.state == "no_api_access" and "not enabled for API access" in no_api.plain_state
    expired = Organisation.parse(
        {
            "org": {"cinx_org_id": "o-2"},
            "cinx_api_token": "t",
            "subscription": {
                "status_code": "401",
                "status_message_reason": "Subscription expired on [2017-11-22]",
            },
        }
    )
    assert expired.state == "expired" and expired.name == "o-2"
    assert "2017-11-22" in expired.plain_state and "[" not in expired.plain_state
    assert expired.reason_text == "Subscription expired on 2017-11-22"
    assert Organisation.parse({}).name == "(unnamed organisation)"


def test_subscriptions_with_empty_response_object() -> None:
    row = {
        "org": {"name": "b"},
        "cinx_api_token": "t",
        "subscription": {"status_code": 200, "apps": [{"name": "x"}, 3]},
    }
    orgs = parse_subscriptions({"response": {}, "rows": [row, {"org": {"name": "A"}, "cinx_api_token": ""}]})
    assert [org.name for org in orgs] == ["A", "b"]
    assert orgs[1].apps == ("x",)


def test_ping() -> None:
    assert parse_ping({"response": {"status_code": 200}, "rows": [{"status": 200}]})
    assert parse_ping({"response": {"status_code": 200}, "rows": []})
    assert not parse_ping({"response": {"status_code": 200}, "rows": [{"status": "503"}]})
    assert not parse_ping({"response": {"status_code": 500}})
    with pytest.raises(ProtocolError):
        parse_ping("pong")
