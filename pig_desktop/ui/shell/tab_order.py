"""The window's keyboard order: Tab walks every panel, in the order a person reads the window.

The documented order (docs/accessibility.md), wrapping round at the end:

1. the header (account: sign in, switch organisation, sign out),
2. the message banners (their buttons, while one is shown),
3. the job row: job field → Check → Watch until finished → Cancel,
4. the result pane: the details tree → Raw JSON → Show all → Copy for ticket → Copy JSON → Save as…,
5. the recent checks (history): filter → list → its buttons,
6. the extra panels below (the watch list), top to bottom.

The result comes right after the job row (it is what a check produces: after Enter, one Tab reaches it),
then the history beside it, then what lies below both. The focus starts in the job field, so Shift+Tab from
there reaches the banners and the header, which sit above it.

Each part keeps its own inner order (the widgets' own ``setTabOrder`` calls); :func:`apply_tab_order` chains
the parts and is called again whenever a panel is placed (the result pane and the history arrive after the
first paint, the watch list when watching starts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

__all__ = ["apply_tab_order", "focus_chain_within"]


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)


def focus_chain_within(region: QWidget, window: QWidget) -> list[QWidget]:
    """The widgets inside ``region`` (itself included) that Tab can reach, in the window's current chain."""
    found: list[QWidget] = []
    seen: set[int] = set()
    widget = window.nextInFocusChain()
    while widget is not None and id(widget) not in seen and widget is not window:
        seen.add(id(widget))
        if (widget is region or region.isAncestorOf(widget)) and _takes_tab(widget):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def apply_tab_order(window: QWidget, parts: Sequence[QWidget | Iterable[QWidget]]) -> list[QWidget]:
    """Chain ``parts`` in this order; a part is a region (its reachable widgets in their own order) or an
    explicit list of widgets. Returns the whole order (for tests and the record)."""
    order: list[QWidget] = []
    for part in parts:
        widgets = focus_chain_within(part, window) if isinstance(part, QWidget) else list(part)
        order.extend(w for w in widgets if w not in order)
    for first, second in zip(order, order[1:], strict=False):
        QWidget.setTabOrder(first, second)
    return order
