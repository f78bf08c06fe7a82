"""Settings → Appearance: follow the system, or a Light or Dark look (Qt's Fusion style with its own palette).

Self-contained: :func:`apply_appearance` is all the settings dialog and the start-up need. "system" puts back
the style and palette the application started with (the desktop's), so switching back and forth never drifts.
The outcome badges compute their colours from the current palette on every paint (ui/badge.py), and keep
at least 4.5:1 contrast in both palettes here (tests/ui/test_appearance.py measures it).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from ...i18n import N_

CHOICES: tuple[str, ...] = ("system", "light", "dark")
# How each choice is shown in Settings (translate with pig_desktop.i18n._ where shown).
CHOICE_LABELS: dict[str, str] = {"system": N_("System"), "light": N_("Light"), "dark": N_("Dark")}

_ORIGINAL_STYLE = "_pig_original_style"
_ORIGINAL_PALETTE = "_pig_original_palette"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


def _palette(colours: dict[QPalette.ColorRole, str], disabled_text: str) -> QPalette:
    palette = QPalette()
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(Group.Disabled, role, QColor(disabled_text))
    return palette


def light_palette() -> QPalette:
    return _palette(
        {
            Role.Window: "#f3f3f3",
            Role.WindowText: "#1a1a1a",
            Role.Base: "#ffffff",
            Role.AlternateBase: "#f0f0f0",
            Role.ToolTipBase: "#ffffdc",
            Role.ToolTipText: "#1a1a1a",
            Role.PlaceholderText: "#6b6b6b",
            Role.Text: "#1a1a1a",
            Role.Button: "#e8e8e8",
            Role.ButtonText: "#1a1a1a",
            Role.BrightText: "#ffffff",
            Role.Light: "#ffffff",
            Role.Midlight: "#e3e3e3",
            Role.Mid: "#a0a0a0",
            Role.Dark: "#7a7a7a",
            Role.Shadow: "#404040",
            Role.Highlight: "#2462c9",
            Role.HighlightedText: "#ffffff",
            Role.Link: "#1a56b8",
            Role.LinkVisited: "#6b3fa0",
        },
        disabled_text="#8a8a8a",
    )


def dark_palette() -> QPalette:
    return _palette(
        {
            Role.Window: "#1f1f1f",
            Role.WindowText: "#e8e8e8",
            Role.Base: "#141414",
            Role.AlternateBase: "#262626",
            Role.ToolTipBase: "#2b2b2b",
            Role.ToolTipText: "#e8e8e8",
            Role.PlaceholderText: "#9a9a9a",
            Role.Text: "#e8e8e8",
            Role.Button: "#2d2d2d",
            Role.ButtonText: "#e8e8e8",
            Role.BrightText: "#ffffff",
            Role.Light: "#3a3a3a",
            Role.Midlight: "#333333",
            Role.Mid: "#5a5a5a",
            Role.Dark: "#151515",
            Role.Shadow: "#000000",
            Role.Highlight: "#4d8df0",
            Role.HighlightedText: "#0b0b0b",
            Role.Link: "#8ab4f8",
            Role.LinkVisited: "#c58af9",
        },
        disabled_text="#7c7c7c",
    )


def apply_appearance(app: QApplication, choice: str) -> str:
    """Apply "system", "light" or "dark" to ``app`` now (an unknown choice means "system"); returns it."""
    if app.property(_ORIGINAL_STYLE) is None:
        app.setProperty(_ORIGINAL_STYLE, app.style().name())
        app.setProperty(_ORIGINAL_PALETTE, QPalette(app.palette()))
    choice = choice if choice in CHOICES else "system"
    if choice == "system":
        style = QStyleFactory.create(str(app.property(_ORIGINAL_STYLE)))
        if style is not None:
            app.setStyle(style)
        original = app.property(_ORIGINAL_PALETTE)
        app.setPalette(original if isinstance(original, QPalette) else app.style().standardPalette())
        return choice
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    app.setPalette(dark_palette() if choice == "dark" else light_palette())
    return choice
