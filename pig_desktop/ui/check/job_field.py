"""The job id field: accepts whatever is pasted and says, right below it, what it found.

Below the line edit a hint shows either "Job id: <extracted id>" or the plain reason from ``InvalidJobId``
(no request is ever made for text without a usable id). Pasted line breaks and tabs (an email line, a log
excerpt) are turned into spaces so the one-line field stays readable; the id is found in the text either way.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from pig_desktop.core.errors import InvalidJobId
from pig_desktop.core.jobid import extract_job_id
from pig_desktop.i18n import _
from pig_desktop.ui.system.qt_startup import set_by_name


def _is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


class JobField(QWidget):
    """Line edit (objectName "jobIdEdit") plus the hint label (objectName "jobIdHint")."""

    #: The extracted id ("" when the text holds none), emitted whenever it changes.
    job_id_changed = Signal(str)
    #: Enter was pressed in the field.
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None, *, own_layout: bool = True) -> None:
        """``own_layout=False`` leaves ``edit`` and ``hint`` for the caller to place (the window puts the
        buttons on the edit's row and the hint under it)."""
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("jobIdEdit")
        self.edit.setPlaceholderText(_("Paste a job id or a link\u2026"))
        # (its clear button comes right after the first paint: ui/shell/layout.complete_shell)
        self.edit.setAccessibleName(_("Job id"))
        self.edit.setAccessibleDescription(
            _("Paste a job id, a link or a line of text that contains one, then press Enter.")
        )
        self.edit.setToolTip(_("Paste a job id or a link that contains one (Ctrl+L)"))
        self.edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 40)

        self.hint = QLabel(self)
        self.hint.setObjectName("jobIdHint")
        self.hint.setWordWrap(True)
        set_by_name(self.hint, "textInteractionFlags", "TextSelectableByMouse")
        set_by_name(self.hint, "focusPolicy", "NoFocus")  # selectable with the mouse, not a Tab stop
        self.hint.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # Read as its own text (what was found, or why not); the description says what it is.
        self.hint.setAccessibleDescription(_("What the job id field found"))

        if own_layout:
            layout = QVBoxLayout(self)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(4)
            layout.addWidget(self.edit)
            layout.addWidget(self.hint)

        self._job_id = ""
        self._error = ""
        self._fixing = False
        self._empty_hint = _("A whole link or a line from an email works too: the job id is found in it.")
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.returnPressed.connect(self.submitted)
        self._on_text_changed(self.edit.text())

    # -- API ---------------------------------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def job_id(self) -> str:
        """The id found in the field, or "" when there is none (see :meth:`error`)."""
        return self._job_id

    def error(self) -> str:
        """The plain reason the text holds no id ("" when it does or the field is empty)."""
        return self._error

    def validate(self) -> str:
        """The id to check, or "" after showing why not (also for an empty field). Never sends anything."""
        try:
            job_id = extract_job_id(self.edit.text())
        except InvalidJobId as exc:
            self._show_error(exc.message)
            return ""
        return job_id

    # -- internals ---------------------------------------------------------------------------------------

    def _on_text_changed(self, text: str) -> None:
        if not self._fixing and any(ch in text for ch in "\r\n\t\v\f"):
            # One line only: a pasted email line keeps its words, separated by spaces.
            self._fixing = True
            try:
                self.edit.setText(" ".join(text.split()))
            finally:
                self._fixing = False
            return
        job_id = ""
        if not text.strip():
            self._error = ""
            self._show_hint(self._empty_hint)
        else:
            try:
                job_id = extract_job_id(text)
            except InvalidJobId as exc:
                self._show_error(exc.message)
            else:
                self._error = ""
                self._show_hint(_("Job id: {job_id}").format(job_id=job_id), found=True)
        if job_id != self._job_id:
            self._job_id = job_id
            self.job_id_changed.emit(job_id)

    def set_empty_hint(self, text: str) -> None:
        """What the hint says while the field is empty (the window says "sign in first" when signed out)."""
        self._empty_hint = text
        if not self.edit.text().strip():
            self._show_hint(text)

    def _show_hint(self, text: str, found: bool = False) -> None:
        self.hint.setText(text)
        palette = self.palette()
        fg = palette.color(QPalette.ColorRole.WindowText)
        if not found:
            # Muted: halfway between the text and the background, readable in light and dark palettes.
            bg = palette.color(QPalette.ColorRole.Window)
            fg = QColor(
                (fg.red() + bg.red()) // 2, (fg.green() + bg.green()) // 2, (fg.blue() + bg.blue()) // 2
            )
        self.hint.setStyleSheet(f"color: {fg.name()};")
        self.hint.setAccessibleDescription(text)

    def _show_error(self, message: str) -> None:
        self._error = message
        self.hint.setText(message)
        colour = "#ff8a80" if _is_dark(self) else "#b3261e"
        self.hint.setStyleSheet(f"color: {colour};")
        self.hint.setAccessibleDescription(message)
