"""Operators written as a few other operators, so only primitives hand-write a backward.

A ``Composite`` lists its parts; forward runs them in order and backward runs their
backwards in reverse, adding up the gradients of values used twice.

>>> from core.ops import OPS
>>> import numpy as np
>>> op = OPS.get("_rminus_scalar")(scalar=1.0)          # 1 - x = (-x) + 1
>>> op.forward(np, [np.array([0.25, 2.0])], [], False)[0][0]
array([ 0.75, -1.  ])
"""
from __future__ import annotations

from functools import cached_property

from .base import Op


class Composite(Op):
    """Subclasses implement ``parts()``: ``[(op, [value index, ...]), ...]``.

    Values 0 .. n-1 are this operator's inputs (in ``list_arguments()`` order); each part
    appends its outputs to the list. The operator's outputs are the last part's outputs.
    """

    def parts(self):
        raise NotImplementedError

    @cached_property
    def _parts(self):
        # built once from the attributes; parts never depend on shapes
        return self.parts()

    def onnx(self, graph, inputs, outputs):
        """The parts' ONNX mappings in order; the last one writes ``outputs``."""
        values = list(inputs)
        for position, (op, refs) in enumerate(self._parts):
            last = position == len(self._parts) - 1
            names = list(outputs) if last else [graph.fresh(f"{outputs[0]}_part{position}")
                                                for _ in op.list_outputs()]
            op.onnx(graph, [values[i] for i in refs], names)
            values += names

    def infer_shape(self, in_shapes):
        """Chain the parts' shape rules. Override when a later part knows more about an
        input than the first part that reads it (elemwise_sub's rhs)."""
        n_in = len(in_shapes)
        shapes = list(in_shapes)
        outputs = []
        for op, refs in self._parts:
            new_in, outputs, _ = op.infer_shape([shapes[i] for i in refs])
            for index, shape in zip(refs, new_in):
                if index < n_in and shapes[index] is None and shape is not None:
                    shapes[index] = tuple(shape)
            shapes += list(outputs)
        return shapes[:n_in], list(outputs), []

    def forward(self, xp, inputs, aux, is_train):
        values = list(inputs)
        kept = []
        for op, refs in self._parts:
            outputs, saved = op.forward(xp, [values[i] for i in refs], [], is_train)
            kept.append((saved, len(values), [o.shape for o in outputs]))
            values += outputs
        return values[kept[-1][1]:], (len(inputs), kept)

    def backward(self, xp, saved, out_grads, needs):
        n_in, kept = saved
        total = kept[-1][1] + len(kept[-1][2])
        wanted = list(needs) + [False] * (total - n_in)
        for (op, refs), (_, start, shapes) in zip(self._parts, kept):
            flag = any(wanted[i] for i in refs)
            for index in range(start, start + len(shapes)):
                wanted[index] = flag
        grads = [None] * total
        grads[kept[-1][1]:] = list(out_grads)
        for (op, refs), (part_saved, start, shapes) in reversed(list(zip(self._parts, kept))):
            here = grads[start:start + len(shapes)]
            if not wanted[start] or all(g is None for g in here):
                continue
            here = [g if g is not None else xp.zeros(s, dtype=_dtype(here)) for g, s in zip(here, shapes)]
            part_needs = [wanted[i] for i in refs]
            for index, grad, need in zip(refs, op.backward(xp, part_saved, here, part_needs), part_needs):
                if need and grad is not None:
                    grads[index] = grad if grads[index] is None else grads[index] + grad
        return grads[:n_in]


def _dtype(grads):
    return next(g.dtype for g in grads if g is not None)
