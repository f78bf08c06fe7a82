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

__all__ = [
    "MSG_AUTOSTART_FAILED",
    "MSG_SAVE_FAILED",
    "NOTICE_OFFER_AUTOSTART",
    "SettingsController",
    "load_start_settings",
]

MSG_SAVE_FAILED = N_("Couldn't save your settings. They apply until you close PIG Desktop.")
MSG_AUTOSTART_FAILED = N_(
    "Couldn't change whether PIG Desktop starts when you sign in, because the start-up entry couldn't be "
    "written. Please check that your account may change files in your settings folder, then try again."
)
MSG_PROXY_PASSWORD_FAILED = N_(
    "The proxy password couldn't be kept in the keychain, so it is used only until you close PIG Desktop. "
    "{reason}"
)
#: The one-time offer, shown when the user first watches a job.
NOTICE_OFFER_AUTOSTART = "offer-autostart"
TEXT_OFFER_AUTOSTART = N_(
    "PIG Desktop can start when you sign in, so it goes on watching your jobs after the computer restarts."
)


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
    #: A one-time question for the banner: (text, button label, key); the button calls ``accept_offer(key)``.
    offer = Signal(str, str, str)

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

    def apply_changes(self, new: Settings, proxy_password: str | None = None) -> None:
        """What the dialog's OK does: the proxy password to the keychain, the start-up entry, the appearance
        at once, then :meth:`apply`. A part that fails is told plainly and the rest still applies."""
        old = self._settings
        if proxy_password is not None:
            self._keep_proxy_password(new, proxy_password)
        if new.start_at_sign_in != old.start_at_sign_in and not self._set_autostart(new.start_at_sign_in):
            new = dataclasses.replace(new, start_at_sign_in=old.start_at_sign_in)
        if new.appearance != old.appearance:
            self._apply_appearance(new.appearance)
        self.apply(new)

    def _keep_proxy_password(self, new: Settings, password: str) -> None:
        from pig_desktop.store.credentials import KeychainUnavailable
        from pig_desktop.store.proxy_password import PROXY_PASSWORDS

        try:
            PROXY_PASSWORDS.set(new.proxy_host, new.proxy_port, new.proxy_user, password)
        except KeychainUnavailable as exc:
            log.warning("proxy password kept in memory only: %s", exc.detail)
            self.notice.emit(
                _(MSG_PROXY_PASSWORD_FAILED).format(reason=exc.message), exc.detail, "proxy-password"
            )

    def _set_autostart(self, enabled: bool) -> bool:
        from pig_desktop.store.autostart import set_start_at_sign_in

        try:
            set_start_at_sign_in(enabled)
        except OSError as exc:
            log.warning("could not change the autostart entry: %s", exc)
            self.save_failed.emit(_(MSG_AUTOSTART_FAILED), str(exc))
            return False
        return True

    @staticmethod
    def _apply_appearance(choice: str) -> None:
        from PySide6.QtWidgets import QApplication

        from pig_desktop.ui.settings.appearance import apply_appearance

        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_appearance(app, choice)

    def offer_autostart(self) -> None:
        """The user watches a job: offer once to start at sign-in (not when it already does)."""
        if self._settings.start_at_sign_in or self.was_shown(NOTICE_OFFER_AUTOSTART):
            return
        self.offer.emit(_(TEXT_OFFER_AUTOSTART), _("Start at sign-in"), NOTICE_OFFER_AUTOSTART)
        self.remember_shown(NOTICE_OFFER_AUTOSTART)

    def accept_offer(self, key: str) -> None:
        """The button of an :attr:`offer` was pressed."""
        if key == NOTICE_OFFER_AUTOSTART and not self._settings.start_at_sign_in:
            if self._set_autostart(True):
                self.apply(dataclasses.replace(self._settings, start_at_sign_in=True))
                self.notice.emit(
                    _("PIG Desktop now starts when you sign in. You can turn this off in Settings."),
                    "",
                    "autostart-on",
                )

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
            self.apply_changes(new, dialog.result_proxy_password())

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
