"""Render the PNG, ICO and ICNS icons from the SVG sources in resources/icons/.

The SVGs are the sources of truth; the PNGs, the Windows .ico and the macOS .icns are generated from them
with Qt (PySide6.QtSvg), so no image library beyond what the app already depends on is needed. Re-run this
after editing any SVG and commit the results:

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py            # PNG + ICO + ICNS
    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py --preview docs/icons-preview.png

The .ico and .icns containers are written by hand (both are simple indexes of PNG streams) because Qt's
image writers store only a single image per file.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Iterable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"

APP_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# At 24 px and below the full icon's text lines turn to mush; a hand-hinted variant is used instead,
# as icon designers do for small sizes.
SMALL_VARIANT_MAX = 24
TRAY_STATES = ("idle", "watching", "attention", "paused")
TRAY_SIZES = (22, 24, 32, 48)
OUTCOMES = ("processed", "failed", "running", "not_found", "auth_error", "error")
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (1024 only exists as the 512@2x slot).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_svg(svg: Path, size: int) -> QImage:
    """Render one SVG into a transparent square ARGB image of ``size`` pixels."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG for Qt")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def app_svg_for(size: int) -> Path:
    small = ICONS / "app" / "pig-desktop-small.svg"
    if size <= SMALL_VARIANT_MAX and small.exists():
        return small
    return ICONS / "app" / "pig-desktop.svg"


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 wants the format as str here at run time, although its type stubs only allow bytes.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise OSError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def save_png(image: QImage, path: Path) -> None:
    path.write_bytes(png_bytes(image))


def build_ico(images: Iterable[QImage]) -> bytes:
    """An ICO file whose entries are PNG streams (valid on Windows Vista and later)."""
    blobs = [(img.width(), png_bytes(img)) for img in images]
    header = struct.pack("<HHH", 0, 1, len(blobs))
    offset = 6 + 16 * len(blobs)
    entries = b""
    for size, blob in blobs:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return header + entries + b"".join(blob for _, blob in blobs)


def build_icns(render: dict[int, QImage]) -> bytes:
    """An ICNS file with PNG elements (macOS 10.7 and later read PNG in all these slots)."""
    body = b""
    for kind, size in ICNS_TYPES:
        blob = png_bytes(render[size])
        body += kind + struct.pack(">I", 8 + len(blob)) + blob
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render_all() -> list[Path]:
    written: list[Path] = []
    app_dir = ICONS / "app"
    renders: dict[int, QImage] = {}
    for size in sorted(set(APP_SIZES) | {size for _, size in ICNS_TYPES} | set(ICO_SIZES)):
        renders[size] = render_svg(app_svg_for(size), size)
    for size in APP_SIZES:
        path = app_dir / f"pig-desktop-{size}.png"
        save_png(renders[size], path)
        written.append(path)
    ico = app_dir / "pig-desktop.ico"
    ico.write_bytes(build_ico(renders[s] for s in ICO_SIZES))
    icns = app_dir / "pig-desktop.icns"
    icns.write_bytes(build_icns(renders))
    written += [ico, icns]
    for state in TRAY_STATES:
        for size in TRAY_SIZES:
            path = ICONS / "tray" / f"{state}-{size}.png"
            save_png(render_svg(ICONS / "tray" / f"{state}.svg", size), path)
            written.append(path)
    return written


def preview_sheet(out: Path) -> None:
    """A sheet showing every icon at small and large sizes on light and dark backgrounds."""
    backgrounds = (("light", QColor("#F6F5F4")), ("dark", QColor("#242424")))
    rows: list[tuple[str, list[tuple[Path, int]]]] = [
        ("App", [(app_svg_for(s), s) for s in (16, 24, 32, 48)] + [(app_svg_for(256), 256)]),
        ("Outcome 16 px", [(ICONS / "outcome" / f"{o}.svg", 16) for o in OUTCOMES]),
        ("Outcome 32 px", [(ICONS / "outcome" / f"{o}.svg", 32) for o in OUTCOMES]),
        ("Tray 22 px", [(ICONS / "tray" / f"{t}.svg", 22) for t in TRAY_STATES]),
        ("Tray 32 px", [(ICONS / "tray" / f"{t}.svg", 32) for t in TRAY_STATES]),
    ]
    pad, label_w = 16, 130
    col_w = max(sum(size + pad for _, size in items) for _, items in rows) + label_w + pad
    row_h = [max(size for _, size in items) + 2 * pad for _, items in rows]
    sheet = QImage(col_w * len(backgrounds), sum(row_h) + 40, QImage.Format.Format_ARGB32)
    painter = QPainter(sheet)
    font = QFont()
    font.setPixelSize(13)
    painter.setFont(font)
    for b, (name, colour) in enumerate(backgrounds):
        x0 = b * col_w
        painter.fillRect(x0, 0, col_w, sheet.height(), colour)
        text = QColor("#202020") if name == "light" else QColor("#E8E8E8")
        painter.setPen(text)
        painter.drawText(QPointF(x0 + pad, 26), f"{name} background")
        y = 40
        for (label, items), h in zip(rows, row_h, strict=True):
            painter.drawText(QPointF(x0 + pad, y + h / 2 + 5), label)
            x = x0 + label_w
            for svg, size in items:
                painter.drawImage(QPointF(x, y + (h - size) / 2), render_svg(svg, size))
                x += size + pad
            y += h
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(str(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", type=Path, help="also write a preview sheet to this PNG path")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for path in render_all():
        print(path.relative_to(ROOT))
    if args.preview:
        preview_sheet(args.preview)
        print(args.preview)
    del _app
    return 0


if __name__ == "__main__":
    sys.exit(main())
