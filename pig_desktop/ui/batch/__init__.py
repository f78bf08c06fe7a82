"""Many jobs at once (issue 14, part 2): the batch controller, its table model and its view.

Self-contained: the window makes a ``BatchController`` (a way to make a client for the current account, the
rate cap, the history store) and shows a ``BatchView`` on it; see controller.py for the signals to connect.
``BatchHost`` (host.py) is how the main window does that.

The names are loaded on first use: the job field's count (job_count.py) is part of the window's first frame,
and the controller imports the network client, which the first frame may not (docs/architecture.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .controller import BatchController, ClientFactory
    from .host import BatchHost, SharedRate
    from .job_count import JobCountHint, paste_summary
    from .model import BatchModel, BatchRow
    from .view import BatchView

_WHERE = {
    "BatchController": ".controller",
    "ClientFactory": ".controller",
    "BatchHost": ".host",
    "SharedRate": ".host",
    "JobCountHint": ".job_count",
    "paste_summary": ".job_count",
    "BatchModel": ".model",
    "BatchRow": ".model",
    "BatchView": ".view",
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


__all__ = [
    "BatchController",
    "BatchHost",
    "BatchModel",
    "BatchRow",
    "BatchView",
    "ClientFactory",
    "JobCountHint",
    "SharedRate",
    "paste_summary",
]
