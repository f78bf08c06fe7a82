"""The sign-in dialog: email, password, server, "Remember me", then the user's organisations to pick from.

"Sign in" runs :func:`pig_desktop.core.signin.sign_in` in a worker thread (ping, then the credentials, then
``/2.0/subs``). A failure is shown inline, naming the step that failed in plain words. On success the
organisations are listed by name with their subscription state; only active ones can be chosen, and when
exactly one can be, it is preselected (the user still confirms with "Use this organisation").

The dialog itself stores nothing: the window takes :meth:`SignInDialog.choice` and keeps the password in the
keychain or in memory (``ui.app_state.remember_password``), and the rest in settings.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.core.errors import ConfigError
from pig_desktop.core.servers import SERVER_NAMES, server_for
from pig_desktop.i18n import N_, _
from pig_desktop.ui.system.plain_text import plain_tooltip
from pig_desktop.ui.system.tasks import TaskHandle, run_in_thread

if TYPE_CHECKING:
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.connection import Connection
    from pig_desktop.core.models import Organisation
    from pig_desktop.store.settings import Settings

STEP_TITLES = {
    "reach": N_("Step 1 of 3 (reaching CINX) failed"),
    "credentials": N_("Step 2 of 3 (checking your email and password) failed"),
    "subscription": N_("Step 3 of 3 (listing your organisations) failed"),
}


@dataclass(frozen=True)
class SignInChoice:
    """What the user signed in with and chose. Crosses to worker threads; the password is never repr()-ed."""

    server_kind: str
    custom_server: str
    server: str
    email: str
    password: str
    remember: bool
    organisation: Organisation
    #: Every organisation /2.0/subs listed (the others are searched when a job is not found).
    organisations: tuple[Organisation, ...] = ()

    def __repr__(self) -> str:
        return (
            f"SignInChoice(server={self.server!r}, email={self.email!r}, remember={self.remember}, "
            f"organisation={self.organisation.name!r})"
        )


@dataclass(frozen=True)
class _Failure:
    step: str
    message: str
    detail: str


class _ClientBox:
    """The sign-in's own short-lived client, reachable from the GUI thread for abort()."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.client: CinxClient | None = None

    def set(self, client: CinxClient | None) -> None:
        with self._lock:
            self.client = client

    def abort(self) -> None:
        with self._lock:
            client = self.client
        if client is not None:
            client.abort()


def _sign_in_job(connection: Connection, box: _ClientBox, cancel: threading.Event) -> Any:
    """Worker: the three sign-in steps with a fresh client. Returns SignInResult or _Failure."""
    from pig_desktop.core.client import CinxClient
    from pig_desktop.core.signin import SignInError, sign_in
    from pig_desktop.store.logsetup import register_credentials

    register_credentials(connection.email, connection.password)
    client = CinxClient(connection)
    box.set(client)
    try:
        return sign_in(client)
    except SignInError as exc:
        return _Failure(exc.step, exc.message, exc.detail)
    finally:
        box.set(None)
        client.close()


def org_state_text(org: Organisation) -> str:
    """ "Active", "Expired: <reason>" or "Not enabled for API access"."""
    if org.state == "active":
        return _("Active")
    if org.state == "no_api_access":
        return _("Not enabled for API access")
    # TRANSLATORS: {reason} is the reason CINX gave, shown as sent.
    return _("Expired: {reason}").format(reason=org.reason_text)


