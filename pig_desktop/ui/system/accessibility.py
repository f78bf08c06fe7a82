"""Accessible roles for the window's custom-painted widgets, and announcements for screen readers.

A plain ``QWidget`` (the outcome badge) or ``QFrame`` (the banners) reaches AT-SPI as a "filler": Orca
skips it or reads it as a grouping with no meaning. :func:`give_role` registers a widget class with the role
a screen reader should see (the badge a label named "Outcome: Processed", a banner an alert), through one
accessibility factory installed the first time it is needed. :func:`announce` raises an Alert event for a
banner that just appeared, so a screen reader says it without the user moving there.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QWidget

__all__ = ["announce", "give_role"]

_roles: dict[type[QWidget], QAccessible.Role] = {}
_installed = False


def _factory(_key: str, obj: QObject) -> QAccessibleInterface | None:
    if not isinstance(obj, QWidget):
        return None
    for cls, role in _roles.items():
        if isinstance(obj, cls):
            return QAccessibleWidget(obj, role)
    return None


def give_role(cls: type[QWidget], role: QAccessible.Role) -> None:
    """Widgets of ``cls`` (and its subclasses) reach screen readers with ``role``; their accessible name and
    description are the widget's own (``setAccessibleName``)."""
    global _installed
    _roles[cls] = role
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True


def announce(widget: QWidget) -> None:
    """Tell screen readers that ``widget`` (shown, with its accessible name set) is news: an Alert event."""
    if QAccessible.isActive():
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
