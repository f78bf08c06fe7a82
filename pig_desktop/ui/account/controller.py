"""Who is signed in: the session, the sign-in dialog, the keychain steps and the one client of the session.

The account controller owns the :class:`~pig_desktop.core.session.Session` (None when signed out), the
:class:`ClientHolder` (the session's one CinxClient), the in-memory passwords and the keychain jobs (run in
workers). It restores a saved sign-in at start, signs in and out, and follows the settings (a new server
signs out, new timeouts keep the sign-in). Everything else learns about the session from ``session_changed``.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from pig_desktop.core.errors import ConfigError
from pig_desktop.core.session import Session
from pig_desktop.i18n import _
from pig_desktop.store.settings import Settings
from pig_desktop.ui.account.app_state import (
    NOTICE_KEYCHAIN,
    ClientHolder,
    DemoAccount,
    KeychainResult,
    PasswordMemory,
    connection_for,
    find_saved_password_and_proxy,
    forget_password,
    remember_password,
    server_display_name,
    settings_server,
    with_preferences,
)
from pig_desktop.ui.settings.controller import SettingsController
from pig_desktop.ui.system.task_group import TaskGroup

if TYPE_CHECKING:
    from pig_desktop.core.models import Organisation
    from pig_desktop.ui.account.signin_dialog import SignInChoice, SignInDialog

log = logging.getLogger(__name__)

__all__ = ["AccountController"]


def _same_account(one: Session, other: Session) -> bool:
    """Same server and email: the organisation list of one is the other's too."""
    return one.server == other.server and one.connection.email == other.connection.email


