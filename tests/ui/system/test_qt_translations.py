"""Qt's own words (standard dialog buttons) follow the chosen language through qtbase_<lang>.qm."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from pig_desktop import i18n
from pig_desktop.ui.system.qt_translations import install_qt_translations


@pytest.fixture
def restore_language(qapp: QApplication) -> Iterator[None]:
    yield
    i18n.install("en")
    install_qt_translations("en", qapp)


def cancel_text() -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert button is not None
    return button.text().replace("&", "")


def test_spanish_loads_qtbase_and_translates_the_standard_buttons(
    qapp: QApplication, restore_language: None
) -> None:
    i18n.install("es")
    loaded = install_qt_translations(app=qapp)
    assert len(loaded) == 1 and loaded[0].endswith("qtbase_es.qm")
    assert cancel_text() == "Cancelar"
    assert QLocale().name().startswith("es")


def test_english_removes_the_catalogue_again(qapp: QApplication, restore_language: None) -> None:
    install_qt_translations("es", qapp)
    assert cancel_text() == "Cancelar"
    assert install_qt_translations("en", qapp) == []
    assert cancel_text() == "Cancel"


def test_a_language_qt_does_not_ship_leaves_qt_in_english(qapp: QApplication, restore_language: None) -> None:
    assert install_qt_translations("xx", qapp) == []
    assert cancel_text() == "Cancel"
