"""The band at the top of the main window: logo, name and subtitle on the left; who is signed in where, and
the account buttons (Sign in, Switch organisation, Sign out), on the right.

Part of the window's first frame, so it touches none of ``Qt``'s enums (docs/architecture.md).
"""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pig_desktop import APP_DISPLAY_NAME
from pig_desktop.i18n import _
from pig_desktop.ui.system.icons import HEADER_LOGO_SIZE, header_logo
from pig_desktop.ui.system.plain_text import plain_tooltip
from pig_desktop.ui.system.qt_startup import set_by_name

__all__ = ["AppHeader", "ElidedLabel"]


class ElidedLabel(QLabel):
    """A one-line label that shows "…" instead of clipping when there is not enough room."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        if metrics.horizontalAdvance(self.text()) <= rect.width():
            super().paintEvent(event)  # it fits (as in the first frame, which need not touch Qt's enums)
            return
        from PySide6.QtGui import QPainter  # not in the first frame (docs/architecture.md)

        Qt = QtCore.Qt
        text = metrics.elidedText(self.text(), Qt.TextElideMode.ElideMiddle, rect.width())
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()) | int(Qt.AlignmentFlag.AlignVCenter), text)


class AppHeader(QFrame):
    """See the module docstring. The window decides what the account buttons do (the signals)."""

    sign_in_requested = Signal()
    switch_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 12, 10)
        layout.setSpacing(10)
        logo = QLabel(self)
        logo.setFixedSize(HEADER_LOGO_SIZE, HEADER_LOGO_SIZE)
        logo.setScaledContents(True)  # smoothly, at the ratio of the screen it is on
        logo.setPixmap(header_logo(self.devicePixelRatioF()))
        logo.setAccessibleName(_("PIG Desktop logo"))
        title = QLabel(APP_DISPLAY_NAME, self)
        title.setObjectName("appTitle")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(_("CINX job status"), self)
        subtitle.setObjectName("appSubtitle")
        subtitle.setEnabled(False)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(title)
        titles.addWidget(subtitle)

        self.account_label = ElidedLabel("", self)
        self.account_label.setObjectName("accountLabel")
        # The organisation's name comes from the server: text, never markup (it rendered <font> and <u>).
        set_by_name(self.account_label, "textFormat", "PlainText")
        set_by_name(self.account_label, "alignment", "AlignRight|AlignVCenter")
        self.account_label.setAccessibleName(_("Signed in as"))
        self.sign_in_button = QPushButton(self)  # the text apart: see ui/system/widgets.make_button
        self.sign_in_button.setText(_("Sign in\u2026"))
        self.sign_in_button.setObjectName("headerSignInButton")
        self.sign_in_button.setAccessibleName(_("Sign in"))
        self.sign_in_button.clicked.connect(self.sign_in_requested.emit)
        self.switch_button = self._link_button(
            "switchOrganisationButton", _("Switch organisation\u2026"), _("Switch organisation")
        )
        self.switch_button.clicked.connect(self.switch_requested.emit)
        self.sign_out_button = self._link_button("signOutButton", _("Sign out"), _("Sign out"))
        self.sign_out_button.clicked.connect(self.sign_out_requested.emit)

        layout.addWidget(logo)
        layout.addLayout(titles)
        layout.addSpacing(24)
        layout.addWidget(self.account_label, 1)
        layout.addWidget(self.switch_button)
        layout.addWidget(self.sign_out_button)
        layout.addWidget(self.sign_in_button)
        self._shade()

    def show_account(self, signed_in_as: str | None, can_switch: bool) -> None:
        """``signed_in_as``: "email · organisation · server", or None when nobody is signed in."""
        if signed_in_as is not None:
            self.account_label.setText(signed_in_as)
            self.account_label.setToolTip(
                plain_tooltip(_("Signed in as {account}").format(account=signed_in_as))
            )
            self.account_label.setAccessibleDescription(signed_in_as)
        else:
            self.account_label.setText(_("Not signed in"))
            self.account_label.setToolTip(_("Sign in to check jobs"))
            self.account_label.setAccessibleDescription(_("Not signed in"))
        signed_in = signed_in_as is not None
        self.sign_in_button.setVisible(not signed_in)
        self.switch_button.setVisible(signed_in and can_switch)
        self.sign_out_button.setVisible(signed_in)

    def _link_button(self, name: str, text: str, accessible_name: str) -> QToolButton:
        """A flat button that reads like a link in the header band."""
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setAccessibleName(accessible_name)
        button.setAutoRaise(True)
        return button

    def _shade(self) -> None:
        palette = self.palette()
        base = palette.color(palette.ColorRole.Window)
        # A slightly different shade from the window: a calm band, readable in light and dark palettes.
        shade = base.darker(106) if base.lightness() >= 128 else base.lighter(125)
        palette.setColor(palette.ColorRole.Window, shade)
        self.setPalette(palette)
