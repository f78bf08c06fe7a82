"""Turn whatever people paste (a URL, an email line, braces, urn:uuid:, upper case) into a job id.

The canonical form of a job GUID is lower-case 8-4-4-4-12. Text with no GUID is accepted only as a bare
``[A-Za-z0-9_-]{6,64}`` token; anything else is refused before any request is made, so a pasted path or a
stray ``..`` can never reach the server's URL.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ..i18n import _
from .errors import InvalidJobId

_HEX = "[0-9a-fA-F]"
_GUID = rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
# A GUID not glued to more hex digits or dashes on either side (so a longer hex run is not cut into a GUID).
_GUID_RE = re.compile(rf"(?<![0-9A-Za-z-])({_GUID})(?![0-9A-Za-z-])")
# In a status URL the job comes right after /exec/; the /sub/<token>/ before it is also a GUID.
_EXEC_GUID_RE = re.compile(rf"/exec/({_GUID})(?![0-9A-Za-z-])", re.IGNORECASE)
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{6,64}")

EXAMPLE_JOB_ID = "97b96860-ca73-4f8e-b6ba-37ce9f256871"


def find_guid(text: str) -> str | None:
    """The job GUID in ``text`` in canonical form, or None when there is none."""
    match = _EXEC_GUID_RE.search(text) or _GUID_RE.search(text)
    return match.group(1).lower() if match else None


def extract_job_id(text: str) -> str:
    """Return the job id found in ``text``, or raise InvalidJobId with a plain reason."""
    guid = find_guid(text)
    if guid:
        return guid
    candidate = text.strip()
    if not candidate:
        raise InvalidJobId(_("Paste or type a job id first."), "empty input")
    if _TOKEN_RE.fullmatch(candidate):
        return candidate
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
