"""Tolerant, typed models of the CINX envelope, job rows, subscriptions and ping.

CINX bodies vary between endpoints (``"response": {}`` on /2.0/subs, extra envelope fields elsewhere),
numbers sometimes arrive as strings and ``args`` values are lists or scalars. The parsers here accept all of
that, keep unknown fields in ``extra``, and raise only :class:`ProtocolError` when a body cannot be read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..i18n import N_, _
from .errors import ProtocolError

JsonObject = dict[str, Any]

_RESPONSE_FIELDS = (
    "status_code",
    "message",
    "method",
    "uri",
    "format",
    "start_time",
    "total_time",
    "record_count",
    "total_count",
)
_ROW_FIELDS = (
    "app",
    "args",
    "command_started_at",
    "file_count",
    "partner",
    "status_code",
    "status_message",
    "cinx_id",
)


def decode_json(body: bytes) -> Any:
    """Decode a response body as UTF-8 JSON, or raise ProtocolError saying why not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(_(_UNREADABLE), f"body is not valid UTF-8: {exc}") from None
    if not text.strip():
        raise ProtocolError(_(_UNREADABLE), "empty body")
    try:
        return json.loads(text)
    except RecursionError:
        raise ProtocolError(_(_UNREADABLE), "JSON nested too deeply to read") from None
    except ValueError as exc:
        start = text.lstrip()[:1]
        what = "an HTML page" if start == "<" else "not JSON (possibly cut short)"
        raise ProtocolError(_(_UNREADABLE), f"body is {what}: {exc}") from None


_UNREADABLE = N_("CINX sent an answer that can't be read. Try again in a few minutes.")


def as_int(value: Any) -> int | None:
    """An int from an int, a whole float or a numeric string; None otherwise (never bool)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return int(number) if number.is_integer() else None
    return None


def as_float(value: Any) -> float | None:
    """A float from a number or a numeric string; None otherwise (never bool, never NaN/inf)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            return None
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


def as_text(value: Any) -> str:
    """A string for display: strings as they are, None as empty, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        if isinstance(value, bool | int | float):
            return json.dumps(value)
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        # An int past Python's digit limit, or nesting too deep to write out: show that, don't fail.
        return _("(value too large to show)")


def parse_cinx_time(value: Any) -> datetime | None:
    """Parse CINX's ``"2024-01-17 16:38:55Z"`` (UTC) and ISO-like variants; None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _object(value: Any) -> JsonObject:
    return value if isinstance(value, dict) else {}


def _extra(data: Mapping[str, Any], known: tuple[str, ...]) -> JsonObject:
    return {key: value for key, value in data.items() if key not in known}


@dataclass(frozen=True)
class ResponseMeta:
    """The ``response`` part of the envelope. Every field may be missing."""

    status_code: int | None = None
    message: str = ""
    method: str = ""
    uri: str = ""
    format: str = ""
    start_time: float | None = None
    total_time: float | None = None
    record_count: int | None = None
    total_count: int | None = None
    extra: JsonObject = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> ResponseMeta:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ProtocolError(_(_UNREADABLE), f"'response' is a {type(data).__name__}, not an object")
        return cls(
            status_code=as_int(data.get("status_code")),
            message=as_text(data.get("message")),
            method=as_text(data.get("method")),
            uri=as_text(data.get("uri")),
            format=as_text(data.get("format")),
            start_time=as_float(data.get("start_time")),
            total_time=as_float(data.get("total_time")),
            record_count=as_int(data.get("record_count")),
            total_count=as_int(data.get("total_count")),
            extra=_extra(data, _RESPONSE_FIELDS),
        )


@dataclass(frozen=True)
class CinxId:
    """A CINX object id: ``{"id": ..., "domain": "pig", "type": "PIG-UPLOAD"}``."""

    id: str = ""
    domain: str = ""
    type: str = ""
    extra: JsonObject = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> CinxId | None:
        if isinstance(data, str):
            return cls(id=data)
        if not isinstance(data, dict):
            return None
        return cls(
            id=as_text(data.get("id")),
            domain=as_text(data.get("domain")),
            type=as_text(data.get("type")),
            extra=_extra(data, ("id", "domain", "type")),
        )


