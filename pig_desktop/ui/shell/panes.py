"""The shell's panes as they arrive: the result pane right after the first paint, the history panel once its
database is open, the extra panels (the watch list, the batch view) when their feature attaches; each keeps
the Tab order reading order (pig_desktop/ui/shell/tab_order.py documents it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from pig_desktop.ui.check.controller import CheckController
from pig_desktop.ui.shell.layout import Shell, add_panel

if TYPE_CHECKING:
    from pig_desktop.ui.check.result_pane import ResultPane
    from pig_desktop.ui.history.panel import HistoryPanel

__all__ = ["Panes"]


class Panes(QObject):
    #: A pane's status line (text).
    status = Signal(str)

    def __init__(self, window: QWidget, shell: Shell, check: CheckController, raw_action: QAction) -> None:
        super().__init__(window)
        self._window, self._shell, self._check, self._raw = window, shell, check, raw_action
        self.result: ResultPane | None = None
        self.history: HistoryPanel | None = None
        # A banner's buttons (an offer's "Check", "Sign in again") come and go with its message.
        shell.banner.buttons_changed.connect(self.update_tab_order)
        shell.offer_banner.buttons_changed.connect(self.update_tab_order)

    def result_pane(self) -> ResultPane:
        """The result pane; built now if it is not yet (a heavy import: after the first paint)."""
        if self.result is not None:
            return self.result
        from pig_desktop.ui.check.result_pane import ResultPane

        pane = ResultPane()  # no parent yet: replaceWidget() refuses a widget already in the splitter
        self.result = pane
        pane.notice.connect(self.status)
        self._raw.toggled.connect(pane.raw_button.setChecked)
        pane.raw_button.toggled.connect(self._raw.setChecked)
        splitter = self._shell.splitter
        sizes = splitter.sizes()
        splitter.replaceWidget(splitter.indexOf(self._shell.result_placeholder), pane)
        self._shell.result_placeholder.deleteLater()
        splitter.setSizes(sizes)
        self.update_tab_order()
        return pane

    def place_history(self, panel: HistoryPanel) -> None:
        self.history = panel
        panel.entry_opened.connect(self._check.open_history_entry)
        panel.watch_requested.connect(lambda entry: self._check.watch_job(entry.job_id))
        panel.notice.connect(self.status)
        self._shell.splitter.replaceWidget(0, panel)
        self._shell.history_placeholder.deleteLater()
        self._shell.splitter.setSizes([360, max(400, self._window.width() - 360)])
        self.update_tab_order()

    def add_panel(self, widget: QWidget, title: str) -> None:
        """Place an extra panel (the watch list) below history and result, a quarter of the height."""
        add_panel(self._window, self._shell.panels, widget, title)
        self.update_tab_order()

    def update_tab_order(self) -> list[QWidget]:
        from pig_desktop.ui.shell.tab_order import apply_tab_order

        shell, panels = self._shell, self._shell.panels
        extra = [w for w in (panels.widget(i) for i in range(1, panels.count())) if w is not None]
        parts: list[QWidget | list[QWidget]] = [
            shell.header,
            shell.banner,
            shell.offer_banner,
            [shell.job_field.edit, shell.check_button, shell.watch_button, shell.cancel_button],
        ]
        parts.extend(pane for pane in (self.result, self.history) if pane is not None)
        parts.extend(extra)
        return apply_tab_order(self._window, parts)
