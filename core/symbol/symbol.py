"""Symbol: a handle on one or more outputs of a graph of operator nodes.

>>> import core as mx
>>> net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=10, name="fc1")
>>> net.list_arguments()
['data', 'fc1_weight', 'fc1_bias']
"""
from __future__ import annotations

import numbers
import warnings

from ..errors import GraphError, NotImplementedForSymbol, ShapeError
from ..ops import OPS
from .graph import Node, aux_variables, mark_aux_init, topo_order
from .attribute import AttrScope, listed, lookup, stored, split_operator_kwargs
from .json_write import to_json
from .naming import NameManager
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
        value = lookup(node.attrs, key)
        if value is None and node.op is not None:
            value = node.op.attr_strings().get(key)
        return value

    def list_attr(self, recursive=False):
        if recursive:
            return {f"{name}${key}": value for name, attrs in self.attr_dict().items()
                    for key, value in attrs.items()}
        return _node_attrs(self._outputs[0][0])

    def attr_dict(self):
        out = {}
        for node in self._nodes():
            attrs = _node_attrs(node)
            if attrs:
                out[node.name] = attrs
        return out

    def _set_attr(self, **kwargs):
        for node, _ in self._outputs:
            node.attrs.update(stored(kwargs))

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

    def _infer_shapes(self, *args, **kwargs):
        """(arg_shapes, out_shapes, aux_shapes) with None for unknown shapes; dimensions of
        0 are unknown too (as MXNet's)."""
        var_shapes, entries = infer_graph_shapes(self._outputs, self._known_shapes(args, kwargs))
        arg_shapes = [var_shapes.get(n) for n in self.list_arguments()]
        aux_shapes = [var_shapes.get(n) for n in self.list_auxiliary_states()]
        out_shapes = [var_shapes.get(node.name) if node.is_variable else entries.get((id(node), i))
                      for node, i in self._outputs]
        return arg_shapes, out_shapes, aux_shapes

    def infer_shape_partial(self, *args, **kwargs):
        """MXNet's partial answer: ``()`` for a shape nothing determines, 0 for an unknown
        dimension."""
        return tuple([() if s is None else s for s in shapes]
                     for shapes in self._infer_shapes(*args, **kwargs))

    def infer_shape(self, *args, **kwargs):
        """(arg_shapes, out_shapes, aux_shapes); (None, None, None) with a warning naming
        the unresolved arguments when the given shapes are not enough (as MXNet)."""
        arg, out, aux = self._infer_shapes(*args, **kwargs)
        missing = self._unresolved(arg, aux)
        if missing or any(s is None or 0 in s for s in out):
            warnings.warn("cannot infer all shapes: give the shape of " + ", ".join(missing or ["the inputs"]),
                          stacklevel=2)
            return None, None, None
        return arg, out, aux

    def _unresolved(self, arg, aux):
        names = self.list_arguments() + self.list_auxiliary_states()
        return [n for n, s in zip(names, list(arg) + list(aux)) if s is None or 0 in s]

    def infer_type_partial(self, *args, **kwargs):
        """(arg_types, out_types, aux_types), None where unknown (see types.py)."""
        from .types import infer_graph_types
        known = dict(zip(self.list_arguments(), args))
        known.update(kwargs)
        names = set(self.list_inputs())
        for key in known:
            if key not in names:
                raise GraphError(f"infer_type: {key!r} is not an input of this network; "
                                 f"inputs are {sorted(names)}")
        by_name, entries = infer_graph_types(self._outputs, {k: v for k, v in known.items() if v is not None})
        return ([by_name.get(n) for n in self.list_arguments()],
                [by_name.get(node.name) if node.is_variable else entries.get((id(node), i))
                 for node, i in self._outputs],
                [by_name.get(n) for n in self.list_auxiliary_states()])

    def infer_type(self, *args, **kwargs):
        """As ``infer_type_partial``; (None, None, None) with a warning naming the
        undecided arguments when some type stays unknown (as MXNet)."""
        arg, out, aux = self.infer_type_partial(*args, **kwargs)
        if any(t is None for t in arg + out + aux):
            names = self.list_arguments() + self.list_auxiliary_states()
            undecided = [n for n, t in zip(names, arg + aux) if t is None]
            warnings.warn("cannot decide the type of " + ", ".join(undecided or ["the outputs"])
                          + "; give them to infer_type", stacklevel=2)
            return None, None, None
        return arg, out, aux

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
        return Executor.simple_bind(self, ctx, grad_req=grad_req, shared_exec=shared_exec,
                                    type_dict=type_dict, **kwargs)

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

    # comparisons build symbols, as MXNet's do; a Symbol has no truth value
    def _compare(self, other, relation, flipped=None):
        if isinstance(other, Symbol):
            return make(f"_{relation}", [self, other], {})
        if isinstance(other, numbers.Number):
            return make(f"_{relation}_scalar", [self], {"scalar": other})
        return NotImplemented

    def __eq__(self, o): return self._compare(o, "equal")
    def __ne__(self, o): return self._compare(o, "not_equal")
    def __gt__(self, o): return self._compare(o, "greater")
    def __ge__(self, o): return self._compare(o, "greater_equal")
    def __lt__(self, o): return self._compare(o, "lesser")
    def __le__(self, o): return self._compare(o, "lesser_equal")

    __hash__ = object.__hash__

    def __bool__(self):
        raise NotImplementedForSymbol("bool", "a Symbol has no value until it is bound and run; "
                                      "use sym.eval(...) or an executor")

    def __getattr__(self, name):
        """MXNet's fluent methods (``sym.reshape``, ``sym.softmax`` ...), see fluent.py."""
        if not name.startswith("_"):
            from .fluent import fluent_method
            method = fluent_method(self, name, make)
            if method is not None:
                return method
        raise AttributeError(f"'Symbol' object has no attribute {name!r}")

    def eval(self, ctx=None, **kwargs):
        """Bind to the arrays in ``kwargs``, run forward and return the outputs (a list)."""
        from ..context import cpu
        executor = self.bind(ctx or cpu(), kwargs, grad_req="null")
        return executor.forward()

    def __repr__(self):
        names = self.list_outputs()
        return f"<Symbol {names[0] if len(names) == 1 else 'group [' + ', '.join(names) + ']'}>"

    def debug_str(self):
        lines = []
        for node in self._nodes():
            ins = ", ".join(f"{c.name}[{i}]" for c, i in node.inputs)
            lines.append(f"{node.op_name:>16} {node.name}({ins})")
        return "\n".join(lines)