@dataclass(frozen=True)
class JobRow:
    """One job row of a status answer. ``raw`` is the row exactly as received."""

    status_code: int | None
    status_message: str = ""
    app: str = ""
    partner: str = ""
    args: JsonObject = field(default_factory=dict)
    command_started_at: datetime | None = None
    command_started_at_text: str = ""
    file_count: int | None = None
    cinx_id: CinxId | None = None
    extra: JsonObject = field(default_factory=dict)
    raw: JsonObject = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> JobRow:
        if not isinstance(data, dict):
            raise ProtocolError(_(_UNREADABLE), f"a job row is a {type(data).__name__}, not an object")
        args = data.get("args")
        if isinstance(args, dict):
            parsed_args: JsonObject = dict(args)
        elif args is None:
            parsed_args = {}
        else:
            # Unexpected shape: keep it visible rather than dropping it.
            parsed_args = {"(args)": args}
        started = data.get("command_started_at")
        return cls(
            status_code=as_int(data.get("status_code")),
            status_message=as_text(data.get("status_message")),
            app=as_text(data.get("app")),
            partner=as_text(data.get("partner")),
            args=parsed_args,
            command_started_at=parse_cinx_time(started),
            command_started_at_text=as_text(started),
            file_count=as_int(data.get("file_count")),
            cinx_id=CinxId.parse(data.get("cinx_id")),
            extra=_extra(data, _ROW_FIELDS),
            raw=dict(data),
        )

    @property
    def job_id(self) -> str:
        return self.cinx_id.id if self.cinx_id else ""


@dataclass(frozen=True)
class Envelope:
    """``{"response": {...}, "rows": [...]}`` plus any other top-level fields."""

    response: ResponseMeta
    rows: tuple[JsonObject, ...] = ()
    extra: JsonObject = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> Envelope:
        if not isinstance(data, dict):
            raise ProtocolError(_(_UNREADABLE), f"the body is a JSON {type(data).__name__}, not an object")
        if "response" not in data and "rows" not in data:
            raise ProtocolError(_(_UNREADABLE), "the body has neither 'response' nor 'rows'")
        rows = data.get("rows")
        if rows is None:
            rows = []
        if not isinstance(rows, list):
            raise ProtocolError(_(_UNREADABLE), f"'rows' is a {type(rows).__name__}, not a list")
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise ProtocolError(_(_UNREADABLE), f"rows[{index}] is a {type(row).__name__}, not an object")
        return cls(
            response=ResponseMeta.parse(data.get("response")),
            rows=tuple(dict(row) for row in rows),
            extra=_extra(data, ("response", "rows")),
        )


@dataclass(frozen=True)
class Organisation:
    """One row of ``/2.0/subs``: an organisation the user belongs to and its subscription."""

    name: str
    org_id: str
    api_token: str
    status_code: int | None
    status_message: str = ""
    reason: str = ""
    start_date: str = ""
    end_date: str = ""
    apps: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        """ "active", "expired" (or otherwise refused) or "no_api_access"."""
        if self.status_code is not None and self.status_code != 200:
            return "expired"
        if not self.api_token:
            return "no_api_access"
        return "active"

    @property
    def usable(self) -> bool:
        return self.state == "active"

    @property
    def reason_text(self) -> str:
        """Why the subscription is not active, readable: "Subscription expired on 2017-11-22"."""
        reason = self.reason or self.status_message or _("the subscription is not active")
        # CINX wraps dates and ids in square brackets ("expired on [2017-11-22]"); people don't need them.
        return reason.replace("[", "").replace("]", "").strip()

    @property
    def plain_state(self) -> str:
        """One plain sentence about this organisation's subscription."""
        if self.state == "expired":
            return _("Subscription not active: {reason}. Ask your CINX administrator to renew it.").format(
                reason=self.reason_text
            )
        if self.state == "no_api_access":
            return _("This organisation is not enabled for API access. Contact CINX support to enable it.")
        return _("Subscription active.")

    @classmethod
    def parse(cls, data: Any) -> Organisation:
        if not isinstance(data, dict):
            raise ProtocolError(_(_UNREADABLE), f"a subscription row is a {type(data).__name__}")
        org = _object(data.get("org"))
        sub = _object(data.get("subscription"))
        apps = sub.get("apps")
        if not isinstance(apps, list):
            apps = []
        app_names = tuple(
            as_text(app.get("name")) for app in apps if isinstance(app, dict) and app.get("name")
        )
        return cls(
            name=as_text(org.get("name")) or as_text(org.get("cinx_org_id")) or _("(unnamed organisation)"),
            org_id=as_text(org.get("cinx_org_id")),
            api_token=as_text(data.get("cinx_api_token")).strip(),
            status_code=as_int(sub.get("status_code")),
            status_message=as_text(sub.get("status_message")),
            reason=as_text(sub.get("status_message_reason")),
            start_date=as_text(sub.get("start_date")),
            end_date=as_text(sub.get("end_date")),
            apps=app_names,
        )


def parse_subscriptions(data: Any) -> list[Organisation]:
    """The organisations in a ``/2.0/subs`` body, sorted by name."""
    envelope = Envelope.parse(data)
    return sorted((Organisation.parse(row) for row in envelope.rows), key=lambda org: org.name.casefold())


def parse_ping(data: Any) -> bool:
    """True when a ``/2.0/ping`` body says the API is up."""
    envelope = Envelope.parse(data)
    if envelope.rows:
        status = as_int(envelope.rows[0].get("status"))
        return status == 200
    return envelope.response.status_code == 200
