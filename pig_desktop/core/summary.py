"""A plain summary of a job: one sentence from the status answer, plain names for apps and arguments.

For example "RFQ import for PSF Mechanical, Inc., submitted by USER TEST, started 17 Jan 2024 at 16:38
(3 years ago), 1 file: finished successfully." It heads the result view and "Copy for ticket".

- The documented job apps (shared/design/CINX-API.md) get plain names; an unknown app shows as sent.
- Arguments get plain labels where their meaning is documented or obvious; the raw key stays available
  (:class:`FieldLabel.key`) for tooltips and the Raw JSON, and every value stays as CINX sent it.
- Envelope and argument fields only support needs (method, uri, format, the couchdb references...) are
  classed as technical, for a collapsed "Technical details" group.

Every text is translatable (:mod:`pig_desktop.i18n`); sentences are whole templates, never glued from parts.
Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from ..i18n import N_, _, month_abbr, ngettext
from .outcome import Outcome, StatusReport

# app -> plain name (CINX-API.md "Job apps"); "RFQ import" as the issue writes it, the table's long form in
# the tooltip is the app id itself.
APP_NAMES: dict[str, str] = {
    "json-item-import": N_("Item import"),
    "json-delivery-import": N_("Delivery import"),
    "json-project-import": N_("Project import"),
    "json-po-import": N_("Purchase order import"),
    "json-poco-import": N_("Purchase order change import"),
    "json-req-import": N_("Requisition import"),
    "json-rfq-import": N_("RFQ import"),
    "json-vendor-import": N_("Vendor import"),
    "json-invoice-import": N_("Invoice import"),
    "json-return-import": N_("Return import"),
    "json-org-phase-import": N_("Job-costing phase import"),
    "json-org-category-import": N_("Job-costing category import"),
    "json-org-material-cost-code-import": N_("Material cost code import"),
    "json-org-labor-cost-code-import": N_("Labor cost code import"),
    "json-org-tax-group-import": N_("Tax group import"),
    "json-project-job-cost-import": N_("Project job cost import"),
}

# args key -> plain label. Documented (CINX-API.md) or obvious from the name and the values seen.
ARG_LABELS: dict[str, str] = {
    "org_name": N_("Organisation"),
    "user_name": N_("Submitted by"),
    "auto_submit": N_("Submit automatically"),
    "archive": N_("Archive the files"),
    "api_version": N_("API version"),
    "body": N_("Body format"),
    "app_cdoc": N_("CINX app reference"),
    "org_cdoc": N_("Organisation reference"),
    "user_cdoc": N_("User reference"),
    "user_id": N_("User id"),
    "sub_id": N_("Subscription id"),
}
# Arguments a person waiting on the job never needs (references and ids for support).
TECHNICAL_ARGS = frozenset({"api_version", "body", "app_cdoc", "org_cdoc", "user_cdoc", "user_id", "sub_id"})

# The envelope's "response" fields and the row fields, with plain labels; all of the envelope's are
# technical except the message.
ENVELOPE_LABELS: dict[str, str] = {
    "status_code": N_("Answer status"),
    "message": N_("CINX message"),
    "method": N_("Method"),
    "uri": N_("Address called"),
    "format": N_("Answer format"),
    "start_time": N_("Answer started"),
    "total_time": N_("Answer took"),
    "record_count": N_("Records"),
    "total_count": N_("Total records"),
}
TECHNICAL_ENVELOPE_FIELDS = frozenset(
    {"status_code", "method", "uri", "format", "start_time", "total_time", "record_count", "total_count"}
)
ROW_LABELS: dict[str, str] = {
    "app": N_("App"),
    "partner": N_("Partner"),
    "status_code": N_("Status code"),
    "status_message": N_("Status"),
    "command_started_at": N_("Started"),
    "file_count": N_("Files"),
    "cinx_id": N_("CINX id"),
    "args": N_("Arguments"),
}
TECHNICAL_ROW_FIELDS = frozenset({"partner", "status_code", "cinx_id"})


@dataclass(frozen=True)
class FieldLabel:
    """How one field reads: ``label`` in plain words, ``key`` exactly as CINX sent it (tooltip, Raw JSON)."""

    key: str
    label: str
    technical: bool

    @property
    def tooltip(self) -> str:
        return self.key if self.label == self.key else _("Sent by CINX as “{key}”").format(key=self.key)


def app_name(app: str) -> str:
    """The plain name of a job app ("json-rfq-import" -> "RFQ import"); an unknown app as sent."""
    plain = APP_NAMES.get(app.strip().lower())
    return _(plain) if plain else app


def arg_label(key: str) -> FieldLabel:
    plain = ARG_LABELS.get(key)
    return FieldLabel(key, _(plain) if plain else key, key in TECHNICAL_ARGS)


def envelope_label(key: str) -> FieldLabel:
    """A ``response`` field: known ones plain and (but the message) technical; unknown ones technical."""
    plain = ENVELOPE_LABELS.get(key)
    return FieldLabel(key, _(plain) if plain else key, key in TECHNICAL_ENVELOPE_FIELDS or plain is None)


def row_label(key: str) -> FieldLabel:
    plain = ROW_LABELS.get(key)
    return FieldLabel(key, _(plain) if plain else key, key in TECHNICAL_ROW_FIELDS)


def split_args(args: Mapping[str, Any]) -> tuple[list[FieldLabel], list[FieldLabel]]:
    """The argument labels in CINX's order: (plain ones, technical ones)."""
    labels = [arg_label(str(key)) for key in args]
    return [x for x in labels if not x.technical], [x for x in labels if x.technical]


