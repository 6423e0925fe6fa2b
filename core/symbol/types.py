"""Type inference over a graph, as MXNet's ``infer_type``: each operator ties its inputs'
and outputs' dtypes together, and types flow both ways until nothing changes.

The rules: most operators use one dtype for all inputs and outputs; ``Cast`` (and ops
with a ``dtype`` attribute for their output) set the output's; an operator whose class has
``output_dtypes`` ({output index: dtype}) always gives those outputs that dtype
(histogram's int64 counts, all_finite's float32 flag); BatchNorm keeps float32
parameters and statistics for float16 data, as MXNet does.
An operator with a ``tie_types(in_types, out_types)`` method states its own rule (amp_cast,
the mixed-precision updates).

>>> import core as mx, numpy as np
>>> net = mx.sym.Cast(mx.sym.FullyConnected(mx.sym.Variable("x"), num_hidden=2), dtype=np.float16)
>>> [t.__name__ for t in net.infer_type(x="float32")[1]]
['float16']
"""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .graph import topo_order

#: MXNet's dtype codes in a variable's ``__dtype__`` attribute
DTYPE_CODES = {0: np.float32, 1: np.float64, 2: np.float16, 3: np.uint8, 4: np.int32,
               5: np.int8, 6: np.int64, 7: np.bool_}
#: operators whose output dtype is their ``dtype`` attribute (when given)
OUTPUT_DTYPE_OPS = {"Cast", "one_hot", "softmax", "log_softmax"}


def dtype_code(dtype):
    """The ``__dtype__`` code MXNet writes for a NumPy dtype."""
    wanted = np.dtype(dtype).type
    for code, kind in DTYPE_CODES.items():
        if kind is wanted:
            return code
    raise GraphError(f"dtype {np.dtype(dtype).name} has no MXNet code")


def as_type(dtype):
    """A NumPy scalar type from a name, a type or a dtype (None stays None)."""
    return None if dtype is None else np.dtype(dtype).type


def infer_graph_types(heads, known):
    """({variable name: type or None}, {(id(node), index): type or None})."""
    nodes = topo_order(heads)
    types = {}
    for node in nodes:
        if node.is_variable:
            given = known.get(node.name)
            if given is None and "__dtype__" in node.attrs:
                given = DTYPE_CODES.get(int(node.attrs["__dtype__"]))
            if given is not None:
                types[(id(node), 0)] = as_type(given)
    for _ in range(len(nodes) + 1):
        changed = False
        for node in nodes:
            if not node.is_variable:
                changed |= _tie(node, types)
        if not changed:
            break
    by_name = {n.name: types.get((id(n), 0)) for n in nodes if n.is_variable}
    return by_name, types


def _tie(node, types):
    """Apply one node's rule; True if any type was newly set."""
    op = node.op
    n_args = len(op.list_arguments())
    inputs = [(id(c), i) for c, i in node.inputs]
    outputs = [(id(node), i) for i in range(len(op.list_outputs()))]
    changed = False

    def give(key, kind):
        nonlocal changed
        if kind is not None and types.get(key) is None:
            types[key] = kind
            changed = True

    rule = getattr(op, "tie_types", None)     # an operator's own rule (amp_cast, mp_sgd_update, ...)
    if rule is not None:
        in_types, out_types = rule([types.get(k) for k in inputs], [types.get(k) for k in outputs])
        for key, kind in zip(inputs + outputs, [*in_types, *out_types]):
            give(key, kind)
        return changed
    if op.name in OUTPUT_DTYPE_OPS and getattr(op, "dtype", "None") not in (None, "None"):
        for key in outputs:
            give(key, as_type(op.dtype))
        if op.name == "Cast":
            return changed
        outputs = []                          # the inputs tie among themselves only
    fixed = getattr(op, "output_dtypes", {})     # {output index: dtype}, whatever the inputs
    for index, kind in fixed.items():
        give(outputs[index], as_type(kind))
    outputs = [key for index, key in enumerate(outputs) if index not in fixed]
    if op.name == "BatchNorm":
        data = types.get(inputs[0]) or types.get(outputs[0])
        params = np.float32 if data is np.float16 else data
        give(inputs[0], data)
        for key in outputs[:1]:
            give(key, data)
        for key in inputs[1:] + outputs[1:]:
            give(key, params)
        return changed
    group = inputs[:n_args] + inputs[n_args:] + outputs
    kind = next((types[k] for k in group if types.get(k) is not None), None)
    for key in group:
        give(key, kind)
    return changed
