"""PyInstaller entry script: start PIG Desktop's GUI (``pig_desktop.app:main``).

PyInstaller needs a script rather than an entry point. The import happens at run time only, so the spec
does not need ``pig_desktop.app`` to exist when it is read.
"""

from __future__ import annotations

import sys


def _run() -> int:
    from pig_desktop.app import main

    result = main()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(_run())
