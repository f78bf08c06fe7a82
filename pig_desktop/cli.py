"""`pig-status`: check CINX PIG jobs from a terminal or a script.

A contract that scripts and support staff rely on (issue 2, part 7):

- ``pig-status JOB [--server URL] [--user EMAIL] [--api-token TOKEN] [--watch] [--interval S] [--timeout S]
  [--request-timeout S] [--json] [--demo] [--version]``; PIG_SERVER, PIG_USER, PIG_PASSWORD and PIG_API_TOKEN
  stand in for the flags. JOB may be any pasted text (a URL, an email line...). Beyond the issue:
  ``--ca-bundle FILE`` (or PIG_CA_BUNDLE), the app's extra CA setting.
- The password never comes from a flag: PIG_PASSWORD, else the keychain entry PIG Desktop saves, else a
  no-echo prompt when stdin is a terminal.
- Exit codes: 0 processed, 1 failed, 2 still running, 3 not found, 4 sign-in or subscription problem,
  5 network/server/protocol error, 64 usage error, 130 interrupted (Ctrl+C).
- stdout carries the result only (one JSON object with ``--json``); progress and problems go to stderr.

Issue 14: ``pig-status JOB [JOB...]`` and ``pig-status -`` (every job id in the text on stdin, duplicates
removed, order kept) print one line per job, or one JSON object per line (JSON Lines) with ``--json``; the
exit code is the largest among the jobs. Without ``--api-token`` and with several active organisations, each
job is looked up in each of them (at most 10, paced by the rate cap) and the answer comes from the one that
has it; ``--json`` adds ``organisation`` and ``searched``. ``--organisation NAME`` checks only that one. A
single job keeps the output of one check exactly.

Built on ``pig_desktop.core`` and ``pig_desktop.store`` (``pig_desktop.demo`` for --demo); never imports Qt.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any, NoReturn

from pig_desktop import __version__, i18n
from pig_desktop.core import client as core_client
from pig_desktop.core.client import CinxClient
from pig_desktop.core.connection import Connection
from pig_desktop.core.errors import ConfigError, InvalidJobId
from pig_desktop.core.jobid import EXAMPLE_JOB_ID, extract_job_id, extract_job_ids
from pig_desktop.core.models import Organisation
from pig_desktop.core.org_search import active_organisations, client_check, search_organisations
from pig_desktop.core.outcome import MSG_WRONG_ADDRESS, Outcome, StatusReport
from pig_desktop.core.policy import WatchPolicy, next_check_delay, watch_is_over
from pig_desktop.core.proxy import ResolvedProxy, resolve_proxy
from pig_desktop.core.rate import RateLimiter
from pig_desktop.core.scheduler import DEFAULT_RATE
from pig_desktop.core.servers import SERVERS, describe_server, normalize_server
from pig_desktop.core.signin import SignInError, sign_in
from pig_desktop.core.summary import app_name, job_summary
from pig_desktop.core.ticket import TicketContext, format_both, mask_text
from pig_desktop.i18n import N_, _, ngettext

log = logging.getLogger("pig_desktop.cli")

PROG = "pig-status"

EXIT_PROCESSED = 0
EXIT_FAILED = 1
EXIT_RUNNING = 2
EXIT_NOT_FOUND = 3
EXIT_AUTH = 4
EXIT_ERROR = 5
EXIT_USAGE = 64
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[Outcome, int] = {
    Outcome.PROCESSED: EXIT_PROCESSED,
    Outcome.FAILED: EXIT_FAILED,
    Outcome.RUNNING: EXIT_RUNNING,
    Outcome.NOT_FOUND: EXIT_NOT_FOUND,
    Outcome.AUTH_ERROR: EXIT_AUTH,
    Outcome.ERROR: EXIT_ERROR,
}

DEFAULT_INTERVAL = 10.0
DEFAULT_TIMEOUT = 3600.0
DEFAULT_REQUEST_TIMEOUT = 15.0
# `pig-status -` reads at most this much of stdin: a pasted email or a CSV column, not a database dump.
MAX_STDIN_CHARS = 4 * 1024 * 1024
STDIN_JOBS = "-"

MSG_NO_PASSWORD = N_("No password: set PIG_PASSWORD or sign in with PIG Desktop and tick Remember me.")
MSG_NO_USER = N_("No CINX email given: add --user EMAIL or set PIG_USER.")
MSG_INTERRUPTED = N_("Stopped (Ctrl+C).")
MSG_UNEXPECTED = N_(
    "Something went wrong inside pig-status, so the job could not be checked. Try again; if it keeps "
    "happening, send the log file to support."
)

EPILOG = N_("""\
environment variables:
  PIG_SERVER     stands in for --server
  PIG_USER       stands in for --user
  PIG_PASSWORD   the password (there is no password flag); otherwise the one PIG Desktop
                 remembered in the keychain is used, or you are asked for it
  PIG_API_TOKEN  stands in for --api-token
  PIG_ORGANISATION  stands in for --organisation
  PIG_CA_BUNDLE  stands in for --ca-bundle

