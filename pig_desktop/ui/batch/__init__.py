"""Many jobs at once (issue 14, part 2): the batch controller, its table model and its view.

Self-contained: the window makes a ``BatchController`` (a way to make a client for the current account, the
rate cap, the history store) and shows a ``BatchView`` on it; see controller.py for the signals to connect.
"""

from __future__ import annotations

from .controller import BatchController, ClientFactory
from .job_count import JobCountHint, paste_summary
from .model import BatchModel, BatchRow
from .view import BatchView

__all__ = [
    "BatchController",
    "BatchModel",
    "BatchRow",
    "BatchView",
    "ClientFactory",
    "JobCountHint",
    "paste_summary",
]
