"""Where a dataset comes from: the datasets found on this machine (Fashion-MNIST copies),
datasets opened before in this session, Open folder… and Open CSV… (one button per way
of picking, from ``core.io.formats``' registry), and Download when no full Fashion-MNIST
is here. Choices are stored as "format:path" strings."""
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
    sigOpen = Signal(str, str)       # format name ("idx", "folder", "csv") or "path" to detect it, path
    sigDownload = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox(self)
        self.combo.setMinimumWidth(200)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(26)
        from core.io.formats import formats
        self._file_formats = formats(picks="file")
        self._found: set[str] = set()
        self.folder_button = QPushButton("Open folder…")
        kinds = "/".join(p.lstrip("*.").upper() for f in self._file_formats for p in f.patterns)
        self.file_button = QPushButton(f"Open {kinds}…")
        self.download_button = QPushButton("Download Fashion-MNIST")
        for widget in (self.combo, self.folder_button, self.file_button, self.download_button):
            row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        self.combo.activated.connect(lambda _i: self.sigOpen.emit(*split_key(self.combo.currentData())))
        self.folder_button.clicked.connect(self.ask_folder)
        self.file_button.clicked.connect(self.ask_file)
        self.download_button.clicked.connect(self.sigDownload)
        self.refresh_builtin()

    def refresh_builtin(self) -> None:
        """List the datasets found on this machine (full Fashion-MNIST first, then the
        bundled subset), then those opened in this session."""
        from core.io.formats import found_datasets
        opened = [(self.combo.itemText(i), self.combo.itemData(i)) for i in range(self.combo.count())
                  if self.combo.itemData(i) not in self._found]
        self.combo.clear()
        found = found_datasets()
        self._found = {choice_key(kind, path) for _title, kind, path in found}
        for title, kind, path in found:
            self.combo.addItem(title, choice_key(kind, path))
        for title, key in opened:
            self.combo.addItem(title, key)
        self.download_button.setVisible(len(found) < 2)

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

    def ask_file(self) -> None:
        filters = ";;".join(f.file_filter() for f in self._file_formats)
        path, _ = QFileDialog.getOpenFileName(self, "Open a dataset file", "", filters)
        if path:
            self.sigOpen.emit("path", path)


def title_for(kind: str, path) -> str:
    name = Path(path).name
    return {"idx": f"{name} (IDX)", "folder": f"{name} (folder)"}.get(kind, name)
