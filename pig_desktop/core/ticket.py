"""The support-ticket summary of one status check, as plain text and as HTML, plus the masked JSON export.

Office staff paste this into a ticket, so it must say everything support needs (job, outcome, status, who,
where, when, what was sent) and nothing that could be abused: never the password, never the Authorization
header, never the full API token. The token is shown as its last 4 characters at most, and it is also masked
wherever it turns up inside other values (CINX echoes it in the envelope ``uri``:
``sub/<token>/partner/...``).

Also the small value formatters the result view shares with the ticket (arg values, durations, times), so a
value reads the same on screen and in the ticket. Qt-free.
"""

from __future__ import annotations

import base64
import functools
import html
import platform
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import APP_DISPLAY_NAME, __version__
from ..i18n import _, month_abbr
from .jobid import job_link
from .outcome import StatusReport, outcome_fact
from .secrets import HIDDEN as HIDDEN  # kept importable from here: the ticket shows it
from .servers import SERVERS, describe_server
from .summary import job_summary
from .walk import dumps, map_strings

if TYPE_CHECKING:  # session imports the HTTP client; the window must not load httpx before its first paint
    from .session import Session

ELLIPSIS = "…"
# A path segment after "sub/" is where CINX puts the API token; mask it even when we do not know the token
# (a report re-opened from history, a report exported without a session).
_SUB_SEGMENT = re.compile(r"(?i)(?<![a-z0-9_])(sub/)([^/\s?#\"'&]{5,})")


@functools.cache
def os_description() -> str:
    """The system a ticket came from, e.g. "Linux 6.1.0-18-amd64 (x86_64)" or "macOS 14.4 (arm64)".

    Not ``platform.platform()``: it also asks for the processor, which on Linux runs ``uname -p`` in a
    subprocess (~5 ms on the GUI thread, the first time a ticket is made), for a detail support never needs.
    """
    system, release, machine = platform.system(), platform.release(), platform.machine()
    if system == "Darwin":
        system, release = "macOS", platform.mac_ver()[0] or release
    return f"{system or 'Unknown system'} {release} ({machine})".replace(" ()", "").strip()


@dataclass(frozen=True)
class TicketContext:
    """Who checked, where, with what: the parts of a ticket that are not in the report.

    ``api_token`` is only kept to find and mask it; it is shown as its last 4 characters at most.
    ``hidden`` holds further secrets (the password, the Basic credential) to blank out should a server ever
    echo them back; they never appear in the output or in ``repr()``.
    """

    organisation: str = ""
    server: str = ""
    api_token: str = field(default="", repr=False)
    app_version: str = __version__
    os_name: str = field(default_factory=os_description)
    hidden: tuple[str, ...] = field(default=(), repr=False)
    #: The job's outcome changes in words ("Queued 10:02, Processing 10:05, Processed 10:09"), if known.
    timeline: str = ""
    #: The stored answer was shortened from this many bytes (0: it was not).
    stored_cut_bytes: int = 0

    @property
    def token_hint(self) -> str:
        return token_hint(self.api_token)


def token_hint(token: str) -> str:
    """A token as support may see it: ``…1234``, or empty for no token."""
    token = token.strip()
    return f"{ELLIPSIS}{token[-4:]}" if token else ""


def default_context(session: Session | None) -> TicketContext:
    """The ticket context of a signed-in session (or an anonymous one for ``None``)."""
    if session is None:
        return TicketContext()
    conn = session.connection
    secrets: list[str] = []
    if conn.password:
        secrets.append(conn.password)
        basic = base64.b64encode(f"{conn.email}:{conn.password}".encode()).decode("ascii")
        secrets.append(basic)
    return TicketContext(
        organisation=session.organisation,
        server=session.server,
        api_token=conn.api_token,
        app_version=__version__,
        os_name=os_description(),
        hidden=tuple(secrets),
    )


# --- masking ---


