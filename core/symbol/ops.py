"""Symbol constructors for every registered operator: ``mx.sym.Convolution(data=..., ...)``.

Missing arguments (weights, biases, labels) become variables named ``<node>_<arg>``, as
MXNet does, so checkpoints interoperate.
"""
from __future__ import annotations

from ..errors import GraphError
from ..ops import OPS
from .graph import Node
from .attribute import AttrScope, split_operator_kwargs
from .naming import NameManager
from .symbol import Symbol, Variable


def make(op_name, args, kwargs, name=None, attr=None):
    cls = OPS.get(op_name)
    symbols = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
    scoped, node_attrs = split_operator_kwargs(AttrScope.current().get(attr))
    attrs, hidden = split_operator_kwargs({k: v for k, v in kwargs.items() if not isinstance(v, Symbol)})
    attrs = {**scoped, **attrs}     # as MXNet: plain keys of attr= are the operator's own
    node_attrs.update(hidden)
    if "num_args" in cls.params and "num_args" not in attrs:
        attrs["num_args"] = len(args)
    # MXNet's hint is the name the op was called by: mx.sym.split -> split0
    node_name = NameManager.current().get(name, op_name.lower().replace("_scalar", "scalar"))
    op = cls(node_name=node_name, **attrs)
    arg_names = op.list_arguments()
    inputs = []
    for position, arg in enumerate(args):
        if not isinstance(arg, Symbol):
            raise GraphError(f"node {node_name!r} ({cls.name}): positional input {position} is a "
                             f"{type(arg).__name__}, expected a Symbol")
        inputs.append(arg)
    def variable(arg_name):
        """MXNet's variable for a missing input: it inherits the node's hidden attributes."""
        return Variable(f"{node_name}_{arg_name}", attr=node_attrs)
    for arg_name in arg_names[len(inputs):]:
        inputs.append(symbols.pop(arg_name) if arg_name in symbols else variable(arg_name))
    aux_inputs = [symbols.pop(aux, None) or variable(aux) for aux in op.list_auxiliary_states()]
    if symbols:
        raise GraphError(f"node {node_name!r} ({cls.name}): unknown input(s) {sorted(symbols)}; "
                         f"{cls.name} takes {arg_names + op.list_auxiliary_states()}")
    if len(inputs) > len(arg_names):
        raise GraphError(f"node {node_name!r} ({cls.name}): {len(inputs)} inputs given, "
                         f"it takes {len(arg_names)}: {arg_names}")
    _give_input_attrs(op, arg_names, inputs)
    entries = []
    for sym in inputs:
        if len(sym._outputs) != 1:
            raise GraphError(f"node {node_name!r} ({cls.name}): an input is a group of "
                             f"{len(sym._outputs)} outputs; pick one with sym[i]")
        entries.append(sym._outputs[0])
    entries += [sym._outputs[0] for sym in aux_inputs]
    node = Node(op, node_name, node_attrs, entries)
    return Symbol([(node, i) for i in range(len(op.list_outputs()))])


def _give_input_attrs(op, arg_names, inputs):
    """The operator's attributes for its input variables (prelu's gamma ``__init__``) on
    variables the user gave, where they lack them, as MXNet does on composing."""
    for arg_name, attrs in getattr(op, "input_attrs", {}).items():
        if arg_name in arg_names and arg_names.index(arg_name) < len(inputs):
            node = inputs[arg_names.index(arg_name)]._outputs[0][0]
            if node.is_variable:
                for key, value in attrs.items():
                    node.attrs.setdefault(key, value)


def constructor(op_name):
    def build(*args, name=None, attr=None, **kwargs):
        return make(op_name, args, kwargs, name=name, attr=attr)
    cls = OPS.get(op_name)
    build.__name__ = op_name
    build.__doc__ = cls.doc
    return build
