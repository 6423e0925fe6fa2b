"""The main window: a sidebar of views, menus, the status bar, and remembered settings.

>>> from app import MainWindow          # under an existing QApplication
>>> window = MainWindow()               # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QMenu, QStackedWidget, QWidget

from . import theme
from .about import AboutDialog
from .preferences import PreferencesDialog
from .resources import icon, load_stylesheet
from .settings import RecentFiles, open_settings
from .sidebar import Sidebar
from .views import (DEFAULT_VIEWS, ROUTES, BrokenView, HasEditActions, KeepsWork, OpensFiles, Pastes, Route,
                    SavesDocuments, ShowsModel, Undoes, UsesDevice, View, ViewSpec, create_view)


class MainWindow(QMainWindow):
    sigDeviceChanged = Signal(str)

    def __init__(self, settings: QSettings | None = None, views=DEFAULT_VIEWS, parent=None):
        super().__init__(parent)
        self.settings = settings if settings is not None else open_settings()
        self.recent = RecentFiles(self.settings)
        self._views: dict[str, View] = {}
        self.setWindowTitle("Net Studio")
        self.setWindowIcon(icon("netstudio"))
        self.setStyleSheet(load_stylesheet())
        self.setMinimumSize(960, 620)
        self._build_body()
        self._build_status_bar()
        for spec in views:
            self.add_view(spec)
        self._build_menus()
        self._restore()
        theme.apply_scheme(self)                     # the system's light or dark scheme, and follow it
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._follow_color_scheme)

    def _follow_color_scheme(self, _scheme) -> None:
        theme.apply_scheme(self)

    # ---- views ----
    def add_view(self, spec: ViewSpec | str, widget: View | None = None, title: str | None = None,
                 icon_name: str = "classify") -> View:
        """Host a view: a ViewSpec (built from its package) or a key plus a ready widget."""
        if isinstance(spec, str):
            spec = ViewSpec(spec, title or spec.title(), "", "", icon_name)
        view = widget if widget is not None else create_view(spec, self.settings)
        self._views[spec.key] = view
        self.stack.addWidget(view)
        self.sidebar.add_view(spec.key, spec.title, spec.icon, isinstance(view, BrokenView))
        self._connect_view(spec.key, view)
        return view

    def view(self, key: str) -> View | None:
        return self._views.get(key)

    def view_keys(self) -> list[str]:
        return list(self._views)

    def current_view(self) -> View:
        return self.stack.currentWidget()

    def current_key(self) -> str:
        return next(k for k, v in self._views.items() if v is self.stack.currentWidget())

    def show_view(self, key: str) -> View | None:
        view = self._views.get(key)
        if view is not None:
            self.stack.setCurrentWidget(view)
            self.sidebar.select(key)
        return view

    def _connect_view(self, key: str, view: View) -> None:
        if not isinstance(view, View):
            raise TypeError(f"the {key} view has no sigStatus signal or shutdown() method")
        view.sigStatus.connect(lambda text: self.statusBar().showMessage(text, 6000))
        if isinstance(view, ShowsModel):
            view.sigModelStatus.connect(lambda text: self.model_label.setText(f"Model: {text}"))
        if isinstance(view, OpensFiles):
            view.sigOpenedPath.connect(self.recent.add)
        for route in ROUTES:
            signal = getattr(view, route.signal, None)
            if signal is not None:
                signal.connect(lambda payload, r=route: self._route(r, payload))

    def _route(self, route: Route, payload) -> None:
        view = self._views.get(route.target)
        handler = getattr(view, route.method, None)
        if handler is None:              # the receiving view is missing or broken
            self.statusBar().showMessage(f"The {route.target} view cannot take this.", 6000)
            return
        self.show_view(route.target)
        handler(payload)

    # ---- layout ----
    def _build_body(self) -> None:
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sidebar = Sidebar(central)
        self.stack = QStackedWidget(central)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sidebar.sigViewChosen.connect(self.show_view)
        self.device_selector = self.sidebar.device
        self.device_selector.sigDeviceChanged.connect(self._on_device_changed)

    def _build_status_bar(self) -> None:
        self.model_label = QLabel("Model: none")
        self.device_label = QLabel("Device: CPU")
        self.statusBar().addPermanentWidget(self.model_label)
        self.statusBar().addPermanentWidget(self.device_label)
        self.statusBar().setSizeGripEnabled(False)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open…", self.open, QKeySequence.StandardKey.Open)
        self._action(file_menu, "&Save…", self.save, QKeySequence.StandardKey.Save)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "Ctrl+Q")
        edit_menu = self.edit_menu = bar.addMenu("&Edit")
        # the current view's own Undo/Redo shortcuts act; these entries name the step
        self.undo_action = self._action(edit_menu, "Undo", lambda: self._step("undo"))
        self.redo_action = self._action(edit_menu, "Redo", lambda: self._step("redo"))
        edit_menu.aboutToShow.connect(self._name_undo_steps)
        edit_menu.aboutToShow.connect(self._list_view_actions)
        edit_menu.addSeparator()
        self._action(edit_menu, "&Paste", self.paste, QKeySequence.StandardKey.Paste)
        self._view_actions_end = edit_menu.addSeparator()
        self._view_actions: list[QAction] = []
        self._action(edit_menu, "&Preferences…", self.preferences, QKeySequence.StandardKey.Preferences,
                     "Ctrl+,")
        view_menu = bar.addMenu("&View")
        for number, key in enumerate(self._views, start=1):
            title = self.sidebar.views.item(number - 1).text()
            self._action(view_menu, title, lambda _=False, k=key: self.show_view(k), None,
                         f"Ctrl+{number}" if number < 10 else None)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About Net Studio", self.about, QKeySequence.StandardKey.HelpContents, "F1")

    def _list_view_actions(self) -> None:
        """The current view's own actions (the editor's keyboard commands, with their keys)
        in the Edit menu, above Preferences."""
        for action in self._view_actions:
            self.edit_menu.removeAction(action)
            if action.isSeparator():          # made here; the view's own actions stay its
                action.deleteLater()
        self._view_actions = []
        view = self.current_view()
        for action in view.edit_actions() if isinstance(view, HasEditActions) else []:
            if action is None:
                action = QAction(self.edit_menu)
                action.setSeparator(True)
            self.edit_menu.insertAction(self._view_actions_end, action)
            self._view_actions.append(action)

    def _action(self, menu: QMenu, text: str, slot, standard=None, fallback: str | None = None) -> QAction:
        action = QAction(text, self)
        keys = QKeySequence.keyBindings(standard) if standard is not None else []
        if fallback and QKeySequence(fallback) not in keys:
            keys = list(keys) + [QKeySequence(fallback)]
        action.setShortcuts(keys)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # ---- menu actions, routed to the current view where it makes sense ----
    def _target(self, kind: type):
        """The current view if it is a ``kind`` (a protocol), else Classify if it is."""
        current = self.current_view()
        if isinstance(current, kind):
            return current
        classify = self._views.get("classify")
        if isinstance(classify, kind):
            self.show_view("classify")
            return classify
        return None

    def _undo_stack(self):
        view = self.current_view()
        return view.undo_stack if isinstance(view, Undoes) else None

    def _step(self, which: str) -> None:
        stack = self._undo_stack()
        if stack is not None:
            getattr(stack, which)()

    def _name_undo_steps(self) -> None:
        """"Undo Add SoftmaxOutput  Ctrl+Z": the step each entry would take back or redo."""
        stack = self._undo_stack()
        for action, can, text, verb, key in (
                (self.undo_action, stack is not None and stack.canUndo(), stack and stack.undoText(), "Undo",
                 QKeySequence.StandardKey.Undo),
                (self.redo_action, stack is not None and stack.canRedo(), stack and stack.redoText(), "Redo",
                 QKeySequence.StandardKey.Redo)):
            shortcut = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
            action.setText(f"{verb} {text}\t{shortcut}" if can and text else f"{verb}\t{shortcut}")
            action.setEnabled(bool(can))

    def open(self) -> None:
        view = self._target(OpensFiles)
        if view is not None:
            view.open_dialog()

    def save(self) -> None:
        view = self._target(SavesDocuments)
        if view is not None:
            view.save_document()

    def paste(self) -> None:
        view = self._target(Pastes)
        if view is not None:
            view.paste()

    def open_recent(self, path: str) -> None:
        if not Path(path).exists():
            self.statusBar().showMessage(f"{path} no longer exists.", 6000)
            return
        ordered = [self.current_key()] + [k for k in self._views if k != self.current_key()]
        for key in ordered:
            view = self._views[key]
            if isinstance(view, OpensFiles) and view.accepts_path(path):
                self.show_view(key)
                view.open_paths([path])
                return
        self.statusBar().showMessage(f"No view opens {Path(path).name}.", 6000)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        for path in paths:
            self.recent_menu.addAction(path, lambda p=path: self.open_recent(p))
        if not paths:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self.recent.clear)

    def preferences(self) -> None:
        dialog = PreferencesDialog(self.settings, self.device_selector.current_key(), self)
        if dialog.exec():
            self.device_selector.set_current_key(dialog.device_key())

    def about(self) -> None:
        AboutDialog(self).exec()

    # ---- device ----
    def _on_device_changed(self, key: str) -> None:
        self.settings.setValue("device", key)
        self.device_label.setText(f"Device: {self.device_selector.currentText()}")
        for view in self._views.values():
            if isinstance(view, UsesDevice):
                view.set_device(key)
        self.sigDeviceChanged.emit(key)

    # ---- remembered state ----
    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 820)
        key = str(self.settings.value("window/view", "classify"))
        self.show_view(key if key in self._views else next(iter(self._views)))
        wanted = str(self.settings.value("device", "cpu"))
        if not self.device_selector.set_current_key(wanted):
            self.statusBar().showMessage(f"{wanted} is not available here; using the CPU.", 8000)
        self._on_device_changed(self.device_selector.current_key())

    def closeEvent(self, event) -> None:
        for key, view in self._views.items():
            if isinstance(view, KeepsWork):
                if not view.may_close():
                    self.show_view(key)
                    event.ignore()
                    return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/view", self.current_key())
        for view in self._views.values():
            view.shutdown()
        self.settings.sync()
        super().closeEvent(event)
