"""Which networks may train in process lanes (core/module/lanes.py): those whose result
for a sample does not depend on the other samples of the batch, so that two halves run
apart and their gradients added give the whole batch's gradient (up to float32 order of
summation).

Two checks, both must pass:

- every operator says it is per-sample: its class's ``per_sample`` fact, refined by
  ``is_per_sample()`` where attributes decide (core/ops/base.py). Not per-sample on
  purpose: BatchNorm (batch statistics in training), Dropout and rrelu (random masks
  drawn in another process), anything reducing over the batch axis, and losses
  normalised by the batch ("batch"/"valid" divide by a count over the batch);
- shape inference at two batch sizes: every value either has the same shape at both
  (a parameter) or keeps the batch on axis 0 (catches a Reshape or Concat that folds the
  batch into another axis, or a shape written for one batch size).
"""
from __future__ import annotations

from ..symbol.graph import topo_order


def unsupported(symbol):
    """The first operator node that keeps the network from lanes, as "name (Op)", or None."""
    for node in topo_order(symbol.heads):
        if node.is_variable:
            continue
        if not node.op.is_per_sample():
            return f"{node.name} ({node.op.name})"
    return None


def keeps_batch_axis(symbol, shapes, batch_inputs, small, large):
    """True if every value of the graph either ignores the batch size or has it on axis 0,
    comparing shape inference at batch ``small`` and ``large`` (``shapes``: input shapes,
    ``batch_inputs``: the names whose axis 0 is the batch)."""
    if small == large:
        return False

    def at(batch):
        given = {n: ((batch,) + tuple(s[1:]) if n in batch_inputs else tuple(s)) for n, s in shapes.items()}
        try:
            _, outs, _ = symbol.get_internals().infer_shape_partial(**given)
        except Exception:  # noqa: BLE001 - a shape that only works at one batch size
            return None
        return outs

    one, two = at(small), at(large)
    if one is None or two is None:
        return False
    for first, second in zip(one, two):
        if not first or not second:           # () or None: a shape nothing determines
            return False
        if tuple(first) == tuple(second):
            continue
        if not first or first[0] != small or second[0] != large or tuple(first[1:]) != tuple(second[1:]):
            return False
    return True


def eligible(symbol, shapes, batch_inputs, slice_sizes):
    """May ``symbol`` bound at ``shapes`` run as slices of ``slice_sizes`` samples?"""
    if unsupported(symbol) is not None or min(slice_sizes) < 1:
        return False
    batch = max(shapes[n][0] for n in batch_inputs)
    other = min(slice_sizes) if min(slice_sizes) != batch else batch + 1
    return keeps_batch_axis(symbol, shapes, batch_inputs, other, batch)
