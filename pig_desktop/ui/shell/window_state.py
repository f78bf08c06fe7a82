"""What the window shows of the sign-in and of what can be done now: the header's account and the job
field's hint (:func:`show_account`, at each sign-in change), what the header's account buttons do
(:func:`connect_header`), and which buttons and menu entries are enabled (:func:`enable_actions`, also when
a check starts or ends and when watching is attached)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pig_desktop.i18n import _

if TYPE_CHECKING:
    from pig_desktop.ui.account.controller import AccountController
    from pig_desktop.ui.shell.actions import WindowActions
    from pig_desktop.ui.shell.header import AppHeader
    from pig_desktop.ui.shell.layout import Shell

__all__ = ["connect_header", "enable_actions", "show_account"]


def show_account(shell: Shell, account: AccountController) -> None:
    shell.header.show_account(account.signed_in_as(), can_switch=not account.is_demo)
    shell.job_field.set_empty_hint(
        _("A whole link or a line from an email works too: the job id is found in it.")
        if account.session() is not None
        else _("Sign in first (top right). Then paste a job id or a link here and press Enter.")
    )


def connect_header(header: AppHeader, account: AccountController) -> None:
    header.sign_in_requested.connect(lambda: account.open_sign_in())
    header.switch_requested.connect(lambda: account.open_sign_in(switch=True))
    header.sign_out_requested.connect(account.sign_out)


def enable_actions(
    shell: Shell, actions: WindowActions, account: AccountController, *, checking: bool, can_watch: bool
) -> None:
    signed_in = account.session() is not None
    shell.cancel_button.setEnabled(checking)
    actions.switch.setEnabled(signed_in and not account.is_demo)
    actions.sign_out.setEnabled(signed_in)
    shell.watch_button.setEnabled(can_watch)
    shell.watch_button.setToolTip(
        _("Keep checking in the background and tell me when the job finishes")
        if can_watch
        else _("Watching is not available yet.")
    )
