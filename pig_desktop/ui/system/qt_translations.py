"""Qt's own words in the user's language: the buttons of standard dialogs (OK, Cancel, Yes, No...), the
file dialog, the context menu of text fields (Copy, Paste, Select All...).

Our own strings go through gettext (``pig_desktop.i18n``); the words Qt draws itself come from Qt's
``qtbase_<lang>.qm`` catalogue, which PySide6 ships in its translations folder (``QLibraryInfo``'s
TranslationsPath; inside a PyInstaller bundle ``sys._MEIPASS/PySide6/Qt/translations``, where PyInstaller's
Qt hook puts them). Call :func:`install_qt_translations` once the QApplication exists, right after
``i18n.setup``; English needs no catalogue.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale

from pig_desktop import i18n

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator

log = logging.getLogger(__name__)

__all__ = ["install_qt_translations", "locale_for", "qt_translation_dirs"]

# Qt's catalogues, most specific first: qtbase holds the widgets' words (qt_<lang>.qm is a meta catalogue
# that only points at qtbase and friends, so loading qtbase directly is enough).
QT_CATALOGUES = ("qtbase",)

_installed: list[QTranslator] = []


def qt_translation_dirs() -> list[Path]:
    """Where Qt's .qm files may be: Qt's own translations path, then the bundle's copy."""
    from PySide6.QtCore import QLibraryInfo  # an English start needs none (the first-frame rule)

    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.append(Path(frozen) / "PySide6" / "Qt" / "translations")
        dirs.append(Path(frozen) / "PySide6" / "translations")
    return dirs


def locale_for(language: str) -> QLocale:
    """The QLocale for ``language``: the system's own when it speaks that language (es_MX stays es_MX, en_GB
    stays en_GB), else the language's default country."""
    system = QLocale.system()
    wanted = QLocale(language)
    return system if system.language() == wanted.language() else wanted


def install_qt_translations(language: str | None = None, app: QCoreApplication | None = None) -> list[str]:
    """Load Qt's catalogues for ``language`` (default: the one ``i18n.setup`` chose) into ``app`` (default:
    the running application) and make it the default QLocale, so Qt's own dialogs and number fields match.
    Replaces what an earlier call installed. Returns the files loaded (empty for English or when Qt ships no
    catalogue for the language: Qt then shows its English words)."""
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_qt_translations needs a QApplication")
    language = language or i18n.current_language()
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(locale_for(language))
    if language == i18n.SOURCE_LANGUAGE:
        return []
    from PySide6.QtCore import QTranslator

    loaded: list[str] = []
    for catalogue in QT_CATALOGUES:
        for directory in qt_translation_dirs():
            translator = QTranslator(app)
            if translator.load(f"{catalogue}_{language}", str(directory)):
                app.installTranslator(translator)
                _installed.append(translator)
                loaded.append(translator.filePath())
                break
        else:
            log.info("Qt has no %s catalogue for %r; its own words stay in English", catalogue, language)
    return loaded
