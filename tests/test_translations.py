"""Translations that ship: the catalogues match the code, every shipped language is complete, the compiled
catalogue says what the .po says, the language follows the system or the setting, and `pig-status` speaks it.

The catalogue is compared with a fresh extraction of pig_desktop/ (Babel, the keywords of
scripts/update-translations.sh): a string added, changed or removed in the code without running that script
fails here, and so does an untranslated or fuzzy entry in a shipped language.
"""

from __future__ import annotations

import gettext
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pig_desktop import i18n
from pig_desktop.i18n_build import catalog_pairs, compile_catalogs
from pig_desktop.i18n_build import read_po as read_po_stdlib

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
SHIPPED = ("es",)
# Strings under these paths are extracted and kept in sync, but their translation is not yet required: the
# window is being restructured (issue 11) and translated in the next round, which empties this tuple.
NOT_YET_REQUIRED: tuple[str, ...] = ()
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%[0-9sn]")  # ours, and Qt tr() ones until the UI moves to _()
PROCESSED_JOB = "97b96860-ca73-4f8e-b6ba-37ce9f256871"


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    i18n.install("en")


def script_keywords() -> dict[str, tuple[int | tuple[int, str], ...] | None]:
    """The -k options of scripts/update-translations.sh, as Babel's keyword specs."""
    text = (ROOT / "scripts" / "update-translations.sh").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("KEYWORDS=("))
    words = shlex.split(line[len("KEYWORDS=(") : line.rindex(")")])
    keywords: dict[str, tuple[int | tuple[int, str], ...] | None] = {}
    for flag, spec in zip(words[::2], words[1::2], strict=True):
        assert flag == "-k"
        name, _, args = spec.partition(":")
        parts: list[int | tuple[int, str]] = []
        for arg in filter(None, args.split(",")):
            parts.append((int(arg[:-1]), "c") if arg.endswith("c") else int(arg))
        keywords[name] = tuple(parts) or None
    return keywords


def fresh_extraction() -> dict[tuple[str | None, str], set[str]]:
    """(context, msgid) -> the files it is in, straight from the code."""
    found: dict[tuple[str | None, str], set[str]] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT / "pig_desktop"), keywords=script_keywords(), comment_tags=("TRANSLATORS:",)
    ):
        msgid = message[0] if isinstance(message, tuple | list) else message
        if msgid:
            found.setdefault((context, msgid), set()).add(f"pig_desktop/{filename}")
    return found


def catalogue_ids(path: Path) -> set[tuple[str | None, str]]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalogue if m.id}


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str | None, str], set[str]]:
    found = fresh_extraction()
    assert len(found) > 150, "the extraction found almost nothing: the keywords or the path are wrong"
    return found


@pytest.mark.parametrize("name", ["pig-desktop.pot", *(f"{lang}.po" for lang in SHIPPED)])
def test_catalogue_matches_a_fresh_extraction(name: str, extracted: dict) -> None:
    ids = catalogue_ids(TRANSLATIONS / name)
    missing = sorted(str(key) for key in set(extracted) - ids)
    stale = sorted(str(key) for key in ids - set(extracted))
    assert not missing and not stale, (
        f"{name} is out of date; run scripts/update-translations.sh.\n"
        f"not in the catalogue: {missing[:10]}\nno longer in the code: {stale[:10]}"
    )