def _node_attrs(node):
    """A node's attributes as MXNet lists them: its own, then its operator's."""
    attrs = listed(node.attrs)
    if node.op is not None:
        attrs.update(node.op.attr_strings())
    return attrs


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
        from .types import dtype_code
        attrs["__dtype__"] = str(dtype_code(dtype))
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


def make(op_name, args, kwargs, name=None, attr=None, hint=None):
    """A Symbol for one node of operator ``op_name`` on ``args`` (Symbols) and ``kwargs``
    (named Symbol inputs and attributes); missing inputs become Variables ``<node>_<arg>``.
    ``hint`` starts an automatic node name (default: from the operator's name)."""
    cls = OPS.get(op_name)
    symbols = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
    scoped, node_attrs = split_operator_kwargs(AttrScope.current().get(attr))
    attrs, hidden = split_operator_kwargs({k: v for k, v in kwargs.items() if not isinstance(v, Symbol)})
    attrs = {**scoped, **attrs}     # as MXNet: plain keys of attr= are the operator's own
    node_attrs.update(hidden)
    if "num_args" in cls.params and "num_args" not in attrs:
        attrs["num_args"] = len(args)
    # MXNet's hint is the name the op was called by: mx.sym.split -> split0
    node_name = NameManager.current().get(name, hint or op_name.lower().replace("_scalar", "scalar"))
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
    aux_inputs = [symbols.pop(aux) if aux in symbols else variable(aux) for aux in op.list_auxiliary_states()]
    for sym, aux in zip(aux_inputs, op.list_auxiliary_states()):
        mark_aux_init(sym._outputs[0][0], aux)
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
