"""What goes into the job field, and what Check and Watch do with it: one job, many jobs, files and links.

One id is checked (or watched) by the check controller; several different ids open the batch view (or are
all watched), never silently the first one. A .csv or .txt of ids, opened or dropped, fills the field; a
link naming another server than the one signed in to says so. The window connects the field's signals here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from pig_desktop.i18n import _, ngettext
from pig_desktop.ui.account.controller import AccountController
from pig_desktop.ui.batch.host import BatchHost
from pig_desktop.ui.batch.job_count import JobCountHint
from pig_desktop.ui.batch.job_files import choose_job_file
from pig_desktop.ui.check.controller import CheckController
from pig_desktop.ui.check.job_field import JobField
from pig_desktop.ui.shell.banner import Banner

if TYPE_CHECKING:
    from pig_desktop.core.jobid import JobIdScan
    from pig_desktop.core.models import Organisation

log = logging.getLogger(__name__)

__all__ = ["JobEntry"]

#: What a job id looks like, for the sentence about a file without one.
EXAMPLE_JOB_ID = "97b96860-ca73-4f8e-b6ba-37ce9f256871"


class JobEntry(QObject):
    def __init__(
        self,
        account: AccountController,
        check: CheckController,
        batch: BatchHost,
        field: JobField,
        count_hint: JobCountHint,
        banner: Banner,
        show_status: Callable[[str], None],
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self._account, self._check, self._batch = account, check, batch
        self._field, self._hint, self._banner = field, count_hint, banner
        self._status, self._dialog_parent = show_status, dialog_parent
        field.submitted.connect(self.check_field)
        field.edit.textChanged.connect(self._on_field_text)
        batch.open_job_requested.connect(self.open_job)
        batch.watch_requested.connect(self.watch_jobs)

    def focus_field(self) -> None:
        """Edit > Go to the job field (Ctrl+L): there, with its text selected."""
        edit = self._field.edit
        edit.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        edit.selectAll()

    def check_field(self) -> bool:
        """Check / Enter: several different ids open the batch view (never silently the first one)."""
        scan = self._hint.scan
        if scan.several:
            if self._account.session() is None:
                self._status(_("Sign in first, then press Check again to check every job."))
                self._account.open_sign_in()
                return False
            return self._batch.start(list(scan.ids))
        return self._check.check_job()

    def watch_field(self) -> bool:
        """Watch until finished: several different ids are all watched (never silently the first one)."""
        scan = self._hint.scan
        if not scan.several:
            return self._check.watch_job()
        watched = self.watch_jobs(list(scan.ids))
        if watched:
            self._status(
                ngettext(
                    "Watching {count} job. You will be told when it finishes.",
                    "Watching {count} jobs. You will be told when they finish.",
                    watched,
                ).format(count=watched)
            )
        return bool(watched)

    def watch_jobs(self, jobs: list[str]) -> int:
        """Watch each of ``jobs`` (the batch view's Watch); returns how many are watched."""
        return sum(1 for job in jobs if self._check.watch_job(job))

    def open_job(self, job_id: str) -> None:
        """Put one job in the field and check it (the batch view's Open job)."""
        self._field.set_text(job_id)
        self._check.start_check(job_id)

    def open_jobs(self, jobs: list[str]) -> None:
        """Jobs from the command line, a second start or a link: one is checked, several open the batch."""
        text = " ".join(job.strip() for job in jobs if job.strip())
        if not text:
            return
        self._field.set_text(text)
        self.check_field()

    def open_job_list(self) -> None:
        path = choose_job_file(self._dialog_parent)
        if path is not None:
            self.load_job_file(path)

    def load_job_file(self, path: Path) -> int:
        """A .csv or .txt of job ids (opened or dropped): its ids go into the field; returns how many."""
        from pig_desktop.core.batch import read_job_file

        try:
            scan = read_job_file(path)
        except OSError as exc:
            log.warning("could not read job list %s: %s", path, exc)
            message = _("Couldn't read {name}. Check that the file exists and that you may open it.")
            self._banner.show_error(message.format(name=path.name), str(exc))
            return 0
        if not scan.ids:
            message = _("{name} holds no job ids. A job id looks like {example}.")
            self._banner.show_notice(
                message.format(name=path.name, example=EXAMPLE_JOB_ID), scan.hint_detail, key="job-file"
            )
            return 0
        self._field.set_text(" ".join(scan.ids))
        if scan.truncated:
            self._status(_("{name} is large: only its first job ids were read.").format(name=path.name))
        self._field.edit.setFocus()
        return scan.count

    def put_dropped_text(self, text: str) -> None:
        self._field.set_text(text)
        self._field.edit.setFocus()

    def switch_organisation(self, organisation: Organisation) -> None:
        """The "This job belongs to ..." Switch: sign in to that organisation and check the job there."""
        job = self._check.current_job()
        self._account.switch_organisation(organisation)
        if job:
            self._check.start_check(job)

    def _on_field_text(self, text: str) -> None:
        self._say_link_server(self._hint.update_for(text))

    def _say_link_server(self, scan: JobIdScan) -> None:
        """A link naming another server than the one signed in to: say so; never switch silently."""
        session = self._account.session()
        if scan.link_server is None or session is None:
            return
        from pig_desktop.core.ticket import server_name_of

        current = server_name_of(session.server)
        if current == scan.link_server:
            return
        named = _("production") if scan.link_server == "production" else _("development")
        here = self._account.signed_in_as() or session.server
        sentence = _(
            "This link is for the {server} server, but you are signed in to {current}. The job is checked "
            "there; if it is not found, sign in to the {server} server (Settings) and try again."
        ).format(server=named, current=here.split(" \u00b7 ")[-1])
        text = " ".join(part for part in (self._hint.text(), sentence) if part)
        self._hint.setText(text)
        self._hint.show()
