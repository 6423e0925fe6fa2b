"""Shape-only operators: Flatten."""
from __future__ import annotations

import math

from .base import Op
from .registry import register_op


@register_op()
class Flatten(Op):
    name = "Flatten"
    category = "Tensor"
    doc = "Collapse every axis after the first: (n, c, h, w) → (n, c·h·w)."
    params = {}

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [tuple(data)], [(data[0], math.prod(data[1:]))], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        return [data.reshape(data.shape[0], -1)], data.shape

    def backward(self, xp, saved, out_grads, needs):
        return [out_grads[0].reshape(saved)]
