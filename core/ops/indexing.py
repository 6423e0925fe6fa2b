"""Choosing values by index or condition: one_hot (no gradient) and where."""
from __future__ import annotations

from .attrs import Param
from .base import Op
from .registry import register_op

ONE_HOT_TYPES = ("float16", "float32", "float64", "int32", "int64", "int8", "uint8")


@register_op()
class OneHot(Op):
    name = "one_hot"
    category = "Tensor"
    doc = ("indices (..) → (.., depth): on_value at each index, off_value elsewhere; indices "
           "outside [0, depth) give a row of off_value.")
    per_sample = True
    starter_attrs = {"depth": "10"}
    params = {
        "depth": Param("int", doc="number of classes", low=1),
        "on_value": Param("float", 1.0, "value at the index"),
        "off_value": Param("float", 0.0, "value elsewhere"),
        "dtype": Param("str", "float32", "output type", choices=ONE_HOT_TYPES),
    }

    def list_arguments(self):
        return ["indices"]

    def infer_shape(self, in_shapes):
        indices = in_shapes[0]
        if indices is None:
            return in_shapes, [None], []
        return [tuple(indices)], [tuple(indices) + (self.depth,)], []

    def forward(self, xp, inputs, aux, is_train):
        indices = inputs[0]
        hot = xp.arange(self.depth) == indices.astype("int64")[..., None]
        out = xp.where(hot, self.on_value, self.off_value).astype(self.dtype)
        return [out], (indices.shape, indices.dtype)

    def backward(self, xp, saved, out_grads, needs):
        # NOTE: indices are integers; nothing to differentiate (MXNet gives zeros)
        shape, dtype = saved
        return [xp.zeros(shape, dtype=dtype)]


@register_op()
class Where(Op):
    name = "where"
    category = "Elementwise"
    doc = ("x where condition is non-zero, else y. condition has x's shape, or is a vector "
           "choosing whole rows (its length is x's first axis).")
    per_sample = True
    params = {}

    def list_arguments(self):
        return ["condition", "x", "y"]

    def infer_shape(self, in_shapes):
        condition, x, y = in_shapes
        shape = x if x is not None else y
        if shape is None:
            return in_shapes, [None], []
        shape = tuple(shape)
        for name, other in (("x", x), ("y", y)):
            if other is not None and tuple(other) != shape:
                raise self.error(f"{name} has shape {tuple(other)}, expected {shape} (x and y "
                                 f"must have the same shape)")
        if condition is not None and tuple(condition) not in (shape, shape[:1]):
            raise self.error(f"condition has shape {tuple(condition)}, expected {shape} (as x) or "
                             f"({shape[0]},) (one flag per row)")
        return [tuple(condition) if condition is not None else None, shape, shape], [shape], []

    def _chosen(self, condition, ndim):
        """The condition as a boolean mask that broadcasts against x."""
        mask = condition != 0
        return mask.reshape(mask.shape + (1,) * (ndim - mask.ndim))

    def onnx(self, graph, inputs, outputs):
        """Where on the condition as booleans; a row-flag vector gets x's trailing axes."""
        condition, x, y = inputs
        mask = graph.cast(condition, "bool")
        extra = len(graph.shape(x)) - len(graph.shape(condition))
        if extra:
            lifted = graph.fresh(f"{condition}_rows")
            graph.node("Unsqueeze", [mask, graph.ints("axes", range(1, 1 + extra))], [lifted])
            mask = lifted
        graph.node("Where", [mask, x, y], outputs)

    def forward(self, xp, inputs, aux, is_train):
        condition, x, y = inputs
        mask = self._chosen(condition, x.ndim)
        return [xp.where(mask, x, y)], (mask, condition.shape, condition.dtype)

    def backward(self, xp, saved, out_grads, needs):
        mask, cond_shape, cond_dtype = saved
        g = out_grads[0]
        grad_condition = xp.zeros(cond_shape, dtype=cond_dtype) if needs[0] else None
        grad_x = xp.where(mask, g, 0) if needs[1] else None
        grad_y = xp.where(mask, 0, g) if needs[2] else None
        return [grad_condition, grad_x, grad_y]
