"""Picking elements by index, as MXNet 1.9.1 names it: take, pick, batch_take, gather_nd
and scatter_nd. Gradients flow back to the picked places (added where an index repeats);
indices get a zero gradient, as in MXNet. Indices arrive as floats and are rounded down."""
from __future__ import annotations

import math

from ..errors import GraphError
from .attrs import Param
from .base import Op, axis_index
from .registry import register_op


def _as_index(indices):
    return indices.astype("int64")


class _Gather(Op):
    category = "Tensor"
    per_sample = False   # indices may cross the batch axis

    def list_arguments(self):
        return ["data", "indices"]

    def _bound(self, xp, index, size):
        """MXNet's modes: clip into [0, size), or wrap around."""
        if self.mode == "wrap":
            return xp.mod(index, size)
        return xp.clip(index, 0, size - 1)

    def _axis(self, ndim):
        return axis_index(self, self.axis, ndim)

    def _zeros_for_indices(self, xp, indices, needs):
        return xp.zeros_like(indices) if needs[1] else None


@register_op()
class Take(_Gather):
    name = "take"
    doc = "Slices of a along axis at the given indices: out = a[..., indices, ...]."
    params = {
        "axis": Param("int", 0, "the axis to take along"),
        "mode": Param("str", "clip", "out-of-range indices: clip or wrap", choices=("clip", "wrap", "raise")),
    }

    def list_arguments(self):
        return ["a", "indices"]

    def infer_shape(self, in_shapes):
        data, indices = in_shapes
        if data is None or indices is None:
            return in_shapes, [None], []
        axis = self._axis(len(data))
        return [tuple(data), tuple(indices)], [tuple(data[:axis]) + tuple(indices) + tuple(data[axis + 1:])], []

    def forward(self, xp, inputs, aux, is_train):
        data, indices = inputs
        axis = self._axis(data.ndim)
        index = _as_index(indices)
        if self.mode == "raise" and ((index < 0) | (index >= data.shape[axis])).any():
            raise self.error(f"an index is outside [0, {data.shape[axis]}) with mode='raise'", GraphError)
        index = self._bound(xp, index, data.shape[axis])
        return [xp.take(data, index, axis=axis)], (data.shape, index, axis, indices)

    def onnx(self, graph, inputs, outputs):
        shape = graph.shape(inputs[0])
        if self.mode != "clip":
            raise self.error(f"mode={self.mode!r}: the export writes mode='clip' only", GraphError)
        graph.gather_clipped(inputs[0], inputs[1], outputs[0], self._axis(len(shape)), shape[self._axis(len(shape))])

    def backward(self, xp, saved, out_grads, needs):
        shape, index, axis, indices = saved
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        moved = xp.moveaxis(grad, axis, 0)
        g = out_grads[0]
        g = xp.moveaxis(g.reshape(shape[:axis] + (index.size,) + shape[axis + 1:]), axis, 0)
        xp.add.at(moved, index.reshape(-1), g)
        return [grad, self._zeros_for_indices(xp, indices, needs)]


@register_op("choose_element_0index")   # MXNet's alias
class Pick(_Gather):
    name = "pick"
    doc = "One element per position along axis, chosen by index: out = data[..., index, ...]."
    params = {
        "axis": Param("int_or_none", -1, "the axis to pick along; None: the flattened array"),
        "keepdims": Param("bool", False, "keep the picked axis with size 1"),
        "mode": Param("str", "clip", "out-of-range indices: clip or wrap", choices=("clip", "wrap")),
    }

    def list_arguments(self):
        return ["data", "index"]

    def _out_shape(self, data):
        axis = self._axis(len(data))
        if axis is None:
            return (1,)
        if self.keepdims:
            return tuple(data[:axis]) + (1,) + tuple(data[axis + 1:])
        return tuple(data[:axis]) + tuple(data[axis + 1:]) or (1,)

    def infer_shape(self, in_shapes):
        data, index = in_shapes
        if data is None:
            return in_shapes, [None], []
        axis = self._axis(len(data))
        want = (1,) if axis is None else self._out_shape(data)
        if index is not None and math.prod(index) != math.prod(want):
            raise self.error(f"index {tuple(index)} does not fit data {tuple(data)} along axis {self.axis}")
        return [tuple(data), tuple(index) if index is not None else want], [want], []

    def forward(self, xp, inputs, aux, is_train):
        data, index = inputs
        axis = self._axis(data.ndim)
        flat = data.reshape(1, -1) if axis is None else xp.moveaxis(data, axis, -1)
        where = self._bound(xp, _as_index(index), flat.shape[-1]).reshape(flat.shape[:-1] + (1,))
        picked = xp.take_along_axis(flat, where, axis=-1)
        return [picked.reshape(self._out_shape(data.shape))], (data.shape, flat.shape, where, axis, index)

    def backward(self, xp, saved, out_grads, needs):
        shape, flat_shape, where, axis, index = saved
        grad = xp.zeros(flat_shape, dtype=out_grads[0].dtype)
        xp.put_along_axis(grad, where, out_grads[0].reshape(where.shape), axis=-1)
        grad = grad.reshape(shape) if axis is None else xp.moveaxis(grad, -1, axis)
        return [grad, self._zeros_for_indices(xp, index, needs)]


