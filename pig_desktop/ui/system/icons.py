"""Cached QIcon helpers over :mod:`pig_desktop.assets`: the only way UI code gets an icon.

The first frame shows only the header's logo, a plain QPixmap: ``QIcon``'s binding is made the first time
Python touches it, so it is imported where an icon is made (docs/architecture.md, the first-frame rule).

Icons are loaded once per name and kept (QIcon is implicitly shared, so handing out the cached object is
cheap). A missing resource file is logged and gives an empty QIcon: the widgets still show their colour and
word, and the installation problem is reported by ``--self-test`` rather than by a crash here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QPixmap

from pig_desktop import assets

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

log = logging.getLogger(__name__)


def _load(kind: str, path_of: Callable[[], Path]) -> QIcon:
    from PySide6.QtGui import QIcon

    try:
        path = path_of()
    except (FileNotFoundError, ValueError) as exc:
        log.warning("No %s icon: %s", kind, exc)
        return QIcon()
    return QIcon(str(path))


def _name(value: str | Enum) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)


@functools.cache
def _outcome_icon(name: str) -> QIcon:
    return _load(f"outcome {name!r}", functools.partial(assets.outcome_icon_path, name))


def outcome_icon(outcome: str | Enum) -> QIcon:
    """The icon of an outcome (an ``Outcome`` member or its value such as ``"processed"``)."""
    return _outcome_icon(_name(outcome))


# The largest prepared PNG added to the application icon. Qt decodes every added PNG at once and keeps its
# pixels (the 256 and 512 px ones alone are 1.25 MB), yet on X11 the window manager is only ever sent 16-128
# px, and above 24 px the PNGs are renders of the very SVG the icon starts from: a larger size, if any
# platform asks for one, is drawn from that SVG, to the same picture.
APP_ICON_LARGEST_BITMAP = 128


@functools.cache
def app_icon() -> QIcon:
    """The application icon (the SVG), with the prepared PNGs up to 128 px added so small sizes stay crisp."""
    icon = _load("application", lambda: assets.app_icon_path())
    for size in assets.APP_ICON_SIZES:
        if size > APP_ICON_LARGEST_BITMAP:
            continue
        try:
            icon.addFile(str(assets.app_icon_path(size)))
        except FileNotFoundError:
            # The SVG alone still scales; a missing bitmap only costs sharpness at that size.
            log.debug("No %d px application icon", size)
    return icon


#: The header logo's size in device-independent pixels.
HEADER_LOGO_SIZE = 32


@functools.cache
def header_logo(scale: float) -> QPixmap:
    """The application icon for the window's header: the smallest prepared PNG that covers
    :data:`HEADER_LOGO_SIZE` at ``scale`` (the screen's device pixel ratio). The header's label scales it
    to its size, smoothly, on whatever screen the window is."""
    fitting = [size for size in (32, 64, 128) if size >= HEADER_LOGO_SIZE * scale] or [128]
    for size in fitting:
        try:
            return QPixmap(str(assets.app_icon_path(size)))
        except FileNotFoundError:
            log.debug("No %d px application icon", size)
    return app_icon().pixmap(128, 128)


@functools.cache
def tray_icon(state: str) -> QIcon:
    """The tray icon of a state: ``idle``, ``watching``, ``attention`` or ``paused``."""
    return _load(f"tray {state!r}", functools.partial(assets.tray_icon_path, state))
