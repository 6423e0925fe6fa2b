"""The palette: every operator of the registry in groups, searchable; drag an entry onto
the canvas (or double-click it, or press Enter on it) to add a layer."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from core.graphdoc.palette import palette_groups

from . import theme
from .canvas import OP_MIME

OP_ROLE = Qt.ItemDataRole.UserRole + 1


@lru_cache(maxsize=None)
def group_icon(group: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(theme.group_color(group)))
    painter.drawRoundedRect(2, 2, 10, 10, 3, 3)
    painter.end()
    return QIcon(pixmap)


def best_matches(entries, text: str) -> list:
    """The entries (in their order) a search for ``text`` finds: those the query names
    ("dense", "conv2d", "max pool"); only when none, those it describes."""
    ranks = [(entry, entry.match_rank(text)) for entry in entries]
    best = min((rank for _, rank in ranks if rank is not None), default=None)
    return [entry for entry, rank in ranks if best is not None and rank == best]


class _OperatorTree(QTreeWidget):
    sigEntered = Signal(str)        # Enter on an entry: add it, as a double-click does

    def keyPressEvent(self, event) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None and item.data(0, OP_ROLE):
            self.sigEntered.emit(item.data(0, OP_ROLE))
            return
        super().keyPressEvent(event)

    def mimeData(self, items):
        mime = QMimeData()
        ops = [i.data(0, OP_ROLE) for i in items if i.data(0, OP_ROLE)]
        if ops:
            mime.setData(OP_MIME, QByteArray(ops[0].encode("utf-8")))
            mime.setText(ops[0])
        return mime

    def mimeTypes(self):
        return [OP_MIME]


class PaletteWidget(QWidget):
    sigActivated = Signal(str)      # an entry was double-clicked: add it

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("EditorPalette")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search layers…")
        self.search.setClearButtonEnabled(True)
        self.tree = _OperatorTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(12)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setUniformRowHeights(True)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        self.entries = {}
        self._fill()
        self.search.textChanged.connect(self.filter)
        self.tree.itemDoubleClicked.connect(self._on_double_click)
        self.tree.itemClicked.connect(self._on_click)
        self.tree.sigEntered.connect(self.sigActivated)

    def _fill(self) -> None:
        bold = theme.font(8.5, bold=True)
        for group, entries in palette_groups():
            header = QTreeWidgetItem([f"{group.upper()}  ·  {len(entries)}"])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            header.setFont(0, bold)
            header.setForeground(0, theme.TEXT_MUTED)
            self.tree.addTopLevelItem(header)
            for entry in entries:
                item = QTreeWidgetItem([entry.title])
                item.setData(0, OP_ROLE, entry.op)
                item.setIcon(0, group_icon(group))
                item.setToolTip(0, f"<b>{entry.title}</b> <i>(MXNet {entry.op})</i>" + (f"<br>{entry.doc}" if entry.doc else ""))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                header.addChild(item)
                self.entries[entry.op] = (entry, item)
            header.setExpanded(group in ("Input", "Convolution", "Pooling", "Dense", "Activation",
                                         "Normalization", "Regularization", "Merge", "Output"))

    def filter(self, text: str) -> None:
        """Show the entries matching ``text`` (all groups open while searching)."""
        found = {entry.op for entry in best_matches([entry for entry, _ in self.entries.values()], text)}
        for index in range(self.tree.topLevelItemCount()):
            header = self.tree.topLevelItem(index)
            shown = 0
            for child_index in range(header.childCount()):
                child = header.child(child_index)
                match = child.data(0, OP_ROLE) in found
                child.setHidden(not match)
                shown += match
            header.setHidden(shown == 0)
            if text:
                header.setExpanded(True)

    def visible_ops(self) -> list[str]:
        return [op for op, (_, item) in self.entries.items() if not item.isHidden() and not item.parent().isHidden()]

    def _on_click(self, item, _column) -> None:
        if item.parent() is None:          # a group header: open or close it
            item.setExpanded(not item.isExpanded())

    def _on_double_click(self, item, _column) -> None:
        op = item.data(0, OP_ROLE)
        if op:
            self.sigActivated.emit(op)
