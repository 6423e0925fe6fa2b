"""Quick add: a small search box that opens on the canvas (Tab, or a tap of Space, as in
Blender and Node-RED). Typing filters the palette's layers with the palette's own search
(human names, Keras and PyTorch words), Up/Down (or Tab/Shift+Tab) choose, Enter adds,
Escape closes.

It is a child of the canvas, never a window of its own."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from .palette import OP_ROLE, best_matches, group_icon

ROWS = 8
WIDTH = 280
QUICK_ADD_QSS = ("#QuickAdd { background: #ffffff; border: 1px solid #93c5fd; border-radius: 8px; } "
                 "#QuickAdd QListWidget { border: none; background: transparent; } "
                 "#QuickAddHint { color: #64748b; background: transparent; }")


class QuickAddPopup(QFrame):
    sigChosen = Signal(str)          # the op to add
    sigClosed = Signal()             # Escape: closed without adding (a click elsewhere only hides it)

    def __init__(self, entries, parent):
        super().__init__(parent)
        self.setObjectName("QuickAdd")
        self.setStyleSheet(QUICK_ADD_QSS)
        self.entries = list(entries)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.hint = QLabel("Add a layer (Enter adds, Esc closes)", self)
        self.hint.setObjectName("QuickAddHint")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type: conv2d, relu, max pool, dense…")
        self.search.setAccessibleName("Quick add: search layers")
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)     # typing stays in the search box
        self.list.setUniformItemSizes(True)
        self.list.setAccessibleName("Matching layers")
        layout.addWidget(self.hint)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.setFixedWidth(WIDTH)
        self.search.textChanged.connect(self._refill)
        self.search.installEventFilter(self)
        self.list.itemClicked.connect(lambda _item: self.choose())
        self.hide()

    # ---- showing ----
    def open_at(self, point: QPoint) -> None:
        """Show with its top-left corner near ``point`` (the parent's coordinates), kept
        inside the parent, with an empty search that has the keyboard focus."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._refill("")
        parent = self.parentWidget().rect()
        x = min(max(point.x(), 4), max(4, parent.width() - self.width() - 4))
        y = min(max(point.y(), 4), max(4, parent.height() - self.height() - 4))
        self.move(x, y)
        self.show()
        self.raise_()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    def shown_ops(self) -> list[str]:
        return [self.list.item(row).data(OP_ROLE) for row in range(self.list.count())]

    def current_op(self) -> str | None:
        item = self.list.currentItem()
        return item.data(OP_ROLE) if item is not None else None

    def _refill(self, text: str) -> None:
        self.list.clear()
        for entry in best_matches(self.entries, text):
            item = QListWidgetItem(group_icon(entry.group), f"{entry.title}  ·  {entry.group}")
            item.setData(OP_ROLE, entry.op)
            item.setToolTip(f"MXNet {entry.op}" + (f": {entry.doc}" if entry.doc else ""))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        rows = max(1, min(ROWS, self.list.count()))
        self.list.setFixedHeight(rows * max(self.list.sizeHintForRow(0), 18) + 4)
        self.hint.setText("No layer matches; try other words" if not self.list.count()
                          else "Add a layer (Enter adds, Esc closes)")
        self.adjustSize()              # shrink and grow with the list

    # ---- keys ----
    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            steps = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_Tab: 1, Qt.Key.Key_Backtab: -1,
                     Qt.Key.Key_PageDown: ROWS, Qt.Key.Key_PageUp: -ROWS}
            if key in steps:           # Tab too: pressed again it moves on, it does not close
                self._step(steps[key])
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose()
                return True
            if key == Qt.Key.Key_Escape:
                self.dismiss()
                return True
        if watched is self.search and event.type() == QEvent.Type.FocusOut and self.isVisible():
            if event.reason() not in (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
                self.hide()
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:
        event.accept()          # keys typed here never reach the canvas behind

    def keyReleaseEvent(self, event) -> None:
        event.accept()

    def _step(self, delta: int) -> None:
        count = self.list.count()
        if count:
            self.list.setCurrentRow(min(count - 1, max(0, self.list.currentRow() + delta)))

    def choose(self) -> None:
        op = self.current_op()
        if op is None:
            return
        self.hide()
        self.sigChosen.emit(op)

    def dismiss(self) -> None:
        self.hide()
        self.sigClosed.emit()
