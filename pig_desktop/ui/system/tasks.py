"""Run one blocking call (a status check, sign-in, a keychain call) off the GUI thread.

``run_in_thread(parent, fn, *args)`` starts a QThread that calls ``fn`` and returns a :class:`TaskHandle`
living in the GUI thread. The handle re-emits the outcome as exactly one of ``succeeded(object)``,
``failed(str message, str detail)`` or ``cancelled()``, then ``finished()``.

- ``run()`` catches everything: a project error (``PigError``, ``KeychainUnavailable``: anything with a plain
  ``message`` and a ``detail``) becomes ``failed`` with its own words; anything else is logged with its
  traceback and becomes ``failed`` with a generic plain sentence (the traceback only in ``detail``, redacted).
- Cancel is cooperative: ``handle.cancel()`` sets a ``threading.Event`` (passed to ``fn`` as ``cancel=``
  when ``fn`` accepts it), requests interruption and calls the ``on_cancel`` callback (e.g.
  ``client.abort()``, which closes the sockets so a blocked read returns at once). A result that arrives
  after cancel is dropped.
- Shutdown is ``cancel`` + ``requestInterruption`` + ``wait``; never ``terminate()``. Every running thread is
  also kept in a module registry until it has finished, so a QThread object is never destroyed while its
  thread runs (the "QThread: Destroyed while thread is still running" abort), whatever happens to the handle's
  parent. :func:`shutdown_all` stops whatever is left (the app calls it on quit).
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from pig_desktop.core.errors import Cancelled, PigError
from pig_desktop.i18n import N_, _

log = logging.getLogger(__name__)

MSG_UNEXPECTED = N_(
    "Something unexpected went wrong in PIG Desktop. Try again; if it keeps happening, use "
    "\u201cCopy details\u201d and send the text to support."
)

# Every started worker until it has finished and been waited for: owning the Python reference here means the
# C++ QThread cannot be deleted while it runs, even when the handle (or its parent window) is gone.
_LIVE: set[_Worker] = set()
_LIVE_LOCK = threading.Lock()


def _redact(text: str) -> str:
    # Imported lazily: store.logsetup is cheap, but keep this module importable on its own.
    from pig_desktop.store.logsetup import redact

    return redact(text)


def _accepts_cancel(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "cancel" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


class _Worker(QThread):
    """The thread. Its signals are emitted from the worker thread and reach the handle queued."""

    done = Signal(object)
    error = Signal(str, str)
    stopped = Signal()

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        cancel: threading.Event,
        on_cancel: Callable[[], None] | None,
        name: str,
    ) -> None:
        super().__init__()
        self._fn = fn
        self._args = args
        self._cancel = cancel
        self._on_cancel = on_cancel
        self.setObjectName(name or getattr(fn, "__name__", "task"))

    def request_cancel(self) -> None:
        """Set the cancel flag, request interruption and run the abort callback (any thread, idempotent)."""
        if self._cancel.is_set():
            return
        self._cancel.set()
        self.requestInterruption()
        if self._on_cancel is not None:
            try:
                self._on_cancel()
            except Exception:  # an abort that fails must not break cancel itself
                log.warning("cancel callback of %s failed", self.objectName(), exc_info=True)

    def run(self) -> None:
        try:
            if self._cancel.is_set() or self.isInterruptionRequested():
                raise Cancelled()
            kwargs = {"cancel": self._cancel} if _accepts_cancel(self._fn) else {}
            result = self._fn(*self._args, **kwargs)
            if self._cancel.is_set() or self.isInterruptionRequested():
                raise Cancelled()
            self.done.emit(result)
        except Cancelled:
            self.stopped.emit()
        except BaseException as exc:  # noqa: BLE001 - a worker must never die silently
            if self._cancel.is_set():
                # Aborting the sockets makes a blocked call fail in odd ways; the user asked to stop.
                log.debug("task %s ended after cancel: %r", self.objectName(), exc)
                self.stopped.emit()
                return
            if isinstance(exc, PigError) and exc.message:
                log.info("task %s failed: %s (%s)", self.objectName(), exc.message, exc.detail)
                self.error.emit(exc.message, _redact(exc.detail))
            else:
                log.error("task %s raised an unexpected error", self.objectName(), exc_info=True)
                text = "".join(traceback.format_exception(exc))
                self.error.emit(_(MSG_UNEXPECTED), _redact(text))


class TaskHandle(QObject):
    """The GUI-thread side of one task: its outcome signals, cancel and shutdown."""

    succeeded = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    finished = Signal()

    def __init__(
        self,
        parent: QObject | None,
        worker: _Worker,
        cancel: threading.Event,
    ) -> None:
        super().__init__(parent)
        self._worker: _Worker | None = worker
        self._cancel_event = cancel
        self._outcome_sent = False
        worker.done.connect(self._on_done)
        worker.error.connect(self._on_error)
        worker.stopped.connect(self._on_stopped)
        worker.finished.connect(self._on_thread_finished)

    # -- state ---------------------------------------------------------------------------------------------

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_event.is_set()

    def is_running(self) -> bool:
        worker = self._worker
        return worker is not None and worker.isRunning()

    def is_done(self) -> bool:
        """True once an outcome was delivered (or cancel was asked for): the UI may treat the task as over."""
        return self._outcome_sent or self._cancel_event.is_set()

    # -- control -------------------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the task to stop (returns at once). ``cancelled`` is emitted once the thread notices."""
        worker = self._worker
        if worker is not None:
            worker.request_cancel()
        self._cancel_event.set()

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until the thread has ended (True) or ``timeout_ms`` passed (False)."""
        worker = self._worker
        if worker is None:
            return True
        ended = worker.wait(max(0, int(timeout_ms)))
        if ended:
            _forget(worker)
        return bool(ended)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel, request interruption and wait; never terminate(). True when the thread has ended."""
        self.cancel()
        ended = self.wait(timeout_ms)
        if not ended:
            # Left in the registry: the object stays alive until the thread ends, so Qt never aborts.
            log.warning("task %s still running after %d ms", self.objectName(), timeout_ms)
        return ended

    # -- relays (GUI thread) -------------------------------------------------------------------------------

    @Slot(object)
    def _on_done(self, result: object) -> None:
        if self._cancel_event.is_set() or self._outcome_sent:
            self._send_cancelled()
            return
        self._outcome_sent = True
        self.succeeded.emit(result)

    @Slot(str, str)
    def _on_error(self, message: str, detail: str) -> None:
        if self._cancel_event.is_set() or self._outcome_sent:
            self._send_cancelled()
            return
        self._outcome_sent = True
        self.failed.emit(message, detail)

    @Slot()
    def _on_stopped(self) -> None:
        self._send_cancelled()

    def _send_cancelled(self) -> None:
        if self._outcome_sent:
            return
        self._outcome_sent = True
        self.cancelled.emit()

    @Slot()
    def _on_thread_finished(self) -> None:
        worker = self._worker
        if worker is not None:
            worker.wait()  # returns at once: `finished` is the thread's last act
            _forget(worker)
        self.finished.emit()


