"""Settings → Appearance (ui/settings/appearance.py): the Light and Dark palettes really apply, "system" puts
the start-up look back, and every outcome badge keeps at least 4.5:1 contrast (WCAG AA) in both palettes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from pig_desktop.core.outcome import Outcome
from pig_desktop.ui.check.badge import AA_CONTRAST, badge_colours, contrast_ratio, is_dark
from pig_desktop.ui.settings.appearance import apply_appearance, dark_palette, light_palette

PALETTES = {"light": light_palette, "dark": dark_palette}


@pytest.mark.parametrize("name", PALETTES)
@pytest.mark.parametrize("outcome", [*Outcome, None])
def test_badge_text_contrast_in_both_palettes(name: str, outcome: Outcome | None) -> None:
    palette = PALETTES[name]()
    colours = badge_colours(outcome, palette)
    ratio = contrast_ratio(colours.text, colours.background)
    assert ratio >= AA_CONTRAST, f"{name} {outcome}: {ratio:.2f}:1"


@pytest.mark.parametrize("name", PALETTES)
def test_window_text_contrast_in_both_palettes(name: str) -> None:
    palette = PALETTES[name]()
    for text, background in (
        (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
        (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
        (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
        (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
        (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
    ):
        assert contrast_ratio(palette.color(text), palette.color(background)) >= AA_CONTRAST, (name, text)
    assert is_dark(palette) is (name == "dark")


def test_apply_switches_and_system_restores(qapp: QApplication) -> None:
    before_style = qapp.style().name()
    before_window = QColor(qapp.palette().color(QPalette.ColorRole.Window))
    try:
        assert apply_appearance(qapp, "dark") == "dark"
        assert qapp.style().name().lower() == "fusion"
        assert is_dark(qapp.palette())
        assert apply_appearance(qapp, "light") == "light"
        assert not is_dark(qapp.palette())
        assert qapp.palette().color(QPalette.ColorRole.Window) == QColor("#f3f3f3")
        assert apply_appearance(qapp, "no-such-look") == "system"
        assert qapp.style().name() == before_style
        assert qapp.palette().color(QPalette.ColorRole.Window) == before_window
    finally:
        apply_appearance(qapp, "system")
