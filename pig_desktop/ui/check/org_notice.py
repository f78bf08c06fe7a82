"""The "This job belongs to <organisation>" line under the job row, with its one-click switch.

Shown when a job was not found with the chosen organisation but another of the account's organisations has
it (issue 14, part 1). The label is "organisationNotice", the button "switchOrganisationButton".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from pig_desktop.i18n import _

if TYPE_CHECKING:
    from pig_desktop.core.models import Organisation

__all__ = ["OrganisationNotice"]


class OrganisationNotice(QFrame):
    """Hidden until ``show_found``; ``switch_requested(Organisation)`` on the button."""

    switch_requested = Signal(object)  # Organisation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("organisationNoticeBar")
        self.label = QLabel(self)
        self.label.setObjectName("organisationNotice")
        self.label.setWordWrap(True)
        self.label.setAccessibleName(_("Which organisation the job belongs to"))
        self.switch_button = QPushButton(self)
        self.switch_button.setObjectName("switchOrganisationButton")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.switch_button)
        self._organisation: Organisation | None = None
        self.switch_button.clicked.connect(self._switch)
        self.hide()

    @property
    def organisation(self) -> Organisation | None:
        return self._organisation

    def show_found(self, organisation: Organisation | None) -> None:
        """The job on screen belongs to ``organisation`` (None hides the line)."""
        self._organisation = organisation
        if organisation is None:
            self.hide()
            return
        from pig_desktop.core.org_search import belongs_message  # imports the client: not in the first frame

        self.label.setText(
            belongs_message(organisation.name)
            + " "
            + _("You are signed in with another organisation; switch to see its jobs and watch this one.")
        )
        text = _("Switch to {organisation}").format(organisation=organisation.name)
        self.switch_button.setText(text)
        self.switch_button.setAccessibleName(text)
        self.show()

    def _switch(self) -> None:
        organisation = self._organisation
        if organisation is not None:
            self.hide()
            self._organisation = None
            self.switch_requested.emit(organisation)