def _forget(worker: _Worker) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(worker)


def _prune() -> None:
    with _LIVE_LOCK:
        done = [w for w in _LIVE if w.isFinished()]
    for worker in done:
        worker.wait()
        _forget(worker)


def run_in_thread(
    parent: QObject | None,
    fn: Callable[..., Any],
    *args: Any,
    on_cancel: Callable[[], None] | None = None,
    name: str = "",
) -> TaskHandle:
    """Call ``fn(*args)`` (plus ``cancel=Event`` if it takes one) in a new QThread; see the module doc."""
    _prune()
    cancel = threading.Event()
    worker = _Worker(fn, args, cancel, on_cancel, name)
    handle = TaskHandle(parent, worker, cancel)
    handle.setObjectName(worker.objectName())
    with _LIVE_LOCK:
        _LIVE.add(worker)
    worker.start()
    return handle


def running_count() -> int:
    """How many task threads are still running (for tests and diagnostics)."""
    with _LIVE_LOCK:
        return sum(1 for w in _LIVE if w.isRunning())


def shutdown_all(timeout_ms: int = 5000) -> bool:
    """Interrupt and wait for every task thread still alive (shared deadline). True when all have ended."""
    with _LIVE_LOCK:
        workers = list(_LIVE)
    for worker in workers:
        worker.request_cancel()
    deadline = time.monotonic() + timeout_ms / 1000
    all_ended = True
    for worker in workers:
        left = max(0, int((deadline - time.monotonic()) * 1000))
        if worker.wait(left):
            _forget(worker)
        else:
            all_ended = False
            log.warning("task %s did not stop in time", worker.objectName())
    return all_ended
