"""Shape inference over a graph: each operator fills what it can, in topological order."""
from __future__ import annotations

from ..errors import ShapeError
from ..ops.attrs import _parse_tuple
from ..ops.base import merge_partial
from .graph import topo_order


def _merge(node_shapes, node, value, consumer, slot):
    key = id(node)
    old = node_shapes.get(key)
    if value is None:
        return False
    value = tuple(int(d) for d in value)
    if old is None:
        node_shapes[key] = value
        return True
    merged = merge_partial(tuple(old), value)
    if merged is None:
        raise ShapeError(f"node {consumer.name!r} ({consumer.op_name}): input {slot!r} "
                         f"({node.name!r}) has shape {tuple(old)}, but {consumer.op_name} "
                         f"expects {value}")
    if merged != tuple(old):
        node_shapes[key] = merged
        return True
    return False


def infer_graph_shapes(heads, known):
    """Shapes of every variable and every operator output reachable from heads.

    ``known`` maps variable names to shapes. Returns ``(var_shapes, entry_shapes)``:
    {variable name: shape or None} and {(id(node), index): shape or None}.
    """
    nodes = topo_order(heads)
    var_shapes = {}
    for node in nodes:
        if node.is_variable:
            shape = known.get(node.name)
            if shape is None and "__shape__" in node.attrs:
                shape = _parse_tuple(node.attrs["__shape__"])
                shape = shape if shape and all(d > 0 for d in shape) else None
            if shape is not None:
                var_shapes[id(node)] = tuple(int(d) for d in shape)
    entries = {}
    for _ in range(4):  # a later op may fix a variable an earlier one needed
        changed = False
        for node in nodes:
            if node.is_variable:
                continue
            changed |= _infer_node(node, var_shapes, entries)
        if not changed:
            break
    by_name = {n.name: var_shapes.get(id(n)) for n in nodes if n.is_variable}
    return by_name, entries


def _infer_node(node, var_shapes, entries):
    op = node.op
    n_args = len(op.list_arguments())

    def current(child, index):
        return var_shapes.get(id(child)) if child.is_variable else entries.get((id(child), index))

    in_shapes = [current(c, i) for c, i in node.inputs[:n_args]]
    try:
        new_in, out_shapes, aux_shapes = op.infer_shape(list(in_shapes))
    except ShapeError:
        raise
    except (ValueError, TypeError, ZeroDivisionError, IndexError) as error:
        raise ShapeError(f"node {node.name!r} ({op.name}): cannot infer shapes from inputs "
                         f"{in_shapes}: {error}") from error
    changed = False
    names = op.list_arguments() + op.list_auxiliary_states()
    for slot, ((child, index), shape) in enumerate(zip(node.inputs, list(new_in) + list(aux_shapes))):
        if child.is_variable:
            changed |= _merge(var_shapes, child, shape, node, names[slot])
        elif shape is not None:
            have = entries.get((id(child), index))
            if have is not None and merge_partial(tuple(have), tuple(shape)) is None:
                raise ShapeError(f"node {node.name!r} ({op.name}): input {names[slot]!r} from "
                                 f"{child.name!r} has shape {tuple(have)}, expected {tuple(shape)}")
    for index, shape in enumerate(out_shapes):
        have = entries.get((id(node), index))
        if shape is not None:
            merged = merge_partial(have, tuple(int(d) for d in shape))
            if merged is not None and merged != have:
                entries[(id(node), index)] = merged
                changed = True
    return changed
