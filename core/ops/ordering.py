"""Ordering along an axis, as MXNet 1.9.1 names it: sort, argsort and topk.

Values move to their sorted places, so their gradient moves back through the same
indices; indices and masks do not change under small changes of data (zero gradient).
"""
from __future__ import annotations

import math

from ..errors import GraphError
from .attrs import Param
from .base import Op, axis_index
from .registry import register_op

INDEX_DTYPES = ("float16", "float32", "float64", "int32", "int64", "uint8")


class _Ordering(Op):
    category = "Tensor"
    per_sample = False   # the axis may be the batch axis; axis=None flattens the batch

    def _axis(self, ndim):
        return axis_index(self, self.axis, ndim)

    def _order(self, xp, data):
        """(data along the axis as the last axis, the axis, the stable sort order)."""
        axis = self._axis(data.ndim)
        moved = data.reshape(1, -1) if axis is None else xp.moveaxis(data, axis, -1)
        key = moved if self.is_ascend else -moved
        return moved, axis, xp.argsort(key, axis=-1, kind="stable")

    def _back(self, xp, moved, axis, shape):
        return moved.reshape(shape) if axis is None else xp.moveaxis(moved, -1, axis)

    def _scatter(self, xp, grad_taken, order, moved_shape, axis, shape):
        """The gradient of values taken at ``order`` (last axis), back at their places."""
        full = xp.zeros(moved_shape, dtype=grad_taken.dtype)
        xp.put_along_axis(full, order[..., :grad_taken.shape[-1]], grad_taken, axis=-1)
        return self._back(xp, full, axis, shape)


@register_op()
class Sort(_Ordering):
    name = "sort"
    doc = "Sorted values along axis (None: the flattened array)."
    params = {
        "axis": Param("int_or_none", -1, "the axis to sort; None: the flattened array"),
        "is_ascend": Param("bool", True, "ascending order"),
    }

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        self._axis(len(data))
        return [tuple(data)], [tuple(data) if self.axis is not None else (math.prod(data),)], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        moved, axis, order = self._order(xp, data)
        values = xp.take_along_axis(moved, order, axis=-1)
        shape = (data.size,) if axis is None else data.shape
        return [self._back(xp, values, axis, shape)], (order, moved.shape, axis, data.shape)

    def backward(self, xp, saved, out_grads, needs):
        order, moved_shape, axis, shape = saved
        grad = out_grads[0].reshape(moved_shape) if axis is None else xp.moveaxis(out_grads[0], axis, -1)
        return [self._scatter(xp, grad, order, moved_shape, axis, shape)]


@register_op()
class Argsort(_Ordering):
    name = "argsort"
    doc = "The indices that sort data along axis (None: the flattened array)."
    params = {
        "axis": Param("int_or_none", -1, "the axis to sort; None: the flattened array"),
        "is_ascend": Param("bool", True, "ascending order"),
        "dtype": Param("str", "float32", "the indices' dtype", choices=INDEX_DTYPES),
    }
    infer_shape = Sort.infer_shape

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        moved, axis, order = self._order(xp, data)
        shape = (data.size,) if axis is None else data.shape
        return [self._back(xp, order, axis, shape).astype(self.dtype)], data.shape

    def backward(self, xp, shape, out_grads, needs):
        return [xp.zeros(shape, dtype=out_grads[0].dtype)]


@register_op()
class Topk(_Ordering):
    name = "topk"
    doc = ("The k largest (is_ascend: smallest) along axis: their indices, values, both, or "
           "a 0/1 mask of data's shape (ret_typ).")
    params = {
        "axis": Param("int_or_none", -1, "the axis to search; None: the flattened array"),
        "k": Param("int", 1, "how many; 0 or less: all"),
        "ret_typ": Param("str", "indices", "what to return", choices=("value", "indices", "mask", "both")),
        "is_ascend": Param("bool", False, "the smallest instead of the largest"),
        "dtype": Param("str", "float32", "the indices' dtype", choices=INDEX_DTYPES),
    }

    def check(self):
        if self.ret_typ == "mask" and self.axis is None:
            raise self.error("ret_typ='mask' needs an axis", GraphError)

    def list_outputs(self):
        return ["value", "indices"] if self.ret_typ == "both" else ["output"]

    def _k(self, length):
        k = length if self.k <= 0 else self.k
        if k > length:
            raise self.error(f"k={self.k} is more than the {length} elements along the axis")
        return k

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None] * len(self.list_outputs()), []
        data = tuple(data)
        axis = self._axis(len(data))
        if self.ret_typ == "mask":
            return [data], [data], []
        if axis is None:
            out = (self._k(math.prod(data)),)
        else:
            out = data[:axis] + (self._k(data[axis]),) + data[axis + 1:]
        return [data], [out] * len(self.list_outputs()), []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        moved, axis, order = self._order(xp, data)
        k = self._k(moved.shape[-1])
        top = order[..., :k]
        saved = (order, moved.shape, axis, data.shape, k)
        if self.ret_typ == "mask":
            mask = xp.zeros(moved.shape, dtype=data.dtype)
            xp.put_along_axis(mask, top, 1, axis=-1)
            return [self._back(xp, mask, axis, data.shape)], saved
        out_shape = (k,) if axis is None else data.shape[:axis] + (k,) + data.shape[axis + 1:]
        values = self._back(xp, xp.take_along_axis(moved, top, axis=-1), axis, out_shape)
        indices = self._back(xp, top, axis, out_shape).astype(self.dtype)
        outputs = {"value": [values], "indices": [indices], "both": [values, indices]}[self.ret_typ]
        return outputs, saved

    def backward(self, xp, saved, out_grads, needs):
        order, moved_shape, axis, shape, k = saved
        if self.ret_typ in ("indices", "mask"):
            return [xp.zeros(shape, dtype=out_grads[0].dtype)]
        grad = out_grads[0]
        grad = grad.reshape(moved_shape[:-1] + (k,)) if axis is None else xp.moveaxis(grad, axis, -1)
        return [self._scatter(xp, grad, order, moved_shape, axis, shape)]
