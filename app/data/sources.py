"""Where a dataset comes from: the Fashion-MNIST copies found on this machine, datasets
opened before in this session, Open folder…, Open CSV…, and Download when no full
Fashion-MNIST is here. Choices are stored as "kind:path" strings."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QPushButton, QWidget


def choice_key(kind: str, path) -> str:
    return f"{kind}:{path}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, path = str(key).partition(":")
    return kind, path


class SourcePicker(QWidget):
    sigOpen = Signal(str, str)       # kind ("fashion", "folder", "csv"), path
    sigDownload = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox(self)
        self.combo.setMinimumWidth(200)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(26)
        self.folder_button = QPushButton("Open folder…")
        self.csv_button = QPushButton("Open CSV…")
        self.download_button = QPushButton("Download Fashion-MNIST")
        for widget in (self.combo, self.folder_button, self.csv_button, self.download_button):
            row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        self.combo.activated.connect(lambda _i: self.sigOpen.emit(*split_key(self.combo.currentData())))
        self.folder_button.clicked.connect(self.ask_folder)
        self.csv_button.clicked.connect(self.ask_csv)
        self.download_button.clicked.connect(self.sigDownload)
        self.refresh_builtin()

    def refresh_builtin(self) -> None:
        """List the Fashion-MNIST copies found (full set first, then the bundled subset)."""
        from core.session import fashion_mnist_choices
        opened = [(self.combo.itemText(i), self.combo.itemData(i)) for i in range(self.combo.count())
                  if not str(self.combo.itemData(i)).startswith("fashion:")]
        self.combo.clear()
        for title, root in fashion_mnist_choices():
            self.combo.addItem(title, choice_key("fashion", root))
        for title, key in opened:
            self.combo.addItem(title, key)
        self.download_button.setVisible(sum(str(self.combo.itemData(i)).startswith("fashion:")
                                            for i in range(self.combo.count())) < 2)

    def first_choice(self) -> tuple[str, str] | None:
        return split_key(self.combo.itemData(0)) if self.combo.count() else None

    def select_or_add(self, title: str, kind: str, path) -> None:
        key = choice_key(kind, path)
        index = self.combo.findData(key)
        if index < 0:
            self.combo.addItem(title, key)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open an image folder (one subfolder per class)")
        if folder:
            self.sigOpen.emit("path", folder)

    def ask_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a CSV of pictures", "", "CSV files (*.csv)")
        if path:
            self.sigOpen.emit("path", path)


def title_for(kind: str, path) -> str:
    name = Path(path).name
    return {"fashion": "Fashion-MNIST", "folder": f"{name} (folder)"}.get(kind, name)
