"""Job ids from whatever people paste (issue 2, part 2): pig_desktop.core.jobid."""

from __future__ import annotations

import pytest

from pig_desktop.core.errors import InvalidJobId
from pig_desktop.core.jobid import EXAMPLE_JOB_ID, extract_job_id, find_guid, path_segment

JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
TOKEN = "dfed7d88-adf8-5356-8029-fe061c93d0fe"


@pytest.mark.parametrize(
    "text",
    [
        JOB,
        f"  {JOB}\n",
        JOB.upper(),
        f"{{{JOB}}}",
        f"{{{JOB.upper()}}}",
        f"urn:uuid:{JOB}",
        f"URN:UUID:{JOB.upper()}",
        f"https://api.cinx.com/1.0/sub/{TOKEN}/partner/exec/{JOB}/status",
        f"https://api.cinx.com/1.0/sub/{TOKEN.upper()}/partner/exec/{JOB.upper()}/status?x=1",
        f"Job ID: {JOB} (submitted 2024-01-17)",
        f"From: cinx@example.com\r\nSubject: Job {JOB} failed",
        f'"cinx_id": {{"id": "{JOB}", "domain": "pig"}}',
        f"<{JOB}>",
        f"id={JOB}&x=2",
    ],
)
def test_guid_found_in_pasted_text_in_canonical_form(text: str) -> None:
    assert extract_job_id(text) == JOB


def test_status_url_prefers_the_job_over_the_token_guid_that_comes_first() -> None:
    url = f"https://api.cinx.com/1.0/sub/{TOKEN}/partner/exec/{JOB}/status"
    assert url.index(TOKEN) < url.index(JOB)
    assert find_guid(url) == JOB
    assert extract_job_id(url) == JOB


def test_first_guid_when_not_a_status_url() -> None:
    assert find_guid(f"{JOB} and then {TOKEN}") == JOB


def test_longer_hex_run_is_not_cut_into_a_guid() -> None:
    glued = "a" + JOB + "b"
    assert find_guid(glued) is None
    assert find_guid(JOB + "-1234") is None


def test_find_guid_none_without_guid() -> None:
    assert find_guid("no id here") is None
    assert find_guid("") is None


@pytest.mark.parametrize("token", ["abc123", "JOB_2024-01", "a" * 64, "  spaced-around  ", "x-y_z-1"])
def test_bare_token_accepted_as_is(token: str) -> None:
    assert extract_job_id(token) == token.strip()


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("abc def ghi", "spaces"),
        ("abc/def/ghi", "'/'"),
        ("../../etc/passwd", "'.'"),
        ("..", "shorter"),
        ("abcdef.", "'.'"),
        ("abc%2fdef", "'%'"),
        ("abcdef\x00", "control"),
        ("abc\x07defg", "control"),
        ("abc\tdefg", "control"),
        ("abc", "shorter"),
        ("a" * 65, "longer"),
        ("jöb-12345", "'ö'"),
        ("1234567²", "'²'"),
    ],
)
def test_refused_before_any_request(text: str, why: str) -> None:
    with pytest.raises(InvalidJobId) as caught:
        extract_job_id(text)
    assert why in caught.value.detail
    # The message is plain and shows what a job id looks like (or asks for one), never the raw input.
    assert caught.value.message
    assert EXAMPLE_JOB_ID in caught.value.message or "Paste or type" in caught.value.message
    assert "\x00" not in caught.value.detail and "\x07" not in caught.value.detail


@pytest.mark.parametrize(
    ("segment", "encoded"),
    [
        (JOB, JOB),
        ("a/b", "a%2Fb"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a.b", "a%2Eb"),
        ("50%", "50%25"),
        ("a b", "a%20b"),
        ("a?b#c", "a%3Fb%23c"),
        ("ö", "%C3%B6"),
    ],
)
def test_path_segment_percent_encodes(segment: str, encoded: str) -> None:
    assert path_segment(segment) == encoded
    assert "/" not in path_segment(segment)
