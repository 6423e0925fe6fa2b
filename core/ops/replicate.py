"""Copying values along axes: broadcast_to, broadcast_axis, broadcast_like, tile, repeat.
Every backward sums the copies' gradients back onto the value they came from."""
from __future__ import annotations

import math

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .binary import sum_to_shape
from .registry import register_op


class _Broadcast(Op):
    """Stretch axes of size 1; ``target(data shape, other input shapes)`` gives the result."""
    category = "Broadcast"
    per_sample = False   # may broadcast along the batch axis; not checked for lanes

    def target(self, data, others):
        raise NotImplementedError

    def _checked(self, data, out):
        if len(out) != len(data) or any(d not in (1, o) for d, o in zip(data, out)):
            raise self.error(f"cannot broadcast data {tuple(data)} to {tuple(out)}: only axes of "
                             f"size 1 can grow, and the number of axes must stay {len(data)}")
        return tuple(out)

    def infer_shape(self, in_shapes):
        if any(s is None for s in in_shapes):
            return in_shapes, [None], []
        shapes = [tuple(s) for s in in_shapes]
        return shapes, [self._checked(shapes[0], self.target(shapes[0], shapes[1:]))], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        out = self._checked(data.shape, self.target(data.shape, [x.shape for x in inputs[1:]]))
        return [xp.broadcast_to(data, out).copy()], [x.shape for x in inputs]

    def onnx(self, graph, inputs, outputs):
        """Expand to the result's shape, 1 on the axes that keep their size (a free batch stays free)."""
        data = graph.shape(inputs[0])
        out = self._checked(data, self.target(data, [graph.shape(name) for name in inputs[1:]]))
        graph.node("Expand", [inputs[0], graph.ints("shape", [1 if d == o else o for d, o in zip(data, out)])],
                   outputs)

    def backward(self, xp, shapes, out_grads, needs):
        grad = sum_to_shape(out_grads[0], shapes[0])
        # the other inputs only give a shape: no gradient (zeros, as MXNet)
        return [grad] + [xp.zeros(s, dtype=grad.dtype) for s in shapes[1:]]


@register_op()
class BroadcastTo(_Broadcast):
    name = "broadcast_to"
    doc = "Stretch axes of size 1 to shape (0 keeps an axis as it is)."
    params = {"shape": Param("shape", (), "the result's shape; 0 keeps the input's size")}

    def target(self, data, others):
        if len(self.shape) != len(data):
            raise self.error(f"shape={self.shape} has {len(self.shape)} axes, data {data} has {len(data)}")
        return tuple(d if s == 0 else s for d, s in zip(data, self.shape))


@register_op("broadcast_axes")
class BroadcastAxis(_Broadcast):
    name = "broadcast_axis"
    doc = "Stretch the listed axes (of size 1) to the listed sizes."
    params = {
        "axis": Param("shape", (), "axes to stretch"),
        "size": Param("shape", (), "their new sizes", low=0),
    }

    def check(self):
        if len(self.axis) != len(self.size):
            raise self.error(f"axis={self.axis} and size={self.size} must have the same length", GraphError)

    def target(self, data, others):
        out = list(data)
        for axis, size in zip(self.axis, self.size):
            if not -len(data) <= axis < len(data):
                raise self.error(f"axis {axis} is out of range for data {data}")
            out[axis] = size
        return tuple(out)


@register_op()
class BroadcastLike(_Broadcast):
    name = "broadcast_like"
    doc = "Stretch lhs to rhs's shape (or only lhs_axes to the sizes of rhs_axes)."
    params = {
        "lhs_axes": Param("shape_or_none", None, "axes of lhs to stretch; None: all"),
        "rhs_axes": Param("shape_or_none", None, "axes of rhs giving the sizes"),
    }

    def list_arguments(self):
        return ["lhs", "rhs"]

    def target(self, data, others):
        rhs = others[0]
        if self.lhs_axes is None:
            return rhs
        if self.rhs_axes is None or len(self.lhs_axes) != len(self.rhs_axes):
            raise self.error(f"lhs_axes={self.lhs_axes} needs rhs_axes of the same length, got {self.rhs_axes}")
        out = list(data)
        for left, right in zip(self.lhs_axes, self.rhs_axes):
            out[left] = rhs[right]
        return tuple(out)


