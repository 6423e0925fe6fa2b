"""The Build view's documents: new from a template, open (file, Symbol, zoo model), save
as MXNet symbol JSON, and the "Train this network" hand-off. Mixed into EditorView, which
provides doc, undo_stack, scene, canvas, banner and the signals."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.errors import NetStudioError
from core.fileio import atomic_write_text
from core.graphdoc import GraphDocument, document_from_symbol, to_json, to_symbol

from .sources import (document_from_path, looks_like_symbol_file, onnx_document, prepare,
                      template_document, title_for_path, zoo_document)

JSON_FILTER = "MXNet symbol (*.json);;All files (*)"
OPEN_FILTER = "Networks (*.json *.onnx);;MXNet symbol (*.json);;ONNX model (*.onnx);;All files (*)"
SAVE_FILTER = "MXNet symbol (*.json);;ONNX model (*.onnx)"


class DocumentsMixin:
    def new_document(self) -> None:
        self._replace(GraphDocument(), "Untitled network", None)

    def new_from_template(self, key: str) -> None:
        doc, title, shape = template_document(key)
        self._replace(doc, title, None, shape)

    def open_symbol(self, symbol, title: str = "Network", input_shape=None) -> None:
        """Show ``symbol`` as a new document (the Zoo view's "Open in editor")."""
        self._replace(document_from_symbol(symbol), title, None, input_shape)

    def open_network(self, payload) -> None:
        """Route target for ``sigOpenInEditor``: a zoo model name, a Symbol, or
        (symbol, title)."""
        try:
            if isinstance(payload, str):
                doc, title, shape = zoo_document(payload)
                self._replace(doc, title, None, shape)
            elif isinstance(payload, tuple):
                self.open_symbol(*payload)
            else:
                self.open_symbol(payload)
        except NetStudioError as error:
            self._show_banner(str(error))

    def accepts_path(self, path) -> bool:
        return looks_like_symbol_file(path)

    def open_dropped(self, paths) -> None:
        """Files dropped on the canvas: a symbol file opens; anything else is refused, saying why."""
        usable = [p for p in paths if self.accepts_path(p)]
        if usable:
            self.open_paths(usable[:1])
            return
        names = ", ".join(Path(p).name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        self._show_banner(f"Build cannot use {names}: it opens MXNet symbol files (*-symbol.json). "
                          f"Pictures go to Classify, datasets to Data.")

    def open_dialog(self) -> None:
        start = str(Path(self.path).parent) if self.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open network", start, OPEN_FILTER)
        if path:
            self.open_paths([path])

    def open_paths(self, paths) -> None:
        path = str(paths[0])
        weights = {}
        try:
            if path.lower().endswith(".onnx"):
                doc, weights = onnx_document(path)
            else:
                doc = document_from_path(path)
        except NetStudioError as error:
            self._show_banner(str(error))
            return
        self._replace(doc, title_for_path(path), path)
        if self.path == path:
            self.onnx_weights = weights
        self.sigOpenedPath.emit(path)

    def may_discard(self) -> bool:
        """True when the current document may be replaced: it is saved, empty, or the user
        saved it now or agreed to lose its changes."""
        return self._ask_to_save(f"Save the changes to {self.document_title} before opening another network?")

    def may_close(self) -> bool:
        """The window is closing (``KeepsWork``): unsaved edits are saved or knowingly dropped
        (then the autosave goes too: it is only for crashes)."""
        if self._ask_to_save(f"Save the changes to {self.document_title} before quitting?"):
            self.autosave.discard()
            return True
        return False

    def _ask_to_save(self, question: str) -> bool:
        if self.undo_stack.isClean() or self.doc.is_empty():
            return True
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", question,
                          buttons.Save | buttons.Discard | buttons.Cancel, self)
        box.setDefaultButton(buttons.Save)
        answer = box.exec()
        if answer == buttons.Save:
            return self.save_to(self.path) if self.path else self.save_document()
        return answer == buttons.Discard

    def _replace(self, doc, title, path, input_shape=None) -> None:
        if not self.may_discard():
            return
        note = prepare(doc, input_shape)
        self.undo_stack.clear()
        self.doc.load(list(doc.nodes.values()), doc.edges)
        self.document_title, self.path = title, path
        self.onnx_weights = {}   # an opened .onnx file's parameters (open_paths sets them)
        self.undo_stack.setClean()
        self.banner.hide()
        self._show_title()
        self.analyse_now()
        self.fit_readable()
        self.sigStatus.emit(note or f"Opened {title}.")

    def save_document(self) -> bool:
        suggested = self.path or str(Path.home() / f"{self.document_title.split(' (')[0].replace(' ', '-').lower()}-symbol.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save network", suggested, SAVE_FILTER)
        return bool(path) and self.save_to(path)

    def save_to(self, path) -> bool:
        note = ""
        try:
            if str(path).lower().endswith(".onnx"):
                note = self._save_onnx(path)
            else:
                atomic_write_text(path, to_json(self.doc))
        except NetStudioError as error:
            self._show_banner(f"Cannot save yet: {error}")
            return False
        self.path = str(path)
        if self.document_title == "Untitled network":
            self.document_title = title_for_path(path)
        self.undo_stack.setClean()
        self._show_title()
        self.sigOpenedPath.emit(str(path))
        self.sigStatus.emit(f"Saved {Path(path).name}{note}")
        return True

    def _save_onnx(self, path) -> str:
        """The network as ONNX, with the weights of the .onnx file it came from where they
        still fit; the others are freshly initialised (the note says how many)."""
        from core.onnx import export_model
        from core.onnx.export import complete_parameters
        symbol = to_symbol(self.doc)
        params, initialised = complete_parameters(symbol, getattr(self, "onnx_weights", {}))
        export_model(symbol, params, None, onnx_file_path=path, dynamic=True)
        return f" ({len(initialised)} parameters freshly initialised)" if initialised else ""

    def current_symbol(self):
        return to_symbol(self.doc, positions=False)

    def train_network(self) -> None:
        self.analyse_now()
        if self.report is None or self.report.errors:
            count = len(self.report.errors) if self.report is not None else 0
            self._show_banner("Fix the marked layers before training." if count else
                              "Add layers first: the network is empty.")
            return
        if not self.readiness.ready:
            self._show_banner(f"Not ready to train yet: {self.readiness.problems[0].message}")
            return
        try:
            symbol = to_symbol(self.doc)
        except NetStudioError as error:
            self._show_banner(str(error))
            return
        self.sigTrainNetwork.emit((symbol, self.document_title))   # the run is named after it

    def _show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self.sigStatus.emit(text)
