"""The app's colours, one palette of named colours per colour scheme (light, dark), and
``apply_scheme`` which recolours a window: its stylesheet, the inline stylesheets of its
widgets, the editor canvas and the charts. The main window applies the system scheme at
start and again whenever ``QStyleHints.colorSchemeChanged`` fires.

resources/style.qss is written in the light palette; the dark sheet is generated from it by
swapping each light colour for the dark colour of the same name. Rules for the sidebar,
tooltips and primary buttons are dark/blue in both schemes and are left as they are.

>>> dark_stylesheet("QWidget { background: #ffffff; color: #0f172a; }")
'QWidget { background: #1e293b; color: #e2e8f0; }'
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

LIGHT = {
    "canvas": "#f8fafc", "surface": "#ffffff", "hover": "#f1f5f9", "grid_dot": "#dfe5ee",
    "border": "#e2e8f0", "border_strong": "#cbd5e1",
    "text": "#0f172a", "text_strong": "#1e293b", "text_body": "#334155",
    "text_secondary": "#475569", "text_name": "#64748b", "text_muted": "#94a3b8",
    "accent": "#2563eb", "accent_strong": "#1d4ed8", "accent_soft": "#dbeafe",
    "accent_border": "#93c5fd", "accent_tint": "#eff6ff", "accent_tint_border": "#bfdbfe",
    "error": "#dc2626", "error_fill": "#fef2f2", "error_border": "#fecaca", "error_text": "#b91c1c",
    "warn_fill": "#fffbeb", "warn_border": "#fde68a", "warn_text": "#92400e",
    "good_fill": "#f0fdf4", "good_border": "#bbf7d0", "good_text": "#166534", "good": "#15803d",
}
DARK = {
    "canvas": "#0f172a", "surface": "#1e293b", "hover": "#273449", "grid_dot": "#26334a",
    "border": "#334155", "border_strong": "#475569",
    "text": "#e2e8f0", "text_strong": "#f1f5f9", "text_body": "#cbd5e1",
    "text_secondary": "#cbd5e1", "text_name": "#94a3b8", "text_muted": "#7c8ba1",
    "accent": "#3b82f6", "accent_strong": "#93c5fd", "accent_soft": "#1e3a8a",
    "accent_border": "#1d4ed8", "accent_tint": "#172554", "accent_tint_border": "#1e40af",
    "error": "#ef4444", "error_fill": "#450a0a", "error_border": "#7f1d1d", "error_text": "#fca5a5",
    "warn_fill": "#422006", "warn_border": "#854d0e", "warn_text": "#fcd34d",
    "good_fill": "#052e16", "good_border": "#166534", "good_text": "#86efac", "good": "#4ade80",
}
PALETTES = {"light": LIGHT, "dark": DARK}
FIXED_SELECTORS = ("#Sidebar", "#ViewList", "#SidebarSection", "QToolTip", 'QPushButton[primary="true"]')
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_RULE = re.compile(r"([^{}]*)(\{[^{}]*\})")
_LIGHT_TO_DARK = {LIGHT[name].lower(): DARK[name] for name in LIGHT}

_current = "light"


def system_scheme() -> str:
    """'dark' when the platform says so, else 'light' (Unknown counts as light)."""
    app = QGuiApplication.instance()
    if app is not None and app.styleHints().colorScheme() == Qt.ColorScheme.Dark:
        return "dark"
    return "light"


def current_scheme() -> str:
    return _current


def color(name: str) -> str:
    """The named colour in the scheme in use."""
    return PALETTES[_current][name]


def _swap(text: str) -> str:
    return _HEX.sub(lambda m: _LIGHT_TO_DARK.get(m.group(0).lower(), m.group(0)), text)


def dark_stylesheet(light: str) -> str:
    """The light stylesheet with each palette colour swapped for its dark twin, rule by rule,
    keeping the rules of FIXED_SELECTORS (already dark in both schemes)."""
    def rule(match: re.Match) -> str:
        selector, body = match.group(1), match.group(2)
        if any(fixed in selector for fixed in FIXED_SELECTORS):
            return selector + body
        return selector + _swap(body)
    if "{" not in light:                       # a bare declaration list ("color: #64748b;")
        return _swap(light)
    return _RULE.sub(rule, light)


def stylesheet_for(light: str, scheme: str) -> str:
    return dark_stylesheet(light) if scheme == "dark" else light


def set_stylesheet(widget, light: str) -> None:
    """Give ``widget`` a stylesheet written in the light palette, shown in the scheme in use
    (and recoloured with the window when the scheme changes)."""
    themed = stylesheet_for(light, _current)
    widget.setProperty("lightStyleSheet", light)
    widget.setProperty("themedStyleSheet", themed)
    widget.setStyleSheet(themed)


def _recolour_stylesheet(widget, scheme: str) -> None:
    """Set the widget's own stylesheet in ``scheme``, remembering its light original (taken
    afresh when the widget has set another sheet since)."""
    sheet = widget.styleSheet()
    if not sheet or widget.property("keepColours"):       # e.g. the training log, a console in both
        return
    if sheet != widget.property("themedStyleSheet"):
        widget.setProperty("lightStyleSheet", sheet)
    themed = stylesheet_for(widget.property("lightStyleSheet"), scheme)
    widget.setProperty("themedStyleSheet", themed)
    if themed != sheet:
        widget.setStyleSheet(themed)


def qpalette(scheme: str):
    """A QPalette in the scheme, for the widgets no stylesheet rule covers (text edits,
    scroll-area viewports)."""
    from PySide6.QtGui import QColor, QPalette
    colours = PALETTES[scheme]
    palette = QPalette()
    role = QPalette.ColorRole
    for roles, name in (((role.Window,), "canvas"), ((role.Base, role.Button), "surface"),
                        ((role.AlternateBase,), "hover"), ((role.Highlight,), "accent"),
                        ((role.WindowText, role.Text, role.ButtonText), "text"),
                        ((role.PlaceholderText,), "text_muted"), ((role.Mid,), "border_strong")):
        for each in roles:
            palette.setColor(each, QColor(colours[name]))
    palette.setColor(role.HighlightedText, QColor("#ffffff"))
    return palette


def apply_scheme(window, scheme: str | None = None) -> str:
    """Recolour ``window`` and everything in it for ``scheme`` ('light', 'dark'; None: the
    system's). Returns the scheme applied."""
    from .editor import theme as canvas_theme
    from .widgets import plot_style
    from PySide6.QtWidgets import QWidget
    global _current
    scheme = scheme or system_scheme()
    if scheme not in PALETTES:
        raise ValueError(f"unknown colour scheme {scheme!r}: use 'light' or 'dark'")
    _current = scheme
    canvas_theme.use_palette(PALETTES[scheme])
    window.setPalette(qpalette(scheme))
    for widget in [window, *window.findChildren(QWidget)]:
        _recolour_stylesheet(widget, scheme)
    plot_style.restyle_all(window)
    for widget in window.findChildren(QWidget):
        if hasattr(widget, "viewport") and hasattr(widget, "scene"):   # the editor canvas
            widget.viewport().update()
    return scheme
