"""The last line of defence: unexpected exceptions are logged and shown as a friendly inline message.

:func:`install_excepthook` replaces ``sys.excepthook`` (which PySide calls for an exception escaping a slot or
an overridden Qt method) and ``threading.excepthook``. The traceback goes to the log (redacted by the log
filter) and to the banner's "Copy details"; the user sees one plain sentence, never a traceback and never a
modal dialog. Reports from other threads travel to the GUI thread through a queued signal.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Signal

from pig_desktop.i18n import N_, _

log = logging.getLogger(__name__)

MSG_UNEXPECTED = N_(
    "Something unexpected went wrong in PIG Desktop. What you were doing may not have finished, so please "
    "try it again. If it keeps happening, use \u201cCopy details\u201d and send the text to support."
)

ExcHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class ExceptionReporter(QObject):
    """Turns an exception into ``caught(message, detail)`` in the reporter's (GUI) thread."""

    caught = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._previous_hook: ExcHook | None = None
        self._previous_thread_hook: Callable[[threading.ExceptHookArgs], object] | None = None
        self.count = 0

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """Log and report one exception (safe from any thread; never raises)."""
        try:
            if issubclass(exc_type, KeyboardInterrupt):
                # Ctrl+C in a terminal: let Python handle it as usual.
                if self._previous_hook is not None:
                    self._previous_hook(exc_type, exc, tb)
                return
            log.error("Unexpected error", exc_info=(exc_type, exc, tb))
            from pig_desktop.store.logsetup import redact

            detail = redact("".join(traceback.format_exception(exc_type, exc, tb)))
            self.count += 1
            self.caught.emit(_(MSG_UNEXPECTED), detail)
        except Exception:  # the hook itself must never fail loudly
            log.exception("exception hook failed")

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def install(self) -> None:
        """Become ``sys.excepthook`` and ``threading.excepthook`` (remembering the previous ones)."""
        if self._previous_hook is None:
            self._previous_hook = sys.excepthook
            self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        """Put the previous hooks back (only if ours are still installed)."""
        if self._previous_hook is None:
            return
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self._thread_hook and self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook
        self._previous_hook = None
        self._previous_thread_hook = None


def install_excepthook(
    on_error: Callable[[str, str], None], parent: QObject | None = None
) -> ExceptionReporter:
    """Install the hook; ``on_error(message, detail)`` runs in the GUI thread for each exception."""
    reporter = ExceptionReporter(parent)
    reporter.caught.connect(on_error)
    reporter.install()
    return reporter
