"""Issue 22 point 5: the app follows the system's light/dark colour scheme -- the window,
the editor canvas and the charts -- and goes back to light.

The offscreen platform ignores QStyleHints.setColorScheme (colorScheme() stays Unknown), so
the tests apply a scheme directly and emit colorSchemeChanged as a platform would."""
from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication

from app import theme
from app.editor.canvas import CanvasView

from .conftest import screenshot


def lightness_at_corner(widget) -> int:
    """Lightness, as seen in the whole window, of a background pixel near the widget's
    bottom-left corner."""
    window = widget.window()
    image = window.grab().toImage()
    point = widget.mapTo(window, QPoint(6, widget.height() - 6))
    return QColor(image.pixel(point)).lightness()


def canvas_of(window) -> CanvasView:
    window.show_view("editor")
    return window.view("editor").findChild(CanvasView)


def chart_of(window) -> pg.PlotWidget:
    window.show_view("train")
    charts = [w for w in window.view("train").findChildren(pg.PlotWidget) if hasattr(w, "chart_texts")]
    assert charts, "the Train view has no chart"
    return charts[0]


@pytest.fixture
def back_to_light(main_window):
    yield main_window
    theme.apply_scheme(main_window, "light")


def test_window_canvas_and_charts_turn_dark_then_light(back_to_light, qtbot):
    window = back_to_light
    window.resize(1200, 800)
    window.show()
    for scheme in ("dark", "light", "dark"):
        assert theme.apply_scheme(window, scheme) == scheme
        QGuiApplication.processEvents()
        for name, widget in (("canvas", canvas_of(window)), ("window", window.current_view()),
                             ("chart", chart_of(window))):
            value = lightness_at_corner(widget)
            assert (value < 80) if scheme == "dark" else (value > 200), f"{name} in {scheme}: lightness {value}"
    window.view("editor").new_from_template("lenet")          # nodes, ports and shape labels to look at
    for scheme in ("light", "dark"):
        theme.apply_scheme(window, scheme)
        for key, title in (("classify", "Classify"), ("editor", "Build"), ("train", "Train")):
            window.show_view(key)
            qtbot.wait(30)
            screenshot(window, f"scheme_{scheme}_{title.lower()}")


def test_a_system_scheme_change_recolours_the_window(back_to_light, monkeypatch):
    window = back_to_light
    monkeypatch.setattr(theme, "system_scheme", lambda: "dark")
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.current_scheme() == "dark"
    assert "background: #0f172a" in window.styleSheet()          # QMainWindow's background, dark
    monkeypatch.setattr(theme, "system_scheme", lambda: "light")
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.current_scheme() == "light" and "background: #f8fafc" in window.styleSheet()


def test_an_unknown_scheme_is_a_clear_error(back_to_light):
    with pytest.raises(ValueError, match="'light' or 'dark'"):
        theme.apply_scheme(back_to_light, "sepia")


def test_painted_result_cards_and_the_readiness_bar_follow_the_scheme(back_to_light, qtbot):
    """The Classify list's cards and probability bars are painted, and the Build readiness
    bar sets its sheet after the scheme was applied: both used to stay light in dark."""
    from app.classify.results_model import DONE
    from .conftest import MODEL_TIMEOUT_MS, SAMPLES, drop_urls
    window = back_to_light
    window.resize(1200, 800)
    window.show()
    theme.apply_scheme(window, "dark")
    view = window.show_view("classify")
    with qtbot.waitSignal(view.sigIdle, timeout=MODEL_TIMEOUT_MS):
        drop_urls(view, [SAMPLES / "coffee.png"])
    [item] = view.results.items()
    assert item.state == DONE
    list_view = view.list
    card = list_view.visualRect(list_view.model().index(0, 0))
    image = list_view.viewport().grab().toImage()
    # inside the card, right of the thumbnail, below the predictions: the card's own fill
    spot = QPoint(card.right() - 12, card.bottom() - 6)
    assert QColor(image.pixel(spot)).lightness() < 80, "the result card stays light in dark"
    editor = window.show_view("editor")
    editor.new_from_template("lenet")
    qtbot.wait(50)
    bar = editor.readiness
    assert bar.isVisible()
    assert lightness_at_corner(bar) < 80, "the readiness bar stays light in dark"
    screenshot(window.view("classify"), "scheme_dark_classify_card")
    theme.apply_scheme(window, "light")
    QGuiApplication.processEvents()
    assert lightness_at_corner(bar) > 200
