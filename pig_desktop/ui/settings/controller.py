"""The app's settings while it runs: the one current copy, saving it, the Settings dialog, one-time notices.

Every part of the app that changes settings (sign-in, the dialog, a notice shown once) goes through
:meth:`SettingsController.save`, so no part can overwrite another's change with a stale copy. Saving runs on
the GUI thread on purpose: one small file, atomic replace, only on a user action.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from pig_desktop.i18n import N_, _
from pig_desktop.store.settings import LoadedSettings, Settings, load_settings, save_settings
from pig_desktop.ui.account.app_state import DemoAccount

if TYPE_CHECKING:
    from pig_desktop.ui.settings.dialog import SettingsDialog

log = logging.getLogger(__name__)

__all__ = ["MSG_SAVE_FAILED", "SettingsController", "load_start_settings"]

MSG_SAVE_FAILED = N_("Couldn't save your settings. They apply until you close PIG Desktop.")


def load_start_settings(settings_file: Path, demo: DemoAccount | None) -> LoadedSettings:
    """The settings to start with. The demo keeps its own settings file; it points at the sandbox so the
    sign-in dialog is prefilled."""
    loaded = load_settings(settings_file)
    if demo is None:
        return loaded
    settings = dataclasses.replace(
        loaded.settings,
        server_kind="custom",
        custom_server=demo.server,
        email=demo.email,
        remember_me=False,
    )
    return dataclasses.replace(loaded, settings=settings)


class SettingsController(QObject):
    #: The user changed settings in the dialog: (old, new) Settings, after they were saved.
    applied = Signal(object, object)
    #: Settings could not be written (message, detail); they still apply until the app closes.
    save_failed = Signal(str, str)
    #: A notice for the banner: (text, detail, key).
    notice = Signal(str, str, str)

    def __init__(self, settings_file: Path, loaded: LoadedSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._file = settings_file
        self._settings = loaded.settings
        self._loaded = loaded
        self._dialog: QWidget | None = None

    def current(self) -> Settings:
        return self._settings

    def show_start_notice(self) -> None:
        """The notice from reading the file (an unreadable file was set aside), if any."""
        loaded = self._loaded
        if loaded.notice:
            self.notice.emit(loaded.notice, loaded.detail, "settings-notice")

    def save(self, settings: Settings) -> None:
        """Keep ``settings`` as the current copy and write them (a failure is reported, not raised)."""
        self._settings = settings
        try:
            save_settings(settings, self._file)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            self.save_failed.emit(_(MSG_SAVE_FAILED), str(exc))

    def apply(self, new: Settings) -> None:
        """Settings the user chose: save them, then tell the features (``applied``)."""
        old = self._settings
        self.save(new)
        self.applied.emit(old, new)

    def open_dialog(self, parent: QWidget) -> QWidget:
        from pig_desktop.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self._settings, parent)
        dialog.accepted.connect(lambda: self._on_accepted(dialog))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self._dialog = dialog
        dialog.open()
        return dialog

    def _on_accepted(self, dialog: SettingsDialog) -> None:
        new = dialog.result_settings()
        if new is not None:
            self.apply(new)

    # -- one-time notices ------------------------------------------------------------------------------------

    def was_shown(self, notice_id: str) -> bool:
        return notice_id in self._settings.shown_notices

    def remember_shown(self, notice_id: str) -> None:
        if not self.was_shown(notice_id):
            self.save(self._settings.with_notice_shown(notice_id))

    def notice_once(self, notice_id: str, text: str, detail: str = "") -> None:
        """Show a notice the first time only (remembered in settings.shown_notices)."""
        if self.was_shown(notice_id):
            return
        self.notice.emit(text, detail, notice_id)
        self.remember_shown(notice_id)

    def shutdown(self) -> None:
        self._dialog = None
