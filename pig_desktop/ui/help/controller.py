"""The Help menu's four entries, as one controller the window creates and wires to its menu.

Wiring (ui/shell/main_window.py): ``HelpController(self, self.actions, log_file)``; its slots go to
``MenuSlots(user_guide=..., shortcuts=..., report_problem=..., about=...)``; ``status`` goes to the status
bar. Once watching is attached, ``set_watching(tray_available, notifier_backend_name)`` tells "Report a
problem" which tray and notification path are in use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from pig_desktop import i18n
from pig_desktop.i18n import _

if TYPE_CHECKING:
    from pig_desktop.ui.help.diagnostic import DiagnosticFacts

__all__ = ["HelpController"]


class HelpController(QObject):
    status = Signal(str, int)  # a sentence for the status bar, and how long (ms)
    diagnostic_copied = Signal(str)  # the text put on the clipboard (tests, the log)

    def __init__(
        self,
        dialog_parent: QWidget,
        actions: Callable[[], Sequence[QAction]],
        log_file: Path | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = dialog_parent
        self._actions = actions
        self._log_file = log_file
        self._tray = ""
        self._notifications = "not started"
        self.dialog: QWidget | None = None  # the guide, shortcuts or message box opened last

    def set_watching(self, tray_available: bool, notifications: str) -> None:
        """What watching uses: whether there is a tray icon, and the notifier's backend name."""
        self._tray = "system tray icon" if tray_available else "no system tray"
        self._notifications = notifications

    # -- User guide ------------------------------------------------------------------------------------------

    def open_user_guide(self) -> QWidget:
        guide = i18n.user_guide()
        if guide is None:
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(self._parent)
            box.setObjectName("userGuideMissingBox")
            box.setWindowTitle(_("User guide"))
            box.setText(
                _(
                    "The user guide is not installed with this copy of PIG Desktop. Reinstall PIG Desktop, "
                    "or ask IT for help."
                )
            )
            box.open()
            self.dialog = box
            return box
        from pig_desktop.ui.help.guide import GuideViewer

        viewer = GuideViewer(guide, self._parent)
        viewer.show()
        self.dialog = viewer
        return viewer

    # -- Keyboard shortcuts ----------------------------------------------------------------------------------

    def open_shortcuts(self) -> QWidget:
        from pig_desktop.ui.help.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self._actions(), self._parent)
        dialog.open()
        self.dialog = dialog
        return dialog

    # -- Report a problem ------------------------------------------------------------------------------------

    def facts(self) -> DiagnosticFacts:
        # Imported on use: the diagnostic pulls in the log set-up (logging.handlers), not wanted before the
        # first paint (docs/architecture.md).
        import PySide6
        from PySide6.QtCore import qVersion
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QSystemTrayIcon

        from pig_desktop.ui.help.diagnostic import DiagnosticFacts, keychain_description

        tray = self._tray or (
            "system tray available" if QSystemTrayIcon.isSystemTrayAvailable() else "no system tray"
        )
        return DiagnosticFacts(
            qt_version=qVersion(),
            pyside_version=PySide6.__version__,
            display_platform=QGuiApplication.platformName(),
            tray=tray,
            notifications=self._notifications,
            keychain=keychain_description(),
            language=i18n.current_language(),
            log_file=self._log_file,
        )

    def report_problem(self) -> str:
        """Copy the redacted diagnostic to the clipboard and say so; returns the text copied."""
        from PySide6.QtWidgets import QApplication, QMessageBox

        from pig_desktop.ui.help.diagnostic import build_diagnostic

        text = build_diagnostic(self.facts())
        QApplication.clipboard().setText(text)
        box = QMessageBox(self._parent)
        box.setObjectName("reportProblemBox")
        box.setWindowTitle(_("Report a problem"))
        box.setText(_("A report for support is now on the clipboard."))
        box.setInformativeText(
            _(
                "Paste it into your email or support ticket and say what you were doing. It holds the "
                "versions, your system and the last lines of the log, without your password."
            )
        )
        box.setDetailedText(text)
        box.open()
        self.dialog = box
        self.status.emit(_("Copied a report for support to the clipboard"), 8000)
        self.diagnostic_copied.emit(text)
        return text

    # -- About -----------------------------------------------------------------------------------------------

    def about(self) -> None:
        from pig_desktop.ui.shell.about import show_about

        show_about(self._parent)
