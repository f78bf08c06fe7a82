"""Cached QIcon helpers over :mod:`pig_desktop.assets`: the only way UI code gets an icon.

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

from PySide6.QtGui import QIcon

from pig_desktop import assets

log = logging.getLogger(__name__)


def _load(kind: str, path_of: Callable[[], Path]) -> QIcon:
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


@functools.cache
def header_logo() -> QIcon:
    """The application icon from its 32 and 64 px PNGs only, for the window's header logo (32 px, or 64 px
    on a 2x screen). Cheaper for the first frame than ``app_icon()``, which decodes every PNG up to 128 px."""
    icon = QIcon()
    for size in (32, 64):
        try:
            icon.addFile(str(assets.app_icon_path(size)))
        except FileNotFoundError:
            log.debug("No %d px application icon", size)
    return icon if not icon.isNull() else app_icon()


@functools.cache
def tray_icon(state: str) -> QIcon:
    """The tray icon of a state: ``idle``, ``watching``, ``attention`` or ``paused``."""
    return _load(f"tray {state!r}", functools.partial(assets.tray_icon_path, state))
