"""One look for every pyqtgraph chart in the app: white card, slate axes, light grid,
the palette of the stylesheet. Per-widget settings only (no global pg.setConfigOptions),
so nothing changes for plots made elsewhere."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem

from .. import theme

BLUE, BLUE_LIGHT = "#2563eb", "#bfdbfe"
ORANGE, ORANGE_LIGHT = "#ea580c", "#fed7aa"
GREEN, PURPLE, SLATE = "#16a34a", "#7c3aed", "#64748b"
SERIES = ["#2563eb", "#ea580c", "#16a34a", "#7c3aed", "#db2777", "#0891b2", "#ca8a04", "#475569"]


def make_plot(title: str = "", left: str = "", bottom: str = "", parent=None) -> pg.PlotWidget:
    """A PlotWidget styled for a card: title top-left, axis labels, faint grid."""
    widget = pg.PlotWidget(parent=parent)
    widget.setAntialiasing(True)
    widget.setMinimumHeight(150)
    plot = widget.getPlotItem()
    plot.setMenuEnabled(False)
    plot.hideButtons()
    font = QFont()
    font.setPointSizeF(8.5)
    for name in ("left", "bottom"):
        plot.getAxis(name).setTickFont(font)
        plot.getAxis(name).enableAutoSIPrefix(False)     # a changing "k" prefix would re-layout the plot
    widget.chart_texts = (title, left, bottom)
    restyle(widget)
    plot.showGrid(x=True, y=True, alpha=0.12)
    for name in ("left", "bottom", "top", "right"):
        # NOTE: with the grid on, an axis covers the whole plot, so every new point would
        # replay its tick labels (several ms of text drawing); a pixmap cache blits instead
        plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    widget.setStyleSheet("border: none;")
    return widget


def restyle(widget: pg.PlotWidget) -> None:
    """Colour a chart made by make_plot for the colour scheme in use (app.theme)."""
    title, left, bottom = widget.chart_texts
    plot = widget.getPlotItem()
    widget.setBackground(theme.color("surface"))
    if title:
        plot.setTitle(f"<span style='color:{theme.color('text')};font-size:10pt;font-weight:600'>{title}</span>",
                      justify="left")
    for name, label in (("left", left), ("bottom", bottom)):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.color("border_strong")))
        axis.setTextPen(pg.mkPen(theme.color("text_name")))
        if label:
            axis.setLabel(f"<span style='color:{theme.color('text_name')};font-size:8.5pt'>{label}</span>")
    legend = plot.legend
    if legend is not None:
        legend.setBrush(pg.mkBrush(QColor(theme.color("surface"))))
        legend.setPen(pg.mkPen(theme.color("border")))
        legend.setLabelTextColor(theme.color("text_name"))
    for name in ("left", "bottom", "top", "right"):
        plot.getAxis(name).picture = None          # drop the cached tick drawing
        plot.getAxis(name).update()


def restyle_all(window) -> None:
    """Restyle every make_plot chart inside ``window``."""
    for widget in window.findChildren(pg.PlotWidget):
        if hasattr(widget, "chart_texts"):
            restyle(widget)


def pen(color: str, width: float = 1.6) -> pg.QtGui.QPen:
    return pg.mkPen(QColor(color), width=width)


def add_legend(widget: pg.PlotWidget, offset=(-8, 8)) -> pg.LegendItem:
    legend = widget.getPlotItem().addLegend(offset=offset, labelTextColor=theme.color("text_name"),
                                            brush=pg.mkBrush(QColor(theme.color("surface"))),
                                            pen=pg.mkPen(theme.color("border")))
    legend.setLabelTextSize("8pt")
    return legend
