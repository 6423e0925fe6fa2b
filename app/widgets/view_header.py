"""The title and one-line subtitle at the top of each view, styled by resources/style.qss."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout


def title_block(title: str, subtitle: str, wrap: bool = False) -> QVBoxLayout:
    titles = QVBoxLayout()
    titles.setSpacing(2)
    heading = QLabel(title)
    heading.setObjectName("ViewTitle")
    line = QLabel(subtitle)
    line.setObjectName("ViewSubtitle")
    line.setWordWrap(wrap)
    titles.addWidget(heading)
    titles.addWidget(line)
    return titles
