"""MXNet 1.9.1's mixed-precision helpers ``all_finite`` (1.0 if every value of the data is
finite, else 0.0, as a float32 (1,) array) and ``reset_arrays`` (sets each of its inputs
to zero in place; no outputs). Neither has a gradient (MXNet defines none).

``all_finite(init_output=False)`` in MXNet leaves the output array as it was when all is
finite (``mx.nd.all_finite(x, init_output=False, out=flag)`` chains over arrays); a graph
node's output starts at 1.0 here, so the node gives the same 1.0/0.0.
"""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


class _NoGradient(Op):
    def backward(self, xp, saved, out_grads, needs):
        raise self.error("has no gradient (MXNet defines none)", GraphError)


@register_op()
class AllFinite(_NoGradient):
    name = "all_finite"
    category = "Reduce"
    doc = "1.0 if every value of data is finite (no NaN or ±inf), else 0.0: a float32 (1,) array."
    per_sample = False   # one answer for the whole batch
    output_dtypes = {0: "float32"}   # whatever the data (type inference)
    params = {"init_output": Param("bool", True, "start the output at 1 (MXNet: else keep it)")}

    def infer_shape(self, in_shapes):
        return in_shapes, [(1,)], []

    def forward(self, xp, inputs, aux, is_train):
        finite = xp.isfinite(inputs[0].astype(np.float32, copy=False)).all()
        return [xp.asarray(finite, dtype=np.float32).reshape(1)], None


@register_op()
class ResetArrays(_NoGradient):
    name = "reset_arrays"
    category = "Tensor"
    doc = "Sets each input array to zero, in place; no outputs."
    per_sample = False   # writes whole arrays
    starter_attrs = {"num_arrays": "1"}
    params = {"num_arrays": Param("int", doc="number of input arrays", low=1)}

    def list_arguments(self):
        return [f"array_{i}" for i in range(self.num_arrays)]

    def list_outputs(self):
        return []

    def infer_shape(self, in_shapes):
        return in_shapes, [], []

    def forward(self, xp, inputs, aux, is_train):
        for array in inputs:
            array[...] = 0
        return [], None
