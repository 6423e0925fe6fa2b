"""Which inputs of an operator the editor shows as ports, and which it creates itself.

MXNet's ``mx.sym.Convolution(data=x)`` makes ``convolution0_weight`` and ``_bias`` on its
own; the editor does the same, so a Convolution on the canvas has one port: ``data``.
A loss's ``label`` is a port that may stay open (then ``<node>_label`` is made, as MXNet
does). Everything else (``data``, ``lhs``/``rhs``, ``arg0``…) must be connected.

>>> spec = port_spec("Convolution", {"kernel": "(5, 5)", "num_filter": "6"})
>>> spec.inputs, spec.params, spec.outputs
(('data',), ('weight', 'bias'), ('output',))
>>> port_spec("SoftmaxOutput", {}).optional
frozenset({'label'})
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import NetStudioError
from ..ops import OPS

VARIABLE = "null"
#: inputs that hold learned values: never ports, always made (or kept) as variables
PARAM_SLOTS = frozenset({"weight", "bias", "gamma", "beta"})
#: inputs that may stay open: an open one becomes the variable ``<node>_<slot>``
OPTIONAL_SLOTS = frozenset({"label"})

# Stand-ins used only to learn the port names of a node whose attributes are not valid yet.
_PLACEHOLDERS = {"int": "1", "float": "1.0", "shape": "(1, 1)", "floats": "(1.0,)", "bool": "False",
                 "str": "", "int_or_none": "None", "shape_or_none": "None", "float_or_none": "None"}


@dataclass(frozen=True)
class PortSpec:
    inputs: tuple          # visible input slots, in the operator's argument order
    optional: frozenset    # the visible slots that may stay open
    params: tuple          # slots filled with learned variables the editor makes
    aux: tuple             # auxiliary states (BatchNorm's moving mean/var)
    outputs: tuple         # visible output names

    def is_param(self, slot):
        return slot in self.params or slot in self.aux


VARIABLE_PORTS = PortSpec((), frozenset(), (), (), ("output",))


def build_op(op_name, node_name, attrs):
    """The core Op instance for a node; raises GraphError naming the node when it cannot be."""
    cls = OPS.get(op_name)
    return cls(node_name=node_name, **{k: v for k, v in attrs.items() if not _hidden(k)})


def port_spec(op_name, attrs):
    """The ports of ``op_name`` with these attributes (best effort when they are invalid)."""
    if op_name == VARIABLE:
        return VARIABLE_PORTS
    op = _tolerant_op(op_name, attrs)
    if op is None:
        return PortSpec(("data",), frozenset(), (), (), ("output",))
    arguments = op.list_arguments()
    inputs = tuple(a for a in arguments if a not in PARAM_SLOTS)
    params = tuple(a for a in arguments if a in PARAM_SLOTS)
    return PortSpec(inputs, frozenset(a for a in inputs if a in OPTIONAL_SLOTS), params,
                    tuple(op.list_auxiliary_states()), tuple(op.list_outputs()))


def _tolerant_op(op_name, attrs):
    try:
        return build_op(op_name, "", attrs)
    except NetStudioError:
        pass
    try:
        cls = OPS.get(op_name)
    except NetStudioError:
        return None
    usable = {}
    for key, param in cls.params.items():
        value = attrs.get(key)
        if value is not None:
            try:
                param.parse(value)
                usable[key] = value
                continue
            except (ValueError, SyntaxError, TypeError):
                pass
        if param.required:
            usable[key] = param.choices[0] if param.choices else _PLACEHOLDERS.get(param.type, "1")
    try:
        return cls(node_name="", **usable)
    except NetStudioError:
        try:
            return cls(node_name="", **{k: v for k, v in usable.items() if cls.params[k].required})
        except NetStudioError:
            return None


def _hidden(key):
    return key.startswith("__") and key.endswith("__")
