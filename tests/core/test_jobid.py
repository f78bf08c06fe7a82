"""Job ids from whatever people paste (issue 2, part 2): pig_desktop.core.jobid."""

from __future__ import annotations

import pytest

from pig_desktop.core.errors import InvalidJobId
from pig_desktop.core.jobid import (
    EXAMPLE_JOB_ID,
    extract_job_id,
    extract_job_ids,
    find_guid,
    job_link,
    parse_link,
    path_segment,
)

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


# ---- issue 14, part 4: smarter paste ---------------------------------------------------------------------

OTHER = "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17"


@pytest.mark.parametrize("marker", ["exec", "job", "jobs", "JOBS"])
def test_a_link_takes_the_id_after_exec_job_or_jobs_never_the_sub_token(marker: str) -> None:
    url = f"https://portal.example/1.0/sub/{TOKEN}/partner/{marker}/{JOB}/status"
    assert extract_job_id(url) == JOB
    assert extract_job_ids(url).ids == (JOB,)


def test_a_link_with_only_the_sub_token_is_refused_with_a_plain_reason() -> None:
    url = f"https://api.cinx.com/1.0/sub/{TOKEN}/partner/"
    assert extract_job_ids(url).ids == ()
    with pytest.raises(InvalidJobId) as caught:
        extract_job_id(url)
    assert "API token" in caught.value.message and "/sub/" in caught.value.message


@pytest.mark.parametrize(
    ("link", "server"),
    [
        (f"pig-desktop://job/{JOB}", None),
        (f"pig-desktop://job/{JOB.upper()}/", None),
        (f"pig-desktop://job/{JOB}?server=production", "production"),
        (f"PIG-DESKTOP://job/{JOB}?server=Development", "development"),
        (f"pig-desktop://job/%7B{JOB}%7D?server=development", "development"),
        # Only the two CINX servers: a link must not choose where the password goes.
        (f"pig-desktop://job/{JOB}?server=https://evil.example", None),
    ],
)
def test_pig_desktop_links_are_accepted_wherever_a_job_id_is(link: str, server: str | None) -> None:
    assert parse_link(link) == (JOB, server)
    assert extract_job_id(link) == JOB
    scan = extract_job_ids(f"See {link} please")
    assert scan.ids == (JOB,) and scan.link_server == server


def test_a_link_with_a_bare_token_id() -> None:
    assert parse_link("pig-desktop://job/abc123def") == ("abc123def", None)
    assert parse_link("pig-desktop://job/../etc") is None
    assert parse_link("https://example.com/job/x") is None


def test_job_link_round_trips() -> None:
    assert job_link(JOB) == f"pig-desktop://job/{JOB}"
    assert job_link(JOB, "development") == f"pig-desktop://job/{JOB}?server=development"
    assert job_link(JOB, "custom") == f"pig-desktop://job/{JOB}"
    assert parse_link(job_link(JOB, "production")) == (JOB, "production")


def test_several_ids_are_all_returned_distinct_in_order() -> None:
    text = (
        f"Hi, these failed:\n{OTHER.upper()}\n{JOB}\n"
        f"https://api.cinx.com/1.0/sub/{TOKEN}/partner/exec/{OTHER}/status\n"
        f"pig-desktop://job/abc123def and {JOB} again"
    )
    scan = extract_job_ids(text)
    assert scan.ids == (OTHER, JOB, "abc123def")
    assert scan.count == 3 and scan.several and scan.first == OTHER
    assert TOKEN not in scan.ids


def test_a_csv_column_of_ids() -> None:
    ids = [f"{n:08x}-0000-4000-8000-{n:012x}" for n in range(1, 41)]
    csv_text = "job,note\n" + "\n".join(f'"{job}",x' for job in ids) + "\n"
    assert extract_job_ids(csv_text).ids == tuple(ids)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (JOB[:-1], "35 of 36 characters: the 5th group has 11 characters, not 12"),
        (JOB[:19] + JOB[20:], "35 of 36 characters: the 4th group has 3 characters, not 4"),
        (JOB[:9] + JOB[10:], "35 of 36 characters: the 2nd group has 3 characters, not 4"),
        (JOB + "0", "37 characters, not 36: the 5th group has 13 characters, not 12"),
        (JOB[:18] + JOB[19:], "35 of 36 characters and only 4 of its 5 groups"),
        ("Job 97b96860-ca73-4f8e-b6ba failed", "23 of 36 characters and only 4 of its 5 groups"),
        (JOB[:-1] + "g", "'g' in its 5th group"),
    ],
)
def test_a_damaged_guid_gets_an_exact_hint_instead_of_a_request(text: str, hint: str) -> None:
    scan = extract_job_ids(text)
    assert scan.ids == ()
    assert hint in scan.hint
    with pytest.raises(InvalidJobId) as caught:
        extract_job_id(text)
    assert hint in caught.value.message and caught.value.detail


def test_a_damaged_guid_beside_good_ids_still_gets_its_hint() -> None:
    scan = extract_job_ids(f"{JOB}\n{OTHER[:-2]}")
    assert scan.ids == (JOB,)
    assert "34 of 36 characters" in scan.hint


def test_names_with_dashes_are_not_taken_for_damaged_guids() -> None:
    assert extract_job_ids("JOB-2024-0001").ids == ("JOB-2024-0001",)
    assert extract_job_ids("JOB-2024-0001").hint == ""
    assert extract_job_ids("Order north-east-warehouse-rebuild today").hint == ""
