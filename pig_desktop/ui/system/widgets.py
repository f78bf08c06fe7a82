"""Small helpers for building widgets the same way everywhere."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

__all__ = ["make_button"]


def make_button(
    parent: QWidget,
    text: str,
    object_name: str,
    accessible_name: str,
    slot: Callable[[], object],
    tooltip: str = "",
) -> QPushButton:
    """A push button with its screen-reader id and name, its tooltip and what a click does."""
    # Not QPushButton(text, parent): telling that call from QPushButton(icon, text) makes QIcon's binding,
    # which the first frame does without (docs/architecture.md).
    button = QPushButton(parent)
    button.setText(text)
    button.setObjectName(object_name)
    button.setAccessibleName(accessible_name)
    if tooltip:
        button.setToolTip(tooltip)
    button.clicked.connect(lambda _checked=False: slot())
    return button
