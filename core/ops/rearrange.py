"""Rearranging values, as MXNet 1.9.1 names it: reverse (flip), diag, slice_like,
reshape_like; and index arithmetic: ravel_multi_index, unravel_index (integer results,
no gradient)."""
from __future__ import annotations

import math

from ..errors import GraphError
from .attrs import Param
from .base import Op, axis_index
from .registry import register_op


@register_op("flip")
class Reverse(Op):
    name = "reverse"
    category = "Tensor"
    doc = "The values in reverse order along the given axes."
    per_sample = False   # may reverse the batch axis
    starter_attrs = {"axis": "(1,)"}
    params = {"axis": Param("shape", doc="the axes to reverse")}

    def _axes(self, ndim):
        return tuple(axis_index(self, a, ndim) for a in self.axis)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is not None:
            self._axes(len(data))
        return in_shapes, [None if data is None else tuple(data)], []

    def forward(self, xp, inputs, aux, is_train):
        axes = self._axes(inputs[0].ndim)
        return [xp.flip(inputs[0], axis=axes).copy()], axes

    def onnx(self, graph, inputs, outputs):
        axes = self._axes(len(graph.shape(inputs[0])))
        graph.slice(inputs[0], outputs[0], [-1] * len(axes), [-(2 ** 63)] * len(axes), axes, [-1] * len(axes))

    def backward(self, xp, axes, out_grads, needs):
        return [xp.flip(out_grads[0], axis=axes).copy()]


@register_op()
class Diag(Op):
    name = "diag"
    category = "Tensor"
    doc = ("1-D data: a square matrix with data on diagonal k. 2-D or more: diagonal k of "
           "the planes of axis1 and axis2, as the last axis.")
    per_sample = False   # axis1 may be the batch axis
    params = {
        "k": Param("int", 0, "the diagonal: 0 main, > 0 above, < 0 below"),
        "axis1": Param("int", 0, "first axis of the planes (2-D or more)"),
        "axis2": Param("int", 1, "second axis of the planes (2-D or more)"),
    }

    def _axes(self, ndim):
        axes = axis_index(self, self.axis1, ndim), axis_index(self, self.axis2, ndim)
        if axes[0] == axes[1]:
            raise self.error(f"axis1 and axis2 are the same axis ({axes[0]})", GraphError)
        return axes

    def _out_shape(self, data):
        if len(data) == 1:
            side = data[0] + abs(self.k)
            return (side, side)
        a1, a2 = self._axes(len(data))
        rows, cols = data[a1], data[a2]
        length = max(0, min(rows, cols - self.k) if self.k >= 0 else min(rows + self.k, cols))
        if length == 0:
            raise self.error(f"diagonal k={self.k} is empty for data {tuple(data)}")
        return tuple(d for i, d in enumerate(data) if i not in (a1, a2)) + (length,)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [tuple(data)], [self._out_shape(tuple(data))], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        if data.ndim == 1:
            return [xp.diag(data, k=self.k)], data.shape
        a1, a2 = self._axes(data.ndim)
        return [xp.diagonal(data, offset=self.k, axis1=a1, axis2=a2).copy()], data.shape

    def backward(self, xp, shape, out_grads, needs):
        g = out_grads[0]
        if len(shape) == 1:
            return [xp.diagonal(g, offset=self.k).copy()]
        a1, a2 = self._axes(len(shape))
        grad = xp.zeros(shape, dtype=g.dtype)
        # writable view of the diagonal: move the plane to the end, index its diagonal
        plane = xp.moveaxis(grad, (a1, a2), (-2, -1))
        rows = xp.arange(g.shape[-1]) + max(0, -self.k)
        plane[..., rows, rows + self.k] = g
        return [grad]


@register_op()
class SliceLike(Op):
    name = "slice_like"
    category = "Tensor"
    doc = "data cut to shape_like's shape along axes (all of them when axes is empty), from the start."
    per_sample = False   # may cut the batch axis
    params = {"axes": Param("shape", (), "the axes to cut; (): all")}

    def list_arguments(self):
        return ["data", "shape_like"]

    def _out_shape(self, data, like):
        if not self.axes and len(data) != len(like):
            raise self.error(f"data {tuple(data)} and shape_like {tuple(like)} differ in rank")
        axes = range(len(data)) if not self.axes else [axis_index(self, a, len(data)) for a in self.axes]
        out = list(data)
        for axis in axes:
            if axis >= len(like) or like[axis] > data[axis]:
                raise self.error(f"cannot cut axis {axis} of data {tuple(data)} to shape_like {tuple(like)}")
            out[axis] = like[axis]
        return tuple(out)

    def infer_shape(self, in_shapes):
        data, like = in_shapes
        if data is None or like is None:
            return in_shapes, [None], []
        return [tuple(data), tuple(like)], [self._out_shape(data, like)], []

    def forward(self, xp, inputs, aux, is_train):
        data, like = inputs
        out = self._out_shape(data.shape, like.shape)
        return [data[tuple(slice(0, n) for n in out)].copy()], (data.shape, out, like)

    def backward(self, xp, saved, out_grads, needs):
        shape, out, like = saved
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        grad[tuple(slice(0, n) for n in out)] = out_grads[0]
        return [grad, xp.zeros_like(like) if needs[1] else None]


