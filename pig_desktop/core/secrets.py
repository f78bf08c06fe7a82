"""The credentials a server could echo back, and how they are hidden.

A debug proxy or an error page may send the request's Authorization header, or the password, back in any
field. Every value equal to the password, its Basic form (base64 of ``email:password``) or the whole header
value is blanked where the StatusReport is built, so every consumer (window, history, log, clipboard,
``pig-status``) only ever gets masked data.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from .walk import map_strings

HIDDEN = "••••••"


def secret_forms(email: str, password: str) -> tuple[str, ...]:
    """The password, the Basic credential (standard, URL-safe and unpadded base64) and the header value."""
    if not password:
        return ()
    raw = f"{email}:{password}".encode()
    standard = base64.b64encode(raw).decode("ascii")
    urlsafe = base64.urlsafe_b64encode(raw).decode("ascii")
    forms = {password, standard, urlsafe, standard.rstrip("="), urlsafe.rstrip("="), f"Basic {standard}"}
    return tuple(sorted(forms, key=len, reverse=True))


# A secret shorter than this is blanked only where a whole value equals it: blanking every "ab" inside other
# text would garble the answer (and its position would give the short password away anyway).
MIN_EMBEDDED = 4


def hide_in_text(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with each secret blanked, also where JSON escaping changed how it is written (raw bodies)."""
    if text in secrets:
        return HIDDEN
    for secret in secrets:
        if len(secret) < MIN_EMBEDDED:
            continue
        for form in (secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]):
            if form and form in text:
                text = text.replace(form, HIDDEN)
    return text


def hide_in_value(value: Any, secrets: tuple[str, ...]) -> Any:
    """A decoded JSON value with every secret blanked in every string (keys too), at any depth."""
    if not secrets:
        return value
    return map_strings(value, lambda text: hide_in_text(text, secrets))
