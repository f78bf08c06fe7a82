"""The main window's menus and their actions (each with its object name and shortcut).

Part of the first frame, so shortcuts are set by their text, never through ``QKeySequence`` in Python
(see docs/architecture.md, "What the first frame may import"). The two that follow the platform's
convention (Save, Refresh) are added by :func:`add_standard_shortcuts` right after the first paint, before
any key press or menu can reach them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from pig_desktop.i18n import _
from pig_desktop.ui.system.qt_startup import set_by_name

__all__ = ["MenuSlots", "WindowActions", "add_standard_shortcuts", "build_menus"]

Slot = Callable[[], object]


class MenuSlots(NamedTuple):
    """What each menu entry does."""

    save_as: Slot
    open_job_list: Slot
    quit: Slot
    copy_ticket: Slot
    copy_json: Slot
    focus_job: Slot
    refresh: Slot
    sign_in: Slot
    switch_organisation: Slot
    sign_out: Slot
    settings: Slot
    user_guide: Slot
    shortcuts: Slot
    report_problem: Slot
    about: Slot


class WindowActions(NamedTuple):
    save: QAction
    open_job_list: QAction
    quit: QAction
    copy_ticket: QAction
    copy_json: QAction
    focus_job: QAction
    raw: QAction  # checkable; linked to the result pane's Raw button once the pane exists
    refresh: QAction
    sign_in: QAction
    switch: QAction
    sign_out: QAction
    settings: QAction
    user_guide: QAction
    shortcuts: QAction
    report_problem: QAction
    about: QAction


def build_menus(window: QMainWindow, slots: MenuSlots) -> WindowActions:
    bar = window.menuBar()

    def action(text: str, slot: Slot, shortcut: str | None = None, name: str = "") -> QAction:
        act = QAction(window)  # the text apart: see ui/system/widgets.make_button
        act.setText(text)
        if shortcut is not None:
            set_by_name(act, "shortcut", shortcut)
        if name:
            act.setObjectName(name)
        act.triggered.connect(lambda _checked=False: slot())
        window.addAction(act)  # shortcuts work even when the menu bar is hidden
        return act

    file_menu = bar.addMenu(_("&File"))
    save = action(_("&Save as\u2026"), slots.save_as, None, "saveAction")
    file_menu.addAction(save)
    open_job_list = action(_("Open &job list\u2026"), slots.open_job_list, "Ctrl+O", "openJobListAction")
    file_menu.addAction(open_job_list)
    file_menu.addSeparator()
    quit_ = action(_("&Quit"), slots.quit, "Ctrl+Q", "quitAction")
    quit_.setMenuRole(QAction.MenuRole.QuitRole)
    file_menu.addAction(quit_)

    edit_menu = bar.addMenu(_("&Edit"))
    copy_ticket = action(_("Copy for &ticket"), slots.copy_ticket, "Ctrl+Shift+C", "copyTicketAction")
    copy_json = action(_("Copy &JSON"), slots.copy_json, None, "copyJsonAction")
    edit_menu.addAction(copy_ticket)
    edit_menu.addAction(copy_json)
    edit_menu.addSeparator()
    focus_job = action(_("Go to the &job field"), slots.focus_job, "Ctrl+L", "focusJobAction")
    edit_menu.addAction(focus_job)

    view_menu = bar.addMenu(_("&View"))
    raw = QAction(window)
    raw.setText(_("&Raw JSON"))
    raw.setObjectName("rawJsonAction")
    raw.setCheckable(True)
    view_menu.addAction(raw)
    refresh = action(_("Re&fresh"), slots.refresh, None, "refreshAction")
    view_menu.addAction(refresh)

    account_menu = bar.addMenu(_("&Account"))
    sign_in = action(_("&Sign in\u2026"), slots.sign_in, None, "signInAction")
    switch = action(_("Switch &organisation\u2026"), slots.switch_organisation, None, "switchOrgAction")
    sign_out = action(_("Sign &out"), slots.sign_out, None, "signOutAction")
    for act in (sign_in, switch, sign_out):
        account_menu.addAction(act)

    settings_menu = bar.addMenu(_("&Settings"))
    settings = action(_("&Settings\u2026"), slots.settings, "Ctrl+,", "settingsAction")
    settings.setMenuRole(QAction.MenuRole.PreferencesRole)
    settings_menu.addAction(settings)

    help_menu = bar.addMenu(_("&Help"))
    user_guide = action(_("&User guide"), slots.user_guide, "F1", "helpUserGuideAction")
    shortcuts = action(_("&Keyboard shortcuts"), slots.shortcuts, None, "helpShortcutsAction")
    report_problem = action(
        _("&Report a problem\u2026"), slots.report_problem, None, "helpReportProblemAction"
    )
    about = action(
        _("&About PIG Desktop"), slots.about, None, "aboutAction"
    )  # the name it had before the Help menu grew
    about.setMenuRole(QAction.MenuRole.AboutRole)
    for act in (user_guide, shortcuts, report_problem):
        help_menu.addAction(act)
    help_menu.addSeparator()
    help_menu.addAction(about)
    return WindowActions(
        save,
        open_job_list,
        quit_,
        copy_ticket,
        copy_json,
        focus_job,
        raw,
        refresh,
        sign_in,
        switch,
        sign_out,
        settings,
        user_guide,
        shortcuts,
        report_problem,
        about,
    )


def add_standard_shortcuts(actions: WindowActions) -> None:
    """Save and Refresh get the platform's keys (Ctrl+S or Cmd+S; F5, and Ctrl+R where that is usual), and
    Refresh gets F5 everywhere."""
    from PySide6.QtGui import QKeySequence

    actions.save.setShortcuts(QKeySequence.StandardKey.Save)
    refresh = actions.refresh
    refresh.setShortcuts(QKeySequence.StandardKey.Refresh)
    if "F5" not in [keys.toString() for keys in refresh.shortcuts()]:  # e.g. macOS: Cmd+R
        refresh.setShortcuts([*refresh.shortcuts(), QKeySequence("F5")])