class AccountController(QObject):
    #: The session changed (Session | None); emitted after the controller's own state is updated.
    session_changed = Signal(object)
    #: Someone signed in through the dialog (Session), after ``session_changed``.
    signed_in = Signal(object)
    #: The sign-in dialog closed; True when a session exists afterwards.
    sign_in_closed = Signal(bool)
    #: The start step is done: the saved sign-in was restored, or there was none to restore.
    restore_done = Signal()
    #: A line for the status bar.
    status = Signal(str)
    #: A plain error for the banner: (message, detail).
    error = Signal(str, str)

    def __init__(
        self,
        settings: SettingsController,
        dialog_parent: QWidget | None,
        *,
        demo: DemoAccount | None = None,
        restore_session: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._dialog_parent = dialog_parent
        self._demo = demo
        self._restore_session = restore_session
        self._session: Session | None = None
        # The account's organisations from /2.0/subs (kept at sign-in; listed in a worker on first need after
        # a restored or demo sign-in): a job not found with the chosen one is looked for in the others.
        self._organisations: tuple[Organisation, ...] = ()
        self.holder = ClientHolder()
        self._memory = PasswordMemory()
        self._tasks = TaskGroup(self)
        self.signin_dialog: SignInDialog | None = None
        settings.applied.connect(self._on_settings_applied)

    # -- state -----------------------------------------------------------------------------------------------

    def set_dialog_parent(self, widget: QWidget | None) -> None:
        """The window the sign-in dialog opens over (none at a hidden start until the window is built)."""
        self._dialog_parent = widget

    def session(self) -> Session | None:
        return self._session

    @property
    def is_demo(self) -> bool:
        return self._demo is not None

    def signed_in_as(self) -> str | None:
        """ "email · organisation · place" for the header, or None when signed out."""
        session = self._session
        if session is None:
            return None
        place = server_display_name(session.server, demo=self.is_demo)
        parts = [session.connection.email, session.organisation or _("(no organisation)"), place]
        return " \u00b7 ".join(parts)

    def organisations(self) -> tuple[Organisation, ...]:
        """The account's organisations on the session's server (empty until listed)."""
        return self._organisations

    def set_organisations(self, organisations: tuple[Organisation, ...], session: Session | None) -> None:
        """Keep the /2.0/subs list a worker read for ``session`` (ignored when the sign-in changed since)."""
        if session is not None and self._session is not None and _same_account(session, self._session):
            self._organisations = tuple(organisations)

    def switch_organisation(self, org: Organisation) -> None:
        """One click from "This job belongs to <organisation>": the same sign-in with that organisation."""
        session = self._session
        if session is None or not org.usable:
            return
        conn = dataclasses.replace(session.connection, api_token=org.api_token)
        self.set_session(Session(conn, org.name, org.org_id))
        if self._demo is None:
            settings = self._settings.current()
            self._settings.save(
                dataclasses.replace(settings, org_name=org.name, org_id=org.org_id, api_token=org.api_token)
            )
        self.status.emit(_("Switched to {organisation}.").format(organisation=org.name))

    def set_session(self, session: Session | None) -> None:
        if session == self._session:
            return
        if session is None or self._session is None or not _same_account(session, self._session):
            self._organisations = ()
        self._session = session
        # A new sign-in gets a fresh client (and pool); the old one is closed off the GUI thread's way.
        self.holder.close()
        self.session_changed.emit(session)

    # -- start -----------------------------------------------------------------------------------------------

    def restore(self) -> None:
        """Start step: sign in as the demo account, or with the saved sign-in and the keychain's password."""
        demo = self._demo
        settings = self._settings.current()
        if demo is not None:
            # The demo signs in with the sandbox account at once: no keychain, no dialog.
            conn = connection_for(settings, demo.server, demo.email, demo.password, demo.api_token)
            self.set_session(Session(conn, demo.organisation, demo.org_id))
            self.restore_done.emit()
            return
        if not (self._restore_session and settings.email and settings.api_token):
            self.restore_done.emit()
            return
        try:
            server = settings_server(settings)
        except ConfigError as exc:  # a hand-edited custom address
            self.error.emit(exc.message, exc.detail)
            self.restore_done.emit()
            return
        task = self._tasks.run(
            find_saved_password_and_proxy, self._memory, settings, server, settings.email, name="keychain-get"
        )
        task.succeeded.connect(lambda result: self._on_password_found(server, result))
        task.failed.connect(self._on_restore_failed)

    def _on_password_found(self, server: str, result: KeychainResult) -> None:
        settings = self._settings.current()
        if result.password:
            conn = connection_for(settings, server, settings.email, result.password, settings.api_token)
            self.set_session(Session(conn, settings.org_name, settings.org_id))
            self.status.emit(_("Signed in as {email}.").format(email=settings.email))
        else:
            if result.notice:
                self._settings.notice_once(NOTICE_KEYCHAIN, result.notice, result.detail)
            self.open_sign_in()
        self.restore_done.emit()

    def _on_restore_failed(self, message: str, detail: str) -> None:
        self.error.emit(message, detail)
        self.restore_done.emit()

    # -- sign in and out -------------------------------------------------------------------------------------

    def open_sign_in(self, switch: bool = False) -> SignInDialog:
        from pig_desktop.ui.account.signin_dialog import SignInDialog

        dialog = self.signin_dialog
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        session = self._session
        password = session.connection.password if (switch and session is not None) else ""
        dialog = SignInDialog(
            self._settings.current(), self._dialog_parent, password=password, switch_organisation=switch
        )
        dialog.signed_in.connect(self._on_signed_in)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.signin_dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: QObject) -> None:
        if self.signin_dialog is dialog:
            self.signin_dialog = None
        dialog.deleteLater()
        self.sign_in_closed.emit(self._session is not None)

    def _on_signed_in(self, choice: SignInChoice) -> None:
        org = choice.organisation
        settings = self._settings.current()
        conn = connection_for(settings, choice.server, choice.email, choice.password, org.api_token)
        session = Session(conn, org.name, org.org_id)
        self._organisations = ()
        self.set_session(session)
        self._organisations = tuple(choice.organisations)
        if self._demo is None:
            self._settings.save(
                dataclasses.replace(
                    settings,
                    server_kind=choice.server_kind,  # type: ignore[arg-type]
                    custom_server=choice.custom_server,
                    email=choice.email,
                    org_name=org.name,
                    org_id=org.org_id,
                    api_token=org.api_token,
                    remember_me=choice.remember,
                )
            )
            task = self._tasks.run(
                remember_password,
                self._memory,
                choice.server,
                choice.email,
                choice.password,
                choice.remember,
                name="keychain-set",
            )
            task.succeeded.connect(self._on_keychain_result)
            task.failed.connect(self.error.emit)
        self.status.emit(_("Signed in to {organisation}.").format(organisation=org.name))
        self.signed_in.emit(session)

    def _on_keychain_result(self, result: KeychainResult) -> None:
        if result.notice:
            self._settings.notice_once(NOTICE_KEYCHAIN, result.notice, result.detail)

    def sign_out(self) -> None:
        session = self._session
        if session is None:
            return
        if self._demo is None:
            self._tasks.run(
                forget_password,
                self._memory,
                session.server,
                session.connection.email,
                name="keychain-delete",
            )
            self._settings.save(
                dataclasses.replace(self._settings.current(), api_token="", org_name="", org_id="")
            )
        self.set_session(None)
        self.status.emit(_("Signed out."))

    def _on_settings_applied(self, old: Settings, new: Settings) -> None:
        session = self._session
        if session is None:
            return
        try:
            server = settings_server(new)
        except ConfigError:
            server = ""
        moved = (new.server_kind, new.custom_server) != (old.server_kind, old.custom_server)
        if moved and server != session.server:
            self.set_session(None)
            self.status.emit(_("The server changed: sign in to it."))
            self.open_sign_in()
        else:
            self.set_session(with_preferences(session, new))

    # -- shutdown --------------------------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Close the dialog, stop the keychain jobs and close the session's client (never kills a thread)."""
        if self.signin_dialog is not None:
            self.signin_dialog.reject()
        self._tasks.cancel_all()
        self.holder.abort()
        self._tasks.shutdown(timeout_ms)
        self.holder.close()
