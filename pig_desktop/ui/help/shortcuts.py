"""Help > Keyboard shortcuts: the shortcuts the window really has, read from its actions (so the list
cannot drift from them), plus Enter in the job field."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pig_desktop.i18n import _

__all__ = ["ShortcutsDialog", "shortcut_rows"]


def plain_action_text(action: QAction) -> str:
    """ "&Save as…" -> "Save as" (no mnemonic marker, no ellipsis)."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("\u2026.").strip()


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what it does) for every action with a shortcut, in the order given, one row per action; the
    keys as this platform writes them ("Ctrl+Shift+C", "⇧⌘C")."""
    rows = [(_("Enter"), _("Check the job in the field"))]
    for action in actions:
        keys = [seq.toString(QKeySequence.SequenceFormat.NativeText) for seq in action.shortcuts()]
        keys = [key for key in keys if key]
        if keys and action.text():
            # TRANSLATORS: separates two key combinations that do the same thing ("F5, Ctrl+R").
            rows.append((_(", ").join(keys), plain_action_text(action)))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(_("Keyboard shortcuts"))
        rows = shortcut_rows(actions)
        table = self.table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutsTable")
        table.setAccessibleName(_("Keyboard shortcuts"))
        table.setHorizontalHeaderLabels([_("Keys"), _("What it does")])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, (keys, what) in enumerate(rows):
            # A screen reader reads each row as one sentence.
            spoken = _("{keys}: {action}").format(keys=keys, action=what)
            for column, text in enumerate((keys, what)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
                table.setItem(row, column, item)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(520, 380)
