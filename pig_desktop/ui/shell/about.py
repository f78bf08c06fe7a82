"""Help > About: the app's name, version and what it is for."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from pig_desktop import APP_DISPLAY_NAME, __version__
from pig_desktop.i18n import _
from pig_desktop.ui.system.icons import app_icon

__all__ = ["show_about"]


def show_about(parent: QWidget) -> None:
    from PySide6.QtWidgets import QMessageBox  # its type and enums: only for the few who open it

    box = QMessageBox(parent)
    box.setWindowTitle(_("About PIG Desktop"))
    box.setIconPixmap(app_icon().pixmap(64, 64))
    # TRANSLATORS: the app's name and its version number.
    box.setText(_("<b>{name}</b> {version}").format(name=APP_DISPLAY_NAME, version=__version__))
    box.setInformativeText(
        _(
            "Checks the status of CINX Partner Integration Gateway jobs, and puts the details in a form "
            "support can use."
        )
    )
    box.setObjectName("aboutBox")
    box.open()
