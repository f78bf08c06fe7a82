"""Find PIG Desktop's resource files (icons, desktop files) at run time.

The files live in the top-level ``resources/`` folder of the source tree. They are installed as the data-only
package ``pig_desktop.resources`` (pyproject.toml maps that package name onto ``resources/``), and a
PyInstaller bundle carries them as data at ``pig_desktop/resources``. This module is the one place that knows
where to look, in this order:

1. the folder of the package ``pig_desktop.resources`` as the import system finds it: an installed wheel, an
   editable install;
2. ``sys._MEIPASS/pig_desktop/resources``: a PyInstaller bundle (one-folder or one-file);
3. ``<repository>/resources``: running straight from a source checkout without installing.

It has no Qt dependency, so the CLI and the tests can use it too. Callers get real file-system paths, because
Qt (QIcon, QSvgRenderer) and desktop tooling want file names.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from enum import Enum
from pathlib import Path, PurePosixPath

RESOURCE_PACKAGE = "pig_desktop.resources"
OUTCOME_NAMES: tuple[str, ...] = ("processed", "failed", "running", "not_found", "auth_error", "error")
TRAY_STATES: tuple[str, ...] = ("idle", "watching", "attention", "paused")
APP_ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)
TRAY_ICON_SIZES: tuple[int, ...] = (22, 24, 32, 48)
# The AppStream/desktop-file id; the app passes it to QGuiApplication.setDesktopFileName() so that window
# managers match windows to the installed .desktop file (_GTK_APPLICATION_ID, _KDE_NET_WM_DESKTOP_FILE); its
# StartupWMClass is the application name, the class in the windows' WM_CLASS.
DESKTOP_ID = "io.github.pigdesktop.PigDesktop"


def _candidate_roots() -> list[Path]:
    """Every place the resources may be, best first; only those that exist on disk."""
    roots: list[Path] = []
    # The package's folders as the import system finds them (what importlib.resources.files() would give
    # for a package on disk, without loading importlib.resources on the first frame). Not installed (plain
    # checkout) or not collected as a module (PyInstaller): none, and the other places follow. A folder
    # inside a zip import is no directory on disk, so it is skipped below (Qt needs real files).
    try:
        spec = importlib.util.find_spec(RESOURCE_PACKAGE)
    except ModuleNotFoundError:
        spec = None
    if spec is not None and spec.submodule_search_locations is not None:
        roots.extend(Path(location) for location in spec.submodule_search_locations)
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle_dir, str):
        roots.append(Path(bundle_dir) / "pig_desktop" / "resources")
    roots.append(Path(__file__).resolve().parent.parent / "resources")
    return [root for root in roots if root.is_dir()]


@functools.cache
def resources_root() -> Path:
    """The folder holding the resources (``icons/``, ``linux/``) for this way of running the app."""
    for root in _candidate_roots():
        # A bare directory (for example an empty namespace left behind) does not count: it must hold icons.
        if (root / "icons").is_dir():
            return root
    raise FileNotFoundError(
        "PIG Desktop's resource files (icons) are missing from this installation; please reinstall the app."
    )


def asset_path(relative: str) -> Path:
    """The real path of one resource file, given relative to ``resources/`` with ``/`` separators.

    Raises ``FileNotFoundError`` naming the file if it is missing, ``ValueError`` for a path that tries to
    leave the resources folder.
    """
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or ".." in parts or "\\" in relative:
        raise ValueError(f"not a relative resource path: {relative!r}")
    path = resources_root().joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"PIG Desktop resource not found: {relative} (looked in {resources_root()})")
    return path


def _name_of(value: str | Enum) -> str:
    # Accept the core's Outcome enum members as well as plain strings ("processed").
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def outcome_icon_path(outcome: str | Enum) -> Path:
    """The SVG icon of an outcome (``processed``, ``failed``, ``running``, ``not_found``, ...)."""
    name = _name_of(outcome)
    if name not in OUTCOME_NAMES:
        raise ValueError(f"unknown outcome {name!r}; known: {', '.join(OUTCOME_NAMES)}")
    return asset_path(f"icons/outcome/{name}.svg")


def app_icon_path(size: int | None = None) -> Path:
    """The application icon: the SVG when ``size`` is None, else the smallest PNG at least ``size`` px wide
    (the 512 px one for anything larger)."""
    if size is None:
        return asset_path("icons/app/pig-desktop.svg")
    if size <= 0:
        raise ValueError(f"icon size must be positive, got {size}")
    chosen = next((s for s in APP_ICON_SIZES if s >= size), APP_ICON_SIZES[-1])
    return asset_path(f"icons/app/pig-desktop-{chosen}.png")


def tray_icon_path(state: str, size: int | None = None) -> Path:
    """The tray icon of a state (``idle``, ``watching``, ``attention``, ``paused``): the SVG by default, or
    the PNG of the smallest prepared size at least ``size`` px for tray hosts that want bitmaps."""
    if state not in TRAY_STATES:
        raise ValueError(f"unknown tray state {state!r}; known: {', '.join(TRAY_STATES)}")
    if size is None:
        return asset_path(f"icons/tray/{state}.svg")
    chosen = next((s for s in TRAY_ICON_SIZES if s >= size), TRAY_ICON_SIZES[-1])
    return asset_path(f"icons/tray/{state}-{chosen}.png")


def all_icon_paths() -> list[Path]:
    """Every icon the app may load at run time (SVG and PNG), sorted; used by ``--self-test``.

    The .ico and .icns files are for the Windows and macOS packaging tools, not loaded by the app.
    """
    icons = resources_root() / "icons"
    return sorted(p for p in icons.rglob("*") if p.suffix in {".svg", ".png"} and p.is_file())
