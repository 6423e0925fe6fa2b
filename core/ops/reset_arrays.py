"""MXNet 1.9.1's mixed-precision helper ``reset_arrays``: sets each of its inputs to zero in
place; no outputs, no gradient (MXNet defines none). Its partner ``all_finite`` is in amp.py.
"""
from __future__ import annotations

from .attrs import Param
from .registry import register_op
from .update import NoGradientOp


@register_op()
class ResetArrays(NoGradientOp):
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
