"""Which views the main window hosts, and how a view talks to the window.

A view is a QWidget in its own package (``app/classify``, ``app/editor`` …) listed in
``DEFAULT_VIEWS``; the window builds it with ``View(settings=...)`` when its constructor
takes ``settings``, else ``View()``. Until a package exists the window shows a clearly
marked placeholder. Everything below is optional -- the window uses what a view has:

- ``sigStatus(str)``: a transient status-bar message; ``sigModelStatus(str)``: the model
  shown in the status bar; ``sigOpenedPath(str)``: add a file to File > Recent.
- ``open_dialog()``, ``open_paths(paths)``, ``accepts_path(path)``: File > Open… and Recent.
- ``save_document()``: File > Save…;  ``paste()``: Edit > Paste.
- ``set_device(key)``: the device changed ("cpu", "gpu:0");  ``shutdown()``: the window is
  closing -- cancel and join worker threads.
- hand-offs in ``ROUTES``: a view that emits ``sigUseInClassify(obj)`` gets
  ``classify.use_model(obj)`` called and the Classify view shown, and so on.
"""
from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from .resources import icon

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ViewSpec:
    key: str
    title: str
    module: str
    attr: str
    icon: str
    blurb: str = ""


DEFAULT_VIEWS = (
    ViewSpec("classify", "Classify", "app.classify", "ClassifyView", "classify"),
    ViewSpec("editor", "Build", "app.editor", "EditorView", "build",
             "Assemble networks visually: drag layers from a palette, connect them, and see "
             "every edge's shape and every layer's parameter count as you edit."),
    ViewSpec("data", "Data", "app.data", "DataView", "data",
             "Browse datasets -- Fashion-MNIST, image folders, CSV -- with thumbnails, "
             "class histograms and the validation split."),
    ViewSpec("train", "Train", "app.train", "TrainView", "train",
             "Train a network with live loss and accuracy charts, checkpoints every epoch "
             "and a confusion matrix at the end."),
    ViewSpec("zoo", "Zoo", "app.zoo", "ZooView", "zoo"),
)

# (signal on the sending view, key of the receiving view, method called with the payload)
ROUTES = (
    ("sigUseInClassify", "classify", "use_model"),
    ("sigOpenInEditor", "editor", "open_network"),
    ("sigTrainNetwork", "train", "set_network"),
    ("sigTrainOnData", "train", "set_data"),
)


class PlaceholderView(QFrame):
    """Stands in for a view that is not built yet (or failed to load: the reason is shown)."""

    is_placeholder = True

    def __init__(self, spec: ViewSpec, error: str | None = None, parent=None):
        super().__init__(parent)
        self.title = spec.title
        self.load_error = error
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 24)
        card = QFrame(self)
        card.setObjectName("Placeholder")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.setSpacing(10)
        layout.addStretch(1)
        glyph = QLabel()
        glyph.setPixmap(icon(spec.icon, "#94a3b8").pixmap(48, 48))
        heading = QLabel(f"{spec.title} — coming soon" if error is None
                         else f"{spec.title} could not be opened")
        heading.setObjectName("PlaceholderTitle")
        text = QLabel(spec.blurb if error is None else error)
        text.setObjectName("DropHint" if error is None else "ErrorBanner")
        note = QLabel("This is a placeholder: the view is still being built.")
        note.setObjectName("ViewSubtitle")
        for widget in (glyph, heading, text, note):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setWordWrap(True)
            layout.addWidget(widget)
        layout.addStretch(1)
        outer.addWidget(card)


def create_view(spec: ViewSpec, settings) -> QWidget:
    try:
        module = importlib.import_module(spec.module)
    except ModuleNotFoundError as error:
        if error.name and spec.module.startswith(error.name):
            return PlaceholderView(spec)           # the package does not exist yet
        log.exception("view %s failed to import", spec.key)
        return PlaceholderView(spec, f"{type(error).__name__}: {error}")
    except Exception as error:  # noqa: BLE001 - one broken view must not stop the app
        log.exception("view %s failed to import", spec.key)
        return PlaceholderView(spec, f"{type(error).__name__}: {error}")
    view_class = getattr(module, spec.attr, None)
    if view_class is None:
        return PlaceholderView(spec)
    try:
        takes_settings = "settings" in inspect.signature(view_class).parameters
        return view_class(settings=settings) if takes_settings else view_class()
    except Exception as error:  # noqa: BLE001
        log.exception("view %s failed to build", spec.key)
        return PlaceholderView(spec, f"{type(error).__name__}: {error}")
