"""Qt properties set by their text, for the widgets and actions of the window's first frame.

PySide6 creates the Python enums of its ``Qt`` namespace, all ~90 of them (~11 ms), the first time anything
touches ``Qt``, or calls an overload that might take one of them: ``QSplitter(parent)`` (which could be
``QSplitter(Qt.Orientation)``), or any ``QKeySequence(...)`` built in Python. The bare window the start-up
benchmark compares against never pays that. So the first frame sets its few alignments, flags and shortcuts
through Qt's property system by their text, and passes parents by keyword where an overload could take an
enum; the rest of the app uses ``Qt`` as usual, once the window is on screen.
``tests/ui/shell/test_window_main.py`` checks that ``Qt`` does not exist yet at the first paint.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

__all__ = ["set_by_name"]


def set_by_name(obj: QObject, name: str, text: str) -> None:
    """``obj.setProperty(name, text)`` for an enum, flags or key-sequence property, e.g.
    ``("alignment", "AlignRight|AlignVCenter")`` or ``("shortcut", "Ctrl+L")``. Raises ValueError if Qt did
    not take it (a typo in a key or a property name), instead of silently adding a dynamic property."""
    if not obj.setProperty(name, text):
        raise ValueError(f"{type(obj).__name__} did not take {text!r} for its property {name!r}")