def mask_text(text: str, ctx: TicketContext | None = None) -> str:
    """``text`` with every secret of ``ctx`` blanked and every API token shortened to its last 4 chars."""
    if ctx is not None:
        # Longest first, so a secret that contains another is replaced whole.
        for secret in sorted(ctx.hidden, key=len, reverse=True):
            if secret:
                text = text.replace(secret, HIDDEN)
        token = ctx.api_token.strip()
        if token:
            text = re.sub(re.escape(token), token_hint(token), text, flags=re.IGNORECASE)

    def shorten(match: re.Match[str]) -> str:
        segment = match.group(2)
        if segment.startswith(ELLIPSIS):
            return match.group(0)
        return f"{match.group(1)}{token_hint(segment)}"

    return _SUB_SEGMENT.sub(shorten, text)


def mask_value(value: Any, ctx: TicketContext | None = None) -> Any:
    """A JSON value with :func:`mask_text` applied to every string in it (keys too), at any depth."""
    return map_strings(value, lambda text: mask_text(text, ctx))


# --- value formatting shared with the result view ---


def compact_json(value: Any, limit: int | None = None) -> str:
    return dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str, limit=limit)


def display_value(value: Any, limit: int | None = None) -> str:
    """How an arg (or any JSON value) reads on screen: strings as they are, a list of plain values joined
    with ", ", anything else (objects, nested lists, numbers, null, booleans) as compact JSON.

    With ``limit``, at least the first ``limit`` characters, built at a cost bounded by the limit rather than
    by the value's size (the screen elides the rest)."""
    if isinstance(value, str):
        return value if limit is None else value[:limit]
    if limit is not None:
        return (_joined(value, limit) if _plain_list(value) else compact_json(value, limit))[:limit]
    if _plain_list(value):
        return _joined(value)
    return compact_json(value)


def _plain_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_is_plain(item) for item in value)


def _joined(value: list[Any], limit: int | None = None) -> str:
    parts: list[str] = []
    size = 0
    for item in value:
        text = item if isinstance(item, str) else compact_json(item)
        parts.append(text if limit is None else text[:limit])
        size += len(parts[-1]) + 2
        if limit is not None and size > limit:
            break
    return ", ".join(parts)


def _is_plain(item: Any) -> bool:
    return isinstance(item, str) or (isinstance(item, int | float) and not isinstance(item, bool))


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_local(moment: datetime) -> str:
    """A local date and time that reads the same in every office: "17 Jan 2024, 17:38:55 CET" (the month
    in the current language: "17 ene 2024")."""
    local = moment.astimezone()
    zone = local.strftime("%Z") or local.strftime("%z")
    return (
        _("{day} {month} {year}, {time} {zone}")
        .format(
            day=local.day,
            month=month_abbr(local.month),
            year=local.year,
            time=local.strftime("%H:%M:%S"),
            zone=zone,
        )
        .rstrip()
    )


def format_local_clock(moment: datetime) -> str:
    """The local time of day alone, as :func:`format_local` writes it: "17:38:55"."""
    return moment.astimezone().strftime("%H:%M:%S")


def format_both(moment: datetime | None) -> str:
    """UTC for support, and the local time of whoever reads it: "2024-01-17 16:38:55 UTC (local time:
    17 Jan 2024, 17:38:55 CET)", or "(also the local time here)" where the two are the same."""
    if moment is None:
        return ""
    if moment.astimezone().utcoffset() == timedelta(0):
        return _("{utc} (also the local time here)").format(utc=format_utc(moment))
    return _("{utc} (local time: {local})").format(utc=format_utc(moment), local=format_local(moment))


