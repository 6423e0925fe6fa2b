"""Paints one Classify item as a card: thumbnail, file name, and the top-5 with bars.

Sizes come from the font metrics so nothing clips at other font sizes or DPIs.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from .. import theme
from ..widgets.probability_bar import paint_prediction_row
from ..widgets.thumbnail import paint_image_fit
from .results_model import CANCELLED, DONE, ERROR, ITEM_ROLE, QUEUED, ClassifyItem

PAD, GAP, ROWS = 10, 14, 5
STATE_TEXT = {QUEUED: "Waiting to be classified…", CANCELLED: "Cancelled before it was classified."}


class ResultDelegate(QStyledItemDelegate):
    def _line(self, option) -> int:
        return option.fontMetrics.height()

    def sizeHint(self, option, index) -> QSize:
        line = self._line(option)
        height = 2 * PAD + (line + 6) + ROWS * (line + 4)
        return QSize(360, height + 8)

    def paint(self, painter: QPainter, option, index) -> None:
        item: ClassifyItem = index.data(ITEM_ROLE)
        if item is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(option.rect).adjusted(6, 4, -6, -4)
        self._paint_card(painter, card, option)
        side = card.height() - 2 * PAD
        thumb = QRectF(card.left() + PAD, card.top() + PAD, side, side)
        paint_image_fit(painter, thumb, item.thumbnail, 6.0, item.state == ERROR)
        text = QRectF(thumb.right() + GAP, card.top() + PAD,
                      card.right() - PAD - thumb.right() - GAP, side)
        line = self._line(option)
        title = QRectF(text.x(), text.y(), text.width(), line + 4)
        if item.unsure:        # the note takes the right of the title row; the name keeps the rest
            title.setRight(self._paint_unsure(painter, option.font, title, item) - 6)
        self._paint_title(painter, option.font, title, item)
        body = QRectF(text.x(), text.y() + line + 6, text.width(), text.height() - line - 6)
        if item.state == DONE:
            self._paint_predictions(painter, option.font, body, line, item)
        elif item.state == ERROR:
            self._paint_error(painter, option.font, body, item.short_error or "Could not classify.")
        else:
            painter.setPen(QColor(theme.color("text_name")))
            painter.drawText(body, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             STATE_TEXT.get(item.state, ""))
        painter.restore()

    @staticmethod
    def _paint_card(painter: QPainter, card: QRectF, option) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        path = QPainterPath()
        path.addRoundedRect(card, 8, 8)
        painter.fillPath(path, QColor(theme.color("accent_tint")) if selected else QColor(theme.color("surface")))
        border = theme.color("accent_border" if selected else ("border_strong" if hovered else "border"))
        painter.setPen(QPen(QColor(border), 1.2 if selected else 1.0))
        painter.drawPath(path)

    @staticmethod
    def _paint_title(painter: QPainter, base: QFont, rect: QRectF, item: ClassifyItem) -> None:
        meta = f"{item.seconds:.2f} s" if item.state in (DONE, ERROR) and item.seconds else ""
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() - 1))
        meta_width = QFontMetrics(small).horizontalAdvance(meta) + 8 if meta else 0
        bold = QFont(base)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(theme.color("text")))
        name = QFontMetrics(bold).elidedText(item.name, Qt.TextElideMode.ElideMiddle,
                                             int(rect.width() - meta_width))
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        if meta:
            painter.setFont(small)
            painter.setPen(QColor(theme.color("text_muted")))
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, meta)
        painter.setFont(base)

    @staticmethod
    def _paint_predictions(painter: QPainter, font: QFont, body: QRectF, line: int,
                           item: ClassifyItem) -> None:
        painter.setFont(font)
        for rank, (_, label, probability) in enumerate(item.predictions[:ROWS]):
            row = QRectF(body.x(), body.y() + rank * (line + 4), body.width(), line + 4)
            paint_prediction_row(painter, row, label, probability, strong=rank == 0, label_share=0.42)

    @staticmethod
    def _paint_unsure(painter: QPainter, base: QFont, rect: QRectF, item: ClassifyItem) -> float:
        """An amber note at the right of the title row (this list is a guess); returns its left."""
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() - 1))
        metrics = QFontMetrics(small)
        note = metrics.elidedText(item.unsure_note(), Qt.TextElideMode.ElideRight, int(rect.width() * 0.6))
        width = metrics.horizontalAdvance(note) + 14
        box = QRectF(rect.right() - width, rect.top() + 1, width, rect.height() - 2)
        path = QPainterPath()
        path.addRoundedRect(box, 5, 5)
        painter.fillPath(path, QColor(theme.color("warn_fill")))
        painter.setPen(QColor(theme.color("warn_border")))
        painter.drawPath(path)
        painter.setFont(small)
        painter.setPen(QColor(theme.color("warn_text")))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, note)
        painter.setFont(base)
        return box.left()

    @staticmethod
    def _paint_error(painter: QPainter, font: QFont, body: QRectF, message: str) -> None:
        metrics = QFontMetrics(font)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        inner_width = body.width() - 20
        needed = metrics.boundingRect(0, 0, int(inner_width), 10_000, flags, message).height()
        box = QRectF(body.x(), body.y() + 2, body.width(), min(body.height() - 4, needed + 14))
        path = QPainterPath()
        path.addRoundedRect(box, 6, 6)
        painter.fillPath(path, QColor(theme.color("error_fill")))
        painter.setPen(QColor(theme.color("error_border")))
        painter.drawPath(path)
        painter.setPen(QColor(theme.color("error_text")))
        painter.setFont(font)
        text_rect = box.adjusted(10, 7, -10, -7)
        if needed > text_rect.height() + 1:
            # too long for the card: keep what fits and end with an ellipsis; the full text
            # is in the tooltip and in the detail pane
            lines = max(1, int(text_rect.height() // metrics.lineSpacing()))
            message = _clip_lines(metrics, message, int(text_rect.width()), lines)
        painter.drawText(text_rect, flags, message)


def _clip_lines(metrics: QFontMetrics, text: str, width: int, lines: int) -> str:
    words, kept, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if metrics.horizontalAdvance(candidate) <= width:
            current = candidate
            continue
        kept.append(current)
        current = word
        if len(kept) == lines:
            break
    if len(kept) < lines:
        kept.append(current)
    kept = kept[:lines]
    kept[-1] = metrics.elidedText(kept[-1] + " …", Qt.TextElideMode.ElideRight, width)
    return "\n".join(kept)
