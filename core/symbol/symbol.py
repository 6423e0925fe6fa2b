"""Symbol: a handle on one or more outputs of a graph of operator nodes.

>>> import core as mx
>>> net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=10, name="fc1")
>>> net.list_arguments()
['data', 'fc1_weight', 'fc1_bias']
"""
from __future__ import annotations

import numbers
import warnings

from ..errors import GraphError, ShapeError
from ..ops import OPS
from .graph import Node, aux_variables, mark_aux_init, topo_order
from .json_write import to_json
from .naming import AttrScope, NameManager
from .shape import infer_graph_shapes


class Symbol:
    def __init__(self, outputs):
        self._outputs = list(outputs)   # [(Node, index)]

    @property
    def heads(self):
        """The graph entries this symbol outputs, in order: ``(Node, output index)`` pairs
        (what ``topo_order`` walks back from, and what a new Symbol is made of)."""
        return tuple(self._outputs)

    # ----- structure ------------------------------------------------------
    def _nodes(self):
        return topo_order(self._outputs)

    @property
    def name(self):
        if len(self._outputs) != 1:
            return None
        return self._outputs[0][0].name

    def list_arguments(self):
        nodes = self._nodes()
        aux = aux_variables(nodes)
        return [n.name for n in nodes if n.is_variable and id(n) not in aux]

    def list_auxiliary_states(self):
        nodes = self._nodes()
        aux = aux_variables(nodes)
        return [n.name for n in nodes if n.is_variable and id(n) in aux]

    def list_inputs(self):
        return [n.name for n in self._nodes() if n.is_variable]

    def list_outputs(self):
        return [node.output_names()[index] for node, index in self._outputs]

    def get_internals(self):
        outputs = []
        for node in self._nodes():
            outputs += [(node, i) for i in range(node.num_visible_outputs())]
        return Symbol(outputs)

    def get_children(self):
        inputs = [entry for node, _ in self._outputs for entry in node.inputs]
        return Symbol(inputs) if inputs else None

    def __getitem__(self, key):
        if isinstance(key, str):
            names = self.list_outputs()
            if key not in names:
                shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
                raise GraphError(f"no output named {key!r}; outputs are: {shown}")
            key = names.index(key)
        if isinstance(key, slice):
            return Symbol(self._outputs[key])
        return Symbol([self._outputs[key]])

    def __iter__(self):
        return (Symbol([entry]) for entry in self._outputs)

    def __len__(self):
        return len(self._outputs)

    def __call__(self, *args, **kwargs):
        """Compose: replace variables by other symbols (``net(data=features)``)."""
        if args:
            free = self.list_arguments()
            kwargs.update(dict(zip(free, args)))
        replace = {name: sym._outputs[0] for name, sym in kwargs.items() if isinstance(sym, Symbol)}
        copies = {}
        for node in self._nodes():
            if node.is_variable and node.name in replace:
                continue
            inputs = [replace[c.name] if c.is_variable and c.name in replace else (copies[id(c)], i)
                      for c, i in node.inputs]
            copies[id(node)] = Node(node.op, node.name, node.attrs, inputs)
        return Symbol([replace[n.name] if n.is_variable and n.name in replace else (copies[id(n)], i)
                       for n, i in self._outputs])

    # ----- attributes --------------------------------------------------------
    def attr(self, key):
        if len(self._outputs) != 1:
            return None
        node = self._outputs[0][0]
        value = node.attrs.get(key)
        if value is None and node.op is not None:
            value = node.op.attr_strings().get(key)
        return value

    def list_attr(self):
        node = self._outputs[0][0]
        out = dict(node.attrs)
        if node.op is not None:
            out.update(node.op.attr_strings())
        return out

    def attr_dict(self):
        out = {}
        for node in self._nodes():
            attrs = dict(node.attrs)
            if node.op is not None:
                attrs.update(node.op.attr_strings())
            if attrs:
                out[node.name] = attrs
        return out

    def _set_attr(self, **kwargs):
        for node, _ in self._outputs:
            node.attrs.update({k: str(v) for k, v in kwargs.items()})

    # ----- shapes ---------------------------------------------------------------
    def _known_shapes(self, args, kwargs):
        known = {}
        if args:
            known.update({n: s for n, s in zip(self.list_arguments(), args) if s is not None})
        known.update({k: tuple(v) for k, v in kwargs.items() if v is not None})
        names = set(self.list_inputs())
        for key in known:
            if key not in names:
                raise ShapeError(f"infer_shape: {key!r} is not an input of this network; "
                                 f"inputs are {sorted(names)}")
        return known

    def infer_shape_partial(self, *args, **kwargs):
        var_shapes, entries = infer_graph_shapes(self._outputs, self._known_shapes(args, kwargs))
        arg_shapes = [var_shapes.get(n) for n in self.list_arguments()]
        aux_shapes = [var_shapes.get(n) for n in self.list_auxiliary_states()]
        out_shapes = [var_shapes.get(node.name) if node.is_variable else entries.get((id(node), i))
                      for node, i in self._outputs]
        return arg_shapes, out_shapes, aux_shapes

    def infer_shape(self, *args, **kwargs):
        """(arg_shapes, out_shapes, aux_shapes); (None, None, None) with a warning naming
        the unresolved arguments when the given shapes are not enough (as MXNet)."""
        arg, out, aux = self.infer_shape_partial(*args, **kwargs)
        missing = self._unresolved(arg, aux)
        if missing or any(s is None for s in out):
            warnings.warn("cannot infer all shapes: give the shape of " + ", ".join(missing or ["the inputs"]),
                          stacklevel=2)
            return None, None, None
        return arg, out, aux

    def _unresolved(self, arg, aux):
        names = self.list_arguments() + self.list_auxiliary_states()
        return [n for n, s in zip(names, list(arg) + list(aux)) if s is None]

    def infer_type(self, *args, **kwargs):
        import numpy as np
        return ([np.float32] * len(self.list_arguments()), [np.float32] * len(self._outputs),
                [np.float32] * len(self.list_auxiliary_states()))

    # ----- files -----------------------------------------------------------------
    def tojson(self):
        return to_json(self._outputs)

    def save(self, fname, remove_amp_cast=True):
        from ..fileio import atomic_write_text
        atomic_write_text(fname, self.tojson())

    # ----- binding ---------------------------------------------------------------
    def simple_bind(self, ctx, grad_req="write", type_dict=None, stype_dict=None, group2ctx=None,
                    shared_arg_names=None, shared_exec=None, shared_buffer=None, **kwargs):
        from ..executor import Executor
        return Executor.simple_bind(self, ctx, grad_req=grad_req, shared_exec=shared_exec, **kwargs)

    def bind(self, ctx, args, args_grad=None, grad_req="write", aux_states=None, group2ctx=None,
             shared_exec=None):
        from ..executor import Executor
        return Executor(self, ctx, args, args_grad, grad_req, aux_states)

    # ----- arithmetic --------------------------------------------------------------
    def _binary(self, other, op_name, scalar_name):
        if isinstance(other, Symbol):
            return make(op_name, [self, other], {})
        if isinstance(other, numbers.Number):
            return make(scalar_name, [self], {"scalar": other})
        return NotImplemented

    def __add__(self, o): return self._binary(o, "_Plus", "_plus_scalar")
    __radd__ = __add__
    def __sub__(self, o): return self._binary(o, "_Minus", "_minus_scalar")
    def __rsub__(self, o): return self._binary(o, "_Minus", "_rminus_scalar") if not isinstance(o, Symbol) else o - self
    def __mul__(self, o): return self._binary(o, "_Mul", "_mul_scalar")
    __rmul__ = __mul__
    def __truediv__(self, o): return self._binary(o, "_Div", "_div_scalar")
    def __rtruediv__(self, o): return self._binary(o, "_Div", "_rdiv_scalar")
    def __pow__(self, o): return self._binary(o, "_Power", "_power_scalar")
    def __neg__(self): return self * -1.0

    def __repr__(self):
        names = self.list_outputs()
        return f"<Symbol {names[0] if len(names) == 1 else 'group [' + ', '.join(names) + ']'}>"

    def debug_str(self):
        lines = []
        for node in self._nodes():
            ins = ", ".join(f"{c.name}[{i}]" for c, i in node.inputs)
            lines.append(f"{node.op_name:>16} {node.name}({ins})")
        return "\n".join(lines)


