"""A crash leaves a trace: fatal-signal tracebacks go to a file in the log folder; the next start tells.

:func:`install_crash_handlers` is called once at start, with the log folder:

1. It first looks for what an earlier run left: a ``faulthandler-<pid>.txt`` of a process that is no longer
   running and holds a traceback means that run died of a fatal signal (segfault, abort, bus error ...). The
   file is renamed to ``crash-<UTC time>.txt`` (the newest few are kept, for a support ticket), so the next
   start does not report it again, and a :class:`CrashReport` with the redacted text is returned.
2. Then ``faulthandler`` is enabled on this process's own ``faulthandler-<pid>.txt`` (mode 0o600). Not
   stderr: a windowed bundle has none (``faulthandler.enable()`` raises there), and nobody reads it anyway.
   One file per process, because a second start (it hands its job ids over and ends) must not truncate the
   trace file of the app that is running.
3. ``sys.excepthook`` and ``threading.excepthook`` log an uncaught exception into the redacted log before the
   previous hook runs (the window installs its own reporter on top later; it logs as well).

:func:`stop_crash_handlers` at a clean exit closes and deletes this process's (empty) trace file.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Final

from pig_desktop.i18n import N_

if TYPE_CHECKING:
    from datetime import datetime

log = logging.getLogger(__name__)

TRACE_PREFIX: Final = "faulthandler-"
KEPT_PREFIX: Final = "crash-"
KEEP_CRASH_FILES: Final = 5
# A trace is a few KB; a bigger file is not ours to show whole.
MAX_DETAIL_BYTES: Final = 64 * 1024

# Translated where shown (ui/system/crash_notice.py).
MSG_CLOSED_UNEXPECTEDLY: Final = N_(
    "PIG Desktop closed unexpectedly last time. If it keeps happening, use Copy details and send them to "
    "support."
)


@dataclass(frozen=True)
class CrashReport:
    """What the next start shows: one plain message, and the redacted trace behind "Copy details"."""

    crashed_at: datetime
    details: str = field(repr=False)
    kept_file: Path | None = None
    message: str = MSG_CLOSED_UNEXPECTEDLY


class _State:
    """What install_crash_handlers set up, so stop_crash_handlers can undo it (a plain class: the module is
    imported before the first paint, where a dataclass would compile its methods; docs/architecture.md)."""

    def __init__(self) -> None:
        self.trace_file: IO[str] | None = None
        self.trace_path: Path | None = None
        self.previous_hook: (
            Callable[[type[BaseException], BaseException, TracebackType | None], object] | None
        ) = None
        self.previous_thread_hook: Callable[[threading.ExceptHookArgs], object] | None = None


_state = _State()


def _pid_of(path: Path) -> int | None:
    digits = path.stem.removeprefix(TRACE_PREFIX)
    return int(digits) if digits.isdigit() else None


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        # Windows: os.kill would end the process. A running app holds its file open, so the rename in
        # _claim fails for it; every other file is an old one.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that number: leave the file alone
    return True


def _read_trace(path: Path) -> str:
    with open(path, "rb") as handle:
        raw = handle.read(MAX_DETAIL_BYTES + 1)
    text = raw[:MAX_DETAIL_BYTES].decode("utf-8", errors="replace")
    if len(raw) > MAX_DETAIL_BYTES:
        text += "\n[... trace shortened]"
    return text


def _prune_kept(log_dir: Path) -> None:
    kept = sorted(log_dir.glob(f"{KEPT_PREFIX}*.txt"))
    for old in kept[:-KEEP_CRASH_FILES]:
        with contextlib.suppress(OSError):
            old.unlink()


def previous_crash(log_dir: Path) -> CrashReport | None:
    """The newest crash an earlier run left in ``log_dir`` (then no longer reported), or None.

    Empty trace files of finished runs (a run killed by SIGKILL or the session's SIGTERM writes nothing)
    are removed: such an end is no crash of ours.
    """
    found: list[tuple[float, Path, str]] = []
    for path in sorted(log_dir.glob(f"{TRACE_PREFIX}*.txt")):
        pid = _pid_of(path)
        if pid is None or _is_running(pid):
            continue
        try:
            stamp = path.stat().st_mtime
            text = _read_trace(path)
        except OSError:
            continue
        if not text.strip():
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        found.append((stamp, path, text))
    if not found:
        return None
    # Only with a crash to report: off the first frame (docs/architecture.md).
    from datetime import UTC, datetime

    from pig_desktop.store.logsetup import redact

    report: CrashReport | None = None
    for stamp, path, text in sorted(found):
        crashed_at = datetime.fromtimestamp(stamp, tz=UTC)
        kept = log_dir / f"{KEPT_PREFIX}{crashed_at:%Y%m%dT%H%M%SZ}-{_pid_of(path)}.txt"
        try:
            os.replace(path, kept)
        except OSError as exc:
            # Windows: the file is still open, so its process is running after all.
            log.info("trace file %s not taken over: %s", path.name, exc)
            continue
        details = (
            f"PIG Desktop stopped at {crashed_at:%Y-%m-%d %H:%M:%S} UTC (process {_pid_of(path)}).\n"
            f"Kept as {kept}\n\n{redact(text)}"
        )
        report = CrashReport(crashed_at=crashed_at, details=details, kept_file=kept)
    _prune_kept(log_dir)
    if report is not None:
        log.warning("the previous run closed unexpectedly; its trace was kept as %s", report.kept_file)
    return report


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if not issubclass(exc_type, KeyboardInterrupt):
        log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    with contextlib.suppress(Exception):
        _log_uncaught(exc_type, exc, tb)
    previous = _state.previous_hook or sys.__excepthook__
    previous(exc_type, exc, tb)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        with contextlib.suppress(Exception):
            thread = args.thread.name if args.thread is not None else "?"
            log.critical(
                "Uncaught exception in thread %s",
                thread,
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )
    previous = _state.previous_thread_hook or threading.__excepthook__
    previous(args)


def install_crash_handlers(log_dir: Path) -> CrashReport | None:
    """Report an earlier crash (once), then trace this process's fatal signals into ``log_dir``."""
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        report = previous_crash(log_dir)
    except OSError as exc:  # an unreadable log folder must not stop the app
        log.warning("could not look for an earlier crash: %s", exc)
        report = None
    if _state.trace_file is None:
        path = log_dir / f"{TRACE_PREFIX}{os.getpid()}.txt"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            handle = os.fdopen(fd, "w", encoding="utf-8")
            faulthandler.enable(file=handle, all_threads=True)
            _state.trace_file, _state.trace_path = handle, path
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("fatal errors cannot be traced to %s: %s", path, exc)
    if sys.excepthook is not _excepthook:
        _state.previous_hook = sys.excepthook
        sys.excepthook = _excepthook
    if threading.excepthook is not _thread_excepthook:
        _state.previous_thread_hook = threading.excepthook
        threading.excepthook = _thread_excepthook
    return report


def stop_crash_handlers() -> None:
    """At a clean exit: stop tracing and delete this run's trace file (empty, or it would not be clean)."""
    handle, path = _state.trace_file, _state.trace_path
    _state.trace_file = _state.trace_path = None
    if handle is not None:
        with contextlib.suppress(RuntimeError):
            faulthandler.disable()
        with contextlib.suppress(OSError):
            handle.close()
    if path is not None:
        with contextlib.suppress(OSError):
            if path.stat().st_size == 0:
                path.unlink()
    if sys.excepthook is _excepthook:
        sys.excepthook = _state.previous_hook or sys.__excepthook__
    if threading.excepthook is _thread_excepthook:
        threading.excepthook = _state.previous_thread_hook or threading.__excepthook__
    _state.previous_hook = _state.previous_thread_hook = None


__all__ = [
    "MSG_CLOSED_UNEXPECTEDLY",
    "CrashReport",
    "install_crash_handlers",
    "previous_crash",
    "stop_crash_handlers",
]
