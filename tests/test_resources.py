"""The shipped resources: icons load in Qt, desktop files validate, and pig_desktop.assets finds them.

The .desktop and AppStream files are checked with the real Debian validators (desktop-file-utils, appstream);
the icons with Qt's own SVG renderer and image readers, the way the app will load them. How assets are found
from an installed wheel is covered in test_packaging.py (it builds one).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from configparser import ConfigParser
from pathlib import Path

import pytest

import pig_desktop
from pig_desktop import assets
from pig_desktop.core.outcome import Outcome

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "resources"
ICONS = RESOURCES / "icons"
DESKTOP_FILE = RESOURCES / "linux" / f"{assets.DESKTOP_ID}.desktop"
METAINFO_FILE = RESOURCES / "linux" / f"{assets.DESKTOP_ID}.metainfo.xml"

sys.path.insert(0, str(REPO / "packaging"))
import render_icons  # noqa: E402  (a script in packaging/, not a package)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install desktop-file-utils appstream")
    return path


@pytest.fixture(autouse=True)
def _fresh_root() -> Iterator[None]:
    # resources_root() is cached for the process; tests that move it must not leak into others.
    assets.resources_root.cache_clear()
    yield
    assets.resources_root.cache_clear()


# --- desktop integration files ------------------------------------------------------------------------------


def test_desktop_file_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP_FILE)], capture_output=True, text=True, check=False
    )
    problems = [line for line in result.stdout.splitlines() if ": error:" in line or ": warning:" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_desktop_file_matches_the_app() -> None:
    entry = ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP_FILE, encoding="utf-8")
    section = entry["Desktop Entry"]
    gui_scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["gui-scripts"]
    assert section["Exec"].split()[0] in gui_scripts
    assert section["Icon"] == assets.DESKTOP_ID
    # Desktops without _GTK_APPLICATION_ID (which Qt sets from setDesktopFileName()) match windows to this
    # entry by the class in WM_CLASS, which Qt takes from the application name (tests/x11/test_autostart_dex
    # reads it off the real window).
    assert section["StartupWMClass"] == pig_desktop.APP_NAME
    assert section["Name"] == pig_desktop.APP_DISPLAY_NAME
    assert section["Terminal"] == "false"


def test_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", "--no-color", str(METAINFO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    problems = [line for line in output.splitlines() if re.match(r"^[EW]: ", line)]
    assert result.returncode == 0 and not problems, output


def test_metainfo_matches_the_desktop_file_and_version() -> None:
    root = ET.parse(METAINFO_FILE).getroot()
    assert root.findtext("id") == assets.DESKTOP_ID
    assert root.findtext("launchable") == DESKTOP_FILE.name
    versions = [r.get("version") for r in root.iter("release")]
    assert pig_desktop.__version__ in versions


# --- icons --------------------------------------------------------------------------------------------------


def _png_size_from_name(path: Path) -> int:
    match = re.search(r"-(\d+)\.png$", path.name)
    assert match, f"PNG without a size in its name: {path}"
    return int(match.group(1))


def test_every_svg_is_valid_for_qt(qapp: object) -> None:
    from PySide6.QtSvg import QSvgRenderer

    svgs = sorted(ICONS.rglob("*.svg"))
    assert len(svgs) >= 1 + 6 + 4
    for svg in svgs:
        renderer = QSvgRenderer(str(svg))
        assert renderer.isValid(), svg
        assert renderer.viewBoxF().width() > 0, svg
        assert renderer.viewBoxF().width() == renderer.viewBoxF().height(), f"{svg} is not square"


def test_every_png_loads_at_the_size_in_its_name(qapp: object) -> None:
    from PySide6.QtGui import QImage

    pngs = sorted(ICONS.rglob("*.png"))
    assert pngs
    for png in pngs:
        image = QImage(str(png))
        size = _png_size_from_name(png)
        assert not image.isNull(), png
        assert (image.width(), image.height()) == (size, size), png
        assert image.hasAlphaChannel(), f"{png} has no transparency"


def test_committed_pngs_match_their_svg_sources(qapp: object) -> None:
    """Fails when an SVG was edited without re-running packaging/render_icons.py."""
    from PySide6.QtGui import QImage

    pairs = [
        (render_icons.app_svg_for(s), ICONS / "app" / f"pig-desktop-{s}.png") for s in assets.APP_ICON_SIZES
    ]
    pairs += [
        (ICONS / "tray" / f"{state}.svg", ICONS / "tray" / f"{state}-{s}.png")
        for state in assets.TRAY_STATES
        for s in assets.TRAY_ICON_SIZES
    ]
    for svg, png in pairs:
        fresh = render_icons.render_svg(svg, _png_size_from_name(png))
        committed = QImage(str(png)).convertToFormat(fresh.format())
        # Allow anti-aliasing differences between Qt versions, not a changed drawing.
        fresh_bytes = bytes(fresh.constBits())
        committed_bytes = bytes(committed.constBits())
        diff = sum(abs(a - b) for a, b in zip(fresh_bytes, committed_bytes, strict=True))
        mean = diff / (fresh.width() * fresh.height() * 4)
        assert mean < 2.0, f"{png} is out of date with {svg.name} (mean difference {mean:.2f}); re-render it"


@pytest.mark.parametrize(("suffix", "sizes"), [("ico", render_icons.ICO_SIZES), ("icns", None)])
def test_windows_and_macos_icon_containers_read_back(
    qapp: object, suffix: str, sizes: tuple[int, ...] | None
) -> None:
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(ICONS / "app" / f"pig-desktop.{suffix}"))
    assert reader.canRead(), reader.errorString()
    found = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull()
        found.append(image.width())
    expected = list(sizes) if sizes else [size for _, size in render_icons.ICNS_TYPES]
    assert found == expected


def test_there_is_an_icon_for_every_outcome_of_the_core() -> None:
    assert set(assets.OUTCOME_NAMES) == {o.value for o in Outcome}
    for outcome in Outcome:
        assert assets.outcome_icon_path(outcome) == ICONS / "outcome" / f"{outcome.value}.svg"
        assert assets.outcome_icon_path(outcome.value).is_file()


def test_outcome_icons_have_distinct_shapes_not_only_colours(qapp: object) -> None:
    """Colour is never the only signal: the white glyphs (check, cross, clock, ...) must differ."""
    from PySide6.QtGui import QColor

    masks = {}
    for name in assets.OUTCOME_NAMES:
        image = render_icons.render_svg(assets.outcome_icon_path(name), 32)
        masks[name] = {
            (x, y)
            for x in range(32)
            for y in range(32)
            if QColor(image.pixel(x, y)).lightness() > 235 and QColor(image.pixel(x, y)).alpha() > 200
        }
    names = list(masks)
    for i, a in enumerate(names):
        assert len(masks[a]) > 20, f"{a} has no visible white glyph"
        for b in names[i + 1 :]:
            overlap = len(masks[a] & masks[b]) / len(masks[a] | masks[b])
            assert overlap < 0.6, f"{a} and {b} glyphs look alike (overlap {overlap:.2f})"


# --- pig_desktop.assets -------------------------------------------------------------------------------------


def test_all_icon_paths_lists_every_svg_and_png() -> None:
    listed = assets.all_icon_paths()
    on_disk = sorted(p.resolve() for p in ICONS.rglob("*") if p.suffix in {".svg", ".png"})
    assert [p.resolve() for p in listed] == on_disk


def test_app_and_tray_icon_paths() -> None:
    assert assets.app_icon_path().name == "pig-desktop.svg"
    assert assets.app_icon_path(16).name == "pig-desktop-16.png"
    assert assets.app_icon_path(20).name == "pig-desktop-24.png"
    assert assets.app_icon_path(4096).name == "pig-desktop-512.png"
    for state in assets.TRAY_STATES:
        assert assets.tray_icon_path(state).name == f"{state}.svg"
        assert assets.tray_icon_path(state, 22).name == f"{state}-22.png"
    with pytest.raises(ValueError, match="sleeping"):
        assets.tray_icon_path("sleeping")
    with pytest.raises(ValueError, match="bogus"):
        assets.outcome_icon_path("bogus")
    with pytest.raises(ValueError):
        assets.app_icon_path(0)


def test_asset_path_names_the_missing_file_and_refuses_escapes() -> None:
    with pytest.raises(FileNotFoundError, match="icons/nope.svg"):
        assets.asset_path("icons/nope.svg")
    for bad in ("../pyproject.toml", "/etc/passwd", "icons\\app\\pig-desktop.svg", ""):
        with pytest.raises(ValueError):
            assets.asset_path(bad)


def _block_installed_package(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes "import pig_desktop.resources" fail, as in a plain checkout or a bundle.
    monkeypatch.setitem(sys.modules, assets.RESOURCE_PACKAGE, None)


def test_source_checkout_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    _block_installed_package(monkeypatch)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert assets.resources_root() == RESOURCES
    assert assets.asset_path("icons/outcome/processed.svg") == ICONS / "outcome" / "processed.svg"


def test_pyinstaller_bundle_location_wins_over_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundled = tmp_path / "pig_desktop" / "resources"
    shutil.copytree(ICONS, bundled / "icons")
    _block_installed_package(monkeypatch)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert assets.resources_root() == bundled
    assert assets.outcome_icon_path("failed") == bundled / "icons" / "outcome" / "failed.svg"


def test_missing_resources_give_a_plain_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _block_installed_package(monkeypatch)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.setattr(assets, "__file__", str(tmp_path / "pig_desktop" / "assets.py"))
    with pytest.raises(FileNotFoundError, match="reinstall"):
        assets.resources_root()
