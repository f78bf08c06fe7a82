"""Before Qt starts: is there a desktop to open a window on, and can Qt's X11 plugin load? (Qt-free)

Without a display Qt prints "could not connect to display", then the misleading "Reinstalling the application
may fix this problem", and aborts (exit 134). That is checked here first, cheaply and without Qt:

- A platform that needs no display (``QT_QPA_PLATFORM=offscreen``, ``minimal``, ``vnc`` ..., or
  ``-platform`` on the command line) is not checked at all.
- Wayland: connect to the socket named by ``WAYLAND_DISPLAY`` (under ``XDG_RUNTIME_DIR``); X11: connect to the
  X server named by ``DISPLAY`` (``/tmp/.X11-unix/X<n>``, its abstract twin on Linux, or TCP port 6000+n for a
  remote host). A connection that is refused counts as no display. Connecting is all: the socket is closed at
  once, so no X or Wayland protocol is spoken.
- When X11 is what Qt will use, its xcb plugin is loaded with ``ctypes`` (the dynamic loader does the work
  Qt would do a moment later). If a system library is missing, ``ldd`` lists every missing one and the
  message names them with the Debian packages that provide them.

Only on Linux and the BSDs: Windows and macOS always have their own window system.
"""

from __future__ import annotations

import _socket  # socket's C module: connecting is all this needs (socket.py also loads selectors)
import importlib.util
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final, NamedTuple

from pig_desktop.i18n import N_, _, ngettext

EXIT_NO_DISPLAY: Final = 2

# Translated when a problem is found (N_ marks them), in the language i18n.setup chose.
NO_DISPLAY_MESSAGE: Final = N_(
    "PIG Desktop needs a desktop session; none was found. To check a job from a terminal, use: pig-status JOB"
)
_TERMINAL_MEANWHILE: Final = N_("To check a job from a terminal meanwhile, use: pig-status JOB")
_BROKEN_PLUGIN_MESSAGE: Final = N_(
    "PIG Desktop can't open its window because a part of it that talks to the display could not be loaded. "
    "Reinstall PIG Desktop, or ask IT for help. To check a job from a terminal meanwhile, use: pig-status JOB"
)

# Platforms that need no display server (Qt's own plugin names).
_HEADLESS_PLATFORMS: Final = frozenset(
    {"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}
)

# What Qt's xcb plugin (and the Qt libraries it pulls in) link against, and the Debian package of each.
# Qt's own message names only libxcb-cursor0; Debian 12 also lacks icccm4 and keysyms1 on a minimal system.
DEBIAN_PACKAGE_OF_LIBRARY: Final[Mapping[str, str]] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}

_LDD_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.M)
_DLOPEN_MISSING = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")


class DisplayProblem(NamedTuple):
    """Why the window cannot open, in one plain message, and the technical reason for the log."""

    message: str
    detail: str
    missing_libraries: tuple[str, ...] = ()


def requested_platform(environ: Mapping[str, str], qt_args: Sequence[str]) -> str:
    """The platform Qt is asked for (``-platform`` wins over ``QT_QPA_PLATFORM``), or "" for its default."""
    args = list(qt_args)
    for index, arg in enumerate(args):
        if arg in ("-platform", "--platform") and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(("-platform=", "--platform=")):
            return arg.split("=", 1)[1]
    return environ.get("QT_QPA_PLATFORM", "")


def _connects(family: int, address: str | bytes | tuple[str, int], timeout: float = 2.0) -> bool:
    try:
        sock = _socket.socket(family, _socket.SOCK_STREAM)
    except OSError:
        return False
    try:
        sock.settimeout(timeout)
        sock.connect(address)
        return True
    except OSError:
        return False
    finally:
        sock.close()


def x11_reachable(display: str) -> bool:
    """True if something accepts a connection where ``display`` (``:0``, ``host:1.0``, ``unix:0``) points."""
    match = re.fullmatch(r"(?P<host>[^:]*):(?P<number>\d+)(?:\.\d+)?", display.strip())
    if match is None:
        # Other forms (an XQuartz launchd path) are a socket path followed by ":n".
        path = display.rsplit(":", 1)[0]
        return bool(path) and os.path.isabs(path) and _connects(_socket.AF_UNIX, path)
    host, number = match.group("host"), int(match.group("number"))
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        if _connects(_socket.AF_UNIX, path):
            return True
        # Linux X servers also listen on an abstract socket of the same name (no file in /tmp needed).
        return sys.platform.startswith("linux") and _connects(_socket.AF_UNIX, b"\0" + path.encode())
    return _connects(_socket.AF_INET6 if ":" in host else _socket.AF_INET, (host.strip("[]"), 6000 + number))


def wayland_reachable(environ: Mapping[str, str]) -> bool:
    name = environ.get("WAYLAND_DISPLAY", "")
    if not name:
        return False
    path = name if os.path.isabs(name) else os.path.join(environ.get("XDG_RUNTIME_DIR", ""), name)
    return os.path.isabs(path) and _connects(_socket.AF_UNIX, path)


