"""The outcome badge: a rounded pill with the outcome's colour, icon and word together.

Colour alone must never carry the meaning (colour-blind users, grey-scale printouts of screenshots), so the
word is always there. The pill is a tint of the outcome colour over the window background, with a border in
the full colour; the text colour is picked by contrast against the pill so it meets WCAG AA (4.5:1) in light
and dark palettes alike. The colours are recomputed from the current palette on every paint, so a theme switch
at run time is followed.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.i18n import _
from pig_desktop.ui.system.icons import outcome_icon
from pig_desktop.ui.system.plain_text import plain_tooltip

# The outcome's identity colour (also used in the icons): green, red, amber, grey, orange, dark red-grey.
OUTCOME_COLOURS: dict[Outcome, str] = {
    Outcome.PROCESSED: "#1e8e3e",
    Outcome.FAILED: "#d93025",
    Outcome.RUNNING: "#f9ab00",
    Outcome.NOT_FOUND: "#80868b",
    Outcome.AUTH_ERROR: "#e8710a",
    Outcome.ERROR: "#8c3b3b",
}
AA_CONTRAST = 4.5


def relative_luminance(colour: QColor) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG contrast ratio between two colours, from 1.0 to 21.0."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(palette: QPalette) -> bool:
    return relative_luminance(palette.color(QPalette.ColorRole.Window)) < 0.2


def _mix(colour: QColor, other: QColor, amount: float) -> QColor:
    """``amount`` of ``colour`` over ``other`` (0 = other, 1 = colour)."""
    keep = 1.0 - amount
    return QColor.fromRgbF(
        colour.redF() * amount + other.redF() * keep,
        colour.greenF() * amount + other.greenF() * keep,
        colour.blueF() * amount + other.blueF() * keep,
    )


def readable_text(background: QColor, preferred: QColor) -> QColor:
    """``preferred`` if it meets AA against ``background``; else a shade of it that does; else black/white."""
    if contrast_ratio(preferred, background) >= AA_CONTRAST:
        return preferred
    towards = QColor("#000000") if relative_luminance(background) > 0.18 else QColor("#ffffff")
    for step in range(1, 11):
        shade = _mix(towards, preferred, step / 10)
        if contrast_ratio(shade, background) >= AA_CONTRAST:
            return shade
    return towards


@dataclass(frozen=True)
class BadgeColours:
    background: QColor
    border: QColor
    text: QColor


def badge_colours(outcome: Outcome | None, palette: QPalette) -> BadgeColours:
    """The pill colours of an outcome (``None``: the neutral "Checking…" state) in ``palette``."""
    window = palette.color(QPalette.ColorRole.Window)
    dark = is_dark(palette)
    if outcome is None:
        background = _mix(palette.color(QPalette.ColorRole.WindowText), window, 0.08)
        border = palette.color(QPalette.ColorRole.Mid)
        preferred = palette.color(QPalette.ColorRole.WindowText)
    else:
        accent = QColor(OUTCOME_COLOURS[outcome])
        # A stronger tint on dark windows: a faint one would read as plain grey there.
        background = _mix(accent, window, 0.30 if dark else 0.14)
        border = accent.lighter(130) if dark else accent
        # The word in a deep (light palette) or pale (dark palette) shade of the outcome colour.
        preferred = _mix(accent, QColor("#ffffff"), 0.25) if dark else _mix(accent, QColor("#000000"), 0.55)
    return BadgeColours(background, border, readable_text(background, preferred))


class BadgeWord(str):
    """The badge's word. Callable as well: the badge is a QLabel (``text()``) and, since the first release,
    is read as the property ``badge.text``; either spelling gives the same word."""

    def __call__(self) -> str:
        return str(self)


class OutcomeBadge(QLabel):
    """Outcome colour + icon + word in a pill. Empty (and zero-width) until a report or "Checking…" is set.

    A QLabel that paints itself: screen readers get a label named "Outcome: Processed" (a plain QWidget
    reaches AT-SPI as a nameless "filler"). ``text()`` is the outcome word."""

    ICON_SIZE = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeBadge")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._outcome: Outcome | None = None
        self._text = ""
        self._checking = False
        font = QFont(self.font())
        font.setBold(True)
        self.setFont(font)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._update_accessible("")

    # --- state ---

    @property
    def outcome(self) -> Outcome | None:
        return self._outcome

    @property  # QLabel.text() stays callable: see BadgeWord
    def text(self) -> BadgeWord:
        return BadgeWord(self._text)

    @property
    def checking(self) -> bool:
        return self._checking

    def label_for(self, outcome: Outcome) -> str:
        labels = {
            Outcome.PROCESSED: _("Processed"),
            Outcome.FAILED: _("Failed"),
            Outcome.RUNNING: _("In progress"),
            Outcome.NOT_FOUND: _("Job not found"),
            Outcome.AUTH_ERROR: _("Sign-in problem"),
            Outcome.ERROR: _("Can't reach CINX"),
        }
        return labels[outcome]

    def set_report(self, report: StatusReport | None) -> None:
        if report is None:
            self.clear()
            return
        self.set_outcome(report.outcome, report.message)

    def set_outcome(self, outcome: Outcome, message: str = "") -> None:
        self._outcome = outcome
        self._checking = False
        self._text = self.label_for(outcome)
        self._update_accessible(message)
        self._changed()

    def set_checking(self, text: str = "") -> None:
        """The neutral state while a check runs."""
        self._outcome = None
        self._checking = True
        self._text = text or _("Checking…")
        self._update_accessible("")
        self._changed()

    def clear(self) -> None:
        self._outcome = None
        self._checking = False
        self._text = ""
        self._update_accessible("")
        self._changed()

    def colours(self) -> BadgeColours:
        return badge_colours(self._outcome, self.palette())

    def _update_accessible(self, message: str) -> None:
        if self._text:
            self.setAccessibleName(_("Outcome: {outcome}").format(outcome=self._text))
        else:
            self.setAccessibleName(_("Outcome: none yet"))
        self.setAccessibleDescription(message)
        self.setToolTip(plain_tooltip(message))

    def _changed(self) -> None:
        self.setText(self._text)  # QLabel's text: the word, also what text() returns
        self.updateGeometry()
        self.update()

    # --- geometry and painting ---

    def _metrics(self) -> tuple[int, int, int]:
        """(horizontal padding, vertical padding, gap between icon and word), scaled with the font."""
        em = QFontMetrics(self.font()).height()
        return max(8, em * 2 // 3), max(3, em // 4), max(5, em // 3)

    def _has_icon(self) -> bool:
        return self._outcome is not None and not outcome_icon(self._outcome).isNull()

    def sizeHint(self) -> QSize:
        if not self._text:
            return QSize(0, 0)
        metrics = QFontMetrics(self.font())
        pad_x, pad_y, gap = self._metrics()
        icon = max(self.ICON_SIZE, metrics.height()) if self._has_icon() else 0
        width = pad_x * 2 + metrics.horizontalAdvance(self._text) + (icon + gap if icon else 0)
        height = pad_y * 2 + max(metrics.height(), icon)
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._text:
            return
        colours = self.colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.75, 0.75, -0.75, -0.75)
        radius = rect.height() / 2
        painter.setPen(QPen(colours.border, 1.5))
        painter.setBrush(colours.background)
        painter.drawRoundedRect(rect, radius, radius)

        pad_x, _pad_y, gap = self._metrics()
        metrics = QFontMetrics(self.font())
        x = pad_x
        if self._has_icon() and self._outcome is not None:
            size = max(self.ICON_SIZE, metrics.height())
            top = (self.height() - size) // 2
            outcome_icon(self._outcome).paint(painter, x, top, size, size)
            x += size + gap
        painter.setPen(colours.text)
        text_rect = self.rect().adjusted(x, 0, -pad_x + 1, 0)
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), self._text
        )
        painter.end()
