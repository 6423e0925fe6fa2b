"""Which views the main window hosts, and how a view talks to the window.

A view is a QWidget in its own package (``app/classify``, ``app/editor`` …) listed in
``DEFAULT_VIEWS``; the window builds it with ``View(settings=...)`` when its constructor
takes ``settings``, else ``View()``. A view that fails to import or build is replaced by a
``BrokenView`` that says so and shows the reason.

Every view is a ``View``; what else the window does with it depends on the protocols it
also satisfies (checked with ``isinstance``): ``OpensFiles`` (File > Open…, Recent),
``Undoes`` (Edit > Undo/Redo), ``KeepsWork`` (asked before the window closes),
``SavesDocuments`` (File > Save…), ``Pastes`` (Edit > Paste), ``HasEditActions`` (its
actions in the Edit menu), ``UsesDevice`` (the device
selector) and ``ShowsModel`` (the model in the status bar). Hand-offs between views are
the ``ROUTES``: a view that emits ``sigUseInClassify(obj)`` gets ``classify.use_model(obj)``
called and the Classify view shown, and so on.
"""
from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from .resources import icon

log = logging.getLogger(__name__)


@runtime_checkable
class View(Protocol):
    """What the window needs from every view it hosts (besides being a QWidget)."""

    sigStatus: SignalInstance            # a transient status-bar message

    def shutdown(self) -> None:
        """The window is closing: cancel the view's work and join its threads."""


@runtime_checkable
class OpensFiles(Protocol):
    sigOpenedPath: SignalInstance        # a file was opened: File > Recent remembers it

    def open_dialog(self) -> None: ...
    def open_paths(self, paths: list[str]) -> None: ...
    def accepts_path(self, path: str) -> bool: ...


@runtime_checkable
class SavesDocuments(Protocol):
    def save_document(self) -> None: ...


@runtime_checkable
class Pastes(Protocol):
    def paste(self) -> None: ...


@runtime_checkable
class Undoes(Protocol):
    undo_stack: object                   # a QUndoStack: Edit > Undo/Redo name its steps


@runtime_checkable
class HasEditActions(Protocol):
    def edit_actions(self) -> list:
        """QActions (None: a separator) the Edit menu lists while the view is current."""


@runtime_checkable
class KeepsWork(Protocol):
    def may_close(self) -> bool:
        """The window is about to close: True when nothing unsaved would be lost (the user
        saved it or chose to discard it), False to keep the window open."""


@runtime_checkable
class UsesDevice(Protocol):
    def set_device(self, key: str) -> None:
        """The device changed ("cpu", "gpu:0")."""


@runtime_checkable
class ShowsModel(Protocol):
    sigModelStatus: SignalInstance       # the model in use, for the status bar


@dataclass(frozen=True)
class ViewSpec:
    key: str
    title: str
    module: str
    attr: str
    icon: str


DEFAULT_VIEWS = (
    ViewSpec("classify", "Classify", "app.classify", "ClassifyView", "classify"),
    ViewSpec("editor", "Build", "app.editor", "EditorView", "build"),
    ViewSpec("data", "Data", "app.data", "DataView", "data"),
    ViewSpec("train", "Train", "app.train", "TrainView", "train"),
    ViewSpec("zoo", "Zoo", "app.zoo", "ZooView", "zoo"),
)


@dataclass(frozen=True)
class Route:
    signal: str          # on the sending view
    target: str          # key of the receiving view
    method: str          # called on it with the signal's payload


ROUTES = (
    Route("sigUseInClassify", "classify", "use_model"),
    Route("sigOpenInEditor", "editor", "open_network"),
    Route("sigTrainNetwork", "train", "set_network"),
    Route("sigTrainOnData", "train", "set_data"),
)


class BrokenView(QFrame):
    """Stands in for a view that failed to import or build, and shows why."""

    sigStatus = Signal(str)

    def __init__(self, spec: ViewSpec, error: str, parent=None):
        super().__init__(parent)
        self.title = spec.title
        self.load_error = error
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 24)
        card = QFrame(self)
        card.setObjectName("BrokenView")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.setSpacing(10)
        layout.addStretch(1)
        glyph = QLabel()
        glyph.setPixmap(icon(spec.icon, "#94a3b8").pixmap(48, 48))
        heading = QLabel(f"{spec.title} could not be opened")
        heading.setObjectName("BrokenViewTitle")
        text = QLabel(error)
        text.setObjectName("ErrorBanner")
        note = QLabel("The traceback is in the log file (netstudio.log).")
        note.setObjectName("ViewSubtitle")
        for widget in (glyph, heading, text, note):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setWordWrap(True)
            layout.addWidget(widget)
        layout.addStretch(1)
        outer.addWidget(card)

    def shutdown(self) -> None:
        """Nothing runs here."""


def create_view(spec: ViewSpec, settings) -> View:
    try:
        module = importlib.import_module(spec.module)
        view_class = getattr(module, spec.attr)
        takes_settings = "settings" in inspect.signature(view_class).parameters
        return view_class(settings=settings) if takes_settings else view_class()
    except Exception as error:  # noqa: BLE001 - one broken view must not stop the app
        log.exception("view %s failed to load", spec.key)
        return BrokenView(spec, f"{type(error).__name__}: {error}")
