"""Memory fixes: PySide6 no longer keeps every module's source (``ui.system.qt_startup``), and the app icon
holds no decoded 256/512 px bitmaps yet draws the same picture at every size.

The source-caching checks run in fresh interpreters: what they look at (``linecache`` and shiboken's
per-module table) is process-wide and this test session has imported everything long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pig_desktop import assets

PROBE = """
import json, linecache, sys
sys.path.insert(0, sys.argv[1])
import PySide6.QtCore
{patch}
import probe_with_qt_word, probe_without
feature = sys.modules["shibokensupport.feature"]
print(json.dumps({{
    "patched": patched,
    "cached": sorted(
        name for name in ("probe_with_qt_word", "probe_without")
        if sys.modules[name].__file__ in linecache.cache
    ),
    "flags": {{
        name: feature.pyside_feature_dict.get(name) for name in ("probe_with_qt_word", "probe_without")
    }},
}}))
"""


def _run_probe(folder: Path, patch: str) -> dict[str, object]:
    (folder / "probe_with_qt_word.py").write_text('"""Mentions PySide6 in its text."""\nVALUE = 1\n')
    (folder / "probe_without.py").write_text('"""Plain module."""\nVALUE = 2\n' + "# padding\n" * 100)
    code = PROBE.format(patch=patch)
    result = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_pyside_keeps_module_sources_without_the_fix(tmp_path: Path) -> None:
    """The control: what PySide6 does on its own (if this fails, the fix may no longer be needed)."""
    got = _run_probe(tmp_path, "patched = None")
    assert got["cached"] == ["probe_with_qt_word", "probe_without"]
    assert got["flags"] == {"probe_with_qt_word": 0, "probe_without": -1}


def test_the_fix_stops_the_source_caching_with_the_same_answers(tmp_path: Path) -> None:
    patch = "import pig_desktop.ui.system.qt_startup as fix\npatched = fix.stop_pyside_source_caching()"
    got = _run_probe(tmp_path, patch)
    assert got["patched"] is True
    assert got["cached"] == []
    # shiboken's decision per module is unchanged: 0 = uses PySide6, -1 = ignore.
    assert got["flags"] == {"probe_with_qt_word": 0, "probe_without": -1}


def test_the_fix_is_idempotent_and_drops_cached_file_sources() -> None:
    code = textwrap.dedent(
        """
        import json, linecache, sys
        import PySide6.QtCore
        import pig_desktop.ui.system.qt_startup as fix
        fix.stop_pyside_source_caching()
        feature = sys.modules["shibokensupport.feature"]
        first = feature._mod_uses_pyside
        linecache.getlines(fix.__file__)  # a real file's lines, as a traceback would cache them
        linecache.cache["<generated>"] = (3, None, ["x = 1\\n"], "<generated>")
        again = fix.stop_pyside_source_caching()
        print(json.dumps({
            "again": again,
            "same": feature._mod_uses_pyside is first,
            "file_kept": fix.__file__ in linecache.cache,
            "generated_kept": "<generated>" in linecache.cache,
        }))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got == {"again": True, "same": True, "file_kept": False, "generated_kept": True}


@pytest.mark.parametrize("size", assets.APP_ICON_SIZES)
def test_app_icon_draws_the_prepared_picture_at_every_size(qapp: object, size: int) -> None:
    """Sizes above the largest added bitmap come from the SVG: the same picture as the committed PNG."""
    from PySide6.QtGui import QImage

    from pig_desktop.ui.system.icons import APP_ICON_LARGEST_BITMAP, app_icon

    assert APP_ICON_LARGEST_BITMAP < max(assets.APP_ICON_SIZES)  # the large PNGs really are left out
    drawn = app_icon().pixmap(size, size).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    committed = QImage(str(assets.app_icon_path(size))).convertToFormat(QImage.Format.Format_ARGB32)
    assert (drawn.width(), drawn.height()) == (size, size)
    worst = 0
    for y in range(size):
        for x in range(size):
            a, b = drawn.pixelColor(x, y), committed.pixelColor(x, y)
            worst = max(worst, *(abs(p - q) for p, q in zip(a.getRgb(), b.getRgb(), strict=True)))
    # Anti-aliasing may differ by a step or two between renderers; a different drawing differs by far more.
    assert worst <= 8, f"{size} px differs by {worst}"
