"""The notifier's words, its Notify arguments and its signals, without a desktop (the real runs through dunst
are in tests/x11/test_tray_notify.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pig_desktop.core.models import JobRow
from pig_desktop.core.outcome import Outcome, StatusReport
from pig_desktop.ui.watching.notify import (
    ACTION_COPY_TICKET,
    ACTION_OPEN,
    EXPIRE_NEVER,
    EXPIRE_SUCCESS_MS,
    MAX_APP_CHARS,
    Finished,
    Notifier,
    compose,
    finished_from,
    notification_body,
    notify_arguments,
    plain_words,
)

JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"
OTHER = "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17"
SERVER = "https://sandbox.example.test"
HOSTILE = '<b>x</b> & <a href="https://evil.example/">y</a>'
DUNST = frozenset({"actions", "body", "body-hyperlinks", "body-markup", "icon-static"})


def test_one_job_names_its_app_server_and_outcome_icon() -> None:
    report = StatusReport(JOB, Outcome.FAILED, "bad", job=JobRow(500, "Error", app="Takeoff"), server=SERVER)
    message = compose([finished_from(JOB, "final", report)])
    assert message.title == "Job failed"
    assert message.body.startswith(f"Takeoff job {JOB} failed.")
    assert (message.job_id, message.server, message.grouped, message.warning) == (JOB, SERVER, False, True)
    assert message.icon_outcome == "failed"
    assert compose([Finished(JOB, "gave_up")]).icon_outcome == "running"  # still not finished


def test_a_group_carries_its_worst_outcome_and_every_job() -> None:
    message = compose([Finished(JOB, "processed", "Estimating", SERVER), Finished(OTHER, "not_found")])
    assert message.title == "2 jobs finished: 1 processed, 1 not found"
    assert message.grouped and message.icon_outcome == "not_found" and message.job_id == OTHER
    assert message.body.splitlines() == [f"{JOB} (processed, Estimating)", f"{OTHER} (not found)"]
    assert message.key != compose([Finished(JOB, "processed", "", SERVER)]).key


def test_server_words_lose_control_characters_and_are_bounded() -> None:
    assert plain_words("Esti\x1b[31mmating\u202e\n\tjob", 60) == "Esti [31mmating job"
    long = plain_words("A" * 500, MAX_APP_CHARS)
    assert len(long) == MAX_APP_CHARS and long.endswith("…")


def test_the_body_is_escaped_only_for_a_service_that_reads_markup() -> None:
    assert notification_body(HOSTILE, markup=True) == (
        '&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href="https://evil.example/"&gt;y&lt;/a&gt;'
    )
    assert notification_body(HOSTILE, markup=False) == HOSTILE


def test_notify_arguments_offer_actions_only_where_the_service_has_them() -> None:
    single = compose([Finished(JOB, "processed", HOSTILE, SERVER)])
    app, replaces, icon, title, body, actions, hints, timeout = notify_arguments(single, DUNST, 7)
    assert (app, replaces, title, timeout) == ("PIG Desktop", 7, "Job processed", EXPIRE_SUCCESS_MS)
    assert Path(icon).is_file() and Path(icon).name == "processed.svg" and hints["image-path"] == ("s", icon)
    assert actions == [ACTION_OPEN, "Open", ACTION_COPY_TICKET, "Copy for ticket"]
    assert "&lt;b&gt;" in body and "<b>" not in body
    group = compose([Finished(JOB, "failed"), Finished(OTHER, "processed")])
    assert notify_arguments(group, DUNST)[5] == [ACTION_OPEN, "Open"]
    assert notify_arguments(group, DUNST)[7] == EXPIRE_NEVER  # a problem stays until seen
    plain = notify_arguments(single, frozenset({"body"}))
    assert plain[5] == [] and plain[4].startswith(HOSTILE)


def test_actions_become_the_notifiers_signals(qtbot: Any) -> None:
    notifier = Notifier(lambda: None)
    opened: list[tuple[str, str]] = []
    copied: list[tuple[str, str]] = []
    lists: list[bool] = []
    notifier.open_job_requested.connect(lambda job, server: opened.append((job, server)))
    notifier.copy_ticket_requested.connect(lambda job, server: copied.append((job, server)))
    notifier.open_finished_list_requested.connect(lambda: lists.append(True))
    single = compose([Finished(JOB, "failed", "", SERVER)])
    group = compose([Finished(JOB, "failed"), Finished(OTHER, "processed")])
    notifier.act(ACTION_OPEN, single)
    notifier.act(ACTION_COPY_TICKET, single)
    notifier.act(ACTION_OPEN, group)
    notifier.act(ACTION_COPY_TICKET, group)  # a group offers no copy; a stray one does nothing
    notifier.act("something-else", single)
    assert (opened, copied, lists) == ([(JOB, SERVER)], [(JOB, SERVER)], [True])
    notifier.close()


def test_a_notice_about_the_app_carries_its_icon_and_no_actions(qtbot: Any) -> None:
    notifier = Notifier(lambda: None)
    sent: list[Any] = []
    notifier.sent.connect(sent.append)
    asked: list[object] = []
    notifier.open_job_requested.connect(lambda *a: asked.append(a))
    notifier.show_notice("PIG Desktop is still watching", "Click the tray icon to open it again.")
    (notice,) = sent
    _app, _replaces, icon, title, _body, actions, _hints, timeout = notify_arguments(notice, DUNST)
    assert (title, actions, timeout) == ("PIG Desktop is still watching", [], EXPIRE_SUCCESS_MS)
    assert Path(icon).is_file() and Path(icon).parent.name == "app"
    notifier.act(ACTION_OPEN, notice)
    assert asked == []
    notifier.close()


def test_the_listener_threads_news_reaches_the_gui_thread(qtbot: Any, tmp_path: Path) -> None:
    """The backend's listener thread finds no service (a bus address nobody listens on) and says so through
    its relay: the fallback runs on the GUI thread, never on the listener thread (the relay's connections
    are Qt's automatic ones, which queue because only that thread emits)."""
    import threading

    from pig_desktop.ui.watching.notify import FreedesktopBackend, Message

    handed: list[tuple[list[Message], int]] = []
    backend = FreedesktopBackend(
        lambda action, message: None,
        on_unavailable=lambda pending: handed.append((pending, threading.get_ident())),
        bus=f"unix:path={tmp_path / 'no-bus'}",
        connect_timeout=1.0,
    )
    message = compose([Finished(JOB, "failed", "", SERVER)])
    assert backend.send(message)  # before the thread has heard: kept for the fallback
    qtbot.waitUntil(lambda: bool(handed), timeout=10000)
    pending, thread = handed[0]
    assert pending == [message] and thread == threading.get_ident()
    assert backend.available is False
    backend.close()
