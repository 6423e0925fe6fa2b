"""The inspector: the selected layer's name and attributes, one fitting widget per type,
its analysis (output shape, parameters, multiply-adds) and its error; with nothing
selected, the document's totals."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea, QToolButton, QVBoxLayout,
                               QWidget)

from core.errors import NetStudioError
from core.graphdoc.names import human_title
from core.graphdoc.palette import group_of
from core.graphdoc.ports import build_op
from core.graphdoc.summary import count_text, shape_text
from core.ops import OPS
from core.ops.attrs import Param

from .fields import Field, make_field
from .node_item import strip_node_prefix
from .palette import group_icon

TIPS = ("Drag layers from the palette; connect a node's bottom port to another's top port. "
        "Select a layer to edit it here.\n\nWheel: zoom · middle button or Space + drag: pan · "
        "F: fit · Delete: remove · Ctrl+C / Ctrl+V: copy and paste · Ctrl+Z: undo\n\n"
        "Keyboard: Tab adds a layer after the selected one · Up/Down: previous/next layer · "
        "Ctrl+E: connect to the next layer · Enter: edit here, Esc: back (all in the Edit menu)")
SPATIAL_KEYS = ("kernel", "stride", "pad", "dilate")
SHAPE_PARAM = Param("shape", doc="the input's shape, batch size first: (1, 1, 28, 28) for one "
                                 "28×28 grey image; training replaces the batch size", low=1)


class Inspector(QScrollArea):
    sigSetAttr = Signal(int, str, object, int)   # node id, key, value or None, session
    sigRename = Signal(int, str, int)            # node id, new name, session
    sigShowNode = Signal(int)                    # a listed error was clicked

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("EditorInspector")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet("#EditorInspector { background: #ffffff; border: 1px solid #e2e8f0; "
                           "border-radius: 10px; } #InspectorBody { background: transparent; } "
                           "#InspectorTitle { font-size: 12pt; font-weight: 600; }")
        self.node_id = None
        self.fields: dict[str, Field] = {}
        self._params = {}
        self._signature = None
        self._body = None
        self.show_overview("", None)

    # ---- what is shown ----
    def show_overview(self, title: str, report, selected=()) -> None:
        self.node_id, self._signature, self.fields = None, None, {}
        body, layout = self._new_body()
        heading = QLabel(title or "Untitled network")
        heading.setObjectName("InspectorTitle")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layers = sum(1 for n in self.doc.nodes.values() if not n.is_variable)
        lines = [f"{layers} layer{'' if layers == 1 else 's'}"]
        if report is not None:
            lines.append(f"{report.total_params:,} parameters")
            lines.append(f"{count_text(report.total_macs)} multiply-adds per sample")
        if selected:
            lines.insert(0, f"{len(selected)} selected")
        layout.addWidget(self._muted(" · ".join(lines)))
        if report is not None and report.errors:
            self._error_list(layout, report.errors)
        if layers:
            layout.addLayout(self._breakdown())
        layout.addSpacing(6)
        layout.addWidget(self._muted(TIPS))
        layout.addStretch(1)

    def _error_list(self, layout, errors) -> None:
        count = len(errors)
        layout.addWidget(self._error_banner(f"{count} layer{'s' if count != 1 else ''} cannot work "
                                            f"(marked red). Click one to go to it:"))
        for node_id, message in list(errors.items())[:8]:
            node = self.doc.nodes.get(node_id)
            if node is None:
                continue
            text = html.escape(strip_node_prefix(message))
            link = QLabel(f'<a href="{node_id}" style="color:#b91c1c; font-weight:600; '
                          f'text-decoration:none">{html.escape(node.name)}</a>'
                          f'<span style="color:#b91c1c">: {text}</span>')
            link.setWordWrap(True)
            link.setToolTip("Show this layer")
            link.linkActivated.connect(lambda target: self.sigShowNode.emit(int(target)))
            layout.addWidget(link)

    def _breakdown(self) -> QGridLayout:
        """How many layers of each kind, with the canvas colours."""
        counts = {}
        for node in self.doc.nodes.values():
            if not node.is_variable:
                group = group_of(node.op)
                counts[group] = counts.get(group, 0) + 1
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for row, (group, count) in enumerate(sorted(counts.items(), key=lambda kv: -kv[1])):
            icon = QLabel()
            icon.setPixmap(group_icon(group).pixmap(12, 12))
            grid.addWidget(icon, row, 0)
            grid.addWidget(QLabel(group), row, 1)
            number = QLabel(str(count))
            number.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(number, row, 2)
        grid.setColumnStretch(1, 1)
        return grid

    def show_node(self, node, state) -> None:
        """Show ``node``; when it is the one already shown, only update values in place so
        a field being typed in keeps its focus."""
        signature = (node.id, node.op, tuple(self._param_keys(node)))
        if signature != self._signature:
            self._build_node_form(node)
            self._signature = signature
        self.node_id = node.id
        self.fields["__name__"].set_value(node.name)
        for key, field in self.fields.items():
            if key != "__name__":
                field.set_value(node.attrs.get(key))
            if key in self._reset_buttons:
                param = self._params.get(key)
                self._reset_buttons[key].setVisible(key in node.attrs and not (param and param.required))
        self._show_state(node, state)

    def _param_keys(self, node):
        if node.is_variable:
            return ["__shape__"]
        return list(OPS.get(node.op).params)

    def _build_node_form(self, node) -> None:
        body, layout = self._new_body()
        self.fields, self._reset_buttons = {}, {}
        group = group_of(node.op)
        title = QLabel(human_title(node.op, node.attrs))
        title.setObjectName("InspectorTitle")
        header = QFormLayout()
        header.setContentsMargins(0, 0, 0, 0)
        icon = QLabel()
        icon.setPixmap(group_icon(group).pixmap(14, 14))
        header.addRow(icon, title)
        layout.addLayout(header)
        doc_text = "a data or label input of the network" if node.is_variable else OPS.get(node.op).doc
        self.op_label = self._muted("a variable (MXNet null)" if node.is_variable else f"MXNet operator {node.op}")
        self.op_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.op_label)
        layout.addWidget(self._muted(f"{group} · {(doc_text or '').strip().splitlines()[0] if doc_text else ''}"))
        self.state_label = self._muted("")
        layout.addWidget(self.state_label)
        self.error_banner = self._error_banner("")
        layout.addWidget(self.error_banner)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        name_field = make_field("__name__", None, lambda _k, text: self.doc.check_name(text, self.node_id))
        name_field.sigEdited.connect(lambda value, session: self.sigRename.emit(self.node_id, value, session))
        form.addRow("name", name_field)
        self.fields["__name__"] = name_field
        advanced = []
        params = {"__shape__": SHAPE_PARAM} if node.is_variable else OPS.get(node.op).params
        self._params = params
        ordered = sorted(params.items(), key=lambda kv: not kv[1].required)
        for key, param in ordered:
            if "(ignored)" in param.doc:
                advanced.append((key, param))
                continue
            self._add_field(form, node, key, param)
        layout.addLayout(form)
        if node.is_variable:
            layout.addWidget(self._muted("Batch size first: (1, 1, 28, 28) is one 28×28 grey image, "
                                         "(1, 3, 224, 224) one colour photo. Training uses its own "
                                         "batch size."))
        if advanced:
            layout.addWidget(self._muted("Kept for MXNet, not used by Net Studio:"))
            extra = QFormLayout()
            extra.setVerticalSpacing(8)
            for key, param in advanced:
                self._add_field(extra, node, key, param)
            layout.addLayout(extra)
        layout.addStretch(1)

    def _add_field(self, form, node, key, param) -> None:
        field = make_field(key, param, self._validator(node.op))
        allowed = param.range_text()
        field.setToolTip(param.doc + (f" ({allowed})" if allowed else ""))
        if key in SPATIAL_KEYS and param.type == "shape":
            field.spatial_dims = _spatial_dims(node)
        field.sigEdited.connect(lambda value, session, k=key: self.sigSetAttr.emit(self.node_id, k, value, session))
        row = QWidget(self)
        reset = QToolButton(row)     # parented before setVisible: never a window of its own
        reset.setText("↺")
        reset.setToolTip(f"Back to the default ({param.format(param.default) if not param.required else 'none'})")
        reset.setAutoRaise(True)
        reset.setStyleSheet("QToolButton { border: none; background: transparent; padding: 0px 4px;"
                            " color: #64748b; font-size: 11pt; } QToolButton:hover { color: #2563eb; }")
        reset.clicked.connect(lambda _=False, k=key: self.sigSetAttr.emit(self.node_id, k, None, 0))
        reset.setVisible(key in node.attrs and not param.required)
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(2)
        row_layout.addWidget(field, 1)
        row_layout.addWidget(reset, 0, Qt.AlignmentFlag.AlignTop)
        label = QLabel(key.strip("_") + (" *" if param.required else ""))
        label.setToolTip(param.doc)
        form.addRow(label, row)
        self.fields[key] = field
        self._reset_buttons[key] = reset

    def _validator(self, op):
        """A new value must leave the operator constructible, unless it already was not."""
        def validate(key, text):
            node = self.doc.nodes.get(self.node_id)
            if node is None or node.is_variable:
                return None
            attrs = dict(node.attrs, **{key: text})
            try:
                build_op(op, node.name, attrs)
                return None
            except NetStudioError as error:
                try:
                    build_op(op, node.name, node.attrs)
                except NetStudioError:
                    return None
                return strip_node_prefix(str(error))
        return validate

    def _show_state(self, node, state) -> None:
        if state is None:
            self.state_label.setText("")
            self.error_banner.hide()
            return
        parts = []
        if state.out_shapes and state.out_shapes[0] is not None:
            parts.append("output " + ", ".join(shape_text(s) for s in state.out_shapes))
        if not node.is_variable:
            parts.append(f"{state.params:,} parameters")
            if state.macs:
                parts.append(f"{count_text(state.macs)} multiply-adds")
        if state.blocked:
            parts.append("waiting for a layer above that has an error")
        self.state_label.setText(" · ".join(parts))
        self.error_banner.setText(state.error or "")
        self.error_banner.setVisible(bool(state.error))

    # ---- pieces ----
    def _new_body(self):
        body = QWidget()
        body.setObjectName("InspectorBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        self.setWidget(body)
        self._body = body
        self._reset_buttons = {}
        return body, layout

    def _muted(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("ViewSubtitle")
        label.setWordWrap(True)
        return label

    def _error_banner(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("ErrorBanner")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setVisible(bool(text))
        return label


def _spatial_dims(node) -> int:
    """How many spatial axes the layer works on: its kernel's length, 2 when unknown."""
    kernel = node.attrs.get("kernel", "")
    try:
        return max(1, len(OPS.get(node.op).params["kernel"].parse(kernel))) if kernel else 2
    except (KeyError, ValueError, SyntaxError, TypeError):
        return 2
