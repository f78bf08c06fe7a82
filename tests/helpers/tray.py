"""A real XEmbed system tray host for the x11 tests: trayer, on the Xvfb screen that ./scripts/test.sh starts.

The caller decides what "ready" means: a test whose own QApplication hosts the tray icon waits until Qt sees
the tray; a test whose tray icon lives in a child process can only check that trayer keeps running.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

# A small strip in the top right corner: out of the way of windows placed at (0, 0) for screenshots.
TRAYER_ARGS = (
    "--edge",
    "top",
    "--align",
    "right",
    "--widthtype",
    "pixel",
    "--width",
    "120",
    "--height",
    "24",
)


@contextmanager
def trayer_running() -> Iterator[subprocess.Popen[bytes]]:
    """Start trayer, yield its process, and stop it again (terminate, then wait up to 10 s)."""
    exe = shutil.which("trayer")
    assert exe, "trayer is not installed (Debian package trayer); see scripts/install-system-deps.sh"
    proc = subprocess.Popen([exe, *TRAYER_ARGS], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)
