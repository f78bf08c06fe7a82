"""Help > User guide: the bundled guide (``i18n.user_guide``), offline, in the user's language where it is
translated, shown in the app (a read-only QTextBrowser rendering the Markdown, its screenshots found next to
it). Links to web pages open in the browser."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from pig_desktop.i18n import _

__all__ = ["GuideViewer"]


class GuideViewer(QDialog):
    """A window showing one guide file (.md or .html)."""

    def __init__(self, guide: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuideDialog")
        self.setWindowTitle(_("PIG Desktop user guide"))
        self.guide = guide
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("userGuideBrowser")
        self.browser.setAccessibleName(_("User guide"))
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(guide.parent)])  # the screenshots' relative links
        text = guide.read_text(encoding="utf-8")
        if guide.suffix == ".html":
            self.browser.setHtml(text)
        else:
            self.browser.setMarkdown(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 640)
