"""Read gettext ``.po`` catalogues and compile them to ``.mo``, with the standard library only.

One function, :func:`compile_catalogs`, is the compile step of every package: the wheel's setuptools build
step (setup.py), ``packaging/build.sh`` before PyInstaller (the bundle and the .deb made from it) and
``scripts/update-translations.sh``. Stdlib only, so building needs no extra tool (no Babel, no msgfmt), and
:func:`read_po` also lets a source checkout run straight from the ``.po`` when nothing was compiled.

Run as ``python -m pig_desktop.i18n_build [SOURCE_DIR [OUTPUT_DIR]]``; by default it compiles
``resources/translations/<lang>.po`` to ``resources/translations/<lang>/LC_MESSAGES/pig-desktop.mo``.

Fuzzy entries are left out of the ``.mo`` (as msgfmt does): a guess must never reach a user.
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

DOMAIN = "pig-desktop"
DEFAULT_SOURCE = Path(__file__).resolve().parent.parent / "resources" / "translations"


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{where}: expected a quoted string, got {text[:40]!r}")
    # PO strings use C escapes, which Python string literals read the same way for the ones gettext writes.
    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"{where}: not a string")
    return value


def read_po(path: Path) -> list[PoEntry]:
    """Every entry of a ``.po`` file, the header (msgid "") included, obsolete ones marked."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    started = False
    target: tuple[str, int] | None = None  # which field a continuation line belongs to

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = PoEntry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{number}"
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#"):
            if started and target is not None:
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{where}: a string continues nothing")
            name, index = target
            text = _unquote(line, where)
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, (getattr(entry, name) or "") + text)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and started and target is not None and target[0] == "msgstr":
            finish()
        started = True
        if keyword == "msgctxt":
            entry.msgctxt, target = _unquote(rest, where), ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid, target = _unquote(rest, where), ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest, where), ("msgid_plural", 0)
        elif keyword == "msgstr":
            entry.msgstr[0], target = _unquote(rest, where), ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            entry.msgstr[index], target = _unquote(rest, where), ("msgstr", index)
        else:
            raise ValueError(f"{where}: unknown line {line[:40]!r}")
    finish()
    return entries


def catalog_pairs(entries: list[PoEntry]) -> dict[str, str]:
    """The (key, value) pairs a ``.mo`` holds: header, translated and not fuzzy entries only.

    Keys follow GNU gettext: ``ctxt\\x04msgid``, and ``msgid\\x00msgid_plural`` with the plural forms
    joined by NUL.
    """
    pairs: dict[str, str] = {}
    for entry in entries:
        if entry.obsolete or (entry.fuzzy and entry.msgid):
            continue
        if entry.msgid and not entry.translated:
            continue
        key = entry.msgid
        if entry.msgid_plural:
            key = f"{entry.msgid}\x00{entry.msgid_plural}"
            value = "\x00".join(entry.msgstr[i] for i in sorted(entry.msgstr))
        else:
            value = entry.msgstr.get(0, "")
        if entry.msgctxt is not None:
            key = f"{entry.msgctxt}\x04{key}"
        pairs[key] = value
    return pairs


def write_mo_bytes(pairs: dict[str, str]) -> bytes:
    """A little-endian GNU ``.mo`` image (revision 0, no hash table: gettext reads it fine)."""
    keys = sorted(pairs)
    ids = [key.encode("utf-8") for key in keys]
    strs = [pairs[key].encode("utf-8") for key in keys]
    count = len(keys)
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + count * 8
    data_start = strs_table + count * 8
    offsets: list[tuple[int, int]] = []
    blob = b""
    for item in ids + strs:
        offsets.append((len(item), data_start + len(blob)))
        blob += item + b"\x00"
    out = struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, 0)
    for length, offset in offsets:
        out += struct.pack("<2I", length, offset)
    return out + blob


def write_mo(pairs: dict[str, str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(write_mo_bytes(pairs))


def compile_catalogs(source: Path = DEFAULT_SOURCE, output: Path | None = None) -> list[Path]:
    """Compile every ``<lang>.po`` in ``source`` to ``<output>/<lang>/LC_MESSAGES/pig-desktop.mo``."""
    output = output or source
    written = []
    for po in sorted(source.glob("*.po")):
        target = output / po.stem / "LC_MESSAGES" / f"{DOMAIN}.mo"
        write_mo(catalog_pairs(read_po(po)), target)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    output = Path(argv[1]) if len(argv) > 1 else None
    for path in compile_catalogs(source, output):
        print(f"compiled {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
