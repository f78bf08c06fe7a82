"""Turn whatever people paste (a URL, an email line, braces, urn:uuid:, upper case) into job ids.

The canonical form of a job GUID is lower-case 8-4-4-4-12. Text with no GUID is accepted only as a bare
``[A-Za-z0-9_-]{6,64}`` token; anything else is refused before any request is made, so a pasted path or a
stray ``..`` can never reach the server's URL.

``extract_job_ids`` scans a whole paste (an email listing twenty imports, a CSV column): every distinct id in
order, the server named by a ``pig-desktop://job/<id>?server=...`` link, and an exact hint for a value that
looks like a GUID but is cut short or has a group too many or too few. A GUID right after ``/sub/`` is the
organisation's API token, never a job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote

from ..i18n import _
from .errors import InvalidJobId


class _Pattern:
    """A regular expression compiled at its first use. The window's first frame imports this module (the
    job field's hint) but matches nothing before it is painted, and compiling these is most of its import.
    """

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self._pattern().search(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._pattern().fullmatch(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._pattern().finditer(text)


_HEX = "[0-9a-fA-F]"
_GUID = rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
# A GUID not glued to more hex digits or dashes on either side (so a longer hex run is not cut into a GUID).
_GUID_RE = _Pattern(rf"(?<![0-9A-Za-z-])({_GUID})(?![0-9A-Za-z-])")
_GUID_FULL_RE = _Pattern(_GUID)
# In a link the job comes right after /exec/, /job/ or /jobs/; the /sub/<token>/ before it is also a GUID.
_PATH_GUID_RE = _Pattern(rf"/(?:exec|jobs?)/({_GUID})(?![0-9A-Za-z-])", re.IGNORECASE)
_SUB_BEFORE_RE = _Pattern(r"/sub/\{?\Z", re.IGNORECASE)
_TOKEN_RE = _Pattern(r"[A-Za-z0-9_-]{6,64}")
# pig-desktop://job/<id>[?server=production|development]: the app's own link (issue 14, part 3).
_LINK_RE = _Pattern(r"pig-desktop://job/([^\s?#/\"'<>]*)/?(?:\?([^\s#\"'<>]*))?", re.IGNORECASE)
# Letters, digits and at least two dashes: what a GUID copied badly looks like.
_NEAR_GUID_RE = _Pattern(r"(?<![0-9A-Za-z_-])([0-9A-Za-z]+(?:-[0-9A-Za-z]+){2,})(?![0-9A-Za-z_-])")

LINK_SCHEME = "pig-desktop"
LINK_SERVERS = ("production", "development")
GUID_GROUPS = (8, 4, 4, 4, 12)
GUID_LENGTH = 36
EXAMPLE_JOB_ID = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
# A scan of a huge paste stops here; a support engineer pastes dozens of ids, not a database dump.
MAX_IDS = 1000
MAX_SCAN_CHARS = 1_000_000

_ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th")


@dataclass(frozen=True)
class JobIdScan:
    """What a piece of text holds: distinct job ids in order, a link's server, and a hint about a bad id.

    ``link_server`` is "production" or "development" when a ``pig-desktop://`` link named one (never an
    address: a link from a web page must not send the password to a server of its choosing).
    ``hint`` is a plain sentence about a GUID-looking value that is not a job id ("35 of 36 characters"), ""
    when there is none; ``hint_detail`` is its technical form for the log.
    """

    ids: tuple[str, ...] = ()
    link_server: str | None = None
    hint: str = ""
    hint_detail: str = ""
    truncated: bool = False  # more than MAX_IDS ids (or MAX_SCAN_CHARS characters): the rest was not read

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def first(self) -> str | None:
        return self.ids[0] if self.ids else None

    @property
    def several(self) -> bool:
        return len(self.ids) > 1


def find_guid(text: str) -> str | None:
    """The job GUID in ``text`` in canonical form, or None when there is none.

    A GUID after /exec/, /job/ or /jobs/ wins over one earlier in the text; a GUID right after /sub/ (the
    API token) is never taken."""
    match = _PATH_GUID_RE.search(text)
    if match:
        return match.group(1).lower()
    for match in _GUID_RE.finditer(text):
        if not _after_sub(text, match.start(1)):
            return match.group(1).lower()
    return None


def _after_sub(text: str, start: int) -> bool:
    return bool(_SUB_BEFORE_RE.search(text[max(0, start - 6) : start]))


def canonical_job_id(value: str) -> str | None:
    """``value`` as one job id (a GUID lower-cased, without braces or urn:uuid:; or a bare token), or None."""
    text = value.strip()
    if text.lower().startswith("urn:uuid:"):
        text = text[9:]
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if _GUID_FULL_RE.fullmatch(text):
        return text.lower()
    if _TOKEN_RE.fullmatch(text):
        return text
    return None


def parse_link(text: str) -> tuple[str, str | None] | None:
    """``pig-desktop://job/<id>[?server=...]`` as (job id, server name or None); None when ``text`` is not
    such a link or its id is unusable. Only "production" and "development" are taken as servers."""
    match = _LINK_RE.fullmatch(text.strip())
    if not match:
        return None
    job = canonical_job_id(unquote(match.group(1)))
    if job is None:
        return None
    return job, _link_server(match.group(2) or "")


def _link_server(query: str) -> str | None:
    values = parse_qs(query, keep_blank_values=False).get("server", [])
    name = values[0].strip().lower() if values else ""
    return name if name in LINK_SERVERS else None


def job_link(job_id: str, server_name: str | None = None) -> str:
    """The "Copy link" text: ``pig-desktop://job/<id>`` plus ``?server=`` for production or development."""
    link = f"{LINK_SCHEME}://job/{quote(job_id, safe='')}"
    if server_name in LINK_SERVERS:
        link += f"?server={server_name}"
    return link