def epoch_to_datetime(value: float | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


# --- the ticket ---


@dataclass(frozen=True)
class TicketSection:
    title: str
    rows: tuple[tuple[str, str], ...]


def stored_cut_text(full_bytes: int) -> str:
    """What to say when the stored answer is shorter than the server's ("" when it is not)."""
    if full_bytes <= 0:
        return ""
    return _("Stored answer shortened ({count} bytes)").format(count=full_bytes)


def ticket_sections(report: StatusReport, ctx: TicketContext | None = None) -> list[TicketSection]:
    """The ticket's content, masked, as titled (label, value) lists; text and HTML are rendered from it."""
    ctx = ctx or TicketContext()
    job = report.job
    meta = report.envelope.response if report.envelope else None
    server = ctx.server or report.server
    server_text = ""
    if server:
        name = describe_server(server)
        server_text = server if name == server else f"{name} ({server})"
    status = ""
    if report.status_code is not None or report.status_message:
        status = " ".join(part for part in (_opt(report.status_code), report.status_message) if part)

    summary: list[tuple[str, str]] = [
        (_("Job id"), report.job_id),
        (_("Link"), job_link(report.job_id, server_name_of(server))),
        # What happened, not what the person waiting should do: the ticket's reader is support.
        (_("Outcome"), _("{label}: {fact}").format(label=report.label, fact=outcome_fact(report))),
        (_("Status"), status),
        (_("App"), job.app if job else ""),
        (_("Partner"), job.partner if job else ""),
        (_("Organisation"), ctx.organisation),
        (_("Started at"), format_both(job.command_started_at) if job else ""),
        (_("Checked at"), format_both(report.checked_at)),
        (_("Timeline"), ctx.timeline),
        (_("Stored answer"), stored_cut_text(ctx.stored_cut_bytes)),
        (_("Server"), server_text),
        (_("CINX message"), meta.message if meta else ""),
        (_("Method"), meta.method if meta else ""),
        (_("URI"), meta.uri if meta else ""),
        (_("HTTP status"), _opt(report.http_status)),
        (_("Technical detail"), report.detail),
    ]
    if job and job.command_started_at is None and job.command_started_at_text:
        summary[7] = (_("Started at"), job.command_started_at_text)
    sections = [TicketSection(_("Job"), _clean(summary, ctx))]
    if job and job.args:
        # Keys stay as CINX sent them: support searches for them.
        args = [(str(name), display_value(value)) for name, value in job.args.items()]
        sections.append(TicketSection(_("Arguments"), _clean(args, ctx, keep_empty=True)))
    about = [
        (_("App version"), f"{APP_DISPLAY_NAME} {ctx.app_version}"),
        (_("Operating system"), ctx.os_name),
        (_("API token"), ctx.token_hint),
    ]
    sections.append(TicketSection(_("This computer"), _clean(about, ctx)))
    return sections


def server_name_of(server: str) -> str | None:
    """ "production" or "development" for the two CINX servers (what a pig-desktop:// link may name)."""
    for name, address in SERVERS.items():
        if server.rstrip("/") == address:
            return name
    return None


def copy_link_text(job_id: str, server: str) -> str:
    """What "Copy link" puts on the clipboard: ``pig-desktop://job/<id>`` plus ``?server=`` for a CINX
    server (a custom or sandbox address is never put in a link)."""
    return job_link(job_id, server_name_of(server))


@dataclass(frozen=True)
class BatchItem:
    """One job of a batch for the ticket: its report (None when it was not checked, e.g. cancelled) and the
    organisation that answered."""

    job_id: str
    report: StatusReport | None = None
    organisation: str = ""


def batch_ticket_text(items: Iterable[BatchItem], ctx: TicketContext | None = None) -> str:
    """ "Copy all for a ticket": one summary listing every job (outcome, app, status, organisation, link),
    masked like the single ticket, with counts per outcome first."""
    ctx = ctx or TicketContext()
    listed = list(items)
    counts: dict[str, int] = {}
    for item in listed:
        label = item.report.label if item.report is not None else "Not checked"
        counts[label] = counts.get(label, 0) + 1
    server = ctx.server or next((i.report.server for i in listed if i.report and i.report.server), "")
    lines = [f"{APP_DISPLAY_NAME}: CINX status of {len(listed)} job{'s' if len(listed) != 1 else ''}"]
    if counts:
        lines.append("  " + ", ".join(f"{label}: {count}" for label, count in counts.items()))
    if server:
        name = describe_server(server)
        lines.append(f"  Server: {server if name == server else f'{name} ({server})'}")
    last_check = max((i.report.checked_at for i in listed if i.report), default=None)
    if last_check is not None:
        lines.append(f"  Checked: {format_both(last_check)}")
    for number, item in enumerate(listed, start=1):
        report = item.report
        lines.append("")
        lines.append(f"{number}. {item.job_id}")
        rows: list[tuple[str, str]] = []
        if report is None:
            rows.append(("Outcome", "Not checked"))
        else:
            rows.append(("Outcome", f"{report.label}: {report.message}"))
            status = " ".join(part for part in (_opt(report.status_code), report.status_message) if part)
            rows.append(("Status", status))
            rows.append(("App", report.job.app if report.job else ""))
            if report.outcome.value in ("error", "auth_error"):
                rows.append(("Technical detail", report.detail))
        rows.append(("Organisation", item.organisation or ctx.organisation))
        rows.append(("Link", copy_link_text(item.job_id, server)))
        cleaned = _clean(rows, ctx)
        width = max((len(label) for label, _ in cleaned), default=0) + 1
        lines += [f"   {label + ':':<{width}} {value}" for label, value in cleaned]
    lines.append("")
    about = _clean(
        [
            ("App version", f"{APP_DISPLAY_NAME} {ctx.app_version}"),
            ("Operating system", ctx.os_name),
            ("API token", ctx.token_hint),
        ],
        ctx,
    )
    lines.append("This computer")
    width = max((len(label) for label, _ in about), default=0) + 1
    lines += [f"  {label + ':':<{width}} {value}" for label, value in about]
    return "\n".join(lines) + "\n"


def _opt(value: int | None) -> str:
    return "" if value is None else str(value)


def _clean(
    rows: Iterable[tuple[str, str]], ctx: TicketContext, *, keep_empty: bool = False
) -> tuple[tuple[str, str], ...]:
    return tuple(
        (mask_text(label, ctx), mask_text(value, ctx)) for label, value in rows if keep_empty or value
    )


def ticket_text(report: StatusReport, ctx: TicketContext | None = None) -> str:
    """The plain-text ticket: aligned "Label: value" lines, one block per section."""
    sections = ticket_sections(report, ctx)
    lines = [_("{app}: CINX job status").format(app=APP_DISPLAY_NAME)]
    summary = mask_text(job_summary(report), ctx)
    if summary:
        lines += ["", summary]
    for section in sections:
        lines.append("")
        lines.append(f"{section.title}")
        width = max((len(label) for label, _ in section.rows), default=0) + 1
        for label, value in section.rows:
            # Continuation lines of a multi-line value are indented under the value column.
            value = value.replace("\n", "\n  " + " " * width)
            lines.append(f"  {label + ':':<{width}} {value}")
    return "\n".join(lines) + "\n"


def ticket_html(report: StatusReport, ctx: TicketContext | None = None) -> str:
    """The HTML ticket: one simple two-column table, every value escaped."""
    sections = ticket_sections(report, ctx)
    cell = 'style="text-align:left;vertical-align:top;padding:2px 8px;border:1px solid #c8c8c8"'
    parts = [
        f"<p><b>{html.escape(_('{app}: CINX job status').format(app=APP_DISPLAY_NAME))}</b></p>",
    ]
    summary = mask_text(job_summary(report), ctx)
    if summary:
        parts.append(f"<p>{html.escape(summary)}</p>")
    parts.append('<table style="border-collapse:collapse;font-family:sans-serif;font-size:10pt">')
    for section in sections:
        parts.append(
            f'<tr><th colspan="2" style="text-align:left;padding:6px 8px 2px;background:#eeeeee">'
            f"{html.escape(section.title)}</th></tr>"
        )
        for label, value in section.rows:
            shown = html.escape(value).replace("\n", "<br>")
            parts.append(f"<tr><th {cell}>{html.escape(label)}</th><td {cell}>{shown}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts) + "\n"


def report_json(report: StatusReport, ctx: TicketContext | None = None) -> str:
    """Pretty JSON of ``report.to_dict()`` with tokens masked in every string (the envelope ``uri`` too)."""
    return dumps(mask_value(report.to_dict(), ctx), indent=2, ensure_ascii=False, default=str) + "\n"
