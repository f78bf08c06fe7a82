"""OutcomeBadge: colour + icon + word for every outcome, readable (WCAG AA) in light and dark palettes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette

from pig_desktop.core.outcome import Outcome, error_report
from pig_desktop.ui.check.badge import OutcomeBadge, badge_colours, contrast_ratio
from pig_desktop.ui.system.icons import outcome_icon


def palette(window: str, text: str) -> QPalette:
    pal = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.Base, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Mid, "#808080"),
    ):
        pal.setColor(role, QColor(colour))
    return pal


PALETTES = {
    "light": palette("#f5f5f5", "#1b1b1b"),
    "white": palette("#ffffff", "#000000"),
    "dark": palette("#2b2b2b", "#eeeeee"),
    "black": palette("#121212", "#ffffff"),
}
WORDS = {
    Outcome.PROCESSED: "Processed",
    Outcome.FAILED: "Failed",
    Outcome.RUNNING: "In progress",
    Outcome.NOT_FOUND: "Job not found",
    Outcome.AUTH_ERROR: "Sign-in problem",
    Outcome.ERROR: "Can't reach CINX",
}


def test_contrast_ratio_reference_values() -> None:
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#ffffff"), QColor("#ffffff")) == pytest.approx(1.0)


@pytest.mark.parametrize("pal_name", sorted(PALETTES))
@pytest.mark.parametrize("outcome", [*Outcome, None], ids=lambda o: str(o) if o else "checking")
def test_text_meets_wcag_aa(outcome: Outcome | None, pal_name: str) -> None:
    colours = badge_colours(outcome, PALETTES[pal_name])
    assert contrast_ratio(colours.text, colours.background) >= 4.5


@pytest.mark.parametrize("pal_name", ["light", "dark"])
def test_outcomes_have_distinct_colours(pal_name: str) -> None:
    backgrounds = {badge_colours(o, PALETTES[pal_name]).background.name() for o in Outcome}
    assert len(backgrounds) == len(Outcome)


@pytest.mark.parametrize("pal_name", ["light", "dark"])
@pytest.mark.parametrize("outcome", list(Outcome), ids=str)
def test_badge_paints_its_colour_word_and_icon(qtbot, outcome: Outcome, pal_name: str) -> None:
    badge = OutcomeBadge()
    qtbot.addWidget(badge)
    badge.setPalette(PALETTES[pal_name])
    badge.set_report(
        error_report("j", "A plain sentence.", "", transient=False).with_context(outcome=outcome)
    )
    assert badge.objectName() == "outcomeBadge"
    assert badge.text() == WORDS[outcome]
    assert badge.accessibleName() == f"Outcome: {WORDS[outcome]}"
    assert badge.accessibleDescription() == "A plain sentence."
    assert not outcome_icon(outcome).isNull()
    hint = badge.sizeHint()
    assert hint.width() > badge.fontMetrics().horizontalAdvance(WORDS[outcome]) + 16  # room for the icon
    badge.resize(hint)
    image = badge.grab().toImage()
    # Just inside the right end of the pill, where neither the icon nor the word is drawn.
    sample = image.pixelColor(QPoint(image.width() - 8, image.height() // 2))
    expected = badge.colours().background
    assert abs(sample.red() - expected.red()) <= 3
    assert abs(sample.green() - expected.green()) <= 3
    assert abs(sample.blue() - expected.blue()) <= 3


def test_checking_and_clear(qtbot) -> None:
    badge = OutcomeBadge()
    qtbot.addWidget(badge)
    assert badge.sizeHint().isEmpty()
    badge.set_checking("")
    assert badge.checking and badge.text() == "Checking…" and badge.outcome is None
    assert badge.accessibleName() == "Outcome: Checking…"
    badge.set_outcome(Outcome.PROCESSED)
    assert not badge.checking
    badge.clear()
    assert badge.text() == "" and badge.accessibleName() == "Outcome: none yet"
    badge.set_report(None)
    assert badge.outcome is None
