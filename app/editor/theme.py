"""Colours and fonts of the canvas, in one place (slate greys, a colour per layer group,
red only for errors -- as resources/style.qss)."""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont

GROUP_COLORS = {
    "Input": "#475569",
    "Convolution": "#2563eb",
    "Pooling": "#0891b2",
    "Dense": "#7c3aed",
    "Activation": "#d97706",
    "Normalization": "#db2777",
    "Regularization": "#a855f7",
    "Merge": "#059669",
    "Output": "#0f172a",
    "Tensor": "#78716c",
}
OTHER_COLOR = "#64748b"

CANVAS = QColor("#f8fafc")
GRID_DOT = QColor("#dfe5ee")
NODE_FILL = QColor("#ffffff")
NODE_BORDER = QColor("#cbd5e1")
TEXT = QColor("#0f172a")
TEXT_SECONDARY = QColor("#475569")
TEXT_MUTED = QColor("#94a3b8")
TEXT_NAME = QColor("#64748b")
SELECTION = QColor("#2563eb")
FOCUS_RING = QColor("#1d4ed8")      # the keyboard focus: dark blue on light, light blue on dark
EDGE = QColor("#94a3b8")
EDGE_LABEL = QColor("#334155")
LABEL_BORDER = QColor("#e2e8f0")
ERROR = QColor("#dc2626")
ERROR_FILL = QColor("#fef2f2")
ERROR_BORDER = QColor("#fecaca")
ERROR_TEXT = QColor("#b91c1c")


# the canvas colours, by their names in app.theme's palettes
_PALETTE_NAMES = {
    "CANVAS": "canvas", "GRID_DOT": "grid_dot", "NODE_FILL": "surface", "NODE_BORDER": "border_strong",
    "TEXT": "text", "TEXT_SECONDARY": "text_secondary", "TEXT_MUTED": "text_muted", "TEXT_NAME": "text_name",
    "SELECTION": "accent", "FOCUS_RING": "accent_strong",
    "EDGE": "text_muted", "EDGE_LABEL": "text_body", "LABEL_BORDER": "border",
    "ERROR": "error",
    "ERROR_FILL": "error_fill", "ERROR_BORDER": "error_border", "ERROR_TEXT": "error_text",
}


def use_palette(palette: dict[str, str]) -> None:
    """Take the canvas colours from one of app.theme's palettes (light or dark); items read
    them when they paint, so a repaint shows the new scheme."""
    for constant, name in _PALETTE_NAMES.items():
        globals()[constant] = QColor(palette[name])


def group_color(group: str) -> QColor:
    return QColor(GROUP_COLORS.get(group, OTHER_COLOR))


def font(point_size: float, bold: bool = False) -> QFont:
    result = QFont()
    result.setPointSizeF(point_size)
    result.setBold(bold)
    return result
