"""What is wrong with a training batch, in words, so ``fit`` can say so instead of
training on it or blaming the learning rate:

- labels a loss cannot learn from (``Op.label_problem``: NaN, or for a classifier a class
  index that is a fraction or outside its classes, ``-1`` included), checked every batch
  before forward (a few numbers per sample);
- input holding NaN or inf, looked for only once a batch has made the network diverge.
"""
from __future__ import annotations

import numpy as np

from ..symbol.graph import topo_order


def _host(array):
    return array.asnumpy() if hasattr(array, "asnumpy") else np.asarray(array)


def _example(batch, sample):
    """'example 1203' when the iterator says which example it was, else 'sample 3 of the batch'."""
    index = getattr(batch, "index", None)
    try:
        return f"example {int(index[sample])}"
    except (TypeError, IndexError, ValueError):
        return f"sample {sample} of the batch"


class LabelCheck:
    """The loss nodes of ``symbol`` whose label is one of ``label_names``, with the
    shapes of their data (``output_shapes``: {output name: shape}, as bound)."""

    def __init__(self, symbol, label_names, output_shapes):
        self.losses = []
        wanted = set(label_names)
        for node in topo_order(symbol.heads):
            if node.op is None or not node.op.is_loss:
                continue
            shape = output_shapes.get(f"{node.name}_output")
            for arg, (child, _) in zip(node.op.list_arguments(), node.inputs):
                if arg == "label" and child.is_variable and child.name in wanted and shape:
                    self.losses.append((node.op, list(label_names).index(child.name), tuple(shape)))

    def problem(self, batch):
        """The first bad label of ``batch`` in words, or None."""
        labels = list(batch.label or [])
        for op, position, data_shape in self.losses:
            if position >= len(labels):
                continue
            found = op.label_problem(data_shape, _host(labels[position]))
            if found is not None:
                sample, why = found
                return f"{_example(batch, sample)}: {why}"
        return None


def input_problem(batch, data_names):
    """Which input of ``batch`` holds NaN or inf, and where, in words; or None."""
    for name, array in zip(data_names, batch.data or []):
        values = _host(array)
        if values.dtype.kind not in "fc" or not len(values):
            continue
        finite = np.isfinite(values.reshape(len(values), -1)).all(axis=1)
        if not finite.all():
            sample = int(np.flatnonzero(~finite)[0])
            return f"input {name!r} holds NaN or inf ({_example(batch, sample)})"
    return None