exit codes:
  0 processed   1 failed   2 still running   3 not found
  4 sign-in or subscription problem   5 network, server or answer problem
  64 usage error (bad job id, bad option)   130 stopped with Ctrl+C
  several jobs: the largest exit code among them (0 only when every job was processed)
""")


# ---- argument parsing --------------------------------------------------------------------------------------


class UsageError(Exception):
    """A mistake in how pig-status was called: exit 64 with a plain message."""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 64 (EX_USAGE) with one plain line, not 2 with the usage dump."""

    def error(self, message: str) -> NoReturn:
        argv = sys.argv[1:] if self._argv is None else self._argv
        if message.startswith("unrecognized arguments:"):
            message = _unrecognized(argv)
        _say(_("{prog}: {problem}\nTry {prog} --help.").format(prog=PROG, problem=message))
        if "--json" in argv:
            usage_json(message, sys.stdout)
        raise SystemExit(EXIT_USAGE)

    _argv: list[str] | None = None

    def parse_args_list(self, argv: list[str] | None) -> argparse.Namespace:
        self._argv = argv
        return self.parse_args(argv)


def _unrecognized(argv: list[str]) -> str:
    """Name unknown options without echoing any value: it could be a password typed as a flag."""
    options = (arg.split("=", 1)[0] for arg in argv if arg.startswith("-") and arg != "-")
    names = [name for name in options if name not in _KNOWN_FLAGS]
    if any("pass" in name.lower() or name in ("-p", "-P") for name in names):
        return _(
            "there is no password option (a password on the command line can be seen by other programs). "
            "Set PIG_PASSWORD, or sign in with PIG Desktop and tick Remember me."
        )
    if names:
        unknown = list(dict.fromkeys(names))
        return ngettext("unknown option {options}", "unknown options {options}", len(unknown)).format(
            options=", ".join(unknown)
        )
    return _("too many arguments: give one job id (put text with spaces in quotes)")


_KNOWN_FLAGS = frozenset(
    {
        "--server",
        "--user",
        "--api-token",
        "--organisation",
        "--ca-bundle",
        "--proxy",
        "--watch",
        "--interval",
        "--timeout",
        "--request-timeout",
        "--json",
        "--demo",
        "--version",
        "-h",
        "--help",
        "--",
    }
)


def _seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a number of seconds").format(value=repr(text))
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            _("{value} must be a number of seconds above 0").format(value=repr(text))
        )
    return value


