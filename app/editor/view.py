"""The Build view: palette | canvas | inspector, a toolbar, and a status line with the
network's parameters and multiply-adds, re-analysed after every edit.

Public hand-offs: ``open_symbol(symbol, title)`` and ``open_network(payload)`` (the
Zoo view's "Open in editor"), ``sigTrainNetwork((symbol, title))`` ("Train this network"),
``open_dialog``/``open_paths``/``save_document``/``paste`` for the main window's menus.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QGraphicsView, QHBoxLayout, QLabel, QMenu, QPushButton, QSizePolicy, QSplitter,
                               QToolButton, QVBoxLayout, QWidget)

from core.graphdoc import GraphDocument
from core.graphdoc.check import analyse_document
from core.graphdoc.layout import layout_document
from core.graphdoc.ports import VARIABLE
from core.ops import OPS
from core.graphdoc.readiness import FASHION_MNIST, training_problems
from core.graphdoc.summary import count_text
from core.graphdoc.templates import templates

from ..resources import resource_path
from ..widgets.side_panel import SidePanelToggle
from . import clipboard
from .autosave import Autosave, RestoreBar, autosave_path
from .canvas import CanvasView
from .commands import MoveNodesCommand, RenameCommand, SetAttrCommand
from .documents import DocumentsMixin
from .inspector import Inspector
from .keyboard import KeyboardMixin
from .node_item import is_unconnected, node_size
from .palette import PaletteWidget
from .readiness_bar import ReadinessBar
from .scene import EditorScene

def plural(count: int, noun: str) -> str:
    """``1 layer``, ``2 layers``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


CANVAS_MIN_WIDTH = 320
#: header buttons that say less when the view is narrow (the tooltip says it all)
SHORT_TEXTS = {"layout_button": "Layout", "train_button": "Train"}

MENU_BUTTON_QSS = ("QToolButton { padding-right: 24px; } QToolButton::menu-indicator { image: "
                   "url(@ICONS@/chevron-down.svg); subcontrol-origin: padding; subcontrol-position: "
                   "right center; right: 8px; width: 10px; height: 10px; }")


