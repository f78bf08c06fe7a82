"""An inline banner above the content: errors, one-time notices and small offers, never a modal dialog.

A :class:`Banner` is a QFrame with an icon, a word-wrapped plain message, optional action buttons, "Copy
details" (only when there is a technical detail) and a close button. Messages queue: closing one shows the
next, so two start-up notices (a damaged history file and a damaged settings file) are both seen. The
technical detail is never shown on screen; "Copy details" puts it on the clipboard, redacted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from pig_desktop.i18n import _
from pig_desktop.ui.system.qt_startup import set_by_name

KIND_ERROR = "error"
KIND_WARNING = "warning"
KIND_INFO = "info"

# (light background, light border, dark background, dark border)
_COLOURS = {
    KIND_ERROR: ("#fdecea", "#e0a19b", "#4a2321", "#8c4a45"),
    KIND_WARNING: ("#fff6e0", "#e3c27a", "#4a3b18", "#8c7434"),
    KIND_INFO: ("#e8f1fb", "#9dbde3", "#1f3247", "#45688f"),
}


@dataclass(frozen=True)
class BannerMessage:
    kind: str
    text: str
    detail: str = ""
    actions: tuple[tuple[str, Callable[[], None]], ...] = field(default=(), compare=False)
    key: str = ""  # messages with the same non-empty key replace each other instead of queueing


class Banner(QFrame):
    """The inline message bar. Hidden while it has nothing to say."""

    closed = Signal()
    #: The message on screen has other buttons now: the window puts them in its Tab order.
    buttons_changed = Signal()

    def __init__(self, parent: QWidget | None = None, object_name: str = "banner") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("Message"))
        self._queue: list[BannerMessage] = []
        self._current: BannerMessage | None = None

        self._icon = QLabel(self)
        self._icon.setObjectName(f"{object_name}Icon")
        # Enums by name: the window builds two banners, hidden, before its first paint (docs/architecture.md).
        set_by_name(self._icon, "alignment", "AlignTop|AlignHCenter")
        self._text = QLabel(self)
        self._text.setObjectName(f"{object_name}Text")
        self._text.setWordWrap(True)
        set_by_name(self._text, "textFormat", "PlainText")
        set_by_name(self._text, "textInteractionFlags", "TextSelectableByMouse")
        # Not a Tab stop: the banner itself is the alert a screen reader reads, with the text as its name.
        set_by_name(self._text, "focusPolicy", "NoFocus")
        self._text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        self._actions = QHBoxLayout()
        self._actions.setSpacing(6)
        self._copy = QPushButton(self)  # the text apart: see ui/system/widgets.make_button
        self._copy.setText(_("Copy details"))
        self._copy.setObjectName(f"{object_name}CopyDetails")
        self._copy.setAccessibleName(_("Copy details of this message"))
        self._copy.clicked.connect(self.copy_details)
        self._close = QToolButton(self)
        self._close.setObjectName(f"{object_name}Close")
        self._close.setAutoRaise(True)
        # Its icon is set when a message is first shown (_present): QStyle's Python enums cost ~4 ms to
        # create, and the window builds two banners, hidden, before its first paint.
        self._close.setToolTip(_("Close this message"))
        self._close.setAccessibleName(_("Close message"))
        self._close.clicked.connect(self.dismiss)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 6, 8)
        layout.setSpacing(10)
        layout.addWidget(self._icon)
        layout.addWidget(self._text, 1)
        layout.addLayout(self._actions)
        layout.addWidget(self._copy)
        layout.addWidget(self._close)
        self._layout = layout  # its alignments are set when a message is first shown (_present)
        self.hide()

    # -- API ---------------------------------------------------------------------------------------------

    def show_error(self, text: str, detail: str = "", key: str = "") -> None:
        self.show_message(BannerMessage(KIND_ERROR, text, detail, key=key))

    def show_notice(self, text: str, detail: str = "", key: str = "", kind: str = KIND_WARNING) -> None:
        self.show_message(BannerMessage(kind, text, detail, key=key))

    def show_offer(self, text: str, actions: list[tuple[str, Callable[[], None]]], key: str = "") -> None:
        """A small question with buttons (e.g. "Check job 97b9…?" [Check] [Dismiss]); replaces any offer."""
        self._queue.clear()
        self._current = None
        self.show_message(BannerMessage(KIND_INFO, text, "", tuple(actions), key=key))

    def show_message(self, message: BannerMessage) -> None:
        if message.key:
            if self._current is not None and self._current.key == message.key:
                self._current = None
            self._queue = [m for m in self._queue if m.key != message.key]
        if self._current is None:
            self._present(message)
        elif message != self._current and message not in self._queue:
            self._queue.append(message)

    def text(self) -> str:
        """The message on screen ("" when hidden)."""
        return self._current.text if self._current is not None else ""

    def detail(self) -> str:
        return self._current.detail if self._current is not None else ""

    def kind(self) -> str:
        return self._current.kind if self._current is not None else ""

    def pending(self) -> int:
        """Messages waiting behind the one on screen."""
        return len(self._queue)

    def messages(self) -> list[str]:
        """The text on screen and every queued text (for tests and the log)."""
        current = [self._current.text] if self._current is not None else []
        return current + [m.text for m in self._queue]

    def action_buttons(self) -> list[QPushButton]:
        buttons: list[QPushButton] = []
        for i in range(self._actions.count()):
            item = self._actions.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton):
                buttons.append(widget)
        return buttons

    def copy_details(self) -> None:
        """Message and technical detail to the clipboard, as plain text, with secrets removed."""
        from pig_desktop.store.logsetup import redact

        if self._current is None:
            return
        text = self._current.text
        if self._current.detail:
            text += "\n\n" + self._current.detail
        QGuiApplication.clipboard().setText(redact(text))

    def dismiss(self) -> None:
        """Close the message on screen and show the next one, if any."""
        self._current = None
        if self._queue:
            self._present(self._queue.pop(0))
        else:
            self.hide()
            self.closed.emit()

    def withdraw(self, key: str) -> None:
        """Take back the message with ``key`` (on screen or queued), e.g. a problem that has ended."""
        self._queue = [m for m in self._queue if m.key != key]
        if self._current is not None and self._current.key == key:
            self.dismiss()

    def clear(self) -> None:
        self._queue.clear()
        self._current = None
        self.hide()

    # -- internals ---------------------------------------------------------------------------------------

    def _present(self, message: BannerMessage) -> None:
        from PySide6.QtGui import QAccessible
        from PySide6.QtWidgets import QStyle

        from pig_desktop.ui.system.accessibility import announce, give_role

        give_role(Banner, QAccessible.Role.AlertMessage)
        Qt = QtCore.Qt
        if self._close.icon().isNull():
            self._close.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
            self._layout.setAlignment(self._icon, Qt.AlignmentFlag.AlignTop)
            self._layout.setAlignment(self._copy, Qt.AlignmentFlag.AlignVCenter)
            self._layout.setAlignment(self._close, Qt.AlignmentFlag.AlignTop)
        self._current = message
        self._text.setText(message.text)
        self._copy.setVisible(bool(message.detail))
        pixmap = {
            KIND_ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
            KIND_WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
        }.get(message.kind, QStyle.StandardPixmap.SP_MessageBoxInformation)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self._icon.setPixmap(self.style().standardIcon(pixmap).pixmap(size, size))
        while self._actions.count():
            item = self._actions.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # out of the focus chain now, not only once deleted
                widget.deleteLater()
        for label, callback in message.actions:
            button = QPushButton(label, self)
            button.setAccessibleName(label)
            # Offers must not steal focus from the job field.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, cb=callback: cb())
            self._actions.addWidget(button)
        # Reading order inside the banner: its actions, then Copy details, then close.
        order = [*self.action_buttons(), self._copy, self._close]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._apply_colours(message.kind)
        self.setAccessibleName(message.text)
        # The technical detail stays behind "Copy details", never read out.
        self.setAccessibleDescription("")
        self.show()
        self.buttons_changed.emit()
        announce(self)

    def _apply_colours(self, kind: str) -> None:
        light_bg, light_border, dark_bg, dark_border = _COLOURS.get(kind, _COLOURS[KIND_INFO])
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        bg, border = (dark_bg, dark_border) if dark else (light_bg, light_border)
        name = self.objectName()
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {bg}; border: 1px solid {border}; border-radius: 6px; }}"
            f" QFrame#{name} QLabel {{ background: transparent; border: none; }}"
        )
