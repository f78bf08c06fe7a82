"""The window's and pig-status's strings are extractable and use one placeholder style; wording rules from
docs/glossary.md hold in the UI; sentences that depend on the language are looked up after translation."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pig_desktop import cli, i18n
from pig_desktop.core import client as core_client
from pig_desktop.core.durations import format_elapsed, format_next_check
from pig_desktop.ui.watching.notify import Finished, compose

PACKAGE = Path(__file__).resolve().parent.parent / "pig_desktop"
GETTEXT_CALLS = {"_", "N_", "ngettext", "pgettext"}


@pytest.fixture
def spanish() -> Iterator[None]:
    i18n.install("es")
    yield
    i18n.install("en")


def gettext_calls(path: Path) -> Iterator[tuple[int, str, ast.Call]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT_CALLS:
            yield node.lineno, node.func.id, node


def python_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]


def test_no_qt_tr_is_left_anywhere() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE)}:{n}"
        for p in python_files()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b(self|parent|window)\.tr\(|\btr = ", line)
    ]
    assert not offenders


def test_every_message_is_a_literal_with_brace_placeholders() -> None:
    """What the extractor can read: literal strings (or a name holding an N_-marked constant), and {name}
    placeholders only (no %s, no %1), so translators see one style."""
    problems = []
    for path in python_files():
        if path.name == "i18n.py":
            continue
        for line, name, call in gettext_calls(path):
            texts = (
                call.args[1:3]
                if name == "pgettext"
                else call.args[:2]
                if name == "ngettext"
                else call.args[:1]
            )
            for arg in texts:
                where = f"{path.relative_to(PACKAGE)}:{line}"
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    if re.search(r"%[sd1-9]|%\(", arg.value):
                        problems.append(f"{where}: printf placeholder in {arg.value!r}")
                elif name == "_" and isinstance(
                    arg, ast.Name | ast.Attribute | ast.Subscript | ast.Call | ast.IfExp
                ):
                    continue  # an N_ constant (or a choice of two) translated where it is used
                else:
                    problems.append(f"{where}: {name}() of a non-literal")
    assert not problems, "\n".join(problems)


def test_the_window_says_checks_not_lookups() -> None:
    ui = PACKAGE / "ui"
    hits = [
        f"{p.relative_to(PACKAGE)}:{line}"
        for p in ui.rglob("*.py")
        if p.name != "dialog.py" or p.parent.name != "settings"  # the settings dialog is worded elsewhere
        for line, _name, call in gettext_calls(p)
        for arg in call.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "lookup" in arg.value.lower()
    ]
    assert not hits


def test_history_and_watch_problems_do_not_name_the_app_as_the_one_who_failed() -> None:
    for relative in ("ui/history/panel.py", "ui/watching/polling.py", "ui/settings/controller.py"):
        text = (PACKAGE / relative).read_text(encoding="utf-8")
        assert "PIG Desktop couldn't" not in text and "PIG Desktop could not" not in text, relative


def test_cli_wording_is_found_for_a_translated_core_sentence(spanish: None) -> None:
    translated_core = i18n._(core_client.MSG_TLS)
    assert translated_core != core_client.MSG_TLS  # the Spanish catalogue has the core's sentence
    worded = cli.cli_wording(translated_core)
    assert worded == i18n._(cli.CLI_WORDING[core_client.MSG_TLS])
    assert "--ca-bundle" in worded


def test_grouped_notification_counts_with_plurals() -> None:
    message = compose(
        [
            Finished("a" * 8, "processed", "json-rfq-import"),
            Finished("b" * 8, "failed"),
            Finished("c" * 8, "failed"),
        ]
    )
    assert message.title == "3 jobs finished: 1 processed, 2 failed"
    assert message.body.splitlines() == [
        "aaaaaaaa (processed, json-rfq-import)",
        "bbbbbbbb (failed)",
        "cccccccc (failed)",
    ]
    single = compose([Finished("d" * 8, "not_found")])
    assert single.title == "Job not found"
    assert single.body == "The job dddddddd is not known to CINX. Check the id and the organisation."


def test_durations_are_whole_phrases() -> None:
    assert [format_elapsed(s) for s in (40, 180, 3900, 86400, 90000)] == [
        "40 s", "3 min", "1 h 5 min", "1 day", "1 day 1 h",
    ]  # fmt: skip
    assert format_elapsed(2 * 86400) == "2 days"
    assert format_next_check(0.5) == "any moment" and format_next_check(4.2) == "in 5 s"