class SignInDialog(QDialog):
    """See the module docstring. Emits ``signed_in(SignInChoice)`` when the user confirms an organisation."""

    signed_in = Signal(object)

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        password: str = "",
        switch_organisation: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(_("Switch organisation") if switch_organisation else _("Sign in to CINX"))
        self.setModal(True)
        self._settings = settings
        self._task: TaskHandle | None = None
        self._box = _ClientBox()
        self._organisations: tuple[Organisation, ...] = ()
        self._choice: SignInChoice | None = None
        self._last_selected: QListWidgetItem | None = None
        self._pending: tuple[str, str, str, str, str, bool] | None = None
        #: The step of the last failure ("reach", "credentials", "subscription") or "".
        self.failed_step = ""

        intro = QLabel(
            _("Sign in with your CINX email and password. PIG Desktop only reads job status."), self
        )
        intro.setWordWrap(True)

        self.email = QLineEdit(settings.email, self)
        self.email.setObjectName("signInEmail")
        self.email.setAccessibleName(_("Email"))
        self.email.setPlaceholderText(_("name@company.com"))
        self.password = QLineEdit(password, self)
        self.password.setObjectName("signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Password"))
        self.server = QComboBox(self)
        self.server.setObjectName("signInServer")
        self.server.setAccessibleName(_("Server"))
        for kind in ("production", "development", "custom"):
            self.server.addItem(_(SERVER_NAMES[kind]), kind)
        self.server.setCurrentIndex(max(0, self.server.findData(settings.server_kind)))
        self.custom_url = QLineEdit(settings.custom_server, self)
        self.custom_url.setObjectName("signInCustomUrl")
        self.custom_url.setAccessibleName(_("Custom server address"))
        self.custom_url.setPlaceholderText("https://cinx.example.com")
        self.remember = QCheckBox(_("Remember me (keep the password in this computer's keychain)"), self)
        self.remember.setObjectName("signInRemember")
        self.remember.setAccessibleName(_("Remember me"))
        self.remember.setChecked(settings.remember_me)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("&Email:"), self.email)
        form.addRow(_("&Password:"), self.password)
        form.addRow(_("&Server:"), self.server)
        self._custom_label = QLabel(_("Server &address:"), self)
        self._custom_label.setBuddy(self.custom_url)
        form.addRow(self._custom_label, self.custom_url)
        form.addRow("", self.remember)

        self.error_title = QLabel(self)
        self.error_title.setObjectName("signInErrorTitle")
        bold = QFont(self.error_title.font())
        bold.setBold(True)
        self.error_title.setFont(bold)
        self.error_title.setWordWrap(True)
        # Sign-in problems can quote the server (a subscription's reason): text, never markup.
        self.error_title.setTextFormat(Qt.TextFormat.PlainText)
        self.error = QLabel(self)
        self.error.setObjectName("signInError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setAccessibleName(_("Sign-in problem"))
        self.progress = QLabel(self)
        self.progress.setObjectName("signInProgress")
        self.progress.setWordWrap(True)
        self.progress.setTextFormat(Qt.TextFormat.PlainText)

        self.org_label = QLabel(_("Choose the &organisation whose jobs you want to check:"), self)
        self.org_list = QListWidget(self)
        self.org_list.setObjectName("signInOrgList")
        self.org_list.setAccessibleName(_("Organisations"))
        self.org_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.org_list.setWordWrap(True)
        self.org_list.setUniformItemSizes(False)
        self.org_label.setBuddy(self.org_list)

        self.buttons = QDialogButtonBox(self)
        self.sign_in_button = QPushButton(_("Sign in"), self)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        self.use_button = QPushButton(_("Use this organisation"), self)
        self.use_button.setObjectName("signInUseOrganisation")
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setObjectName("signInCancel")
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 18, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.error_title)
        layout.addWidget(self.error)
        layout.addWidget(self.org_label)
        layout.addWidget(self.org_list, 1)
        layout.addWidget(self.buttons)

        self.sign_in_button.clicked.connect(self.start_sign_in)
        self.use_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self.reject)
        self.server.currentIndexChanged.connect(self._on_server_kind)
        self.org_list.itemSelectionChanged.connect(self._on_org_selection)
        self.org_list.itemDoubleClicked.connect(lambda _item: self._confirm())
        for edit in (self.email, self.password, self.custom_url):
            edit.textEdited.connect(self._credentials_edited)
        self.server.currentIndexChanged.connect(self._credentials_edited)

        self._on_server_kind()
        self._show_orgs(False)
        self._clear_error()
        self.resize(max(self.sizeHint().width(), 480), self.sizeHint().height())
        (self.password if settings.email else self.email).setFocus()
        if switch_organisation and settings.email and password:
            self.start_sign_in()

    # -- API ---------------------------------------------------------------------------------------------

    def choice(self) -> SignInChoice | None:
        return self._choice

    def organisations(self) -> tuple[Organisation, ...]:
        return self._organisations

    def is_busy(self) -> bool:
        return self._task is not None and not self._task.is_done()

    def error_text(self) -> str:
        return (self.error_title.text() + "\n" + self.error.text()).strip()

    # -- sign in -----------------------------------------------------------------------------------------

    def start_sign_in(self) -> None:
        from pig_desktop.ui.account.app_state import connection_for

        if self.is_busy():
            return
        self._clear_error()
        self._show_orgs(False)
        email = self.email.text().strip()
        password = self.password.text()
        kind = str(self.server.currentData())
        custom = self.custom_url.text().strip()
        if not email or not password:
            self._fail("credentials", _("Enter your CINX email and password."), "")
            (self.email if not email else self.password).setFocus()
            return
        try:
            server = server_for(kind, custom)
        except ConfigError as exc:
            self._fail("reach", exc.message, exc.detail)
            self.custom_url.setFocus()
            return
        connection = connection_for(self._settings, server, email, password, "")
        self._pending = (kind, custom, server, email, password, self.remember.isChecked())
        self.progress.setText(
            _("Signing in: reaching CINX, checking your password, listing organisations\u2026")
        )
        self.progress.show()
        self._set_busy(True)
        self._task = run_in_thread(
            self, _sign_in_job, connection, self._box, on_cancel=self._box.abort, name="sign-in"
        )
        self._task.succeeded.connect(self._on_result)
        self._task.failed.connect(lambda message, detail: self._fail("reach", message, detail))
        self._task.finished.connect(lambda: self._set_busy(False))

    def _on_result(self, result: object) -> None:
        self.progress.hide()
        if isinstance(result, _Failure):
            self._fail(result.step, result.message, result.detail)
            return
        from pig_desktop.core.signin import SignInResult  # loaded by the worker already (the client's module)

        assert isinstance(result, SignInResult), type(result)  # _sign_in_job returns nothing else
        organisations = result.organisations
        self._organisations = organisations
        self._last_selected = None
        self.org_list.clear()
        from pig_desktop.ui.system.icons import outcome_icon

        usable: list[tuple[Organisation, QListWidgetItem]] = []
        for org in organisations:
            item = QListWidgetItem(f"{org.name}\n{org_state_text(org)}")
            item.setData(Qt.ItemDataRole.UserRole, org.org_id)
            item.setToolTip(plain_tooltip(org.plain_state))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{org.name}: {org_state_text(org)}")
            if org.usable:
                item.setIcon(outcome_icon("processed"))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                usable.append((org, item))
            else:
                item.setIcon(outcome_icon("auth_error"))
                # Shown at full contrast (so people can read why an organisation is missing), with a lock
                # icon, but not selectable.
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.org_list.addItem(item)
        # The organisation used last time, else the first usable one; the user still confirms.
        saved = [
            item for org, item in usable if self._settings.org_id and org.org_id == self._settings.org_id
        ]
        preselect = saved[0] if saved else (usable[0][1] if usable else None)
        self._show_orgs(True)
        # Show every organisation without scrolling (up to a handful), and grow the dialog to fit.
        rows = sum(self.org_list.sizeHintForRow(i) for i in range(min(self.org_list.count(), 6)))
        self.org_list.setMinimumHeight(min(rows + 2 * self.org_list.frameWidth() + 4, 320))
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        if preselect is not None:
            self.org_list.setCurrentItem(preselect)
            preselect.setSelected(True)
            self.org_list.setFocus()
        else:
            self.error_title.setText(_("None of your organisations can be used with PIG Desktop."))
            self.error.setText(
                _("Each needs an active CINX subscription with API access. Ask your CINX administrator.")
            )
            self.error_title.show()
            self.error.show()
        self._update_buttons()

    def _fail(self, step: str, message: str, detail: str) -> None:
        self.failed_step = step
        self.progress.hide()
        self.error_title.setText(_(STEP_TITLES.get(step, STEP_TITLES["reach"])))
        self.error.setText(message)
        self.error.setToolTip(plain_tooltip(detail))
        self.error_title.show()
        self.error.show()
        self._update_buttons()

    def _confirm(self) -> None:
        org = self.selected_organisation()
        if org is None or self._pending is None:
            return
        kind, custom, server, email, password, remember = self._pending
        self._choice = SignInChoice(
            kind, custom, server, email, password, remember, org, tuple(self._organisations)
        )
        self.signed_in.emit(self._choice)
        self.accept()

    def _on_org_selection(self) -> None:
        # A click on an organisation that can't be used must not drop the usable one already chosen.
        items = self.org_list.selectedItems()
        if items:
            self._last_selected = items[0]
        elif self._last_selected is not None and self.org_list.row(self._last_selected) >= 0:
            blocker = self.org_list.blockSignals(True)
            self._last_selected.setSelected(True)
            self.org_list.blockSignals(blocker)
        self._update_buttons()

    def selected_organisation(self) -> Organisation | None:
        items = self.org_list.selectedItems()
        if not items:
            return None
        org_id = items[0].data(Qt.ItemDataRole.UserRole)
        index = self.org_list.row(items[0])
        if 0 <= index < len(self._organisations):
            org = self._organisations[index]
            if org.usable and org.org_id == org_id:
                return org
        return None

    # -- state -------------------------------------------------------------------------------------------

    def _clear_error(self) -> None:
        self.failed_step = ""
        self.error_title.clear()
        self.error.clear()
        self.error_title.hide()
        self.error.hide()
        self.progress.hide()

    def _show_orgs(self, visible: bool) -> None:
        self.org_label.setVisible(visible)
        self.org_list.setVisible(visible)
        if not visible:
            self._last_selected = None
            self.org_list.clear()
            self._organisations = ()
        self._update_buttons()

    def _credentials_edited(self, *_args: object) -> None:
        if self.org_list.isVisible() or self._organisations:
            self._show_orgs(False)
        self._update_buttons()

    def _on_server_kind(self, *_args: object) -> None:
        custom = self.server.currentData() == "custom"
        self.custom_url.setVisible(custom)
        self._custom_label.setVisible(custom)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.email, self.password, self.server, self.custom_url, self.remember):
            widget.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.is_busy()
        has_orgs = bool(self._organisations)
        self.sign_in_button.setVisible(not has_orgs)
        self.sign_in_button.setEnabled(not busy)
        self.use_button.setVisible(has_orgs)
        self.use_button.setEnabled(has_orgs and self.selected_organisation() is not None)
        self.use_button.setDefault(has_orgs)
        self.sign_in_button.setDefault(not has_orgs)

    def done(self, result: int) -> None:
        # Leaving the dialog stops a sign-in still in flight (abort closes its sockets at once).
        if self._task is not None:
            self._task.shutdown(5000)
            self._task = None
        super().done(result)