def build_parser() -> _Parser:
    parser = _Parser(
        prog=PROG,
        allow_abbrev=False,  # a script contract: "--us" must not silently mean "--user"
        description=_("Check the status of a CINX Partner Integration Gateway (PIG) job."),
        epilog=_(EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "jobs",
        nargs="+",
        metavar="JOB",
        help=_(
            "the job id, or any text containing it (a status URL, an email line), e.g. {example}; "
            "several jobs, or - to take every job id in the text on stdin"
        ).format(example=EXAMPLE_JOB_ID),
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help=_('"production" (default), "development" or the server address (https://...)'),
    )
    parser.add_argument("--user", metavar="EMAIL", help=_("your CINX sign-in email"))
    parser.add_argument(
        "--api-token",
        metavar="TOKEN",
        help=_("the organisation's API token (default: found through your subscriptions)"),
    )
    parser.add_argument(
        "--organisation",
        metavar="NAME",
        help="check only in this organisation (default: each of your active organisations until one has "
        "the job)",
    )
    parser.add_argument(
        "--ca-bundle",
        metavar="FILE",
        help=_("an extra certificate (PEM) to trust, e.g. your company's TLS inspection certificate"),
    )
    parser.add_argument(
        "--proxy",
        metavar="URL",
        help=_(
            "send requests through this proxy (http://host:port); default: the environment's http(s)_proxy"
        ),
    )
    parser.add_argument("--watch", action="store_true", help=_("check again until the job finishes"))
    parser.add_argument(
        "--interval",
        type=_seconds,
        default=DEFAULT_INTERVAL,
        metavar="SECONDS",
        help=_("with --watch: seconds between checks while the job is young (default {seconds})").format(
            seconds=f"{DEFAULT_INTERVAL:g}"
        ),
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=_("with --watch: give up after this long (default {seconds})").format(
            seconds=f"{DEFAULT_TIMEOUT:g}"
        ),
    )
    parser.add_argument(
        "--request-timeout",
        type=_seconds,
        default=DEFAULT_REQUEST_TIMEOUT,
        metavar="SECONDS",
        help=_("how long to wait for CINX to answer one request (default {seconds})").format(
            seconds=f"{DEFAULT_REQUEST_TIMEOUT:g}"
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help=_("print one JSON object instead of text (several jobs: one object per line)"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("use a built-in practice server with sample jobs (no CINX account needed)"),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


# ---- small output helpers ----------------------------------------------------------------------------------


def _say(text: str) -> None:
    """A line for the person at the terminal: stderr, so stdout stays the result only. Any server text in it
    (an organisation name, a refusal reason) has its control characters escaped, line by line."""
    print("\n".join(visible(line) for line in text.split("\n")), file=sys.stderr, flush=True)


# The core's sentences speak of the app's Settings; the command line has none, so these say what to do here.
CLI_WORDING: dict[str, str] = {
    core_client.MSG_TLS: N_(
        "pig-status couldn't confirm that this is really the CINX server (its security certificate isn't "
        "trusted). If your company inspects internet traffic, ask IT for its certificate file and give it "
        "with --ca-bundle FILE (or PIG_CA_BUNDLE)."
    ),
    core_client.MSG_CA_UNREADABLE: N_(
        "The certificate file given with --ca-bundle (or PIG_CA_BUNDLE) can't be read as certificates. "
        "Check the file, or leave the option out."
    ),
    core_client.MSG_BAD_ADDRESS: N_(
        "The --server address can't be used. Check it, or use --server production."
    ),
    MSG_WRONG_ADDRESS: N_(
        "The server didn't recognise the address pig-status asked for. Check the --server address."
    ),
}


def cli_wording(message: str) -> str:
    """The command line's own wording of a core sentence, in the current language. ``message`` may be the
    English sentence or its translation (the core translates when it builds the report)."""
    for core, here in CLI_WORDING.items():
        if message in (core, _(core)):
            return _(here)
    return message


def usage_json(message: str, out: IO[str]) -> None:
    """With --json a usage error is still one JSON object on stdout, so a script always has one to read."""
    _print_json({"outcome": "usage_error", "message": message, "exit_code": EXIT_USAGE}, out)


# C0 and C1 controls, DEL, and the bidirectional marks, embeddings, overrides and isolates: a server could use
# any of them to recolour or rewrite a line of the terminal (make a failed job read as processed) or set the
# terminal's title.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Server text for the terminal: every control or bidi-override character written as an escape."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE_FOR_TERMINAL.sub(escape, text)


def _server_label(server: str, demo: bool = False) -> str:
    name = _("Demo sandbox") if demo else describe_server(server)
    return f"{name} ({server})" if name != server else server


@dataclass(frozen=True)
class Target:
    """Where and as whom to check: resolved from flags, environment, keychain or prompt."""

    server: str
    email: str
    password: str
    api_token: str
    organisation: str | None  # None when the token was given and the organisation was not looked up
    demo: bool = False
    # The organisations the job was looked for in (several active ones); None when only one was possible.
    searched: tuple[str, ...] | None = None


# ---- the plain and JSON reports ----------------------------------------------------------------------------


def summary_line(report: StatusReport, searched: Sequence[str] | None = None) -> str:
    """The one-line human summary that opens the plain output."""
    job = report.job_id
    if report.job and report.job.app:
        job = _("{job} ({app})").format(job=job, app=app_name(report.job.app))
    outcome = report.outcome
    if outcome is Outcome.PROCESSED:
        return _("Processed: job {job} finished successfully.").format(job=job)
    if outcome is Outcome.FAILED:
        return _("Failed: job {job} was attempted by CINX and failed.").format(job=job)
    if outcome is Outcome.RUNNING:
        if report.status_message:
            return _("In progress: job {job} is not finished yet (status: {status}).").format(
                job=job, status=report.status_message
            )
        return _("In progress: job {job} is not finished yet.").format(job=job)
    if outcome is Outcome.NOT_FOUND:
        if searched:
            if len(searched) == 1:
                return _(
                    "Not found: CINX has no job {job} in your organisation {name} on this server."
                ).format(job=job, name=searched[0])
            return _(
                "Not found: CINX has no job {job} in any of your organisations ({names}) on this server."
            ).format(job=job, names=", ".join(searched))
        return _("Not found: CINX has no job {job} for this organisation on this server.").format(job=job)
    if outcome is Outcome.AUTH_ERROR:
        return _(
            "Sign-in problem: CINX refused the sign-in or the subscription while checking job {job}."
        ).format(job=job)
    return _("Error: no usable answer from CINX about job {job}.").format(job=job)


def plain_report(report: StatusReport, target: Target) -> str:
    """The summary line, the key fields aligned, and the plain next step."""
    fields: list[tuple[str, str]] = [(_("Job"), report.job_id), (_("Outcome"), report.label)]
    row = report.job
    if row is not None:
        status = " ".join(part for part in (str(row.status_code or ""), row.status_message) if part)
        fields.append((_("Status"), status or _("(none)")))
        if row.app:
            fields.append((_("App"), row.app))
        if row.partner:
            fields.append((_("Partner"), row.partner))
        if row.command_started_at is not None:
            fields.append((_("Started"), format_both(row.command_started_at)))
        elif row.command_started_at_text:
            fields.append((_("Started"), row.command_started_at_text))
    if target.organisation:
        fields.append((_("Organisation"), target.organisation))
        if target.searched and len(target.searched) > 1:
            fields.append((_("Searched"), ", ".join(target.searched)))
    elif target.searched:
        fields.append((_("Searched"), ", ".join(target.searched)))
    elif target.api_token:
        fields.append(
            (
                _("Organisation"),
                _("(not looked up; API token ending {last4})").format(last4=target.api_token[-4:]),
            )
        )
    fields.append((_("Server"), _server_label(target.server, target.demo)))
    fields.append((_("Checked"), format_both(report.checked_at)))
    if report.envelope is not None:
        meta = report.envelope.response
        envelope = " ".join(part for part in (str(meta.status_code or ""), meta.message) if part)
        if report.http_status is not None:
            envelope = f"{envelope} (HTTP {report.http_status})".strip()
        fields.append((_("Envelope"), envelope))
    elif report.http_status is not None:
        fields.append((_("HTTP status"), str(report.http_status)))
    if report.outcome in (Outcome.ERROR, Outcome.AUTH_ERROR) and report.detail:
        # The technical part, for whoever the user forwards this to.
        fields.append((_("Detail"), report.detail))
    width = max(len(name) for name, _value in fields) + 2
    lines = [visible(summary_line(report, target.searched)), ""]
    if report.job is not None:
        lines += [visible(job_summary(report)), ""]
    lines += [f"{name:<{width}}{visible(value)}" for name, value in fields]
    lines += ["", visible(cli_wording(report.message))]
    return "\n".join(lines)


def json_report(report: StatusReport, target: Target | None, server: str) -> dict[str, Any]:
    data = report.to_dict()
    data["message"] = cli_wording(report.message)
    data["organisation"] = target.organisation if target else None
    data["server"] = target.server if target else server
    _mask_envelope_uri(data, target.api_token if target else "")
    if target is not None and target.searched is not None:
        data["searched"] = list(target.searched)
    return data


def _mask_envelope_uri(data: dict[str, Any], token: str) -> None:
    """CINX echoes the request path, API token included, in ``envelope.response.uri``: keep its last 4 at most
    (as "Copy JSON" does); everything else in --json stays exactly as the server sent it."""
    envelope = data.get("envelope")
    if not isinstance(envelope, dict):
        return
    response = envelope.get("response")
    if isinstance(response, dict) and isinstance(response.get("uri"), str):
        masked = dict(response, uri=mask_text(response["uri"], TicketContext(api_token=token)))
        data["envelope"] = dict(envelope, response=masked)


def batch_line(report: StatusReport, target: Target) -> str:
    """One job of several, on one line: the summary, and where it was found."""
    line = summary_line(report, target.searched)
    if target.organisation and target.searched is not None:
        line += f" [{target.organisation}]"
    return visible(line)


def problem_json(job_id: str, outcome: Outcome, message: str, detail: str, server: str) -> dict[str, Any]:
    """The --json object for a failure before any status answer exists (sign-in, network)."""
    report = StatusReport(job_id=job_id, outcome=outcome, message=message, detail=detail, server=server)
    data = report.to_dict()
    data["organisation"] = None
    return data


def _print_json(data: dict[str, Any], out: IO[str], *, one_line: bool = False) -> None:
    if one_line:  # JSON Lines: one object per job, per line
        out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    out.flush()


# ---- resolving server, user, password and token ------------------------------------------------------------


def resolve_server(value: str | None) -> str:
    """ "production", "development" or an address; raises ConfigError for an unusable one."""
    text = (value or "").strip() or "production"
    if text.lower() in SERVERS:
        return SERVERS[text.lower()]
    return normalize_server(text)


def keychain_password(server: str, email: str) -> str | None:
    """The password PIG Desktop remembered for (server, email), or None. Any keychain trouble is not fatal."""
    try:
        from pig_desktop.store.credentials import Keychain

        return Keychain().get(server, email)
    except Exception as exc:  # keyring backends raise anything; the user can still use PIG_PASSWORD
        log.info("keychain not used: %s: %s", type(exc).__name__, getattr(exc, "detail", "") or exc)
        return None


def _proxy_for(server: str, explicit: str, environ: dict[str, str]) -> ResolvedProxy | None:
    """--proxy, else the environment's proxy for ``server`` (NO_PROXY honoured)."""
    try:
        return resolve_proxy(server, explicit=explicit, environ=environ)
    except ValueError as exc:
        raise UsageError(
            _("The proxy address {proxy} can't be used ({problem}). Use http://host:port.").format(
                proxy=explicit, problem=exc
            )
        ) from None


def find_password(server: str, email: str, environ: dict[str, str], stdin: IO[str]) -> str | None:
    password = environ.get("PIG_PASSWORD", "")
    if password:
        return password
    password = keychain_password(server, email) or ""
    if password:
        return password
    if stdin.isatty():
        import getpass

        try:
            return getpass.getpass(_("CINX password for {email}: ").format(email=email)) or None
        except EOFError:
            return None
    return None


# ---- the run -----------------------------------------------------------------------------------------------


class Run:
    """One invocation; holds what must be cleaned up (the client, the sandbox)."""

    def __init__(self, args: argparse.Namespace, environ: dict[str, str], stdin: IO[str], stdout: IO[str]):
        self.args = args
        self.environ = environ
        self.stdin = stdin
        self.stdout = stdout
        self.client: CinxClient | None = None
        self.sandbox: Any = None
        self.job_id = ""
        self.refusals: list[str] = []  # why arguments gave no job id, for --json's usage-error object
        self.server = ""
        self.limiter = RateLimiter(DEFAULT_RATE)
        # Several active organisations and none named: each job is looked up in them (issue 14).
        self.search_in: list[Organisation] = []

    @property
    def several_jobs(self) -> bool:
        """Batch output (one line, or one JSON line, per job): more than one JOB argument, or ``-``."""
        jobs: list[str] = self.args.jobs
        return len(jobs) > 1 or STDIN_JOBS in jobs

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.sandbox is not None:
            self.sandbox.stop()

    def fail(self, outcome: Outcome, message: str, detail: str = "") -> int:
        """A failure before any status answer: plain message on stderr, and a JSON object with --json."""
        message = cli_wording(message)
        _say(message)
        if detail:
            log.info("%s: %s", message, detail)
        if self.args.json:
            _print_json(
                problem_json(self.job_id, outcome, message, detail, self.server),
                self.stdout,
                one_line=self.several_jobs,
            )
        return EXIT_CODES[outcome]

    def _refuse(self, message: str) -> None:
        """Say why an argument gave no job id (stderr), and keep it for --json's usage-error object."""
        _say(message)
        self.refusals.append(message)

    def job_ids(self) -> tuple[list[str], int]:
        """The distinct job ids to check, in order, and the exit code owed for arguments without one."""
        args = self.args
        if not self.several_jobs:
            try:
                return [extract_job_id(args.jobs[0])], EXIT_PROCESSED
            except InvalidJobId as exc:
                self._refuse(exc.message)
                log.info("refused job id: %s", exc.detail)
                return [], EXIT_USAGE
        ids: list[str] = []
        code = EXIT_PROCESSED
        for index, text in enumerate(args.jobs):
            if text == STDIN_JOBS:
                text = self.stdin.read(MAX_STDIN_CHARS + 1)
                if len(text) > MAX_STDIN_CHARS:
                    megabytes = MAX_STDIN_CHARS // (1024 * 1024)
                    _say(
                        _("Only the first {megabytes} MB of the text on stdin was read.").format(
                            megabytes=megabytes
                        )
                    )
                where = _("the text on stdin")
            else:
                where = _("argument {number}").format(number=index + 1)
            scan = extract_job_ids(text)
            if scan.hint:
                self._refuse(_("In {where}: {problem}").format(where=where, problem=scan.hint))
                log.info("damaged job id in %s: %s", where, scan.hint_detail)
                code = EXIT_USAGE
            if not scan.ids and not scan.hint:
                self._refuse(
                    _("No job id in {where}. A job id looks like {example}.").format(
                        where=where, example=EXAMPLE_JOB_ID
                    )
                )
                code = EXIT_USAGE
            ids.extend(scan.ids)
        return list(dict.fromkeys(ids)), code

    def execute(self) -> int:
        args = self.args
        job_ids, refused = self.job_ids()
        if not job_ids:
            if args.json:
                usage_json(" ".join(self.refusals) or _("No job id was given."), self.stdout)
            return EXIT_USAGE
        self.job_id = job_ids[0]

        request_timeout = args.request_timeout
        connect_timeout = min(10.0, request_timeout)
        ca_bundle = (args.ca_bundle or self.environ.get("PIG_CA_BUNDLE", "")).strip()
        if ca_bundle and not os.path.isfile(ca_bundle):
            raise UsageError(
                _("The certificate file {path} doesn't exist or isn't a file.").format(path=ca_bundle)
            )
        organisation_name = (args.organisation or self.environ.get("PIG_ORGANISATION", "")).strip()

        if args.demo:
            if args.server:
                raise UsageError(_("--demo uses its own practice server; leave out --server."))
            from pig_desktop.demo.accounts import DEMO_EMAIL, DEMO_PASSWORD
            from pig_desktop.demo.server import SandboxServer

            self.sandbox = SandboxServer()
            self.sandbox.start()
            self.server = self.sandbox.url
            # The practice account only: the user's own PIG_* settings must not leak into the demo.
            email, password = DEMO_EMAIL, DEMO_PASSWORD
            token = (args.api_token or "").strip()
            organisation_name = (args.organisation or "").strip()
            _say(
                _(
                    "Demo mode: using the built-in practice server at {server} (not a real CINX server)."
                ).format(server=self.server)
            )
        else:
            try:
                self.server = resolve_server(args.server or self.environ.get("PIG_SERVER"))
            except ConfigError as exc:
                raise UsageError(exc.message) from None
            email = (args.user or self.environ.get("PIG_USER", "")).strip()
            if not email:
                raise UsageError(_(MSG_NO_USER))
            token = (args.api_token or self.environ.get("PIG_API_TOKEN", "")).strip()
            password = find_password(self.server, email, self.environ, self.stdin) or ""
            if not password:
                return self.fail(
                    Outcome.AUTH_ERROR, _(MSG_NO_PASSWORD), "no PIG_PASSWORD, keychain or terminal"
                )
        if token and args.organisation:
            raise UsageError(_("Give either --api-token or --organisation, not both."))
        if token:
            organisation_name = ""  # the token names the organisation already

        _register_password(email, password)
        connection = Connection(
            server=self.server,
            email=email,
            password=password,
            api_token=token,
            connect_timeout=connect_timeout,
            read_timeout=request_timeout,
            ca_bundle=ca_bundle,
            proxy=_proxy_for(self.server, getattr(self.args, "proxy", None) or "", self.environ),
        )
        self.client = CinxClient(connection)

        organisation: str | None = None
        if not token:
            try:
                result = sign_in(self.client)
            except SignInError as exc:
                outcome = Outcome.ERROR if exc.network else Outcome.AUTH_ERROR
                return self.fail(outcome, exc.message, f"sign-in step {exc.step}: {exc.detail}")
            if organisation_name:
                chosen = self._named_organisation(result.organisations, organisation_name)
                if chosen is None:
                    return EXIT_USAGE
            else:
                usable = active_organisations(result.organisations)
                if not usable:
                    return self._list_organisations(result.organisations)
                chosen = usable[0]
                if len(usable) > 1:
                    self.search_in = usable
            token, organisation = chosen.api_token, chosen.name
            self.client.set_connection(connection.with_token(token))

        target = Target(self.server, email, password, token, organisation, demo=bool(args.demo))
        worst = refused
        for job_id in job_ids:
            self.job_id = job_id
            code = self._check_and_print(job_id, target)
            worst = max(worst, code)
        return worst

    def _check_and_print(self, job_id: str, target: Target) -> int:
        """Check one job (in each organisation to search, when there are several) and print its answer."""
        assert self.client is not None
        if self.search_in:
            report, target = self._search(job_id, target)
            if self.args.watch and report.outcome is Outcome.RUNNING:
                report = self._watch()
        elif self.args.watch:
            report = self._watch()
        else:
            if self.several_jobs:
                self.limiter.acquire()
            report = self.client.check_status(job_id)
        log.info("job %s: %s (%s)", report.job_id, report.outcome.value, report.detail)
        if self.args.json:
            _print_json(json_report(report, target, self.server), self.stdout, one_line=self.several_jobs)
        elif self.several_jobs:
            self.stdout.write(batch_line(report, target) + "\n")
            self.stdout.flush()
        else:
            self.stdout.write(plain_report(report, target) + "\n")
            self.stdout.flush()
        return EXIT_CODES[report.outcome]

    def _search(self, job_id: str, target: Target) -> tuple[StatusReport, Target]:
        """Look for the job in each active organisation; leave the client on the one that has it."""
        assert self.client is not None
        base = self.client.connection
        result = search_organisations(job_id, self.search_in, client_check(self.client), limiter=self.limiter)
        if result.organisation is not None:
            found = result.organisation
            self.client.set_connection(base.with_token(found.api_token))
            # Jobs pasted together mostly belong together: ask this organisation first for the next one.
            self.search_in = [found] + [org for org in self.search_in if org is not found]
            target = replace(target, api_token=found.api_token, organisation=found.name)
        else:
            target = replace(target, organisation=None)
        if result.not_searched:
            _say(
                _("Not searched (at most 10 organisations): {names}.").format(
                    names=", ".join(result.not_searched)
                )
            )
        return result.report, replace(target, searched=result.searched)

    def _named_organisation(self, organisations: Sequence[Organisation], name: str) -> Organisation | None:
        """The organisation called ``name`` (any case), or None after saying what there is."""
        wanted = name.casefold()
        matches = [org for org in organisations if org.name.casefold() == wanted]
        if matches and matches[0].usable:
            return matches[0]
        if matches:
            _say(
                _("{organisation}: {state}").format(
                    organisation=matches[0].name, state=matches[0].plain_state
                )
            )
        else:
            lines = [
                _("You don't belong to an organisation called {name!r}. Your organisations:").format(
                    name=name
                )
            ]
            lines += [f"  {org.name}: {org.plain_state}" for org in organisations]
            _say("\n".join(lines))
        return None

    def _list_organisations(self, organisations: Sequence[Any]) -> int:
        usable = [org for org in organisations if org.usable]
        if usable:
            lines = [_("You belong to several organisations. Choose one with --api-token TOKEN:")]
        else:
            lines = [
                _(
                    "None of your organisations has an active CINX subscription with API access. "
                    "If you have an API token from your administrator, give it with --api-token TOKEN."
                )
            ]
        for org in organisations:
            lines.append(f"  {org.name}: {org.plain_state}")
            if org.usable:
                lines.append(f"      --api-token {org.api_token}")
        _say("\n".join(lines))
        return EXIT_USAGE

    def _watch(self, clock: Callable[[], float] = time.monotonic) -> StatusReport:
        """Check until the job finishes, sign-in fails, or --timeout runs out; progress lines on stderr."""
        assert self.client is not None
        policy = WatchPolicy(base_interval=self.args.interval, max_duration=self.args.timeout)
        started = clock()
        errors = 0
        while True:
            report = self.client.check_status(self.job_id)
            age = clock() - started
            errors = errors + 1 if report.outcome is Outcome.ERROR else 0
            over = watch_is_over(report, age, policy)
            checked = report.checked_at.astimezone().strftime("%H:%M:%S")
            state = report.label
            if report.outcome is Outcome.RUNNING and report.status_message:
                state = _("{label} (status: {status})").format(label=state, status=report.status_message)
            if over is not None:
                if over == "gave_up":
                    _say(
                        _("{time}  {state}. Stopped watching after {duration}.").format(
                            time=checked, state=state, duration=_duration(policy.max_duration)
                        )
                    )
                else:
                    _say(_("{time}  {state}.").format(time=checked, state=state))
                return report
            remaining = policy.max_duration - age
            delay = min(next_check_delay(report, age, errors, policy), max(0.0, remaining))
            _say(
                _("{time}  {state}. Next check in {duration}.").format(
                    time=checked, state=state, duration=_duration(delay)
                )
            )
            time.sleep(delay)


def _duration(seconds: float) -> str:
    if seconds < 1:
        return _("{seconds} s").format(seconds=i18n.format_decimal(seconds, 1))
    if seconds < 120:
        return _("{seconds} s").format(seconds=f"{seconds:.0f}")
    minutes = seconds / 60
    if minutes < 120:
        return _("{minutes} min").format(minutes=f"{minutes:.0f}")
    return _("{hours} h").format(hours=i18n.format_decimal(minutes / 60, 1))


def _register_password(email: str, password: str) -> None:
    """Keep the password (and its Basic-auth form) out of every log line."""
    try:
        from pig_desktop.store.logsetup import register_credentials

        register_credentials(email, password)
    except Exception:  # the store failing to import must not stop a check; nothing is logged to file then
        log.debug("could not register the password with the log redactor", exc_info=False)


def _setup_logging() -> None:
    """Log to the app's private, redacted log file; without it, log nowhere (never to the terminal)."""
    logging.getLogger("pig_desktop").addHandler(logging.NullHandler())
    try:
        from pig_desktop.store.logsetup import configure_logging
        from pig_desktop.store.paths import app_dirs

        configure_logging(app_dirs().log)
    except Exception:  # a read-only home or a broken store is no reason not to check the job
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pig-status`` console script. Returns the exit code."""
    # The language first: argparse's help and errors below are already in it.
    i18n.setup()
    parser = build_parser()
    args = parser.parse_args_list(list(argv) if argv is not None else None)
    _setup_logging()
    run = Run(args, dict(os.environ), sys.stdin, sys.stdout)
    try:
        return run.execute()
    except UsageError as exc:
        _say(_("{problem}\nTry {prog} --help.").format(problem=exc, prog=PROG))
        if args.json:
            usage_json(str(exc), sys.stdout)
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say(_(MSG_INTERRUPTED))
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of stdout went away (e.g. `| head`): nothing more to say to it.
        _silence_stdout()
        return EXIT_ERROR
    except Exception:
        log.exception("pig-status failed unexpectedly")
        _say(_(MSG_UNEXPECTED))
        return EXIT_ERROR
    finally:
        try:
            run.close()
        except Exception:
            log.exception("cleanup failed")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _entry() -> None:
    try:
        code = main()
    except KeyboardInterrupt:  # Ctrl+C while parsing or cleaning up
        _say(_(MSG_INTERRUPTED))
        code = EXIT_INTERRUPTED
    sys.exit(code)


if __name__ == "__main__":
    _entry()
