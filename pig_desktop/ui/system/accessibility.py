"""Accessible roles for the window's custom-painted widgets, and announcements for screen readers.

A plain ``QWidget`` (the outcome badge) or ``QFrame`` (the banners) reaches AT-SPI as a "filler": Orca
skips it or reads it as a grouping with no meaning. :func:`give_role` registers a widget class with the role
a screen reader should see (the badge a label named "Outcome: Processed", a banner an alert), through one
accessibility factory installed the first time it is needed. :func:`announce` raises an Alert event for a
banner that just appeared, so a screen reader says it without the user moving there.
:func:`release_widgets` deletes the widgets before the app object goes, for a clean exit with a screen
reader on.
"""

from __future__ import annotations

import atexit

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface, QFocusEvent
from PySide6.QtWidgets import QAbstractItemView, QAccessibleWidget, QApplication, QWidget

__all__ = ["FocusedRowOnlyWithFocus", "announce", "give_role", "release_widgets"]

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
        # Qt may still ask while the interpreter shuts down: from then on the factory makes nothing.
        atexit.register(_roles.clear)
        _installed = True


def announce(widget: QWidget) -> None:
    """Tell screen readers that ``widget`` (shown, with its accessible name set) is news: an Alert event."""
    if QAccessible.isActive():
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))


def release_widgets(app: QApplication) -> None:
    """Delete every top-level widget now, while the models and Python objects they show are alive.

    With accessibility on (a screen reader, or only the AT-SPI bus running), Qt keeps an accessible
    interface for every widget and view cell a screen reader could see. Those of widgets still alive when
    the QApplication is destroyed (at interpreter exit, after Python has freed their models) are freed by
    its destructor, and the process died there with SIGSEGV on every quit. Widgets deleted here take their
    interfaces with them, cleanly.
    """
    for widget in app.topLevelWidgets():
        widget.deleteLater()
    QApplication.sendPostedEvents(None, int(QEvent.Type.DeferredDelete.value))


class FocusedRowOnlyWithFocus(QObject):
    """Qt tells screen readers that a view's current row is "focused" even after the focus has moved on (to
    a button beside it), so Orca hears two focused things. This filter takes the current index away while
    the view has no focus and gives it back when the focus returns; the selection stays as it is.
    :meth:`current` is the row to act on either way (the buttons beside the view use it)."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._saved = QPersistentModelIndex()
        view.installEventFilter(self)

    def current(self) -> QModelIndex:
        index = self._view.currentIndex()
        if index.isValid() or not self._saved.isValid():
            return index
        model = self._view.model()
        return model.index(self._saved.row(), self._saved.column(), self._saved.parent())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        selection = self._view.selectionModel()
        if watched is self._view and selection is not None:
            if event.type() == QEvent.Type.FocusOut and isinstance(event, QFocusEvent):
                # A context menu acts on the current row: keep it while the menu is open.
                if event.reason() != Qt.FocusReason.PopupFocusReason and self._view.currentIndex().isValid():
                    self._saved = QPersistentModelIndex(self._view.currentIndex())
                    selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
            elif event.type() == QEvent.Type.FocusIn and self._saved.isValid():
                if not self._view.currentIndex().isValid():
                    selection.setCurrentIndex(self.current(), QItemSelectionModel.SelectionFlag.NoUpdate)
                self._saved = QPersistentModelIndex()
        return False
