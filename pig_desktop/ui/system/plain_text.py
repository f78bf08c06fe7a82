"""Server text in tooltips, shown as text: never as markup (Qt-free, so it is testable without Qt).

Qt guesses whether a tooltip is rich text (``Qt::mightBeRichText``): an organisation named
``<font color=red>`` would be rendered. Escaping alone is not enough (text without a tag is shown literally,
entities and all), so the escaped text is wrapped in ``<qt>``, which makes Qt read it as rich text whose
every character is literal. Cut to a bounded length: a tooltip is a glance, not the place for 3 MB.
"""

from __future__ import annotations

TOOLTIP_CHARS = 1500
# html.escape's table (quote=True), written out: the html package loads its 2,000-entry entity table, and
# the header's tooltips are on the first frame.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows exactly these characters (cut past TOOLTIP_CHARS); "" stays ""."""
    if not text:
        return ""
    if len(text) > TOOLTIP_CHARS:
        text = text[:TOOLTIP_CHARS] + " …"
    return "<qt>" + text.translate(_ESCAPES).replace("\n", "<br>") + "</qt>"