def first_text(value: Any) -> str:
    """An arg's value for a sentence: a string, or the first string of a list (CINX sends ["PSF..."])."""
    if isinstance(value, list) and value:
        value = value[0]
    return value.strip() if isinstance(value, str) else ""


def relative_age(moment: datetime, now: datetime) -> str:
    """How long ago, rounded to the nearest unit as the window's other times are: "just now", "5 minutes ago",
    "3 years ago" (for 2 years 10 months)."""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return _("in the future")
    if seconds < 45:
        return _("just now")
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return ngettext("{count} minute ago", "{count} minutes ago", minutes).format(count=minutes)
    hours = round(seconds / 3600)
    if hours < 24:
        return ngettext("{count} hour ago", "{count} hours ago", hours).format(count=hours)
    days = round(seconds / 86400)
    if days < 31:
        return ngettext("{count} day ago", "{count} days ago", days).format(count=days)
    if days < 365:
        months = round(days / 30.44)
        return ngettext("{count} month ago", "{count} months ago", months).format(count=months)
    years = round(days / 365.25)
    return ngettext("{count} year ago", "{count} years ago", years).format(count=years)


def _result_phrase(report: StatusReport) -> str:
    if report.outcome is Outcome.PROCESSED:
        return _("finished successfully")
    if report.outcome is Outcome.FAILED:
        return _("CINX tried to run it and it failed")
    if report.outcome is Outcome.RUNNING:
        if report.status_message:
            return _("not finished yet (status: {status})").format(status=report.status_message)
        return _("not finished yet")
    return report.label


def job_summary(report: StatusReport, now: datetime | None = None, tz: tzinfo | None = None) -> str:
    """One plain sentence about the job in ``report``; empty when the answer had no job row.

    ``now`` and ``tz`` (default: the clock and this computer's time zone) are for the "(2 years ago)" and
    the local start time.
    """
    job = report.job
    if job is None:
        return ""
    app = app_name(job.app) if job.app else _("Job")
    organisation = first_text(job.args.get("org_name"))
    user = first_text(job.args.get("user_name"))
    if organisation and user:
        what = _("{app} for {organisation}, submitted by {user}").format(
            app=app, organisation=organisation, user=user
        )
    elif organisation:
        what = _("{app} for {organisation}").format(app=app, organisation=organisation)
    elif user:
        what = _("{app} submitted by {user}").format(app=app, user=user)
    else:
        what = app

    started = ""
    if job.command_started_at is not None:
        local = job.command_started_at.astimezone(tz) if tz else job.command_started_at.astimezone()
        date = _("{day} {month} {year}").format(day=local.day, month=month_abbr(local.month), year=local.year)
        started = _("started {date} at {time} ({age})").format(
            date=date,
            time=local.strftime("%H:%M"),
            age=relative_age(job.command_started_at, now or datetime.now(UTC)),
        )
    files = ""
    if job.file_count is not None and job.file_count >= 0:
        files = ngettext("{count} file", "{count} files", job.file_count).format(count=job.file_count)

    result = _result_phrase(report)
    if started and files:
        return _("{what}, {started}, {files}: {result}.").format(
            what=what, started=started, files=files, result=result
        )
    if started:
        return _("{what}, {started}: {result}.").format(what=what, started=started, result=result)
    if files:
        return _("{what}, {files}: {result}.").format(what=what, files=files, result=result)
    return _("{what}: {result}.").format(what=what, result=result)
