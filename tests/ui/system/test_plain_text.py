"""Server text in tooltips is shown as the very characters it holds (ui/system/plain_text.py)."""

from __future__ import annotations

import html

import pytest
from PySide6.QtGui import QTextDocument

from pig_desktop.ui.system.plain_text import TOOLTIP_CHARS, plain_tooltip

HOSTILE = [
    "<font color=red>Acme</font>",
    'Tom & Jerry\'s "Supply" <b>',
    "&amp; &lt;b&gt; &#x41; &nbsp;",
    "<script>alert(1)</script>\nsecond line",
    "<img src=x onerror=1>",
    "Ñandú · ünïcödé ✓",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escapes_as_html_escape_does(text: str) -> None:
    assert plain_tooltip(text) == "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


@pytest.mark.parametrize("text", HOSTILE)
def test_qt_shows_exactly_the_characters(text: str, qapp: object) -> None:
    document = QTextDocument()
    document.setHtml(plain_tooltip(text))
    assert document.toPlainText() == text  # the <br> a line break, every other character itself


def test_empty_stays_empty_and_long_text_is_cut() -> None:
    assert plain_tooltip("") == ""
    cut = plain_tooltip("x" * (TOOLTIP_CHARS + 500))
    assert cut == "<qt>" + "x" * TOOLTIP_CHARS + " …</qt>"