def Variable(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None,
             stype=None, **kwargs):
    """A placeholder for data, a label or a parameter."""
    if not isinstance(name, str):
        raise TypeError(f"Variable name must be a string, got {type(name).__name__}")
    attrs = AttrScope.current().get(attr)
    if shape is not None:
        attrs["__shape__"] = str(tuple(shape))
    if lr_mult is not None:
        attrs["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attrs["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        import numpy as np
        attrs["__dtype__"] = str({np.float32: 0, np.float64: 1, np.float16: 2}.get(np.dtype(dtype).type, 0))
    if init is not None:
        attrs["__init__"] = init if isinstance(init, str) else init.dumps()
    for key, value in kwargs.items():
        if not (key.startswith("__") and key.endswith("__")):
            raise GraphError(f"Variable {name!r}: unknown attribute {key!r}; use __{key}__ for your own")
        attrs[key] = str(value)
    return Symbol([(Node(None, name, attrs), 0)])


var = Variable


def Group(symbols):
    """One symbol with the outputs of several."""
    outputs = []
    for sym in symbols:
        if not isinstance(sym, Symbol):
            raise TypeError(f"Group expects Symbols, got {type(sym).__name__}")
        outputs += sym._outputs
    return Symbol(outputs)


def new_name(name, hint):
    return NameManager.current().get(name, hint)


def make(op_name, args, kwargs, name=None, attr=None):
    """A Symbol for one node of operator ``op_name`` on ``args`` (Symbols) and ``kwargs``
    (named Symbol inputs and attributes); missing inputs become Variables ``<node>_<arg>``."""
    cls = OPS.get(op_name)
    symbols = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
    attrs = {k: v for k, v in kwargs.items() if not isinstance(v, Symbol)}
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
    for arg_name in arg_names[len(inputs):]:
        inputs.append(symbols.pop(arg_name) if arg_name in symbols else Variable(f"{node_name}_{arg_name}"))
    aux_inputs = [symbols.pop(aux, None) or Variable(f"{node_name}_{aux}")
                  for aux in op.list_auxiliary_states()]
    for sym, aux in zip(aux_inputs, op.list_auxiliary_states()):
        mark_aux_init(sym._outputs[0][0], aux)
    if symbols:
        raise GraphError(f"node {node_name!r} ({cls.name}): unknown input(s) {sorted(symbols)}; "
                         f"{cls.name} takes {arg_names + op.list_auxiliary_states()}")
    if len(inputs) > len(arg_names):
        raise GraphError(f"node {node_name!r} ({cls.name}): {len(inputs)} inputs given, "
                         f"it takes {len(arg_names)}: {arg_names}")
    entries = []
    for sym in inputs:
        if len(sym._outputs) != 1:
            raise GraphError(f"node {node_name!r} ({cls.name}): an input is a group of "
                             f"{len(sym._outputs)} outputs; pick one with sym[i]")
        entries.append(sym._outputs[0])
    entries += [sym._outputs[0] for sym in aux_inputs]
    node = Node(op, node_name, AttrScope.current().get(attr), entries)
    return Symbol([(node, i) for i in range(len(op.list_outputs()))])
