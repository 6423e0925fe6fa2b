"""A labelled probability: class name, a bar and the percentage, on one line.

The painting function is shared with the Classify list's delegate so both look the same.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath
from PySide6.QtWidgets import QSizePolicy, QWidget

from .. import theme

#: named colours of the scheme in use (app/theme.py), read when painting
TRACK, STRONG, WEAK, TEXT, MUTED = "border", "accent", "accent_border", "text", "text_secondary"


def _colour(name: str) -> QColor:
    return QColor(theme.color(name))


def format_percent(probability: float) -> str:
    """'97.1%', '0.4%', '<0.1%'."""
    percent = 100.0 * float(probability)
    return "<0.1%" if 0 < percent < 0.05 else f"{percent:.1f}%"


def paint_probability_bar(painter: QPainter, rect: QRectF, fraction: float, strong: bool) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    radius = rect.height() / 2
    track = QPainterPath()
    track.addRoundedRect(rect, radius, radius)
    painter.fillPath(track, _colour(TRACK))
    width = rect.width() * max(0.0, min(1.0, float(fraction)))
    if width > 0.5:
        # a sliver still shows as a rounded dot, so tiny probabilities are visible
        fill = QPainterPath()
        fill.addRoundedRect(QRectF(rect.x(), rect.y(), max(width, rect.height()), rect.height()),
                            radius, radius)
        painter.fillPath(fill, _colour(STRONG if strong else WEAK))
    painter.restore()


def paint_prediction_row(painter: QPainter, rect: QRectF, label: str, probability: float,
                         strong: bool, label_share: float = 0.45) -> None:
    """Label (elided) | bar | percentage, vertically centred in ``rect``."""
    metrics = QFontMetrics(painter.font())
    percent_width = metrics.horizontalAdvance("100.0%") + 8
    label_width = max(40.0, rect.width() * label_share)
    bar_width = max(20.0, rect.width() - label_width - percent_width - 10)
    painter.save()
    font = painter.font()
    font.setBold(strong)
    painter.setFont(font)
    painter.setPen(_colour(TEXT if strong else MUTED))
    elided = QFontMetrics(font).elidedText(label, Qt.TextElideMode.ElideRight, int(label_width - 8))
    label_rect = QRectF(rect.x(), rect.y(), label_width - 8, rect.height())
    painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
    bar_height = min(8.0, rect.height() * 0.45)
    bar = QRectF(rect.x() + label_width, rect.center().y() - bar_height / 2, bar_width, bar_height)
    paint_probability_bar(painter, bar, probability, strong)
    percent_rect = QRectF(bar.right() + 10, rect.y(), percent_width, rect.height())
    painter.drawText(percent_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                     format_percent(probability))
    painter.restore()


class ProbabilityBar(QWidget):
    """One prediction: ``ProbabilityBar("espresso", 0.97, strong=True)``."""

    def __init__(self, label: str = "", probability: float = 0.0, strong: bool = False, parent=None):
        super().__init__(parent)
        self.label, self.probability, self.strong = label, probability, strong
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, label: str, probability: float, strong: bool | None = None) -> None:
        self.label, self.probability = label, probability
        if strong is not None:
            self.strong = strong
        self.setToolTip(f"{label}: {format_percent(probability)}")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, self.fontMetrics().height() + 12)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, self.fontMetrics().height() + 12)

    def paintEvent(self, event) -> None:
        if not self.label:
            return
        painter = QPainter(self)
        painter.setFont(self.font())
        paint_prediction_row(painter, QRectF(self.rect()), self.label, self.probability, self.strong)
        painter.end()
