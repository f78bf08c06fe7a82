"""What a person would see as broken layout, for the screenshot children (tests/x11/test_scale.py,
test_screenshots.py): a button or label squeezed below the size its text needs."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget


def squeezed_widgets(window: QWidget) -> list[str]:
    """Every visible button or one-line label of ``window`` smaller than its text needs, described."""
    squeezed = []
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if not widget.isVisible() or not widget.text() or type(widget).__name__ == "ElidedLabel":
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            continue
        hint = widget.minimumSizeHint() if isinstance(widget, QLabel) else widget.sizeHint()
        if widget.width() < hint.width() - 1 or widget.height() < hint.height() - 1:
            squeezed.append(
                f"{type(widget).__name__}#{widget.objectName()} {widget.text()!r}: "
                f"{widget.width()}x{widget.height()} < {hint.width()}x{hint.height()}"
            )
    return squeezed
