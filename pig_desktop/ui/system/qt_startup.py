"""The Qt start-up tweaks, in one place: what keeps the first frame quick and the process small.

The rules they serve ("what the first frame may import") are written once, in docs/architecture.md, and
enforced by ``tests/ui/shell/test_window_main.py``. Three tweaks:

- :func:`set_by_name`: PySide6 creates the Python enums of its ``Qt`` namespace, all of them, the first time
  anything touches ``Qt`` or calls an overload that might take one (``QSplitter(parent)`` could be
  ``QSplitter(Qt.Orientation)``; any ``QKeySequence(...)`` built in Python). The first frame sets its few
  alignments, flags and shortcuts through Qt's property system by their text, and passes parents by keyword.
- :func:`stop_pyside_source_caching`: once PySide6 is loaded, shiboken checks each newly imported module for
  the word "PySide6" with ``inspect.getsource``, and that leaves every module's whole source in
  ``linecache`` for the life of the process. The replacement answers from the file's bytes and keeps nothing.
  ``tests/ui/system/test_memory_fixes.py`` has a control that fails once PySide6 stops doing this.

- The item roles as plain ints (:data:`DISPLAY_ROLE` ...): the watch models are made at a start in the tray,
  where no view asks them for anything, and their roles would otherwise create the ``Qt`` namespace there
  (all its enum members, held for the life of the process; figures in docs/performance.md, "Hidden start").

:func:`prepare_qt_start` is the one call (from ``pig_desktop.app``, right after PySide6 is imported). The
source-cache fix reaches into PySide6's internals, so it is applied only to the PySide6 versions it was
checked against (:data:`CHECKED_PYSIDE`); on another version the app starts without it and logs that.
"""

from __future__ import annotations

import linecache
import logging
import sys
from types import ModuleType
from typing import Any, Final

from PySide6.QtCore import QObject

log = logging.getLogger(__name__)

__all__ = [
    "ACCESSIBLE_TEXT_ROLE",
    "CHECKED_PYSIDE",
    "DECORATION_ROLE",
    "DISPLAY_ROLE",
    "FONT_ROLE",
    "TOOLTIP_ROLE",
    "USER_ROLE",
    "prepare_qt_start",
    "set_by_name",
    "stop_pyside_source_caching",
]

# Qt::ItemDataRole's values, fixed by Qt since Qt 4. They compare equal to PySide6's members (an IntEnum), so
# a view or a test may pass either; tests/ui/system/test_qt_startup.py checks each against Qt's.
DISPLAY_ROLE: Final = 0
DECORATION_ROLE: Final = 1
TOOLTIP_ROLE: Final = 3
FONT_ROLE: Final = 6
ACCESSIBLE_TEXT_ROLE: Final = 11
USER_ROLE: Final = 256

#: The PySide6 releases (major, minor), first and last, that the source-cache fix was checked against.
CHECKED_PYSIDE: tuple[tuple[int, int], tuple[int, int]] = ((6, 5), (6, 11))

# Set on the replacement so a second call (another import path, a test) does not wrap it twice.
_MARK = "_pig_desktop_no_source_cache"


def pyside_version() -> tuple[int, int]:
    import PySide6

    major, minor = PySide6.__version_info__[:2]
    return int(major), int(minor)


def prepare_qt_start() -> bool:
    """Apply the start-up tweaks that need a call; True when the source-cache fix is in place."""
    version = pyside_version()
    low, high = CHECKED_PYSIDE
    if not low <= version <= high:
        log.info("PySide6 %d.%d: start-up memory fix not applied (checked for %s to %s)", *version, low, high)
        return False
    return stop_pyside_source_caching()


def set_by_name(obj: QObject, name: str, text: str) -> None:
    """``obj.setProperty(name, text)`` for an enum, flags or key-sequence property, e.g.
    ``("alignment", "AlignRight|AlignVCenter")`` or ``("shortcut", "Ctrl+L")``. Raises ValueError if Qt did
    not take it (a typo in a key or a property name), instead of silently adding a dynamic property."""
    if not obj.setProperty(name, text):
        raise ValueError(f"{type(obj).__name__} did not take {text!r} for its property {name!r}")


def stop_pyside_source_caching() -> bool:
    """Stop PySide6 from keeping the source text of every module imported after it (about 8 MB here).

    Once PySide6 is loaded, shiboken checks each newly imported module for the word "PySide6" (to decide
    whether its ``__feature__`` switches apply) with ``inspect.getsource``, and that leaves the module's whole
    source, split into lines, in ``linecache`` for the life of the process: for this app's ~170 later modules
    (httpx, ssl, sqlite3, email ...) that is the biggest single part of its Python memory. The replacement
    answers the same question from the file's bytes and keeps nothing; anything that is not a plain ``.py``
    file (built-in, extension, zip or bytecode-only modules) still goes to shiboken's own check. Source lines
    already cached for real files are dropped too: ``linecache`` reads them again from disk whenever a
    traceback needs them.

    Returns True if the check was replaced (now or before), False if this PySide6 has no such check (a
    later version may drop or rename it; then nothing changes and nothing breaks).
    """
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if not getattr(original, _MARK, False):

        def mod_uses_pyside(module: ModuleType) -> Any:
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str) and filename.endswith(".py"):
                try:
                    with open(filename, "rb") as source:
                        # Python source is in an ASCII-compatible encoding (PEP 263), so the bytes of
                        # "PySide6" are the same whatever the file's declared encoding.
                        return b"PySide6" in source.read()
                except OSError:
                    pass  # shiboken's own check decides, as before
            return original(module)

        setattr(mod_uses_pyside, _MARK, True)
        setattr(feature, "_mod_uses_pyside", mod_uses_pyside)  # noqa: B010  # not a typed attribute
    for filename, entry in list(linecache.cache.items()):
        # (size, mtime, lines, fullname); mtime None marks source that exists nowhere else (registered by
        # code generators): keep that.
        if len(entry) == 4 and entry[1] is not None:
            linecache.cache.pop(filename, None)
    return True
