"""``python -m pig_desktop``: the same as the ``pig-desktop`` command."""

from __future__ import annotations

import sys

from pig_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
