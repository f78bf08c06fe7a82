"""Where PIG Desktop keeps its files: one function builds every path.

All directories come from ``platformdirs`` (app name "pig-desktop", no author folder), so they follow each
platform's conventions. Setting the environment variable ``PIG_DESKTOP_HOME`` puts all of them under one
folder instead; tests and ``--demo`` use that so they never touch the real user's files.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import NamedTuple

import platformdirs

from pig_desktop import APP_NAME

HOME_ENV = "PIG_DESKTOP_HOME"
SETTINGS_FILE_NAME = "settings.json"
HISTORY_FILE_NAME = "history.sqlite3"
LOG_FILE_NAME = "pig-desktop.log"


class AppDirs(NamedTuple):
    """The five per-user directories the app writes to (a NamedTuple: made before the first paint, where a
    dataclass would compile its methods; docs/architecture.md)."""

    config: Path
    data: Path
    state: Path
    cache: Path
    log: Path

    @property
    def settings_file(self) -> Path:
        return self.config / SETTINGS_FILE_NAME

    @property
    def history_file(self) -> Path:
        return self.data / HISTORY_FILE_NAME

    @property
    def log_file(self) -> Path:
        return self.log / LOG_FILE_NAME

    def all(self) -> tuple[Path, ...]:
        return (self.config, self.data, self.state, self.cache, self.log)


def app_dirs() -> AppDirs:
    """Return the app's directories (not created; see :func:`ensure`).

    Read ``PIG_DESKTOP_HOME`` at call time, not import time, so a test can set it first.
    """
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        root = Path(home).expanduser().absolute()
        return AppDirs(
            config=root / "config",
            data=root / "data",
            state=root / "state",
            cache=root / "cache",
            log=root / "log",
        )
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return AppDirs(
        config=dirs.user_config_path,
        data=dirs.user_data_path,
        state=dirs.user_state_path,
        cache=dirs.user_cache_path,
        log=dirs.user_log_path,
    )


def ensure(dirs: AppDirs) -> AppDirs:
    """Create every directory (private to the user: mode 0o700) and return ``dirs``.

    Only the app's own leaf directories are chmod-ed; shared parents such as ``~/.config`` are left as they
    are.
    """
    for path in dirs.all():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        # mkdir's mode is filtered by the umask and ignored for existing dirs: set it explicitly.
        if os.name == "posix":
            os.chmod(path, 0o700)
    return dirs


def backup_path(path: Path, label: str) -> Path:
    """A free name beside ``path`` for keeping a damaged file: ``<name>.<label>-YYYYmmddTHHMMSS[-N]``."""
    stamp = time.strftime("%Y%m%dT%H%M%S")  # local time, as datetime.now() would give
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
        counter += 1
    return candidate