@register_op()
class ReshapeLike(Op):
    name = "reshape_like"
    category = "Tensor"
    doc = ("lhs with axes [lhs_begin, lhs_end) replaced by rhs's axes [rhs_begin, rhs_end); "
           "by default lhs takes rhs's whole shape.")
    per_sample = False   # may fold the batch axis
    params = {
        "lhs_begin": Param("int_or_none", None, "first lhs axis replaced (None: 0)"),
        "lhs_end": Param("int_or_none", None, "end of the lhs axes replaced (None: all)"),
        "rhs_begin": Param("int_or_none", None, "first rhs axis used (None: 0)"),
        "rhs_end": Param("int_or_none", None, "end of the rhs axes used (None: all)"),
    }

    def list_arguments(self):
        return ["lhs", "rhs"]

    @staticmethod
    def _range(begin, end, ndim):
        begin = 0 if begin is None else begin % ndim if begin < 0 else begin
        end = ndim if end is None else end % ndim if end < 0 else end
        return begin, end

    def _out_shape(self, lhs, rhs):
        lb, le = self._range(self.lhs_begin, self.lhs_end, len(lhs))
        rb, re = self._range(self.rhs_begin, self.rhs_end, len(rhs))
        out = tuple(lhs[:lb]) + tuple(rhs[rb:re]) + tuple(lhs[le:])
        if math.prod(out) != math.prod(lhs):
            raise self.error(f"cannot reshape lhs {tuple(lhs)} to {out} (from rhs {tuple(rhs)})")
        return out

    def infer_shape(self, in_shapes):
        lhs, rhs = in_shapes
        if lhs is None or rhs is None:
            return in_shapes, [None], []
        return [tuple(lhs), tuple(rhs)], [self._out_shape(lhs, rhs)], []

    def forward(self, xp, inputs, aux, is_train):
        lhs, rhs = inputs
        return [lhs.reshape(self._out_shape(lhs.shape, rhs.shape))], (lhs.shape, rhs)

    def backward(self, xp, saved, out_grads, needs):
        shape, rhs = saved
        return [out_grads[0].reshape(shape), xp.zeros_like(rhs) if needs[1] else None]


class _IndexMath(Op):
    category = "Tensor"
    per_sample = False   # indices are laid out along axis 0
    starter_attrs = {"shape": "(2, 2)"}
    params = {"shape": Param("shape", doc="the shape the indices address")}

    def backward(self, xp, saved, out_grads, needs):
        # NOTE: integer results: no derivative; MXNet gives zeros
        return [xp.zeros(saved, dtype=out_grads[0].dtype)]


@register_op()
class RavelMultiIndex(_IndexMath):
    name = "ravel_multi_index"
    doc = "Flat indices of the coordinates in data's first axis, for an array of the given shape."

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        if data[0] != len(self.shape):
            raise self.error(f"data {tuple(data)} must have {len(self.shape)} rows for shape {self.shape}")
        return [tuple(data)], [tuple(data[1:]) or (1,)], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        strides = [math.prod(self.shape[i + 1:]) for i in range(len(self.shape))]
        flat = sum(data[i].astype("int64") * stride for i, stride in enumerate(strides))
        return [xp.asarray(flat).astype(data.dtype).reshape(data.shape[1:] or (1,))], data.shape


@register_op()
class UnravelIndex(_IndexMath):
    name = "unravel_index"
    doc = "The coordinates (as the first axis) of flat indices into an array of the given shape."

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [tuple(data)], [(len(self.shape),) + tuple(data)], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        flat = data.astype("int64")
        coords = []
        for size in reversed(self.shape):
            coords.append(flat % size)
            flat = flat // size
        return [xp.stack(coords[::-1]).astype(data.dtype)], data.shape
