"""ResultModel: the Qt model contract (qtmodeltester), the groups and how each value reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from helpers.reports import JOB, big_body, report_of, status_body
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from pig_desktop.core.outcome import Outcome, StatusReport, classify, error_report
from pig_desktop.core.ticket import ticket_text
from pig_desktop.ui.check.result_model import (
    CopyTextRole,
    KeyRole,
    RawValueRole,
    ResultModel,
    relative_time,
)

NOW = datetime(2024, 1, 17, 19, 40, 0, tzinfo=UTC)  # about 3 hours after the fixture job started
# A fixed local zone (tests/conftest.py), so that "local time" has a known value that differs from UTC.
pytestmark = pytest.mark.usefixtures("berlin_time")


def odd_body() -> dict[str, Any]:
    body = status_body("processed")
    row = body["rows"][0]
    row["args"].update(
        {
            "nested": [["a", 1], ["b", 2]],
            "object": {"x": 1, "y": [True, None]},
            "number": 42.5,
            "nothing": None,
            "flag": False,
            "empty": [],
            "several": ["one", "two", "three"],
        }
    )
    row["priority"] = "high"  # an unknown row field
    row["cinx_id"]["version"] = 3  # an unknown cinx_id field
    body["response"]["server_node"] = "web-7"  # an unknown response field
    body["trace_id"] = "abc-123"  # an unknown top-level field
    return body


def all_reports() -> dict[str, StatusReport]:
    return {
        "processed": report_of(status_body("processed")),
        "failed": report_of(status_body("failed")),
        "not_found": report_of(
            status_body("not-found"), http=500, job_id="7ab6f316-39bb-4d02-92aa-c9cfd8eeeb11"
        ),
        "error": error_report(
            JOB, "PIG Desktop couldn't reach CINX.", "ConnectError: refused", transient=True
        ),
        "unreadable": classify(JOB, 502, b"<html><body>Bad gateway</body></html>"),
        "odd": report_of(odd_body()),
        "big": report_of(big_body(1000, 50)),
    }


def rows_of(model: ResultModel, parent: QModelIndex) -> dict[str, str]:
    return {
        model.index(r, 0, parent).data(): model.index(r, 1, parent).data()
        for r in range(model.rowCount(parent))
    }


# Qt's own C++ QAbstractItemModelTester reports violations as Qt warnings; failing on any warning makes them
# test failures. (pytest-qt's Python tester is not used: its clean-up calls Signal.disconnect(), which in
# PySide6 6.12 drops a reference to True on every call and crashes the interpreter at exit.)
@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.parametrize("name", ["processed", "failed", "not_found", "error", "unreadable", "odd", "big"])
def test_model_contract(qtmodeltester, name: str) -> None:
    model = ResultModel()
    model.set_report(all_reports()[name])
    qtmodeltester.check(model)


@pytest.mark.qt_log_level_fail("WARNING")
def test_model_contract_empty_and_after_reset(qtmodeltester) -> None:
    model = ResultModel()
    qtmodeltester.check(model)
    model.set_report(all_reports()["failed"])
    model.set_report(None)
    assert model.rowCount() == 0


def test_groups_and_job_fields() -> None:
    model = ResultModel()
    model.set_now(NOW)
    model.set_report(report_of(status_body("failed")))
    assert model.groups() == ["job", "args", "response", "technical"]
    assert [model.index(r, 0).data() for r in range(3)] == ["Job", "Arguments", "Response"]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Field"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Value"
    job = rows_of(model, model.group_index("job"))
    assert job == {
        "Status": "500 — Internal Server Error",
        "App": "json-rfq-import",
        "Partner": "cinx",
        "Started at": "17 Jan 2024, 17:38:55 CET (3 hours ago)",
        "Files": "1",
        "CINX id": JOB,
        "Domain": "pig",
        "Type": "PIG-UPLOAD",
    }
    started = model.find("job", "Started at")
    assert started.data(Qt.ItemDataRole.ToolTipRole) == "2024-01-17 16:38:55 UTC"
    assert started.data(RawValueRole) == "2024-01-17 16:38:55Z"
    assert (
        started.siblingAtColumn(0).data(CopyTextRole) == "Started at: 17 Jan 2024, 17:38:55 CET (3 hours ago)"
    )


def test_arguments_every_arg_lists_joined() -> None:
    model = ResultModel()
    model.set_report(report_of(status_body("processed")))
    args = rows_of(model, model.group_index("args"))
    technical = rows_of(model, model.group_index("technical"))
    sent = status_body("processed")["rows"][0]["args"]
    # Every argument is there once: the plain ones under plain labels, the references under Technical details.
    keys = [
        model.index(r, 0, group).data(KeyRole)
        for group in (model.group_index("args"), model.group_index("technical"))
        for r in range(model.rowCount(group))
    ]
    assert sorted(k for k in keys if k in sent) == sorted(sent)
    assert args["Organisation"] == "PSF Mechanical, Inc."
    assert args["Submitted by"] == "USER TEST"
    assert args["Submit automatically"] == "1"
    assert technical["API version"] == "2.0"
    assert "app_cdoc" not in args and "CINX app reference" in technical
    assert args["Archive the files"] == "1"
    archive = model.find("args", "archive")
    assert archive.data(RawValueRole) == [1]
    # The raw key stays in the Field column's tooltip.
    assert archive.siblingAtColumn(0).data(Qt.ItemDataRole.ToolTipRole) == "archive"
    assert model.find("args", "org_name").siblingAtColumn(0).data(Qt.ItemDataRole.ToolTipRole) == "org_name"


def test_odd_types_and_unknown_fields_are_shown() -> None:
    model = ResultModel()
    model.set_report(report_of(odd_body()))
    args = rows_of(model, model.group_index("args"))
    assert args["nested"] == '[["a", 1], ["b", 2]]'
    assert args["object"] == '{"x": 1, "y": [true, null]}'
    assert args["number"] == "42.5"
    assert args["nothing"] == "null"
    assert args["flag"] == "false"
    assert args["empty"] == "[]"
    assert args["several"] == "one, two, three"
    job = rows_of(model, model.group_index("job"))
    assert job["priority"] == "high"
    assert job["cinx_id.version"] == "3"
    technical = rows_of(model, model.group_index("technical"))
    assert technical["server_node"] == "web-7"
    assert technical["trace_id"] == "abc-123"


def test_response_fields_formatting() -> None:
    model = ResultModel()
    model.set_now(datetime(2024, 6, 28, 16, 19, 54, tzinfo=UTC))
    model.set_report(report_of(status_body("processed")))
    response = {
        **rows_of(model, model.group_index("response")),
        **rows_of(model, model.group_index("technical")),
    }
    assert rows_of(model, model.group_index("response")) == {"Message": "OK"}
    assert response["Status code"] == "200"
    assert response["Message"] == "OK"
    assert response["Method"] == "App\\Controllers\\Auth->authenticate"
    assert response["Format"] == "json"
    assert response["Answered at"] == "28 Jun 2024, 16:19:54 CEST (2 hours ago)"
    assert response["Time taken"] == "3.18 s"
    assert response["Records"] == "1"
    assert response["Total count"] == "0"
    started = model.find("technical", "start_time")
    assert started.data(Qt.ItemDataRole.ToolTipRole) == "2024-06-28 14:19:54 UTC"
    assert model.find("technical", "total_time").data(RawValueRole) == pytest.approx(3.177053928375244)


def test_not_found_shows_job_id_and_masked_envelope() -> None:
    job_id = "7ab6f316-39bb-4d02-92aa-c9cfd8eeeb11"
    model = ResultModel()
    model.set_report(report_of(status_body("not-found"), http=500, job_id=job_id))
    assert model.groups() == ["job", "response", "technical"]
    job = rows_of(model, model.group_index("job"))
    assert job["Job id"] == job_id
    assert job["Result"] == "Job not found"
    assert job["HTTP status"] == "500"
    response = {
        **rows_of(model, model.group_index("response")),
        **rows_of(model, model.group_index("technical")),
    }
    assert response["Time taken"] == "276 ms"
    assert response["Message"].startswith("Failed to find a job")
    assert response["URI"] == f"sub/…1980/partner/exec/{job_id}/status"
    # The raw value keeps what CINX sent; only what is shown or copied is masked.
    assert "d4cdf53d" in model.find("technical", "uri").data(RawValueRole)


def test_error_without_answer_shows_detail_and_unreadable_shows_the_start() -> None:
    model = ResultModel()
    model.set_report(
        error_report(JOB, "PIG Desktop couldn't reach CINX.", "ConnectError: refused", transient=True)
    )
    assert model.groups() == ["job"]
    job = rows_of(model, model.group_index("job"))
    assert job["Job id"] == JOB
    assert job["Result"] == "Can't reach CINX"
    # Technical wording stays off the screen; support gets it through Copy for ticket.
    assert "Technical detail" not in job and "ConnectError: refused" not in job.values()
    assert model.report is not None and "ConnectError: refused" in ticket_text(model.report)
    model.set_report(classify(JOB, 502, b"<html><body>Bad gateway</body></html>"))
    assert model.groups() == ["job", "answer"]
    answer = rows_of(model, model.group_index("answer"))
    assert answer["Start of the answer"] == "<html><body>Bad gateway</body></html>"


def test_big_report_other_rows_are_lazy() -> None:
    report = all_reports()["big"]
    model = ResultModel()
    model.set_report(report)  # how long it takes is measured in benchmarks/bench_big_result.py, not here
    assert model.groups() == ["job", "args", "response", "technical", "other"]
    assert model.rowCount(model.group_index("args")) == 50
    other = model.group_index("other")
    assert other.data() == "Other rows (999)"
    assert model.rowCount(other) == 0
    assert model.hasChildren(other)
    assert model.canFetchMore(other)
    model.fetchMore(other)
    assert model.rowCount(other) == 100
    first = model.index(0, 0, other)
    assert first.data() == "Row 2"
    assert "00000000-0000-4000-8000-000000000001" in first.siblingAtColumn(1).data()
    fields = rows_of(model, first)
    assert fields["CINX id"] == "00000000-0000-4000-8000-000000000001"
    args = model.index(model.rowCount(first) - 1, 0, first)
    assert args.data() == "Arguments"
    assert model.rowCount(args) == 50
    while model.canFetchMore(other):
        model.fetchMore(other)
    assert model.rowCount(other) == 999


def test_chosen_row_is_the_job_not_the_first_row() -> None:
    body = big_body(5, 2)
    wanted = body["rows"][3]["cinx_id"]["id"]
    model = ResultModel()
    model.set_report(report_of(body, job_id=wanted.upper()))
    assert rows_of(model, model.group_index("job"))["CINX id"] == wanted
    other = model.group_index("other")
    model.fetchMore(other)
    assert [model.index(r, 0, other).data() for r in range(model.rowCount(other))] == [
        "Row 1",
        "Row 2",
        "Row 3",
        "Row 5",
    ]


def test_copy_text_of_a_group_is_the_whole_block() -> None:
    model = ResultModel()
    model.set_report(report_of(status_body("processed")))
    text = model.copy_text(model.group_index("job"))
    assert text.splitlines()[0] == "Job"
    assert "  Status: 200 — Processed" in text.splitlines()
    assert f"  CINX id: {JOB}" in text.splitlines()


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(minutes=1), "1 min ago"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(hours=3), "3 hours ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(days=1), "yesterday"),
        (timedelta(days=4), "4 days ago"),
        (timedelta(days=21), "3 weeks ago"),
        (timedelta(days=92), "3 months ago"),
        (timedelta(days=800), "2 years ago"),
        (timedelta(minutes=-10), "in 10 min"),
    ],
)
def test_relative_time(delta: timedelta, text: str) -> None:
    assert relative_time(NOW - delta, NOW) == text


def test_outcomes_of_the_fixture_reports() -> None:
    reports = all_reports()
    assert reports["processed"].outcome is Outcome.PROCESSED
    assert reports["failed"].outcome is Outcome.FAILED
    assert reports["not_found"].outcome is Outcome.NOT_FOUND
    assert reports["big"].outcome is Outcome.PROCESSED


# --- the same job again: updated in place ---


class Signals:
    """What the model told its views."""

    def __init__(self, model: ResultModel) -> None:
        self.events: list[tuple[str, str]] = []
        model.modelReset.connect(lambda: self.events.append(("reset", "")))
        model.rowsRemoved.connect(lambda parent, *_: self.events.append(("removed", parent.data() or "")))
        model.rowsInserted.connect(lambda parent, *_: self.events.append(("inserted", parent.data() or "")))
        model.dataChanged.connect(lambda first, *_: self.events.append(("changed", first.data() or "")))


def running_then_processed() -> tuple[StatusReport, StatusReport]:
    running = status_body("processed")
    running["rows"][0].update(status_code=202, status_message="Processing")
    return report_of(running), report_of(status_body("processed"))


def test_the_same_job_again_changes_only_the_rows_that_changed(qtmodeltester: Any) -> None:
    running, processed = running_then_processed()
    model = ResultModel()
    assert model.set_report(running) is True  # the first answer builds the tree
    status = model.find("job", "Status")
    app = model.find("job", "App")
    kept = [QPersistentModelIndex(status), QPersistentModelIndex(app)]
    signals = Signals(model)

    assert model.set_report(processed) is False
    assert signals.events == [("changed", "Status")]  # no reset: the view keeps its state
    assert kept[0].isValid() and kept[0].data() == "200 — Processed"
    assert kept[1].isValid() and kept[1].data() == "json-rfq-import"
    assert model.report is processed
    qtmodeltester.check(model)


def test_a_changed_group_gets_only_its_own_rows_replaced(qtmodeltester: Any) -> None:
    before = status_body("processed")
    after = status_body("processed")
    after["rows"][0]["args"]["retries"] = 2  # one more argument
    model = ResultModel()
    model.set_report(report_of(before))
    job_row = QPersistentModelIndex(model.find("job", "App"))
    signals = Signals(model)

    assert model.set_report(report_of(after)) is False
    assert ("removed", "Arguments") in signals.events and ("inserted", "Arguments") in signals.events
    assert not [e for e in signals.events if e[0] in ("reset", "removed", "inserted") and e[1] != "Arguments"]
    assert job_row.isValid()  # the Job group was not touched
    args = model.group_index("args")
    technical = model.group_index("technical")
    shown = model.rowCount(args) + model.rowCount(technical)
    assert shown == len(after["rows"][0]["args"]) + len(after["response"]) - 1  # "message": under Response
    assert model.find("args", "retries").data() == "2"
    qtmodeltester.check(model)


def test_another_job_or_another_shape_rebuilds_the_tree() -> None:
    running, processed = running_then_processed()
    model = ResultModel()
    model.set_report(processed)
    other = report_of(status_body("processed"), job_id="7ab6f316-39bb-4d02-92aa-c9cfd8eeeb11")
    assert model.set_report(other) is True  # another job
    model.set_report(processed)
    failed_to_reach = error_report(JOB, "PIG Desktop couldn't reach CINX.", "ConnectError", transient=True)
    assert model.set_report(failed_to_reach) is True  # same job, but no Arguments or Response any more
    assert model.groups() == ["job"]


def test_big_answer_again_keeps_the_other_rows_already_fetched(qtmodeltester: Any) -> None:
    body = big_body(300, 5)
    model = ResultModel()
    model.set_report(report_of(body))
    other = model.group_index("other")
    model.fetchMore(other)
    fetched = model.rowCount(other)
    assert 0 < fetched < 299
    first_other = QPersistentModelIndex(model.index(0, 0, other))
    signals = Signals(model)

    assert model.set_report(report_of(body)) is False  # the same answer again: nothing to redo
    assert signals.events == []
    assert model.rowCount(other) == fetched and first_other.isValid()

    changed = big_body(300, 5)
    changed["rows"][7]["status_message"] = "Failed"
    assert model.set_report(report_of(changed)) is False
    assert [e for e in signals.events if e[0] != "changed"] == [("removed", "Other rows (299)")]
    assert model.rowCount(other) == 0 and model.canFetchMore(other)  # fetched again as it is scrolled to
    qtmodeltester.check(model)
