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
EDGE = QColor("#94a3b8")
EDGE_LABEL = QColor("#334155")
ERROR = QColor("#dc2626")
ERROR_FILL = QColor("#fef2f2")
ERROR_BORDER = QColor("#fecaca")
ERROR_TEXT = QColor("#b91c1c")


def group_color(group: str) -> QColor:
    return QColor(GROUP_COLORS.get(group, OTHER_COLOR))


def font(point_size: float, bold: bool = False) -> QFont:
    result = QFont()
    result.setPointSizeF(point_size)
    result.setBold(bold)
    return result
