"""A workaround for PySide6 keeping the source text of every module imported after it (~8 MB here).

Once PySide6 is loaded, shiboken checks each newly imported module for the word "PySide6" (to decide whether
its ``__feature__`` switches apply) with ``inspect.getsource``, and that leaves the module's whole source,
split into lines, in ``linecache`` for the life of the process (shiboken replaces ``__import__`` and calls
``_mod_uses_pyside`` for every module loaded from a ``.py`` file). The main window calls
:func:`stop_pyside_source_caching` first thing, before the network, history and keychain modules load.
``tests/ui/system/test_memory_fixes.py`` has a control that fails once PySide6 stops doing this.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType
from typing import Any

__all__ = ["stop_pyside_source_caching"]

# Set on the replacement so a second call (another import path, a test) does not wrap it twice.
_MARK = "_pig_desktop_no_source_cache"


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
