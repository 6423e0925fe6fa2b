"""One editor widget per attribute type: spin box for ints, check box for bools, combo box
for choices, a validated line edit for the rest (tuples like ``(5, 5)``, floats, optional
values). A field reports only valid values; while the text is invalid it turns red and
says why, and nothing is applied."""
from __future__ import annotations

import itertools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from core.ops.attrs import Param

INT_RANGE = (-2**31, 2**31 - 1)
_sessions = itertools.count(1)
_UNSET = object()
_HINTS = {"shape": "a tuple like (5, 5)", "floats": "numbers like (0.5, 1.0)",
          "int_or_none": "a whole number, or empty", "shape_or_none": "a tuple like (2, 2), or empty",
          "float_or_none": "a number, or empty", "float": "a number like 0.001"}


class Field(QWidget):
    """``sigEdited(value, session)``: a valid new value in MXNet's string form, or None
    for the default; edits with the same session merge into one undo step."""
    sigEdited = Signal(object, int)

    def __init__(self, key: str, param: Param | None, validate=None, parent=None):
        super().__init__(parent)
        self.key, self.param = key, param
        self.validate = validate          # extra check: (key, text) -> message or None
        self.applied = _UNSET             # the value the document has (None: the default)
        self.spatial_dims = 0             # a 2-D layer's kernel/stride/pad: `5` means (5, 5)
        self.session = next(_sessions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.editor = self._make_editor()
        self.editor.setProperty("baseStyle", self.editor.styleSheet())
        self.message = QLabel(self)
        self.message.setObjectName("FieldError")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b91c1c; font-size: 8pt;")
        self.message.hide()
        layout.addWidget(self.editor)
        layout.addWidget(self.message)

    # subclasses: _make_editor, _show(value), _text()
    def set_value(self, value: str | None) -> None:
        """Show the document's value (None: the default) without reporting an edit."""
        if value == self.applied and self.is_valid():
            return
        self.applied = value
        self.editor.blockSignals(True)
        self._show(value if value is not None else self._default_text())
        self.editor.blockSignals(False)
        self._set_error(None)

    def _default_text(self) -> str:
        if self.param is None or self.param.required:
            return ""
        return self.param.format(self.param.default)

    def is_valid(self) -> bool:
        return self.message.isHidden()

    def _check(self, text: str) -> tuple[str | None, str | None]:
        """(canonical value, None) or (None, why it is invalid)."""
        if self.param is not None:
            if text.strip() == "" and self.param.required:
                return None, "required"
            try:
                value = self.param.parse(text)
                if self.spatial_dims > 1 and isinstance(value, tuple) and len(value) == 1:
                    value = value * self.spatial_dims       # as Keras and PyTorch read it
            except (ValueError, SyntaxError, TypeError) as error:
                hint = _HINTS.get(self.param.type)
                return None, f"{error}" + (f" — expected {hint}" if hint and hint not in str(error) else "")
            text = self.param.format(value)
        if self.validate is not None:
            problem = self.validate(self.key, text)
            if problem:
                return None, problem
        return text, None

    def _on_text(self, text: str) -> None:
        value, problem = self._check(text)
        self._set_error(problem)
        if problem is None and value != self.applied:
            self.applied = value
            self.sigEdited.emit(value, self.session)

    def _end_session(self) -> None:
        self.session = next(_sessions)

    def _set_error(self, problem: str | None) -> None:
        self.message.setText(problem or "")
        self.message.setVisible(bool(problem))
        self.editor.setProperty("invalid", bool(problem))
        base = self.editor.property("baseStyle") or ""
        self.editor.setStyleSheet(base + (" * { border: 1px solid #dc2626; background: #fef2f2; }" if problem else ""))


class TextField(Field):
    def _make_editor(self):
        editor = QLineEdit(self)
        if self.param is not None and not self.param.required:
            editor.setPlaceholderText(self._default_text() or "default")
        editor.textChanged.connect(self._on_text)
        editor.editingFinished.connect(self._end_session)
        return editor

    def _show(self, value: str) -> None:
        self.editor.setText(value)

    def _default_text(self) -> str:
        return ""      # empty shows the placeholder (the default)

    def _on_text(self, text: str) -> None:
        if text.strip() == "" and self.param is not None and not self.param.required:
            self._set_error(None)
            if self.applied is not None:
                self.applied = None
                self.sigEdited.emit(None, self.session)
            return
        super()._on_text(text)


class IntField(Field):
    def _make_editor(self):
        editor = QSpinBox(self)
        editor.setRange(*INT_RANGE)
        # NOTE: setButtonSymbols(NoButtons) collapses the text under our stylesheet (Qt 6.11)
        editor.setStyleSheet("QSpinBox::up-button, QSpinBox::down-button { width: 0px; border: none; }")
        editor.setKeyboardTracking(True)
        editor.valueChanged.connect(lambda value: self._on_text(str(value)))
        editor.editingFinished.connect(self._end_session)
        return editor

    def _show(self, value: str) -> None:
        try:
            self.editor.setValue(int(float(value or 0)))
        except ValueError:
            self.editor.setValue(0)


class BoolField(Field):
    def _make_editor(self):
        editor = QCheckBox(self)
        editor.toggled.connect(self._on_toggled)
        return editor

    def _on_toggled(self, checked: bool) -> None:
        self._on_text("True" if checked else "False")
        self._end_session()

    def _show(self, value: str) -> None:
        self.editor.setChecked(str(value).strip().lower() in ("true", "1"))


class ChoiceField(Field):
    def _make_editor(self):
        editor = QComboBox(self)
        editor.addItems(list(self.param.choices))
        editor.currentTextChanged.connect(self._on_choice)
        return editor

    def _on_choice(self, text: str) -> None:
        self._on_text(text)
        self._end_session()

    def _show(self, value: str) -> None:
        index = self.editor.findText(value)
        self.editor.setCurrentIndex(max(index, 0))


def make_field(key: str, param: Param | None, validate=None, parent=None) -> Field:
    if param is None:
        return TextField(key, None, validate, parent)
    if param.choices:
        return ChoiceField(key, param, validate, parent)
    if param.type == "bool":
        return BoolField(key, param, validate, parent)
    if param.type == "int":
        return IntField(key, param, validate, parent)
    return TextField(key, param, validate, parent)
