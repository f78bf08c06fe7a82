"""Property tests (hypothesis) for what stands between pasted text or a server header and a request: job-id
extraction, the URL path segment, and Retry-After parsing.

The JSON parsers and the outcome classifier are covered by test_parse_fuzz.py (only ProtocolError from
the parsers, classify never raises, reports round-trip); they are not repeated here.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import unquote

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pig_desktop.core.errors import InvalidJobId
from pig_desktop.core.jobid import extract_job_id, find_guid, path_segment
from pig_desktop.core.policy import parse_retry_after

GUID_OUT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TOKEN_OUT = re.compile(r"[A-Za-z0-9_-]{6,64}")
FORBIDDEN = ("/", "\\", ".", "%", ":", "?", "#")

# Generated cases per test (the report in docs/reliability.md sums these).
MANY = 500
SOME = 300

HEX = "0123456789abcdefABCDEF"


@st.composite
def guids(draw: st.DrawFn) -> str:
    """A GUID in any mix of upper and lower case."""
    parts = [draw(st.text(alphabet=HEX, min_size=n, max_size=n)) for n in (8, 4, 4, 4, 12)]
    return "-".join(parts)


# Text people paste: anything, plus pieces that look like links, emails, braces and ids.
PIECES = st.sampled_from(
    [
        "https://api.cinx.com/1.0/sub/",
        "/partner/exec/",
        "/status",
        "urn:uuid:",
        "{",
        "}",
        "../",
        "..",
        "%2F",
        "%2e%2e",
        "\\",
        " ",
        "\n",
        "\t",
        "\u00a0",
        "\u2028",
        "job ",
        "_",
        "-",
        "?x=1&y=",
        "#frag",
    ]
)
PASTED = st.lists(
    st.one_of(PIECES, guids(), st.text(max_size=12), st.text(alphabet=HEX + "-_", max_size=40)), max_size=8
).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=200), PASTED, st.text(alphabet=string.printable, max_size=80))


def _extract(text: str) -> str | None:
    try:
        return extract_job_id(text)
    except InvalidJobId as exc:
        # A refusal is plain language with a technical detail, and never echoes control characters.
        assert exc.message and exc.detail
        assert not any(ord(ch) < 32 for ch in exc.message)
        return None


@settings(max_examples=MANY, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
@example("../../etc/passwd")
@example("%2e%2e%2f" * 4)
@example("abc.def-ghi")
@example(" \u00a0abcdef\u3000")
@example("_97B96860-CA73-4F8E-B6BA-37CE9F256871_")
def test_extraction_yields_only_the_safe_alphabet_and_is_idempotent(text: str) -> None:
    job = _extract(text)
    if job is None:
        return
    assert GUID_OUT.fullmatch(job) or TOKEN_OUT.fullmatch(job), repr(job)
    assert job.isascii()
    assert not any(ch.isspace() for ch in job)
    assert not any(bad in job for bad in FORBIDDEN)
    assert extract_job_id(job) == job  # idempotent
    # A GUID is always offered in canonical (lower-case) form; a bare token is kept exactly as typed.
    if GUID_OUT.fullmatch(job.lower()):
        assert job == job.lower()


@st.composite
def text_around_one_guid(draw: st.DrawFn) -> tuple[str, str]:
    guid = draw(guids())
    # Separators that cannot be part of an id, so the GUID is not glued to other characters.
    before = draw(st.sampled_from([" ", "\n", "/", "{", "(", "<", ":", "=", "\t", '"', "'", ",", "_"]))
    after = draw(st.sampled_from([" ", "\n", "/", "}", ")", ">", ".", ",", "?", "&", '"', "'", "_"]))
    prefix = draw(st.one_of(st.text(max_size=40), PASTED.filter(lambda t: len(t) < 80)))
    suffix = draw(st.one_of(st.text(max_size=40), PASTED.filter(lambda t: len(t) < 80)))
    # Only one GUID in the whole text.
    assume(find_guid(prefix + before) is None and find_guid(after + suffix) is None)
    braces = draw(st.booleans())
    core = "{" + guid + "}" if braces else guid
    # A GUID right after /sub/ is the organisation's API token, never a job (issue 14, part 4).
    assume(not (prefix + before + ("{" if braces else "")).lower().endswith(("/sub/", "/sub/{")))
    return prefix + before + core + after + suffix, guid


@settings(
    max_examples=MANY,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(text_around_one_guid())
def test_any_text_with_one_guid_yields_that_guid_lower_cased(case: tuple[str, str]) -> None:
    text, guid = case
    assert extract_job_id(text) == guid.lower()
    assert find_guid(text) == guid.lower()


@settings(max_examples=SOME, deadline=None)
@given(
    guids(), st.sampled_from(["https://api.cinx.com", "https://api.dev.cinx.biz", "http://127.0.0.1:8080"])
)
def test_a_status_url_yields_the_job_not_the_token(job: str, server: str) -> None:
    token_guid = "dfed7d88-adf8-5356-8029-fe061c93d0fe"
    url = f"{server}/1.0/sub/{token_guid}/partner/exec/{job}/status"
    assert extract_job_id(url) == job.lower()


@settings(max_examples=MANY, deadline=None)
@given(st.text(max_size=100))
@example("..")
@example(".")
@example("a/b")
@example("%2F")
@example("%")
@example("a b\u00e9\u4e2d")
def test_path_segment_is_one_safe_segment_that_decodes_back(value: str) -> None:
    segment = path_segment(value)
    assert "/" not in segment and "." not in segment and "\\" not in segment
    assert segment.isascii() and not any(ch.isspace() for ch in segment)
    assert "?" not in segment and "#" not in segment
    assert unquote(segment) == value


@settings(max_examples=SOME, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=4),
    st.text(max_size=10),
)
def test_path_segment_never_raises_even_on_lone_surrogates(junk: str, rest: str) -> None:
    # A JSON body can carry "\ud800" escapes, so a token from /2.0/subs may hold lone surrogates.
    segment = path_segment(rest + junk + rest)
    assert "/" not in segment and "." not in segment and segment.isascii()


# ---- Retry-After -------------------------------------------------------------------------------------------

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)

DATE_LIKE = st.from_regex(
    r"\A[A-Za-z]{0,4},? ?\d{1,3} [A-Za-z]{3} -?\d{1,6} \d{1,3}:\d{1,3}(:\d{1,3})? ?[A-Za-z+\-0-9]{0,6}\Z"
)
HEADER_TEXT = st.one_of(
    st.text(max_size=60),
    DATE_LIKE,
    st.from_regex(r"\A\s*-?\d{1,30}(\.\d*)?\s*\Z"),
    st.sampled_from(
        ["", " ", "0", "-1", "1e3", "inf", "NaN", "\u00b2", "\u0661\u0662", "Mon, 31 Feb 2024 25:61:61 GMT"]
    ),
)


@settings(max_examples=MANY, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HEADER_TEXT)
def test_retry_after_never_raises_and_is_never_negative(value: str) -> None:
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or (isinstance(seconds, float) and seconds >= 0.0)
    assert parse_retry_after(value) is None or parse_retry_after(value) >= 0.0  # with the real clock too


@settings(max_examples=SOME, deadline=None)
@given(st.integers(min_value=0, max_value=10**15 - 1), st.sampled_from(["", " ", "\t"]))
def test_retry_after_digits_give_that_many_seconds(number: int, pad: str) -> None:
    assert parse_retry_after(f"{pad}{number}{pad}", now=NOW) == float(number)


@settings(max_examples=SOME, deadline=None)
@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2025, 6, 1, 11, 59, 59)))
def test_retry_after_dates_in_the_past_give_zero(moment: datetime) -> None:
    header = format_datetime(moment.replace(tzinfo=UTC, microsecond=0), usegmt=True)
    assert parse_retry_after(header, now=NOW) == 0.0


@settings(max_examples=SOME, deadline=None)
@given(st.integers(min_value=1, max_value=10 * 365 * 24 * 3600))
def test_retry_after_future_dates_give_the_seconds_until_then(ahead: int) -> None:
    header = format_datetime(NOW + timedelta(seconds=ahead), usegmt=True)
    assert parse_retry_after(header, now=NOW) == float(ahead)


def test_a_token_with_a_lone_surrogate_still_gives_a_status_url() -> None:
    # Found by test_path_segment_never_raises_even_on_lone_surrogates: check_status raised UnicodeEncodeError
    # (breaking its "never raises" contract) for such a token before path_segment passed surrogates through.
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.connection import Connection

    with CinxClient(Connection("http://127.0.0.1:9", "a@b.example", "pw", "tok\ud800")) as client:
        url = client.status_url("97b96860-ca73-4f8e-b6ba-37ce9f256871")
    assert url.startswith("http://127.0.0.1:9/1.0/sub/tok%ED%A0%80/")
