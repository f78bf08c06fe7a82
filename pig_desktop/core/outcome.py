"""What a status answer means: the outcome, one plain sentence for staff, and a technical detail for support.

Classification reads the body first, whatever the HTTP status: CINX may send a "not found" envelope with HTTP
500 and an auth-error envelope with HTTP 200.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..i18n import N_, _
from .errors import ProtocolError
from .models import Envelope, JobRow, decode_json
from .secrets import hide_in_text, hide_in_value
from .walk import dumps

TRANSIENT_HTTP = frozenset({429, 502, 503, 504})
AUTH_HTTP = frozenset({401, 403})
# Raw bodies are kept for the "raw JSON" view and support; past this only the start is kept.
RAW_BODY_KEEP = 2 * 1024 * 1024


class Outcome(StrEnum):
    PROCESSED = "processed"
    FAILED = "failed"
    RUNNING = "running"
    NOT_FOUND = "not_found"
    AUTH_ERROR = "auth_error"
    ERROR = "error"

    @property
    def label(self) -> str:
        """The badge word, in the current language."""
        return _(_LABELS[self])

    @property
    def is_final(self) -> bool:
        """A final outcome ends a watch: the answer will not change by asking again."""
        return self in (Outcome.PROCESSED, Outcome.FAILED, Outcome.NOT_FOUND)


# English source texts, marked for extraction (N_) and translated where a report is made, so the language can
# be chosen after import. The report keeps the translated sentence; --json codes never change.
_LABELS = {
    Outcome.PROCESSED: N_("Processed"),
    Outcome.FAILED: N_("Failed"),
    Outcome.RUNNING: N_("In progress"),
    Outcome.NOT_FOUND: N_("Job not found"),
    Outcome.AUTH_ERROR: N_("Sign-in problem"),
    Outcome.ERROR: N_("Can't reach CINX"),
}

MSG_PROCESSED = N_("The job finished successfully. Nothing more to do.")
MSG_FAILED = N_(
    "CINX tried to run the job and it failed. Check the file and submit the job again, "
    "or ask support for help (Copy for ticket gives them every detail)."
)
MSG_NOT_FOUND = N_(
    "CINX has no job with this id. Check that you copied the whole id, and that the organisation and "
    "server are the ones the job was sent to."
)
MSG_WRONG_PASSWORD = N_("CINX did not accept your email and password. Check them and sign in again.")
MSG_BUSY = N_("CINX is busy right now. Try again in a minute.")
MSG_SERVER_TROUBLE = N_("CINX is having trouble answering right now. Try again in a few minutes.")
MSG_UNREADABLE = N_("CINX sent an answer that can't be read. Try again in a few minutes.")
MSG_WRONG_ADDRESS = N_(
    "The server didn't recognise the address that was asked for. Check the server and the status path in "
    "Settings."
)

# What happened, without advice: the ticket's Outcome line (its reader is support, not the person waiting).
_FACTS = {
    Outcome.PROCESSED: N_("The job finished successfully."),
    Outcome.FAILED: N_("CINX tried to run the job and it failed."),
    Outcome.NOT_FOUND: N_("CINX has no job with this id for this organisation on this server."),
}


# The server's status text inside our own sentence is cut to this: the sentence is read at a glance, and a
# label laying out megabytes would freeze the window. The whole text stays in the report's fields.
STATE_IN_SENTENCE = 200


def running_message(status_message: str) -> str:
    if len(status_message) > STATE_IN_SENTENCE:
        status_message = status_message[:STATE_IN_SENTENCE] + " …"
    if status_message:
        return _(
            "CINX hasn't finished the job yet (its status: {status}). Check again in a few minutes, "
            "or watch it to be told when it finishes."
        ).format(status=status_message)
    return _(
        "CINX hasn't finished the job yet. Check again in a few minutes, "
        "or watch it to be told when it finishes."
    )


def subscription_message(reason: str) -> str:
    return _(
        "CINX refused the organisation's subscription: {reason}. Ask your CINX administrator to renew it, "
        "or pick another organisation."
    ).format(reason=reason)


def outcome_fact(report: StatusReport) -> str:
    """What happened, in one sentence without advice (for a ticket): the fact for a final outcome, the
    report's own sentence otherwise (an error's sentence says which error)."""
    if report.outcome is Outcome.RUNNING:
        if report.status_message:
            return _("CINX hasn't finished the job yet (its status: {status}).").format(
                status=report.status_message
            )
        return _("CINX hasn't finished the job yet.")
    fact = _FACTS.get(report.outcome)
    return _(fact) if fact else report.message


@dataclass(frozen=True)
class StatusReport:
    """The result of one status check. Immutable: it crosses threads and goes into history as JSON."""

    job_id: str
    outcome: Outcome
    message: str
    detail: str = ""
    http_status: int | None = None
    envelope: Envelope | None = None
    job: JobRow | None = None
    body: Any = None  # the decoded JSON body, when there was one
    raw_text: str = ""  # the body as text (capped), for the raw view of unreadable answers
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    server: str = ""
    elapsed: float = 0.0
    transient: bool = False  # worth retrying (network trouble, 429, 502-504)
    retry_after: float | None = None  # seconds the server asked us to wait

    @property
    def label(self) -> str:
        return self.outcome.label

    @property
    def status_code(self) -> int | None:
        return self.job.status_code if self.job else None

    @property
    def status_message(self) -> str:
        if self.job:
            return self.job.status_message
        return self.envelope.response.message if self.envelope else ""

    def is_about(self, job_id: str) -> bool:
        """True if this report is about ``job_id`` (GUIDs compare without regard to case)."""
        return bool(job_id) and self.job_id.lower() == job_id.lower()

    def with_context(self, **changes: Any) -> StatusReport:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` contract and the history record: plain JSON types only."""
        return {
            "job_id": self.job_id,
            "outcome": self.outcome.value,
            "label": self.label,
            "message": self.message,
            "detail": self.detail,
            "http_status": self.http_status,
            "status_code": self.status_code,
            "status_message": self.status_message,
            "job": self.job.raw if self.job else None,
            "envelope": self.body if isinstance(self.body, dict) else None,
            "raw_text": self.raw_text if self.body is None else "",
            "checked_at": self.checked_at.astimezone(UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "server": self.server,
            "elapsed_ms": round(self.elapsed * 1000, 1),
            "transient": self.transient,
            "retry_after": self.retry_after,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StatusReport:
        """Rebuild a report saved by :meth:`to_dict` (history), re-reading the stored body."""
        job_id = str(data.get("job_id", ""))
        checked = _parse_iso(data.get("checked_at"))
        envelope_data = data.get("envelope")
        http_status = data.get("http_status") if isinstance(data.get("http_status"), int) else None
        if isinstance(envelope_data, dict):
            body = dumps(envelope_data).encode()
            report = classify(job_id, http_status, body)
        else:
            outcome = _outcome_or_error(data.get("outcome"))
            report = StatusReport(
                job_id=job_id,
                outcome=outcome,
                message=str(data.get("message", "")),
                detail=str(data.get("detail", "")),
                http_status=http_status,
                raw_text=str(data.get("raw_text", "")),
            )
        return replace(
            report,
            checked_at=checked or report.checked_at,
            server=str(data.get("server", "")),
            elapsed=float(data.get("elapsed_ms") or 0) / 1000,
        )


def _outcome_or_error(value: Any) -> Outcome:
    try:
        return Outcome(value)
    except ValueError:
        return Outcome.ERROR


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pick_job_row(envelope: Envelope, job_id: str) -> JobRow:
    """The row whose cinx_id.id is the job (case-insensitive), else the first row."""
    rows = [JobRow.parse(row) for row in envelope.rows]
    wanted = job_id.lower()
    for row in rows:
        if row.job_id.lower() == wanted:
            return row
    return rows[0]


def classify(
    job_id: str,
    http_status: int | None,
    body: bytes,
    *,
    retry_after: float | None = None,
    hidden: tuple[str, ...] = (),
) -> StatusReport:
    """Read a status answer. Never raises: unreadable answers become an ERROR report.

    ``hidden`` are the credentials of the request (``secrets.secret_forms``): a server that echoes them gets
    them blanked here, before the answer is parsed, so nothing built from the report can show them.
    """
    transient_http = http_status in TRANSIENT_HTTP
    raw_text = hide_in_text(body[:RAW_BODY_KEEP].decode("utf-8", errors="replace"), hidden)
    try:
        data = hide_in_value(decode_json(body), hidden)
        envelope = Envelope.parse(data)
    except ProtocolError as exc:
        return _unreadable(job_id, http_status, exc, raw_text, retry_after)

    meta = envelope.response
    envelope_code = meta.status_code
    base = {"job_id": job_id, "http_status": http_status, "envelope": envelope, "body": data}
    where = f"HTTP {http_status}, envelope status {envelope_code}, message {meta.message!r}"

    if envelope_code in AUTH_HTTP or (http_status in AUTH_HTTP and not envelope.rows):
        if "expire" in meta.message.lower() or "subscription" in meta.message.lower():
            message = subscription_message(meta.message)
        else:
            message = _(MSG_WRONG_PASSWORD)
        return StatusReport(outcome=Outcome.AUTH_ERROR, message=message, detail=where, **base)

    if transient_http or envelope_code in TRANSIENT_HTTP:
        message = _(MSG_BUSY if 429 in (http_status, envelope_code) else MSG_SERVER_TROUBLE)
        return StatusReport(
            outcome=Outcome.ERROR,
            message=message,
            detail=where,
            transient=True,
            retry_after=retry_after,
            **base,
        )

    if envelope.rows:
        try:
            row = pick_job_row(envelope, job_id)
        except ProtocolError as exc:
            return _unreadable(job_id, http_status, exc, raw_text, retry_after)
        detail = f"{where}; job status {row.status_code} {row.status_message!r}"
        if row.status_code is None:
            return StatusReport(
                outcome=Outcome.ERROR,
                message=_(MSG_UNREADABLE),
                detail=f"{detail}; the job row has no readable status_code",
                job=row,
                **base,
            )
        if row.status_code == 200 and row.status_message.strip().casefold() == "processed":
            return StatusReport(
                outcome=Outcome.PROCESSED, message=_(MSG_PROCESSED), detail=detail, job=row, **base
            )
        if row.status_code == 500:
            return StatusReport(outcome=Outcome.FAILED, message=_(MSG_FAILED), detail=detail, job=row, **base)
        return StatusReport(
            outcome=Outcome.RUNNING,
            message=running_message(row.status_message),
            detail=detail,
            job=row,
            **base,
        )

    if envelope_code is not None and envelope_code != 200:
        return StatusReport(outcome=Outcome.NOT_FOUND, message=_(MSG_NOT_FOUND), detail=where, **base)
    if http_status is not None and http_status >= 400:
        return StatusReport(
            outcome=Outcome.ERROR,
            message=_(MSG_SERVER_TROUBLE),
            detail=f"{where}; HTTP error with an envelope that reports success and no rows",
            **base,
        )
    # A successful envelope with no rows: CINX knows nothing about this job.
    return StatusReport(
        outcome=Outcome.NOT_FOUND,
        message=_(MSG_NOT_FOUND),
        detail=f"{where}; no rows in a successful envelope",
        **base,
    )


def _unreadable(
    job_id: str, http_status: int | None, exc: ProtocolError, raw_text: str, retry_after: float | None
) -> StatusReport:
    """A body we cannot read: the HTTP status still tells auth trouble and busy servers apart."""
    detail = f"HTTP {http_status}: {exc.detail}"
    if http_status in AUTH_HTTP:
        return StatusReport(
            job_id=job_id,
            outcome=Outcome.AUTH_ERROR,
            message=_(MSG_WRONG_PASSWORD),
            detail=detail,
            http_status=http_status,
            raw_text=raw_text,
        )
    transient = http_status in TRANSIENT_HTTP
    if transient:
        message = _(MSG_BUSY if http_status == 429 else MSG_SERVER_TROUBLE)
    elif http_status is not None and http_status >= 500:
        message = _(MSG_SERVER_TROUBLE)
    elif http_status == 404:
        message = _(MSG_WRONG_ADDRESS)
    else:
        message = _(MSG_UNREADABLE)
    return StatusReport(
        job_id=job_id,
        outcome=Outcome.ERROR,
        message=message,
        detail=detail,
        http_status=http_status,
        raw_text=raw_text,
        transient=transient,
        retry_after=retry_after,
    )


def error_report(
    job_id: str, message: str, detail: str, *, transient: bool, server: str = ""
) -> StatusReport:
    """A report for a check that got no answer (network, timeout, TLS, oversize body, bad settings)."""
    return StatusReport(
        job_id=job_id,
        outcome=Outcome.ERROR,
        message=message,
        detail=detail,
        transient=transient,
        server=server,
    )
