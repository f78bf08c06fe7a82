"""The Settings dialog: server, certificate file, time limits, proxy, history size, notifications, watching,
starting at sign-in, language and appearance.

It edits a copy of :class:`~pig_desktop.store.settings.Settings` and hands back the new value
(:meth:`SettingsDialog.result_settings`); the window saves it atomically. Bad values are refused inline
(the OK button stays disabled and a sentence says what to fix), never with a modal message box. The proxy
password is never part of the settings: :meth:`SettingsDialog.result_proxy_password` hands it to the
controller, which keeps it in the keychain only.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.core.errors import ConfigError
from pig_desktop.core.servers import SERVER_NAMES, normalize_server
from pig_desktop.i18n import LANGUAGE_NAMES, _, format_decimal, ngettext
from pig_desktop.store.settings import PROXY_PORT_RANGE

if TYPE_CHECKING:
    from pig_desktop.store.settings import Settings


class RateSpinBox(QDoubleSpinBox):
    """Checks per second: "2 checks per second", "0.5 checks per second", "1 check per second"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(1)
        self.valueChanged.connect(self._update_suffix)
        self._update_suffix(self.value())

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        places = 0 if float(value).is_integer() else 1
        return format_decimal(value, places)

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        number = text.replace(self.suffix(), "").strip().replace(",", ".")
        try:
            return float(number)
        except ValueError:
            return self.value()

    def _update_suffix(self, value: float) -> None:
        self.setSuffix(ngettext(" check per second", " checks per second", 1 if value == 1 else 2))


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        self._settings = settings
        self._result: Settings | None = None
        self._proxy_password: str | None = None

        # -- connection --
        self.server = QComboBox(self)
        self.server.setObjectName("settingsServer")
        self.server.setAccessibleName(_("Server"))
        for kind in ("production", "development", "custom"):
            self.server.addItem(_(SERVER_NAMES[kind]), kind)
        self.server.setCurrentIndex(max(0, self.server.findData(settings.server_kind)))
        self.custom_url = QLineEdit(settings.custom_server, self)
        self.custom_url.setObjectName("settingsCustomUrl")
        self.custom_url.setAccessibleName(_("Custom server address"))
        self.custom_url.setPlaceholderText("https://cinx.example.com")
        self.ca_bundle = QLineEdit(settings.ca_bundle, self)
        self.ca_bundle.setObjectName("settingsCaBundle")
        self.ca_bundle.setAccessibleName(_("Extra certificate file"))
        self.ca_bundle.setPlaceholderText(_("Only if IT gave you one"))
        browse = QPushButton(_("Browse\u2026"), self)
        browse.setAccessibleName(_("Choose a certificate file"))
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(browse)
        self.connect_timeout = self._seconds(settings.connect_timeout, "settingsConnectTimeout")
        self.connect_timeout.setAccessibleName(_("Connection time limit in seconds"))
        self.read_timeout = self._seconds(settings.read_timeout, "settingsReadTimeout")
        self.read_timeout.setAccessibleName(_("Answer time limit in seconds"))

        connection = QGroupBox(_("Connection"), self)
        form = QFormLayout(connection)
        form.addRow(_("&Server:"), self.server)
        self._custom_label = QLabel(_("Server &address:"), self)
        self._custom_label.setBuddy(self.custom_url)
        form.addRow(self._custom_label, self.custom_url)
        ca_label = QLabel(_("&Certificate file:"), self)
        ca_label.setBuddy(self.ca_bundle)
        form.addRow(ca_label, ca_row)
        form.addRow(_("Wait for a &connection:"), self.connect_timeout)
        form.addRow(_("Wait for an &answer:"), self.read_timeout)

        # -- history, notifications, watching --
        self.history_limit = QSpinBox(self)
        self.history_limit.setObjectName("settingsHistoryLimit")
        self.history_limit.setAccessibleName(_("Number of jobs to keep in the history"))
        self.history_limit.setRange(10, 100_000)
        self.history_limit.setSingleStep(100)
        self.history_limit.setValue(settings.history_limit)
        self.notifications = QCheckBox(_("Show a notification when a watched job finishes"), self)
        self.notifications.setObjectName("settingsNotifications")
        self.notifications.setChecked(settings.notifications)
        self.failures_only = QCheckBox(_("Only for failed jobs"), self)
        self.failures_only.setObjectName("settingsFailuresOnly")
        self.failures_only.setChecked(settings.notify_failures_only)
        self.notifications.toggled.connect(self.failures_only.setEnabled)
        self.failures_only.setEnabled(settings.notifications)
        self.watch_rate = RateSpinBox(self)
        self.watch_rate.setObjectName("settingsWatchRate")
        self.watch_rate.setAccessibleName(_("Most checks per second while watching"))
        self.watch_rate.setRange(0.1, 20.0)
        self.watch_rate.setSingleStep(0.5)
        self.watch_rate.setValue(settings.watch_rate_limit)
        self.watch_hours = QDoubleSpinBox(self)
        self.watch_hours.setObjectName("settingsWatchHours")
        self.watch_hours.setAccessibleName(_("Longest watch in hours"))
        self.watch_hours.setRange(0.1, 24.0 * 30)
        self.watch_hours.setDecimals(1)
        self.watch_hours.setSuffix(_(" hours"))
        self.watch_hours.setValue(settings.watch_max_hours)

        general = QGroupBox(_("History and watching"), self)
        form2 = QFormLayout(general)
        form2.addRow(_("&Keep the last:"), self._with_unit(self.history_limit, _("jobs in the history")))
        form2.addRow(_("Notifications:"), self.notifications)
        form2.addRow("", self.failures_only)
        form2.addRow(_("Watch at &most:"), self.watch_rate)
        form2.addRow(_("Stop watching &after:"), self.watch_hours)

        # -- proxy --
        self.proxy_host = QLineEdit(settings.proxy_host, self)
        self.proxy_host.setObjectName("proxyHostEdit")
        self.proxy_host.setAccessibleName(_("Proxy server"))
        self.proxy_host.setPlaceholderText(_("Empty: use the computer's proxy settings"))
        self.proxy_port = QSpinBox(self)
        self.proxy_port.setObjectName("proxyPortSpin")
        self.proxy_port.setAccessibleName(_("Proxy port"))
        self.proxy_port.setRange(*PROXY_PORT_RANGE)
        self.proxy_port.setValue(settings.proxy_port)
        self.proxy_user = QLineEdit(settings.proxy_user, self)
        self.proxy_user.setObjectName("proxyUserEdit")
        self.proxy_user.setAccessibleName(_("Proxy user name"))
        self.proxy_user.setPlaceholderText(_("Only if the proxy asks for one"))
        self.proxy_password = QLineEdit(self)
        self.proxy_password.setObjectName("proxyPasswordEdit")
        self.proxy_password.setAccessibleName(_("Proxy password"))
        self.proxy_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.proxy_password.setPlaceholderText(
            _("Unchanged (kept in the keychain)") if settings.proxy_user else _("Kept in the keychain")
        )
        proxy = QGroupBox(_("Proxy"), self)
        form_proxy = QFormLayout(proxy)
        for text, widget in (
            (_("Proxy &server:"), self.proxy_host),
            (_("P&ort:"), self.proxy_port),
            (_("&User:"), self.proxy_user),
            (_("Pass&word:"), self.proxy_password),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form_proxy.addRow(label, widget)
        self.proxy_host.textChanged.connect(self._on_proxy_host)
        self._on_proxy_host()

        # -- starting and looks --
        self.start_at_sign_in = QCheckBox(_("Start PIG Desktop when I sign in"), self)
        self.start_at_sign_in.setObjectName("startAtSignInCheck")
        self.start_at_sign_in.setAccessibleName(_("Start PIG Desktop when I sign in"))
        self.start_at_sign_in.setToolTip(_("It starts in the tray and goes on watching your saved jobs."))
        self.start_at_sign_in.setChecked(settings.start_at_sign_in)
        self.language = QComboBox(self)
        self.language.setObjectName("languageCombo")
        self.language.setAccessibleName(_("Language (applies after a restart)"))
        self.language.addItem(_("System"), "system")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)  # each language in its own words
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.appearance = QComboBox(self)
        self.appearance.setObjectName("appearanceCombo")
        self.appearance.setAccessibleName(_("Appearance"))
        for choice, name in (("system", _("System")), ("light", _("Light")), ("dark", _("Dark"))):
            self.appearance.addItem(name, choice)
        self.appearance.setCurrentIndex(max(0, self.appearance.findData(settings.appearance)))
        looks = QGroupBox(_("Start and appearance"), self)
        form_looks = QFormLayout(looks)
        form_looks.addRow("", self.start_at_sign_in)
        language_label = QLabel(_("&Language:"), self)
        language_label.setBuddy(self.language)
        form_looks.addRow(language_label, self._with_unit(self.language, _("Applies after a restart")))
        appearance_label = QLabel(_("A&ppearance:"), self)
        appearance_label.setBuddy(self.appearance)
        form_looks.addRow(appearance_label, self.appearance)

        # -- advanced --
        self.status_path = QLineEdit(settings.status_path_template, self)
        self.status_path.setObjectName("settingsStatusPath")
        self.status_path.setAccessibleName(_("Status address template"))
        reset = QPushButton(_("Reset"), self)
        reset.setAccessibleName(_("Reset the status address template"))
        reset.clicked.connect(self._reset_template)
        advanced = QGroupBox(_("Advanced (change only when support asks)"), self)
        advanced.setCheckable(True)
        advanced.setChecked(False)
        adv_row = QHBoxLayout()
        adv_row.addWidget(self.status_path, 1)
        adv_row.addWidget(reset)
        form3 = QFormLayout(advanced)
        path_label = QLabel(_("Status &path:"), self)
        path_label.setBuddy(self.status_path)
        form3.addRow(path_label, adv_row)
        advanced.toggled.connect(self.status_path.setEnabled)
        advanced.toggled.connect(reset.setEnabled)
        self.status_path.setEnabled(False)
        reset.setEnabled(False)

        self.error = QLabel(self)
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(12)
        layout.addWidget(connection)
        layout.addWidget(proxy)
        layout.addWidget(general)
        layout.addWidget(looks)
        layout.addWidget(advanced)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.server.currentIndexChanged.connect(self._on_server_kind)
        for edit in (self.custom_url, self.status_path, self.proxy_host):
            edit.textChanged.connect(self._validate)
        self.server.currentIndexChanged.connect(self._validate)
        self._on_server_kind()
        self._validate()

    @staticmethod
    def _with_unit(widget: QWidget, unit: str) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widget)
        row.addWidget(QLabel(unit))
        row.addStretch(1)
        return box

    def _seconds(self, value: float, name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setObjectName(name)
        box.setRange(1.0, 120.0)
        box.setDecimals(0)
        box.setSuffix(_(" seconds"))
        box.setValue(value)
        return box

    def _on_proxy_host(self, *_args: object) -> None:
        manual = bool(self.proxy_host.text().strip())
        for widget in (self.proxy_port, self.proxy_user, self.proxy_password):
            widget.setEnabled(manual)

    def _browse_ca(self) -> None:
        start = str(Path(self.ca_bundle.text()).parent) if self.ca_bundle.text() else str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Certificate file"),
            start,
            _("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if name:
            self.ca_bundle.setText(name)

    def _reset_template(self) -> None:
        from pig_desktop.store.settings import DEFAULT_STATUS_PATH_TEMPLATE

        self.status_path.setText(DEFAULT_STATUS_PATH_TEMPLATE)

    def _on_server_kind(self, *_args: object) -> None:
        custom = self.server.currentData() == "custom"
        self.custom_url.setVisible(custom)
        self._custom_label.setVisible(custom)

    def problem(self) -> str:
        """What must be fixed before OK works ("" when everything is fine)."""
        if self.server.currentData() == "custom":
            try:
                normalize_server(self.custom_url.text())
            except ConfigError as exc:
                return exc.message
        template = self.status_path.text().strip()
        if "{job}" not in template or "{token}" not in template or not template.startswith("/"):
            return _(
                "The status path must start with / and contain {token} and {job}. "
                "Use Reset to go back to the default."
            )
        ca = self.ca_bundle.text().strip()
        if ca and not Path(ca).is_file():
            return _("The certificate file can't be found. Choose it again, or clear the field.")
        host = self.proxy_host.text().strip()
        if host and (any(c.isspace() for c in host) or "/" in host or "@" in host):
            return _(
                "The proxy server is a name or address only, such as proxy.example.com, without "
                "http:// or a user name. Ask IT for it if you are not sure."
            )
        return ""

    def _validate(self, *_args: object) -> None:
        problem = self.problem()
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(not problem)

    def _accept(self) -> None:
        self._validate()
        if self.problem():
            return
        custom = self.custom_url.text().strip()
        if self.server.currentData() == "custom":
            custom = normalize_server(custom)
        self._result = dataclasses.replace(
            self._settings,
            server_kind=str(self.server.currentData()),  # type: ignore[arg-type]
            custom_server=custom,
            ca_bundle=self.ca_bundle.text().strip(),
            connect_timeout=float(self.connect_timeout.value()),
            read_timeout=float(self.read_timeout.value()),
            status_path_template=self.status_path.text().strip(),
            history_limit=int(self.history_limit.value()),
            notifications=self.notifications.isChecked(),
            notify_failures_only=self.failures_only.isChecked(),
            watch_rate_limit=float(self.watch_rate.value()),
            watch_max_hours=float(self.watch_hours.value()),
            proxy_host=self.proxy_host.text().strip(),
            proxy_port=int(self.proxy_port.value()),
            proxy_user=self.proxy_user.text().strip(),
            start_at_sign_in=self.start_at_sign_in.isChecked(),
            language=str(self.language.currentData()),
            appearance=str(self.appearance.currentData()),
        )
        if self.proxy_password.text() and self._result.proxy_host and self._result.proxy_user:
            self._proxy_password = self.proxy_password.text()
        self.accept()

    def result_settings(self) -> Settings | None:
        """The edited settings after OK, else None."""
        return self._result

    def result_proxy_password(self) -> str | None:
        """The proxy password typed, for the keychain; None to leave the stored one as it is."""
        return self._proxy_password if self._result is not None else None
