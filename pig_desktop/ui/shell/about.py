"""Help > About: the app's name, version and what it is for."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from pig_desktop import APP_DISPLAY_NAME, __version__
from pig_desktop.ui.system.icons import app_icon

__all__ = ["show_about"]


def show_about(parent: QWidget) -> None:
    from PySide6.QtWidgets import QMessageBox  # its type and enums: only for the few who open it

    box = QMessageBox(parent)
    box.setWindowTitle(parent.tr("About PIG Desktop"))
    box.setIconPixmap(app_icon().pixmap(64, 64))
    box.setText(f"<b>{APP_DISPLAY_NAME}</b> {__version__}")
    box.setInformativeText(
        parent.tr(
            "Checks the status of CINX Partner Integration Gateway jobs, and puts the details in a form "
            "support can use."
        )
    )
    box.setObjectName("aboutBox")
    box.open()
