"""Helpers for tests on the real X server (Xvfb) that ``./scripts/test.sh`` starts: screenshots and input.

Both need ``DISPLAY``; they raise with a message saying how to get one rather than doing nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

# Debian's ImageMagick: an `import`/`convert` earlier on PATH (a venv, a Python tool) may be something else.
IMPORT = "/usr/bin/import"


def require_display() -> str:
    """Return DISPLAY, or raise with a message saying how to run under Xvfb."""
    display = os.environ.get("DISPLAY", "")
    if not display:
        raise RuntimeError("DISPLAY is not set: this needs the Xvfb server that ./scripts/test.sh starts")
    return display


def screenshot(path: str | os.PathLike[str]) -> Path:
    """Save the whole X screen to ``path`` (PNG by extension) and return the path.

    Let Qt paint first (``qtbot.wait(300)`` or ``qtbot.waitExposed``), or the shot comes out black.
    """
    require_display()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [IMPORT, "-window", "root", str(target)], capture_output=True, text=True, timeout=30, check=False
    )
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        raise RuntimeError(f"screenshot to {target} failed ({done.returncode}): {done.stderr.strip()}")
    return target


def xdotool(*args: str) -> str:
    """Run ``xdotool`` with ``args`` on the test display and return its stdout (stripped).

    For example ``xdotool("mousemove", "100", "200", "click", "1")`` or
    ``xdotool("type", "--delay", "20", text)``.
    Raises RuntimeError if it fails.
    """
    require_display()
    exe = shutil.which("xdotool")
    if exe is None:
        raise RuntimeError("xdotool is not installed; run ./scripts/test.sh, which installs it")
    done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"xdotool {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout.strip()
