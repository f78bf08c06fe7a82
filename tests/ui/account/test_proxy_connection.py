"""The window's checks go through the manual proxy from Settings (a real recording proxy on
loopback), and straight to the server again once the proxy is cleared in Settings: the connection is
rebuilt on the change."""

from __future__ import annotations

import dataclasses
from typing import Any

from helpers.proxy import RecordingProxy
from helpers.signin import demo_account

from pig_desktop.demo import PROCESSED_JOB
from pig_desktop.store.paths import app_dirs, ensure
from pig_desktop.store.settings import Settings, save_settings
from pig_desktop.ui.account.app_state import StartOptions


def test_checks_go_through_the_manual_proxy_until_it_is_cleared(
    open_window: Any, sandbox: Any, qtbot: Any
) -> None:
    dirs = ensure(app_dirs())
    with RecordingProxy() as proxy:
        port = int(proxy.url.rsplit(":", 1)[1])
        save_settings(Settings(proxy_host="127.0.0.1", proxy_port=port), dirs.settings_file)
        window = open_window(StartOptions(dirs=dirs, demo=demo_account(sandbox.url)))
        session = window.session()
        assert session is not None and session.connection.proxy is not None
        assert session.connection.proxy.url == proxy.url and session.connection.proxy.source == "manual"

        window.job_field.set_text(PROCESSED_JOB)
        with qtbot.waitSignal(window.check_finished, timeout=15000) as done:
            window.check_button.click()
        assert done.args[0].outcome.value == "processed"
        assert [line for line in proxy.seen if PROCESSED_JOB in line], proxy.seen
        through_proxy = len(proxy.seen)

        controller = window.settings_controller
        controller.apply_changes(dataclasses.replace(controller.current(), proxy_host=""))
        assert window.session().connection.proxy is None
        with qtbot.waitSignal(window.check_finished, timeout=15000) as done:
            window.check_button.click()
        assert done.args[0].outcome.value == "processed"
        assert len(proxy.seen) == through_proxy  # straight to the server now
        assert sandbox.request_count(PROCESSED_JOB) == 2