@register_op()
class Tile(Op):
    name = "tile"
    category = "Tensor"
    doc = "Repeat the whole array reps times along each axis (NumPy's tile)."
    per_sample = False   # may tile the batch axis; not checked for lanes
    starter_attrs = {"reps": "(1, 2)"}
    params = {"reps": Param("shape", doc="copies per axis", low=1)}

    def _layout(self, shape):
        """(data shape, reps) padded with leading 1s to the same length, as NumPy does."""
        ndim = max(len(shape), len(self.reps))
        return ((1,) * (ndim - len(shape)) + tuple(shape),
                (1,) * (ndim - len(self.reps)) + tuple(self.reps))

    def infer_shape(self, in_shapes):
        if in_shapes[0] is None:
            return in_shapes, [None], []
        shape, reps = self._layout(in_shapes[0])
        return [tuple(in_shapes[0])], [tuple(d * r for d, r in zip(shape, reps))], []

    def forward(self, xp, inputs, aux, is_train):
        return [xp.tile(inputs[0], self.reps)], inputs[0].shape

    def onnx(self, graph, inputs, outputs):
        shape, reps = self._layout(graph.shape(inputs[0]))
        data = inputs[0]
        if len(shape) > len(graph.shape(inputs[0])):   # NumPy puts new axes of 1 in front
            data = graph.fresh(f"{inputs[0]}_lifted")
            graph.node("Reshape", [inputs[0], graph.ints("shape", shape)], [data])
        graph.node("Tile", [data, graph.ints("repeats", reps)], outputs)

    def backward(self, xp, shape, out_grads, needs):
        padded, reps = self._layout(shape)
        # (r0, d0, r1, d1, ...) then sum the r axes: every copy's gradient lands on its source
        split = [n for pair in zip(reps, padded) for n in pair]
        grad = out_grads[0].reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return [grad.reshape(shape)]


@register_op()
class Repeat(Op):
    name = "repeat"
    category = "Tensor"
    doc = "Repeat each element repeats times along axis (None: of the flattened array)."
    per_sample = False   # may repeat along the batch axis; not checked for lanes
    starter_attrs = {"repeats": "2", "axis": "1"}
    params = {
        "repeats": Param("int", doc="copies of each element", low=1),
        "axis": Param("int_or_none", None, "the axis; None flattens first"),
    }

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        data = tuple(data)
        if self.axis is None:
            return [data], [(math.prod(data) * self.repeats,)], []
        if not -len(data) <= self.axis < len(data):
            raise self.error(f"axis {self.axis} is out of range for data {data}")
        out = list(data)
        out[self.axis] *= self.repeats
        return [data], [tuple(out)], []

    def forward(self, xp, inputs, aux, is_train):
        return [xp.repeat(inputs[0], self.repeats, axis=self.axis)], inputs[0].shape

    def onnx(self, graph, inputs, outputs):
        """Nearest resizing by a whole factor along one axis repeats each element."""
        if self.axis is None:
            raise self.error("axis=None (repeat the flattened array) has no ONNX form", GraphError)
        scales = np.ones(len(graph.shape(inputs[0])), np.float32)
        scales[self.axis] = self.repeats
        graph.node("Resize", [inputs[0], "", graph.constant("scales", scales)], outputs, mode="nearest",
                   coordinate_transformation_mode="asymmetric", nearest_mode="floor")

    def backward(self, xp, shape, out_grads, needs):
        g = out_grads[0]
        if self.axis is None:
            return [g.reshape(-1, self.repeats).sum(axis=1).reshape(shape)]
        axis = self.axis % len(shape)
        split = g.shape[:axis] + (shape[axis], self.repeats) + g.shape[axis + 1:]
        return [g.reshape(split).sum(axis=axis + 1)]
