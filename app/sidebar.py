"""The left column: app name, the list of views, and the device selector."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from .about import app_version
from .resources import icon
from .widgets.device_selector import DeviceSelector

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class Sidebar(QFrame):
    sigViewChosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setFixedWidth(196)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 18, 14, 14)
        layout.setSpacing(8)
        brand = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(icon("netstudio").pixmap(28, 28))
        name = QLabel("Net Studio")
        name.setObjectName("SidebarTitle")
        brand.addWidget(logo)
        brand.addSpacing(4)
        brand.addWidget(name, 1)
        layout.addLayout(brand)
        layout.addSpacing(14)
        layout.addWidget(self._section("VIEWS"))
        self.views = QListWidget(self)
        self.views.setObjectName("ViewList")
        self.views.setIconSize(QSize(18, 18))
        self.views.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.views.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.views.currentItemChanged.connect(self._on_current)
        layout.addWidget(self.views, 1)
        layout.addWidget(self._section("DEVICE"))
        self.device = DeviceSelector(self)
        layout.addWidget(self.device)
        version = QLabel(f"Version {app_version()}")
        version.setObjectName("SidebarSection")
        layout.addSpacing(6)
        layout.addWidget(version)

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("SidebarSection")
        return label

    def add_view(self, key: str, title: str, icon_name: str, broken: bool = False) -> None:
        item = QListWidgetItem(two_tone_icon(icon_name), title)
        item.setData(KEY_ROLE, key)
        item.setSizeHint(QSize(0, self.fontMetrics().height() + 18))
        if broken:
            item.setToolTip(f"{title} could not be opened")
        self.views.addItem(item)

    def select(self, key: str) -> None:
        for row in range(self.views.count()):
            if self.views.item(row).data(KEY_ROLE) == key:
                self.views.setCurrentRow(row)
                return

    def _on_current(self, current, _previous) -> None:
        if current is not None:
            self.sigViewChosen.emit(current.data(KEY_ROLE))


def two_tone_icon(name: str):
    """Muted when idle, white when selected, so the sidebar reads on its dark background."""
    from PySide6.QtGui import QIcon
    result = QIcon()
    for color, mode in (("#cbd5e1", QIcon.Mode.Normal), ("#ffffff", QIcon.Mode.Selected)):
        result.addPixmap(icon(name, color).pixmap(64, 64), mode)
    return result
