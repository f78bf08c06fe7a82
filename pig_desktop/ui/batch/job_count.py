"""The job field's count: how many distinct job ids a pasted or dropped text (or an opened file) holds.

``paste_summary`` is the sentence; ``JobCountHint`` is a label (objectName "jobCountHint") that the job field
updates on every text change. One id says nothing (the field's own hint shows it); several say how many and
that Check opens them all; a damaged GUID gets its exact hint.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from pig_desktop.core.jobid import JobIdScan, extract_job_ids
from pig_desktop.i18n import _, ngettext

# Typing in the field rescans on every key; a paste larger than this is counted from its start only.
MAX_FIELD_SCAN = 200_000


def paste_summary(scan: JobIdScan) -> str:
    """The plain sentence for ``scan``: "" for no id or one id without a problem."""
    parts: list[str] = []
    if scan.several:
        if scan.truncated:
            found = ngettext(
                "{count} different job id found (the text was cut: there may be more). Check opens them all "
                "in a batch.",
                "{count} different job ids found (the text was cut: there may be more). Check opens them all "
                "in a batch.",
                scan.count,
            )
        else:
            found = ngettext(
                "{count} different job id found. Check opens them all in a batch.",
                "{count} different job ids found. Check opens them all in a batch.",
                scan.count,
            )
        parts.append(found.format(count=scan.count))
    if scan.hint and scan.ids:
        parts.append(scan.hint)
    return " ".join(parts)


class JobCountHint(QLabel):
    """A label saying how many distinct job ids the field's text holds (hidden when it is one or none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobCountHint")
        self.setAccessibleName(_("How many job ids the text holds"))
        self.setWordWrap(True)
        self.scan = JobIdScan()
        self.hide()

    def update_for(self, text: str) -> JobIdScan:
        """Rescan ``text``; return the scan (its ``ids`` are what Check should open)."""
        self.scan = extract_job_ids(text[:MAX_FIELD_SCAN])
        message = paste_summary(self.scan)
        self.setText(message)
        self.setVisible(bool(message))
        return self.scan
