"""The Zoo view's side panel: the selected model's card (origin, licence, accuracy, size,
source, each file with its checksum), worded by core.zoo.model_card as ``netstudio zoo info`` is."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea

from core.zoo.model_card import card_rows

EMPTY = "Select a model to read about it."
# the title heads the card, the description ends it; input and installed are in the table
HIDDEN = {"name", "title", "about", "input", "installed"}
LABELS = {"license": "Licence", "download": "Size", "url": "File"}


def card_html(info) -> str:
    rows = card_rows(info)
    cells = "".join(f"<tr><td style='color:#64748b; padding:2px 10px 2px 0'>{LABELS.get(k, k.capitalize())}"
                    f"</td><td style='padding:2px 0'>{escape(v)}</td></tr>" for k, v in rows
                    if k not in HIDDEN and not (k == "location" and v == "-"))
    about = dict(rows).get("about", "")
    return (f"<h3 style='margin:0 0 6px 0'>{escape(info.title or info.name)}</h3>"
            f"<table cellspacing='0'>{cells}</table>"
            + (f"<p style='color:#475569'>{escape(about)}</p>" if about and about != "-" else ""))


class ModelDetails(QScrollArea):
    """A scrollable card; ``show_model(None)`` asks the user to pick a model."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ModelDetails")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.label = QLabel(EMPTY, self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setContentsMargins(12, 4, 4, 4)
        self.setWidget(self.label)
        self.setMinimumHeight(120)

    def show_model(self, info) -> None:
        self.label.setText(card_html(info) if info is not None else EMPTY)
