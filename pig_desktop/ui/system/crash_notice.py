"""The one-time notice after a crash: "PIG Desktop closed unexpectedly last time", with "Copy details".

The detection is Qt-free (``store.crash.install_crash_handlers`` returns a ``CrashReport`` once); this only
puts it into the shell's banner. The banner's own "Copy details" copies the message and the redacted trace.
"""

from __future__ import annotations

from pig_desktop.i18n import _
from pig_desktop.store.crash import CrashReport
from pig_desktop.ui.shell.banner import KIND_WARNING, Banner

CRASH_NOTICE_KEY = "previous-crash"


def show_crash_notice(banner: Banner, report: CrashReport | None) -> bool:
    """Show ``report`` in ``banner`` (a no-op for None). True if something was shown."""
    if report is None:
        return False
    banner.show_notice(_(report.message), report.details, key=CRASH_NOTICE_KEY, kind=KIND_WARNING)
    return True


__all__ = ["CRASH_NOTICE_KEY", "show_crash_notice"]
