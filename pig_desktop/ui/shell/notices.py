"""What the features say in the window's banner: notices, errors, offers, and what was said before the window.

The settings (an unreadable file set aside, a failed save, the one-time offers), the account (a sign-in that
failed), the check, and the history (not openable, a write problem that lasts until a write works again)
each say it here; what the :class:`~pig_desktop.ui.shell.background.Background` kept from before the window
existed (a start in the tray) is shown first.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from pig_desktop.i18n import N_, _
from pig_desktop.ui.check.controller import CheckController
from pig_desktop.ui.shell.background import Background, BannerLine
from pig_desktop.ui.shell.banner import KIND_INFO, Banner, BannerMessage

__all__ = ["HISTORY_PROBLEM_KEY", "connect_banner"]

#: The banner key of a history write problem (shown until a write works again).
HISTORY_PROBLEM_KEY = "history-problem"
#: In the history panel's place when the history cannot be opened.
NO_HISTORY = N_("Recent checks are not available.")


class _BannerNotices(QObject):
    def __init__(
        self,
        banner: Banner,
        background: Background,
        check: CheckController,
        no_history: Callable[[str], None],
    ) -> None:
        super().__init__(banner)
        self._banner, self._settings = banner, background.settings
        self._no_history = no_history
        background.take_kept_messages(self._show_kept)
        settings, history = background.settings, background.history
        settings.notice.connect(lambda text, detail, key: banner.show_notice(text, detail, key=key))
        settings.save_failed.connect(lambda msg, detail: banner.show_error(msg, detail, key="settings-save"))
        settings.offer.connect(self._show_offer)
        background.account.error.connect(banner.show_error)
        check.error.connect(banner.show_error)
        history.open_failed.connect(self._history_failed)
        history.notice.connect(lambda text, detail, key: banner.show_notice(text, detail, key=key))
        history.problem_changed.connect(self._history_problem)
        if background.is_done("history") and history.store() is None:
            no_history(_(NO_HISTORY))  # it failed before the window existed (a start in the tray)

    def _show_kept(self, line: BannerLine) -> None:
        kind, text, detail, key = line
        if kind == "error":
            self._banner.show_error(text, detail, key=key)
        else:
            self._banner.show_notice(text, detail, key=key)

    def _history_failed(self, message: str, detail: str) -> None:
        self._banner.show_error(message, detail)
        self._no_history(_(NO_HISTORY))

    def _history_problem(self, message: str, detail: str) -> None:
        """A history write failed (a full disk...): say so until a write works again; checking goes on."""
        if message:
            self._banner.show_error(message, detail, key=HISTORY_PROBLEM_KEY)
        else:
            self._banner.withdraw(HISTORY_PROBLEM_KEY)

    def _show_offer(self, text: str, label: str, key: str) -> None:
        def accept() -> None:
            self._banner.withdraw(key)
            self._settings.accept_offer(key)

        self._banner.show_message(BannerMessage(KIND_INFO, text, "", ((label, accept),), key=key))


def connect_banner(
    banner: Banner, background: Background, check: CheckController, no_history: Callable[[str], None]
) -> None:
    """Connect what the features say to ``banner``; ``no_history(text)`` replaces the history panel's
    "Loading" line when the history cannot be opened (or could not, before the window existed)."""
    _BannerNotices(banner, background, check, no_history)