def command_line_jobs(args: list[str] | tuple[str, ...]) -> list[str]:
    """The app's JOB arguments with every ``pig-desktop://job/<id>`` link (a click in a browser, mail or
    ticket system runs ``pig-desktop %u``) turned into its job id; other arguments are kept for the window
    to check (it refuses what holds no id, in plain words)."""
    jobs: list[str] = []
    for arg in args:
        link = parse_link(arg)
        jobs.append(link[0] if link is not None else arg)
    return jobs


def extract_job_ids(text: str) -> JobIdScan:
    """Every distinct job id in ``text``, in order of appearance, plus a link's server and a bad-id hint."""
    truncated = len(text) > MAX_SCAN_CHARS
    text = text[:MAX_SCAN_CHARS]
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    link_server: str | None = None

    for match in _LINK_RE.finditer(text):
        job = canonical_job_id(unquote(match.group(1)))
        if job is not None:
            found.append((match.start(), job))
            if link_server is None:
                link_server = _link_server(match.group(2) or "")
        taken.append(match.span())
    for match in _GUID_RE.finditer(text):
        start = match.start(1)
        if _inside(start, taken) or _after_sub(text, start):
            continue
        found.append((start, match.group(1).lower()))
        taken.append(match.span(1))

    found.sort(key=lambda item: item[0])
    ids = list(dict.fromkeys(job for _, job in found))
    if len(ids) > MAX_IDS:
        ids, truncated = ids[:MAX_IDS], True
    if not ids:
        bare = text.strip()
        if _TOKEN_RE.fullmatch(bare) and _near_guid_problem(bare) is None:
            ids = [bare]

    hint, hint_detail = "", ""
    for match in _NEAR_GUID_RE.finditer(text):
        if _inside(match.start(1), taken) or _after_sub(text, match.start(1)):
            continue
        problem = _near_guid_problem(match.group(1))
        if problem is not None:
            hint, hint_detail = problem
            break
    return JobIdScan(tuple(ids), link_server, hint, hint_detail, truncated)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _near_guid_problem(value: str) -> tuple[str, str] | None:
    """(plain hint, detail) when ``value`` looks like a GUID that is not one; None otherwise."""
    groups = value.split("-")
    if len(groups) < 3 or len(groups) > 7 or not 20 <= len(value) <= 48:
        return None
    if _GUID_FULL_RE.fullmatch(value):
        return None
    hexish = sum(1 for ch in value if ch in "0123456789abcdefABCDEF-")
    if hexish < len(value) - 2:
        return None  # mostly other letters: a name with dashes, not a damaged GUID
    lengths = [len(group) for group in groups]
    detail = f"GUID-like value with groups of {'-'.join(map(str, lengths))} characters ({len(value)} in all)"
    looks = f"A job id has 36 characters in 5 groups, like {EXAMPLE_JOB_ID}."
    again = "Copy the whole id again."
    size = _size_text(len(value))
    if len(groups) < len(GUID_GROUPS):
        return (
            f"That job id is incomplete: it has {size} and only {len(groups)} of its 5 groups. "
            f"{looks} {again}",
            detail,
        )
    if len(groups) > len(GUID_GROUPS):
        return (f"That job id has {size} and {len(groups)} groups, not 5. {looks} {again}", detail)
    for index, (group, expected) in enumerate(zip(groups, GUID_GROUPS, strict=True)):
        if len(group) != expected:
            count = "character" if len(group) == 1 else "characters"
            return (
                f"That job id has {size}: the {_ORDINALS[index]} group has {len(group)} {count}, "
                f"not {expected}. {looks} {again}",
                detail,
            )
    for index, group in enumerate(groups):
        odd = sorted({ch for ch in group if ch not in "0123456789abcdefABCDEF"})
        if odd:
            letters = ", ".join(f"'{ch}'" for ch in odd[:3])
            return (
                f"That job id has {letters} in its {_ORDINALS[index]} group, but a job id only has the "
                f"digits 0-9 and the letters a-f. {again}",
                detail + f"; non-hex {letters}",
            )
    return None


