"""PIG Desktop's one translation system: gettext, for the core, ``pig-status`` and the window alike.

Qt-free on purpose: the core's sentences (outcomes, errors, tickets) and ``pig-status`` run without Qt, and
the window shows the same sentences, so one catalogue (``resources/translations/<lang>.po``, domain
``pig-desktop``) serves all three. Qt code calls :func:`_` and :func:`ngettext` from here too.

- :func:`setup` picks the language once at start: the settings choice ("system", "en", "es"), else on Linux
  the first of LANGUAGE (a colon list), LC_ALL, LC_MESSAGES, LANG that is set, else the OS setting through
  :mod:`locale` (Windows, macOS). A language without a catalogue falls back to English.
- Strings are written with one placeholder style, ``{name}`` filled by ``str.format`` *after* translation,
  so a translator can move the placeholder; sentences are never glued from parts.
- Module-level constants are marked with :func:`N_` (no-op, for extraction) and translated where they are
  used, so the language can be chosen after import.

The compiled ``.mo`` files are built by the packaging (``pig_desktop.i18n_build``); a source checkout with no
``.mo`` reads the ``.po`` directly.
"""

from __future__ import annotations

import gettext
import os
import sys
from pathlib import Path

DOMAIN = "pig-desktop"
SOURCE_LANGUAGE = "en"
# Languages with a catalogue, and how each is named in its own language (for the Settings choice).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}
CHOICES: tuple[str, ...] = ("system", *LANGUAGE_NAMES)
_LINUX_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def N_(message: str) -> str:  # noqa: N802 - the gettext name every extractor knows
    """Mark a string for extraction without translating it now (translate it with :func:`_` when used)."""
    return message


def _(message: str) -> str:
    """``message`` in the current language (English when there is no translation)."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The right plural form for ``count`` in the current language; fill ``{count}`` with ``str.format``."""
    return _translations.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context`` (for the same English word meaning two things)."""
    return _translations.pgettext(context, message)


def current_language() -> str:
    """The language in use: "en" or a code of :data:`LANGUAGE_NAMES`."""
    return _language


def _normalise(tag: str) -> str:
    """ "es_ES.UTF-8@euro" -> "es"; "C"/"POSIX" -> "en"."""
    tag = tag.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    if tag.upper() in ("C", "POSIX", ""):
        return SOURCE_LANGUAGE if tag else ""
    return tag.split("_", 1)[0].lower()


def system_languages(environ: dict[str, str] | None = None, platform: str | None = None) -> list[str]:
    """The languages the system asks for, best first, as two-letter codes (may be empty)."""
    environ = dict(os.environ) if environ is None else environ
    platform = platform or sys.platform
    wanted: list[str] = []
    for name in _LINUX_VARIABLES:
        value = environ.get(name, "")
        if not value:
            continue
        if name == "LANGUAGE":
            # glibc ignores LANGUAGE when the locale is "C"; people who set LANGUAGE=es still mean Spanish.
            wanted.extend(_normalise(part) for part in value.split(":") if part)
            continue
        wanted.append(_normalise(value))
        break
    if not wanted and platform != "linux":
        # Windows and macOS: the user's UI language as Python's locale module reports it (imported here:
        # a Linux start needs none of it).
        import locale

        category = getattr(locale, "LC_MESSAGES", locale.LC_CTYPE)
        try:
            system_name: str | None = locale.getlocale(category)[0]
        except (ValueError, AttributeError):
            system_name = None
        if not system_name and platform == "win32":
            system_name = _windows_ui_language()
        if system_name:
            wanted.append(_normalise(system_name))
    return [code for code in dict.fromkeys(wanted) if code]


def _windows_ui_language() -> str | None:
    try:
        import ctypes
        import locale

        lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None
    return locale.windows_locale.get(int(lang_id))


def resolve_language(choice: str = "system", environ: dict[str, str] | None = None) -> str:
    """The language to use for a settings choice: "en", "es", or the system's best one that we ship."""
    if choice in LANGUAGE_NAMES:
        return choice
    for code in system_languages(environ):
        if code in LANGUAGE_NAMES:
            return code
    return SOURCE_LANGUAGE


def translations_dir() -> Path:
    """Where the catalogues are, found next to this module (not through the resources package, which an
    editable install may map onto another checkout): ``pig_desktop/resources/translations`` in a wheel and
    in a PyInstaller bundle (``sys._MEIPASS/pig_desktop/resources``), ``<checkout>/resources/translations``
    in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources" / "translations", here.parent / "resources" / "translations"):
        if candidate.is_dir():
            return candidate
    return here.parent / "resources" / "translations"


def load_translations(language: str, directory: Path | None = None) -> gettext.NullTranslations:
    """The catalogue of ``language``: the compiled ``.mo``, else (a source checkout) the ``.po`` itself."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    directory = directory or translations_dir()
    mo = directory / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    po = directory / f"{language}.po"
    if po.is_file():
        import io

        from .i18n_build import catalog_pairs, read_po, write_mo_bytes

        return gettext.GNUTranslations(io.BytesIO(write_mo_bytes(catalog_pairs(read_po(po)))))
    return gettext.NullTranslations()


def install(language: str, directory: Path | None = None) -> str:
    """Use ``language`` from now on (an unknown one means English). Returns the language in use."""
    global _translations, _language
    language = language if language in LANGUAGE_NAMES else SOURCE_LANGUAGE
    _translations = load_translations(language, directory)
    _language = language
    return language


def setup(choice: str = "system", environ: dict[str, str] | None = None) -> str:
    """Pick and install the language for a settings choice; returns it. Call once, early, at start-up."""
    return install(resolve_language(choice, environ))


# --- dates and numbers in the current language, without setlocale() (process-wide, not thread-safe) ---

_MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


def month_abbr(month: int) -> str:
    """The short name of month 1..12 in the current language ("Jan" / "ene")."""
    return _(_MONTHS[month - 1])


def format_decimal(value: float, places: int) -> str:
    """``value`` with ``places`` decimals and the current language's decimal separator ("3.18" / "3,18")."""
    text = f"{value:.{places}f}"
    # TRANSLATORS: the decimal separator of your language ("," in Spanish).
    return text.replace(".", pgettext("decimal separator", "."))


# --- the bundled user guide, in the user's language where translated ---

GUIDE_NAME = "user-guide"


def guide_dirs() -> list[Path]:
    """Where a guide may be: ``resources/guide/`` (wheel, bundle, checkout), then the checkout's ``docs/``."""
    here = Path(__file__).resolve().parent
    return [translations_dir().parent / "guide", here.parent / "docs"]


def user_guide(language: str | None = None, dirs: list[Path] | None = None) -> Path | None:
    """The guide file for ``language`` (default: the one in use): ``user-guide.<lang>.html`` or ``.md``,
    else the English ``user-guide.html``/``.md``; None when no guide is bundled."""
    language = language or current_language()
    names = (
        [f"{GUIDE_NAME}.{language}.html", f"{GUIDE_NAME}.{language}.md"]
        if language != SOURCE_LANGUAGE
        else []
    )
    names += [f"{GUIDE_NAME}.html", f"{GUIDE_NAME}.md"]
    for name in names:
        for directory in dirs if dirs is not None else guide_dirs():
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None
