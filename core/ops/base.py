"""The operator base class. One operator = one class with its attribute schema,
shape inference, forward and backward side by side.

Contract (all arrays are of the context's array module ``xp``: numpy or cupy):

- ``forward(xp, inputs, aux, is_train) -> (outputs, saved)``: ``inputs`` follow
  ``list_arguments()``; ``aux`` follows ``list_auxiliary_states()`` and may be updated in
  place (BatchNorm's running statistics); ``saved`` is whatever backward needs.
- ``backward(xp, saved, out_grads, needs) -> in_grads``: one gradient (or None) per
  input; ``needs[i]`` says whether input i's gradient is wanted, so costly ones can be
  skipped. Loss operators ignore ``out_grads`` (they are None) and use the label.
- ``infer_shape(in_shapes) -> (in_shapes, out_shapes, aux_shapes)``: unknown shapes
  are None on the way in; the op fills what it can (weights from data) and raises
  ``ShapeError`` for shapes that cannot work.

Facts the rest of the engine reads from the class (a new operator states them here, in
its own class; tests/core/ops/test_op_facts.py fails otherwise):

- ``per_sample``: the result for one sample depends on that sample alone, so process
  lanes may run two halves of a batch apart and add their gradients
  (core/module/lane_ops.py). No default: every operator says True or False (False for
  batch statistics, random masks, reductions that may cross the batch axis, losses
  normalised over the batch). When it depends on attributes, ``is_per_sample()`` says.
- ``palette_group``: the editor palette's group (core/graphdoc/palette.py); the default,
  None, is the registry ``category``. ``starter_attrs``: the attribute strings a freshly
  dropped layer starts with, so it is valid at once (every required attribute).
- ``fusion_role``: what the executor's inference passes (core/executor_passes.py) may
  fold: "convolution", "batchnorm" (into the convolution before it), "clip" (after a
  folded BatchNorm), "pad" (a zero Pad before a grouped convolution), "activation" (a
  relu or leaky relu run in place on a convolution's output: ``activate_in_place(xp,
  x)``), or None. ``fusable()`` says whether this node's attributes allow it.
- ``onnx(graph, inputs, outputs)``: the operator's ONNX mapping (issue 18); see its
  docstring for the contract. The base raises ``GraphError`` naming the node.
"""
from __future__ import annotations

from typing import ClassVar

from ..errors import GraphError, ShapeError
from .attrs import Param, shorten