class EditorView(KeyboardMixin, DocumentsMixin, QWidget):
    sigStatus = Signal(str)
    sigOpenedPath = Signal(str)
    sigTrainNetwork = Signal(object)      # (core Symbol, document title)

    title = "Build"

    def __init__(self, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.doc = GraphDocument()
        self.undo_stack = QUndoStack(self)
        self.document_title, self.path, self.report = "Untitled network", None, None
        self.target = FASHION_MNIST      # the data Train will use: what readiness checks against
        self.scene = EditorScene(self.doc, self.undo_stack, self)
        self.autosave = Autosave(self, autosave_path(settings))
        self._analysis_timer = QTimer(self, singleShot=True, interval=0)
        self._analysis_timer.timeout.connect(self.analyse_now)
        self._build()
        self._connect()
        self.analyse_now()
        left = self.autosave.left_behind()
        if left is not None:
            self.restore_bar.offer(left)

    # ---- layout ----
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 14, 20, 10)
        outer.setSpacing(10)
        outer.addLayout(self._header())
        self.banner = QLabel(self)
        self.banner.setObjectName("ErrorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)
        self.restore_bar = RestoreBar(self)
        outer.addWidget(self.restore_bar)
        self.readiness = ReadinessBar(self)
        outer.addWidget(self.readiness)
        self.palette = PaletteWidget(self)
        self.canvas = CanvasView(self.scene, self)
        self.inspector = Inspector(self.doc, self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.palette)
        canvas_frame = self._framed(self.canvas)
        splitter.addWidget(canvas_frame)
        splitter.addWidget(self.inspector)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 760, 300])
        splitter.setChildrenCollapsible(False)
        # a narrow window narrows the panels before the canvas gets below a usable size
        self.palette.setMinimumWidth(150)
        self.inspector.setMinimumWidth(220)
        canvas_frame.setMinimumSize(CANVAS_MIN_WIDTH, 200)
        # a panel folding away or coming back keeps what is in the middle of the canvas there
        self.canvas.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        outer.addWidget(splitter, 1)
        self.palette_toggle = SidePanelToggle(self, self.palette, "Palette", "Ctrl+B", self.settings,
                                              "editor/palette_shown")
        self.inspector_toggle = SidePanelToggle(self, self.inspector, "Inspector", "Ctrl+Alt+B", self.settings,
                                                "editor/inspector_shown", side="right")
        self.status_line = QLabel(self)
        self.status_line.setObjectName("ViewSubtitle")
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("ViewSubtitle")
        footer = QHBoxLayout()
        footer.addWidget(self.palette_toggle.button)
        footer.addWidget(self.status_line, 1)
        footer.addWidget(self.zoom_label)
        footer.addWidget(self.inspector_toggle.button)
        outer.addLayout(footer)
        self._actions()

    def _framed(self, widget) -> QWidget:
        frame = QWidget(self)
        frame.setObjectName("CanvasFrame")
        frame.setStyleSheet("#CanvasFrame { border: 1px solid #e2e8f0; border-radius: 10px; background: #f8fafc; }")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(widget)
        return frame

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        heading = QLabel("Build")
        heading.setObjectName("ViewTitle")
        self.doc_label = QLabel(self.document_title)
        self.doc_label.setObjectName("ViewSubtitle")
        self.doc_label.setMinimumWidth(60)
        self.doc_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        titles.addWidget(heading)
        titles.addWidget(self.doc_label)
        row.addLayout(titles, 1)
        self.new_button = QToolButton(self)
        self.new_button.setText("New")
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_button.setMenu(self._templates_menu())
        self.new_button.setStyleSheet(MENU_BUTTON_QSS.replace("@ICONS@", resource_path("icons").as_posix()))
        self.open_button = QPushButton("Open…")
        self.save_button = QPushButton("Save…")
        self.undo_button = QToolButton(self)
        self.redo_button = QToolButton(self)
        self.layout_button = QPushButton("Auto layout")
        self.fit_button = QPushButton("Fit")
        self.train_button = QPushButton("Train this network")
        self.train_button.setProperty("primary", True)
        for widget in (self.new_button, self.open_button, self.save_button, self.undo_button,
                       self.redo_button, self.layout_button, self.fit_button, self.train_button):
            row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        self._long_texts = {name: getattr(self, name).text() for name in SHORT_TEXTS}
        for name, text in self._long_texts.items():
            getattr(self, name).setToolTip(text)
        self._header_row = row
        return row

    def resizeEvent(self, event) -> None:
        """Short button texts when the full ones would not fit (at the window's minimum size)."""
        super().resizeEvent(event)
        margins = self.layout().contentsMargins()
        room = event.size().width() - margins.left() - margins.right()
        for name, text in self._long_texts.items():
            getattr(self, name).setText(text)
        if self._header_row.minimumSize().width() > room:
            for name, text in SHORT_TEXTS.items():
                getattr(self, name).setText(text)

    def _templates_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction("Empty canvas", self.new_document)
        menu.addSeparator()
        zoo = None
        for found in templates():
            if found.featured:
                action = menu.addAction(found.title, lambda k=found.key: self.new_from_template(k))
            else:
                zoo = zoo or menu.addMenu("Zoo networks")
                action = zoo.addAction(found.title, lambda k=found.key: self.new_from_template(k))
            action.setToolTip(found.description)
        menu.setToolTipsVisible(True)
        return menu

    def _actions(self) -> None:
        self.undo_action = QAction("Undo", self)
        self.redo_action = QAction("Redo", self)
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.redo_action.triggered.connect(self.undo_stack.redo)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda text: self.undo_action.setToolTip(f"Undo {text}"))
        self.undo_stack.redoTextChanged.connect(lambda text: self.redo_action.setToolTip(f"Redo {text}"))
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action.setShortcuts(QKeySequence.StandardKey.Redo)
        self.undo_button.setDefaultAction(self.undo_action)
        self.redo_button.setDefaultAction(self.redo_action)
        self._keyboard_setup()
        shortcuts = self.keyboard_actions() + (
            ("Delete", self.scene.delete_selection, [QKeySequence.StandardKey.Delete, "Backspace"], ""),
            ("Copy", self.copy_selection, [QKeySequence.StandardKey.Copy], ""),
            ("Cut", self.cut_selection, [QKeySequence.StandardKey.Cut], ""),
            ("Select all", self.select_all, [QKeySequence.StandardKey.SelectAll], ""),
            None,
            ("Fit to view", self.fit, ["F"], "Show the whole network"),
            ("Zoom in", lambda: self.canvas.set_zoom(self.canvas.zoom() * 1.25), [QKeySequence.StandardKey.ZoomIn], ""),
            ("Zoom out", lambda: self.canvas.set_zoom(self.canvas.zoom() / 1.25), [QKeySequence.StandardKey.ZoomOut], ""),
            ("Auto layout", self.auto_layout, ["Ctrl+L"], "Arrange the layers top to bottom"),
        )
        self.canvas_actions: list[QAction | None] = []
        for entry in shortcuts:
            if entry is None:
                self.canvas_actions.append(None)
                continue
            text, slot, keys, tip = entry
            action = QAction(text, self.canvas)
            action.setShortcuts([k for key in keys for k in (QKeySequence.keyBindings(key)
                                 if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)])])
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.setToolTip(tip or text)
            action.triggered.connect(slot)
            self.canvas.addAction(action)
            self.canvas_actions.append(action)
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    def _connect(self) -> None:
        self.undo_stack.indexChanged.connect(self._on_edit)
        # a bound slot, not a lambda: Qt drops it when the view goes, so a window closed
        # with unsaved edits never calls into its already-deleted undo stack
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.scene.selectionChanged.connect(self._show_inspector)
        self.scene.sigMessage.connect(self.sigStatus.emit)
        self.canvas.sigDropped.connect(self.drop_operator)
        self.canvas.sigFilesDropped.connect(self.open_dropped)
        self.canvas.sigRefused.connect(self._show_banner)
        self.canvas.sigZoomChanged.connect(lambda zoom: self.zoom_label.setText(f"Zoom {zoom:.0%}"))
        self.canvas.sigContextMenu.connect(lambda where, pos: self.context_menu(pos).exec(where))
        self.palette.sigActivated.connect(self._add_at_center)
        self.inspector.sigSetAttr.connect(self.set_attribute)
        self.inspector.sigRename.connect(self.rename_node)
        self.inspector.sigShowNode.connect(self.show_node)
        self.open_button.clicked.connect(self.open_dialog)
        self.save_button.clicked.connect(self.save_document)
        self.layout_button.clicked.connect(self.auto_layout)
        self.fit_button.clicked.connect(self.fit)
        self.train_button.clicked.connect(self.train_network)
        self.restore_bar.sigRestore.connect(self.restore_autosaved)
        self.readiness.sigFix.connect(self.apply_fix)
        self.readiness.sigShowNode.connect(self.show_node)

    def edit_actions(self) -> list:
        """The canvas's actions (None: a separator), for the main window's Edit menu: the
        menu shows each one's shortcut, and choosing it acts on this view."""
        return list(self.canvas_actions) + [self.back_to_canvas_action]

    def _on_clean_changed(self, _clean: bool) -> None:
        self._show_title()
        self.autosave.edited()

    # ---- editing (the UI's own entry points; tests call these) ----
    def drop_operator(self, op: str, scene_pos: QPointF) -> int | None:
        if op != VARIABLE and op not in OPS:
            self._show_banner(f"Build has no layer called {op!r}; drag one from the palette.")
            return None
        node_id = self.scene.drop_operator(op, scene_pos)
        self.scene.select_nodes([node_id])
        return node_id

    def _add_at_center(self, op: str) -> None:
        center = self.canvas.mapToScene(self.canvas.viewport().rect().center())
        self.drop_operator(op, center)

    def set_attribute(self, node_id: int, key: str, value, session: int = 0) -> None:
        if node_id in self.doc.nodes and self.doc.nodes[node_id].attrs.get(key) != value:
            self.undo_stack.push(SetAttrCommand(self.doc, node_id, key, value, session or None))

    def rename_node(self, node_id: int, name: str, session: int = 0) -> None:
        if node_id in self.doc.nodes and self.doc.nodes[node_id].name != name:
            self.undo_stack.push(RenameCommand(self.doc, node_id, name, session or None))

    def show_node(self, node_id: int) -> None:
        """Select a layer and bring it into view."""
        item = self.scene.node_items.get(node_id)
        if item is not None:
            self.scene.select_nodes([node_id])
            if self.canvas.zoom() < 0.6:
                self.canvas.set_zoom(0.8)
            self.canvas.centerOn(item)

    def context_menu(self, scene_pos: QPointF) -> QMenu:
        """The canvas's right-click menu; a layer under the pointer becomes the selection."""
        item = self.scene.node_at(scene_pos)
        if item is not None and not item.isSelected():
            self.scene.select_nodes([item.node_id])
        selected = bool(self.scene.selectedItems())
        menu = QMenu(self)
        for text, slot, enabled in (("Copy", self.copy_selection, selected),
                                    ("Cut", self.cut_selection, selected),
                                    ("Paste", self.paste, True),
                                    ("Delete", self.scene.delete_selection, selected),
                                    (None, None, None),
                                    ("Select all", self.select_all, not self.doc.is_empty()),
                                    ("Auto layout", self.auto_layout, not self.doc.is_empty()),
                                    ("Fit to view", self.fit, not self.doc.is_empty())):
            if text is None:
                menu.addSeparator()
                continue
            action = menu.addAction(text, slot)
            action.setEnabled(enabled)
        return menu

    def set_target_data(self, target) -> None:
        """The data Train will use (a core.graphdoc.readiness.TargetData): checked live."""
        self.target = target
        self.analyse_now()

    def apply_fix(self, fix) -> None:
        """A readiness fix, as one undo step named after it."""
        if fix is None or fix.node_id not in self.doc.nodes:
            return
        if fix.kind == "set_attr":
            self.set_attribute(fix.node_id, fix.key, str(fix.value))
        elif fix.kind == "rename":
            self.rename_node(fix.node_id, str(fix.value))
        elif fix.kind == "add_loss":
            self.add_after(fix.node_id, "SoftmaxOutput", fix.text)
        self.analyse_now()

    def add_after(self, node_id: int, op: str, text: str | None = None) -> int:
        """A new ``op`` layer just below ``node_id``, fed by its first output (one undo step)."""
        below = self._free_spot(self._below(self.scene.node_items[node_id]))
        return self.add_node_at(op, below, node_id, text)

    def select_all(self) -> None:
        self.scene.select_nodes(list(self.doc.nodes))

    def copy_selection(self) -> None:
        ids = self.scene.selected_node_ids()
        if ids:
            clipboard.copy_nodes(self.doc, ids)
            self.sigStatus.emit(f"Copied {len(ids)} layer{'s' if len(ids) != 1 else ''}.")

    def cut_selection(self) -> None:
        self.copy_selection()
        self.scene.delete_selection()

    def paste(self) -> None:
        command = clipboard.paste_command(self.doc)
        if command is None:
            self.sigStatus.emit("The clipboard holds no layers.")
            return
        self.undo_stack.push(command)
        self.scene.select_nodes([n.id for n in command.nodes])

    def auto_layout(self) -> None:
        if self.doc.is_empty():
            return
        after = layout_document(self.doc, node_size)
        before = {node_id: self.doc.nodes[node_id].pos for node_id in after}
        if any(tuple(before[i]) != tuple(after[i]) for i in after):
            self.undo_stack.push(MoveNodesCommand(self.doc, before, after, "Auto layout"))
        self.fit_readable()

    def fit(self) -> None:
        self.canvas.fit()

    def fit_readable(self) -> None:
        """Whole network if it is legible that way, else the top of it at a readable size."""
        self.canvas.fit(min_zoom=0.72, top=True)

    # ---- analysis ----
    def _on_edit(self, _index: int) -> None:
        self.autosave.edited()
        self.banner.hide()
        self._show_title()
        self._analysis_timer.setInterval(0 if len(self.doc.nodes) < 150 else 120)
        self._analysis_timer.start()

    @property
    def analysis_pending(self) -> bool:
        return self._analysis_timer.isActive()

    def shutdown(self) -> None:
        """The window is closing: no analysis is left pending (nothing else runs here)."""
        self._analysis_timer.stop()
        self.autosave.timer.stop()

    def restore_autosaved(self, data: dict) -> None:
        """Bring back what the last session left unsaved, as a new (unsaved) document."""
        self.new_document()
        if not self.doc.is_empty():         # the user kept the document open now
            return
        command = clipboard.paste_command(self.doc, data["layers"], offset=0)
        command.setText("Restore autosaved work")
        self.undo_stack.push(command)
        self.document_title = str(data.get("title") or "Restored network")
        self.path = data.get("path") or None
        self.restore_bar.withdraw()
        self._show_title()
        self.analyse_now()
        self.fit_readable()
        self.sigStatus.emit(f"Restored {self.document_title} from the autosave.")

    def analyse_now(self) -> None:
        self._analysis_timer.stop()
        self.canvas.update_scene_rect()
        self.report = analyse_document(self.doc) if not self.doc.is_empty() else None
        self.scene.apply_report(self.report)
        self.readiness.set_problems(training_problems(self.doc, self.report, self.target) if self.report else [],
                                    self.target.name, empty=self.report is None)
        self._show_status()
        self._show_inspector()

    def _show_status(self) -> None:
        report = self.report
        if report is None:
            self.status_line.setText("Empty network: drag layers from the palette, or start from a template.")
            return
        layers = sum(1 for n in self.doc.nodes.values() if not n.is_variable)
        errors = report.errors
        partial = "at least " if errors or any(s.blocked for s in report.nodes.values()) else ""
        text = (f"{plural(layers, 'layer')}  ·  {partial}{report.total_params:,} parameters  ·  "
                f"{partial}{count_text(report.total_macs)} multiply-adds per sample")
        open_inputs = [i for i, message in errors.items() if is_unconnected(message)]
        real = [i for i in errors if i not in open_inputs]
        if real:
            text += f"  ·  ⚠ {plural(len(real), 'error')} (first: {self.doc.nodes[real[0]].name})"
        if open_inputs:
            text += f"  ·  {plural(len(open_inputs), 'layer')} not connected yet"
        self.status_line.setText(text)

    def _show_inspector(self) -> None:
        ids = self.scene.selected_node_ids() if self.scene is not None else []
        if len(ids) == 1 and ids[0] in self.doc.nodes:
            state = self.report.nodes.get(ids[0]) if self.report is not None else None
            self.inspector.show_node(self.doc.nodes[ids[0]], state)
        else:
            self.inspector.show_overview(self.document_title, self.report, ids if len(ids) > 1 else ())

    def _show_title(self) -> None:
        dirty = "" if self.undo_stack.isClean() else "  •  edited"
        where = f"  —  {Path(self.path).name}" if self.path else ""
        self.doc_label.setText(f"{self.document_title}{where}{dirty}")
        self.doc_label.setToolTip(str(self.path or ""))