@pytest.mark.parametrize("lang", SHIPPED)
def test_shipped_language_is_complete(lang: str, extracted: dict) -> None:
    with (TRANSLATIONS / f"{lang}.po").open("rb") as handle:
        catalogue = read_po(handle)
    assert catalogue.num_plurals == 2 and catalogue.plural_expr == "(n != 1)", "Spanish has two plural forms"
    required = untranslated = fuzzy = 0
    problems: list[str] = []
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(sources[-1]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {msgid!r} -> {string!r}")
        files = extracted.get((message.context, msgid), set())
        if files and all(f.startswith(NOT_YET_REQUIRED) for f in files):
            continue
        required += 1
        if message.fuzzy:
            fuzzy += 1
            problems.append(f"fuzzy: {msgid!r}")
        if not all(strings):
            untranslated += 1
            problems.append(f"untranslated: {msgid!r}")
    assert required > 150
    assert not problems, f"{lang}: {untranslated} untranslated, {fuzzy} fuzzy of {required}:\n" + "\n".join(
        problems[:20]
    )


def test_compiled_catalogue_says_what_the_po_says(tmp_path: Path) -> None:
    (mo,) = compile_catalogs(TRANSLATIONS, tmp_path)
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    with (TRANSLATIONS / "es.po").open("rb") as handle:
        catalogue = read_po(handle)
    checked = 0
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(*message.id, 1) == message.string[0]
            assert compiled.ngettext(*message.id, 5) == message.string[1]
        elif message.context:
            assert compiled.pgettext(message.context, message.id) == message.string
        elif message.string:
            assert compiled.gettext(message.id) == message.string
        checked += 1
    assert checked > 150
    # The stdlib reader sees the same translated entries as Babel.
    assert len(catalog_pairs(read_po_stdlib(TRANSLATIONS / "es.po"))) - 1 == sum(
        1
        for m in catalogue
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    )


def test_a_fuzzy_entry_never_reaches_the_user(tmp_path: Path) -> None:
    (tmp_path / "es.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Processed"\nmsgstr "Adivinado"\n\n'
        'msgid "Failed"\nmsgstr "Fallido"\n',
        encoding="utf-8",
    )
    i18n.install("es", tmp_path)
    assert i18n._("Processed") == "Processed"
    assert i18n._("Failed") == "Fallido"


def test_spanish_plurals_numbers_and_months() -> None:
    i18n.install("es")
    assert i18n.ngettext("{count} file", "{count} files", 1).format(count=1) == "1 archivo"
    assert i18n.ngettext("{count} file", "{count} files", 0).format(count=0) == "0 archivos"
    assert i18n.ngettext("{count} file", "{count} files", 2).format(count=2) == "2 archivos"
    assert i18n.format_decimal(3.177, 2) == "3,18"
    assert i18n.month_abbr(1) == "ene"
    i18n.install("en")
    assert i18n.ngettext("{count} file", "{count} files", 1).format(count=1) == "1 file"
    assert i18n.format_decimal(3.177, 2) == "3.18"
    assert i18n.month_abbr(1) == "Jan"


@pytest.mark.parametrize(
    ("environ", "choice", "expected"),
    [
        ({"LANG": "es_ES.UTF-8"}, "system", "es"),
        ({"LANGUAGE": "es", "LANG": "C.UTF-8"}, "system", "es"),
        ({"LANGUAGE": "fr:es", "LANG": "en_US.UTF-8"}, "system", "es"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "es_ES.UTF-8"}, "system", "en"),
        ({"LC_MESSAGES": "es_MX.UTF-8", "LANG": "en_US.UTF-8"}, "system", "es"),
        ({"LANG": "de_DE.UTF-8"}, "system", "en"),
        ({"LANG": "C"}, "system", "en"),
        ({"LANG": "es_ES.UTF-8"}, "en", "en"),
        ({"LANG": "en_US.UTF-8"}, "es", "es"),
    ],
)
def test_language_follows_the_system_unless_set(environ: dict, choice: str, expected: str) -> None:
    assert i18n.resolve_language(choice, environ) == expected


def run_pig_status(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_", "PIG_"))}
    clean.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pig_desktop.cli", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_pig_status_speaks_spanish_when_the_system_does() -> None:
    result = run_pig_status("--demo", PROCESSED_JOB, LANG="es_ES.UTF-8", LANGUAGE="es")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Procesado: el trabajo {PROCESSED_JOB} (Importación de RFQ) terminó correctamente."
    assert lines[2].startswith(
        "Importación de RFQ para PSF Mechanical, Inc., enviada por USER TEST, iniciada el 17 ene 2024 a las "
    )
    assert lines[2].endswith(", 1 archivo: terminó correctamente.")
    assert any(line.startswith("Resultado     Procesado") for line in lines)
    assert "El trabajo terminó correctamente. No hay que hacer nada más." in lines
    assert "Modo de demostración" in result.stderr


@pytest.mark.slow
def test_pig_status_json_keys_and_codes_stay_english_in_spanish() -> None:
    import json

    spanish = run_pig_status("--demo", PROCESSED_JOB, "--json", LANG="es_ES.UTF-8", LANGUAGE="es")
    english = run_pig_status("--demo", PROCESSED_JOB, "--json")
    data_es, data_en = json.loads(spanish.stdout), json.loads(english.stdout)
    assert data_es.keys() == data_en.keys()
    assert data_es["outcome"] == data_en["outcome"] == "processed"
    assert data_es["label"] == "Procesado" and data_en["label"] == "Processed"


@pytest.mark.slow
def test_pig_status_is_english_by_default() -> None:
    result = run_pig_status("--demo", PROCESSED_JOB)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Processed: job {PROCESSED_JOB} (RFQ import) finished successfully.")
    assert "The job finished successfully. Nothing more to do." in result.stdout
    usage = run_pig_status("--bogus", "x", LANGUAGE="es")
    assert usage.returncode == 64 and "opción desconocida --bogus" in usage.stderr


def test_user_guide_in_the_users_language_where_translated(tmp_path: Path) -> None:
    bundled, docs = tmp_path / "guide", tmp_path / "docs"
    bundled.mkdir()
    docs.mkdir()
    (docs / "user-guide.md").write_text("# Guide\n", encoding="utf-8")
    assert i18n.user_guide("es", [bundled, docs]) == docs / "user-guide.md"  # not translated: English
    (bundled / "user-guide.es.md").write_text("# Guía\n", encoding="utf-8")
    assert i18n.user_guide("es", [bundled, docs]) == bundled / "user-guide.es.md"
    assert i18n.user_guide("en", [bundled, docs]) == docs / "user-guide.md"
    i18n.install("es")
    assert i18n.user_guide(dirs=[bundled, docs]) == bundled / "user-guide.es.md"
    assert i18n.user_guide("es", [tmp_path / "nowhere"]) is None
    # In this checkout the English guide is found.
    assert i18n.user_guide("en") == ROOT / "docs" / "user-guide.md"