def _qt_plugin_dir() -> Path | None:
    """Qt's plugin folder, found without importing PySide6 (inside a bundle or a Python environment)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "PySide6" / "Qt" / "plugins"
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins"


def missing_libraries(library: Path) -> tuple[str, ...]:
    """The libraries ``library`` needs that the dynamic loader cannot find (``ldd``), in ldd's order."""
    import subprocess  # only when the platform plugin did not load

    try:
        run = subprocess.run(["ldd", str(library)], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(dict.fromkeys(_LDD_NOT_FOUND.findall(run.stdout)))


def missing_library_problem(libraries: Sequence[str], detail: str) -> DisplayProblem:
    known = (DEBIAN_PACKAGE_OF_LIBRARY.get(library, "") for library in libraries)
    packages = tuple(dict.fromkeys(package for package in known if package))
    missing = ngettext(
        "PIG Desktop can't open its window because a system library is missing from this computer: "
        "{libraries}.",
        "PIG Desktop can't open its window because some system libraries are missing from this computer: "
        "{libraries}.",
        len(libraries),
    ).format(libraries=", ".join(libraries))
    if packages:
        ask = ngettext(
            "Ask IT to install the package {packages} (for example: sudo apt-get install {install}), then "
            "start PIG Desktop again.",
            "Ask IT to install the packages {packages} (for example: sudo apt-get install {install}), then "
            "start PIG Desktop again.",
            len(packages),
        ).format(packages=", ".join(packages), install=" ".join(packages))
    else:
        ask = _(
            "Ask IT to install the package that provides {libraries} (for example: sudo apt-get install "
            "<that package>), then start PIG Desktop again."
        ).format(libraries=", ".join(libraries))
    message = " ".join((missing, ask, _(_TERMINAL_MEANWHILE)))
    return DisplayProblem(message, detail, tuple(libraries))


def check_plugin_loads(plugin: Path) -> DisplayProblem | None:
    """Load ``plugin`` the way Qt will; None if it loads, else what is missing (named with its package)."""
    # ctypes' own loader (what ctypes.CDLL calls, with RTLD_NOW added as there), only on the X11 path. The
    # ctypes package around it, its C types, would stay in memory for a whole start in the tray for one call.
    import _ctypes

    try:
        _ctypes.dlopen(str(plugin), os.RTLD_LOCAL)
    except OSError as exc:
        reason = str(exc)
        libraries = missing_libraries(plugin)
        if not libraries:
            libraries = tuple(_DLOPEN_MISSING.findall(reason))
        if libraries:
            return missing_library_problem(libraries, f"{plugin}: {reason}")
        return DisplayProblem(_(_BROKEN_PLUGIN_MESSAGE), f"{plugin}: {reason}")
    return None


def find_display_problem(
    environ: Mapping[str, str] | None = None, qt_args: Sequence[str] = (), *, platform: str | None = None
) -> DisplayProblem | None:
    """None when Qt can open a window here; else why not. Cheap: a socket connect or two, one dlopen."""
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    if not (system.startswith("linux") or "bsd" in system):
        return None
    wanted = [name.split(":", 1)[0].strip() for name in requested_platform(env, qt_args).split(";")]
    wanted = [name for name in wanted if name]
    if any(name in _HEADLESS_PLATFORMS for name in wanted):
        return None
    wants_wayland = not wanted or any(name.startswith("wayland") for name in wanted)
    wants_x11 = not wanted or "xcb" in wanted
    if wants_wayland and wayland_reachable(env):
        return None
    display = env.get("DISPLAY", "")
    if wants_x11 and display and x11_reachable(display):
        plugins = _qt_plugin_dir()
        xcb = plugins / "platforms" / "libqxcb.so" if plugins is not None else None
        if xcb is not None and xcb.is_file():
            return check_plugin_loads(xcb)
        return None
    detail = (
        f"platform {requested_platform(env, qt_args) or '(default)'}; "
        f"DISPLAY={display or '(unset)'} WAYLAND_DISPLAY={env.get('WAYLAND_DISPLAY', '') or '(unset)'}: "
        "nothing accepted a connection"
    )
    return DisplayProblem(_(NO_DISPLAY_MESSAGE), detail)


def exit_if_no_display(qt_args: Sequence[str] = ()) -> None:
    """Print the plain sentence on stderr and exit with status 2 when no window can open here."""
    problem = find_display_problem(qt_args=qt_args)
    if problem is None:
        return
    if sys.stderr is not None:  # a windowed bundle started with no terminal has none
        print(problem.message, file=sys.stderr)
    raise SystemExit(EXIT_NO_DISPLAY)


__all__ = [
    "DEBIAN_PACKAGE_OF_LIBRARY",
    "EXIT_NO_DISPLAY",
    "NO_DISPLAY_MESSAGE",
    "DisplayProblem",
    "check_plugin_loads",
    "exit_if_no_display",
    "find_display_problem",
    "missing_libraries",
    "missing_library_problem",
    "requested_platform",
    "wayland_reachable",
    "x11_reachable",
]