def _size_text(length: int) -> str:
    if length < GUID_LENGTH:
        return f"{length} of {GUID_LENGTH} characters"
    if length > GUID_LENGTH:
        return f"{length} characters, not {GUID_LENGTH}"
    return f"{GUID_LENGTH} characters"


def extract_job_id(text: str) -> str:
    """Return the job id found in ``text``, or raise InvalidJobId with a plain reason.

    With several ids this is the first one (an id after /exec/, /job/ or /jobs/ first); callers that can
    offer them all use ``extract_job_ids``."""
    link = parse_link(text)
    if link is not None:
        return link[0]
    guid = find_guid(text)
    if guid:
        return guid
    scan = extract_job_ids(text)
    if scan.ids:
        return scan.ids[0]
    candidate = text.strip()
    if not candidate:
        raise InvalidJobId(_("Paste or type a job id first."), "empty input")
    if scan.hint:
        raise InvalidJobId(scan.hint, scan.hint_detail)
    if re.search(r"/sub/" + _GUID, candidate, re.IGNORECASE):
        raise InvalidJobId(
            _(
                "That link holds only the organisation's API token (after /sub/), not a job id. "
                "A job id looks like {example}."
            ).format(example=EXAMPLE_JOB_ID),
            "only a GUID after /sub/",
        )
    raise InvalidJobId(
        _("That doesn't look like a job id. A job id looks like {example}.").format(example=EXAMPLE_JOB_ID),
        f"no GUID and not a bare token ({_describe(candidate)})",
    )


def _describe(candidate: str) -> str:
    """Why a candidate was refused, for the technical detail (never echoes control characters)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        return "contains control characters"
    if any(ch.isspace() for ch in candidate):
        return "contains spaces"
    if len(candidate) < 6:
        return "shorter than 6 characters"
    if len(candidate) > 64:
        return "longer than 64 characters"
    odd = sorted({ch for ch in candidate if not (ch.isascii() and (ch.isalnum() or ch in "_-"))})
    return "contains " + " ".join(repr(ch) for ch in odd[:5])


def path_segment(value: str) -> str:
    """Percent-encode one URL path segment: '/', '.', '%' and everything else unsafe are escaped."""
    # surrogatepass: a lone surrogate (from a JSON "\ud800" escape in /2.0/subs, or an undecodable byte in a
    # command-line argument) must give an odd segment, not a UnicodeEncodeError out of check_status.
    encoded = quote(value, safe="", errors="surrogatepass")
    # quote() leaves '.' alone; a segment of dots would still climb the path, so escape dots too.
    return encoded.replace(".", "%2E")