@register_op()
class BatchTake(_Gather):
    name = "batch_take"
    doc = "For each row i of a 2-D a, the element a[i, indices[i]]."
    params = {}
    mode = "clip"

    def list_arguments(self):
        return ["a", "indices"]

    def infer_shape(self, in_shapes):
        data, indices = in_shapes
        if data is None:
            return in_shapes, [None], []
        if len(data) != 2:
            raise self.error(f"a must be 2-D, got {tuple(data)}")
        return [tuple(data), (data[0],)], [(data[0],)], []

    def forward(self, xp, inputs, aux, is_train):
        data, indices = inputs
        where = self._bound(xp, _as_index(indices), data.shape[1]).reshape(-1, 1)
        return [xp.take_along_axis(data, where, axis=1).reshape(-1)], (data.shape, where, indices)

    def backward(self, xp, saved, out_grads, needs):
        shape, where, indices = saved
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        xp.put_along_axis(grad, where, out_grads[0].reshape(-1, 1), axis=1)
        return [grad, self._zeros_for_indices(xp, indices, needs)]


@register_op()
class GatherNd(_Gather):
    name = "gather_nd"
    doc = ("Elements or slices of data at the coordinates in indices' first axis: "
           "out[y] = data[indices[0, y], ..., indices[M-1, y]].")
    params = {}

    def infer_shape(self, in_shapes):
        data, indices = in_shapes
        if data is None or indices is None:
            return in_shapes, [None], []
        if indices[0] > len(data):
            raise self.error(f"indices {tuple(indices)} index {indices[0]} axes of {len(data)}-d data")
        return [tuple(data), tuple(indices)], [tuple(indices[1:]) + tuple(data[indices[0]:])], []

    def forward(self, xp, inputs, aux, is_train):
        data, indices = inputs
        where = tuple(_as_index(indices))
        return [data[where]], (data.shape, where, indices)

    def backward(self, xp, saved, out_grads, needs):
        shape, where, indices = saved
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        xp.add.at(grad, where, out_grads[0])
        return [grad, self._zeros_for_indices(xp, indices, needs)]


@register_op()
class ScatterNd(_Gather):
    name = "scatter_nd"
    doc = ("An array of the given shape, zero but at the coordinates in indices' first axis, "
           "where it holds data (gather_nd reversed; repeated coordinates: one of them wins).")
    starter_attrs = {"shape": "(2, 2)"}
    params = {"shape": Param("shape", doc="the output's shape")}

    def infer_shape(self, in_shapes):
        data, indices = in_shapes
        if indices is not None and indices[0] > len(self.shape):
            raise self.error(f"indices {tuple(indices)} index {indices[0]} axes of shape {self.shape}")
        if data is None and indices is not None:
            data = tuple(indices[1:]) + tuple(self.shape[indices[0]:])
        return [data, indices], [tuple(self.shape)], []

    def forward(self, xp, inputs, aux, is_train):
        data, indices = inputs
        where = tuple(_as_index(indices))
        out = xp.zeros(self.shape, dtype=data.dtype)
        out[where] = data
        return [out], (where, indices)

    def backward(self, xp, saved, out_grads, needs):
        where, indices = saved
        return [out_grads[0][where], self._zeros_for_indices(xp, indices, needs)]