class Op:
    name: ClassVar[str] = ""
    category: ClassVar[str] = "Misc"
    doc: ClassVar[str] = ""
    params: ClassVar[dict[str, Param]] = {}
    is_loss: ClassVar[bool] = False
    #: outputs MXNet counts but does not show (BatchNorm's mean/var): kept for JSON
    hidden_outputs: ClassVar[int] = 0
    #: one sample's result depends on that sample only (process lanes); each op states it
    per_sample: ClassVar[bool]
    #: the editor palette's group; None: the registry category
    palette_group: ClassVar[str | None] = None
    #: attribute strings a freshly dropped layer starts with (valid at once)
    starter_attrs: ClassVar[dict[str, str]] = {}
    #: role in the executor's inference folding passes, or None
    fusion_role: ClassVar[str | None] = None

    def __init__(self, node_name="", **attrs):
        self.node_name = node_name
        self.given = {}
        for key, value in attrs.items():
            if key.startswith("__") and key.endswith("__"):
                continue  # MXNet's hidden attributes (__init__, __lr_mult__, ...)
            if key not in self.params:
                known = ", ".join(self.params) or "none"
                raise GraphError(f"node {node_name!r} ({self.name}): unknown attribute "
                                 f"{key!r}; {self.name} takes: {known}")
            self.given[key] = value
        for key, param in self.params.items():
            if key in self.given:
                try:
                    value = param.parse(self.given[key])
                except ValueError as error:
                    raise GraphError(f"node {node_name!r} ({self.name}): attribute {key}="
                                     f"{shorten(self.given[key])} is invalid: {error}") from None
            elif param.required:
                raise GraphError(f"node {node_name!r} ({self.name}): attribute {key!r} "
                                 f"is required ({param.doc or param.type})")
            else:
                value = param.default
            setattr(self, key, value)
        self.check()

    # ----- description -------------------------------------------------
    def check(self):
        """Validate attribute combinations; raise GraphError naming the node."""

    def list_arguments(self):
        return ["data"]

    def list_outputs(self):
        return ["output"]

    def list_auxiliary_states(self):
        return []

    def attr_strings(self):
        """The attributes the user gave, in MXNet's string form (for JSON)."""
        out = {}
        for key in self.given:
            out[key] = self.params[key].format(getattr(self, key))
        return out

    def attr_values(self):
        return {key: getattr(self, key) for key in self.params}

    def error(self, message, cls=ShapeError):
        return cls(f"node {self.node_name!r} ({self.name}): {message}")

    def is_per_sample(self):
        """Whether this node (its class and attributes) computes each sample alone."""
        return self.per_sample

    def fusable(self):
        """Whether this node's attributes let the executor fold it in its ``fusion_role``."""
        return self.fusion_role is not None

    def onnx(self, graph, inputs, outputs):
        """Write this node into an ONNX graph (the exporter, issue 18, calls it).

        Contract for the operators that override it:

        - ``inputs``: the ONNX value names of this node's inputs, in ``list_arguments()``
          then ``list_auxiliary_states()`` order; ``outputs``: the names to give its
          results, one per ``list_outputs()`` (hidden outputs not included);
        - ``graph`` is the exporter's builder: ``graph.node(op_type, inputs, outputs,
          **attributes)`` adds an ONNX node, ``graph.constant(name_hint, array)`` adds an
          initializer and returns its name (a Reshape's shape, a Pad's widths),
          ``graph.fresh(name_hint)`` a new intermediate name, ``graph.shape(name)`` the
          inferred shape of a value, ``graph.opset`` the target opset;
        - it adds one or more nodes whose last writes ``outputs`` and returns nothing;
          the attributes come from ``self`` (parsed values, see ``params``);
        - an attribute combination ONNX cannot express raises ``self.error(..., GraphError)``
          saying which attribute and why.

        The base raises: this operator has no ONNX mapping yet."""
        raise self.error("has no ONNX mapping; it cannot be exported to ONNX yet", GraphError)

    def label_problem(self, data_shape, label):
        """``(sample, why)`` for the first sample whose ``label`` (one batch, NumPy) cannot be
        this loss's target for data of ``data_shape``, or None. The base accepts any label;
        classifiers check class indices (SoftmaxOutput)."""
        return None

    def macs(self, in_shapes, out_shapes):
        """Multiply-accumulates per sample, for the editor's cost column (0 = negligible)."""
        return 0

    # ----- computation -------------------------------------------------
    def infer_shape(self, in_shapes):
        raise NotImplementedError

    def forward(self, xp, inputs, aux, is_train):
        raise NotImplementedError

    def backward(self, xp, saved, out_grads, needs):
        raise NotImplementedError

    def __repr__(self):
        attrs = ", ".join(f"{k}={v}" for k, v in self.attr_strings().items())
        return f"{self.name}({attrs})"


def known(shape):
    return shape is not None and all(d > 0 for d in shape)


def axis_index(op, axis, ndim):
    """``axis`` (negative: from the end) as 0 .. ndim-1, None kept; out of range raises a
    ShapeError naming the node."""
    if axis is None:
        return None
    if not -ndim <= axis < ndim:
        raise op.error(f"axis {axis} is out of range for {ndim}-d data")
    return axis % ndim


def same_shape_op_infer(op, in_shapes, n_out=1):
    """Shape rule for ops whose inputs and outputs all share one shape."""
    shape = next((tuple(s) for s in in_shapes if s is not None), None)
    if shape is None:
        return in_shapes, [None] * n_out, []
    for name, other in zip(op.list_arguments(), in_shapes):
        if other is None:
            continue
        merged = merge_partial(shape, tuple(other))     # 0 is an unknown dimension (MXNet)
        if merged is None:
            raise op.error(f"input {name} has shape {tuple(other)}, expected {tuple(shape)} "
                           f"(all inputs must have the same shape)")
        shape = merged
    return [shape] * len(in_shapes), [shape] * n_out, []


def merge_partial(old, new):
    """Two partial shapes (0 = unknown dimension, as MXNet) combined, or None on a clash;
    a missing shape (None) takes the other."""
    if old is None or new is None:
        return new if old is None else old
    if len(old) != len(new) or any(a and b and a != b for a, b in zip(old, new)):
        return None
    return tuple(a or b for a, b in zip(old, new))
