"""PyInstaller entry script: start PIG Desktop's GUI (``pig_desktop.app:main``), or the ``pig-status``
command line (``pig_desktop.cli:main``) when started under that name.

PyInstaller needs a script rather than an entry point. The imports happen at run time only, so the spec
does not need ``pig_desktop.app`` to exist when it is read.

One frozen program serves both commands (chosen by the name it was started as, like busybox): the bundle's
``pig-status`` and the .deb's ``/usr/bin/pig-status`` are symlinks to ``pig-desktop``. A second PyInstaller
executable would need a second analysis and a second copy of the Python archive for the same code.
"""

from __future__ import annotations

import os
import sys

CLI_NAME = "pig-status"


def _started_as() -> str:
    # argv[0] is the name the user typed (the symlink), while sys.executable is the resolved real file.
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name.removesuffix(".exe")


def _run() -> int:
    if _started_as() == CLI_NAME:
        from pig_desktop.cli import main as cli_main

        return cli_main()

    from pig_desktop.app import main

    result = main()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(_run())
