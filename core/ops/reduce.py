"""Reductions over axes: sum, mean, max, min (with MXNet's axis / keepdims / exclude),
and argmax, argmin (no gradient)."""
from __future__ import annotations

import math

import numpy as np

from .attrs import Param
from .base import Op
from .registry import register_op
from .unary import widened

REDUCE_PARAMS = {
    "axis": Param("shape_or_none", None, "axes to reduce; None or (): all of them"),
    "keepdims": Param("bool", False, "keep reduced axes with size 1"),
    "exclude": Param("bool", False, "reduce every axis except those in axis"),
}


class _Reduce(Op):
    category = "Reduce"
    per_sample = False   # may reduce over the batch axis
    params = REDUCE_PARAMS

    def _axes(self, shape):
        ndim = len(shape)
        if not self.axis:
            return tuple(range(ndim))
        axes = []
        for axis in self.axis:
            if not -ndim <= axis < ndim:
                raise self.error(f"axis {axis} is out of range for data {tuple(shape)}")
            if axis % ndim in axes:
                raise self.error(f"axis={self.axis} names axis {axis % ndim} twice")
            axes.append(axis % ndim)
        if self.exclude:
            return tuple(i for i in range(ndim) if i not in axes)
        return tuple(sorted(axes))

    def _out_shape(self, shape, axes):
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        out = tuple(d for i, d in enumerate(shape) if i not in axes)
        # NOTE: MXNet has no 0-d arrays; reducing everything gives (1,)
        return out or (1,)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [tuple(data)], [self._out_shape(tuple(data), self._axes(data))], []

    def reduce(self, xp, data, axes):
        raise NotImplementedError

    def onnx_reduce(self):
        """The ONNX reduction computing this one, or None (no mapping)."""
        return {"sum": "ReduceSum", "mean": "ReduceMean", "max": "ReduceMax", "min": "ReduceMin",
                "prod": "ReduceProd"}.get(self.name)

    def onnx(self, graph, inputs, outputs):
        shape = graph.shape(inputs[0])
        axes = self._axes(shape)
        everything = len(axes) == len(shape) and not self.keepdims
        op_type = self.onnx_reduce()
        if op_type is None:
            return super().onnx(graph, inputs, outputs)
        target = graph.fresh(f"{outputs[0]}_kept") if everything else outputs[0]
        axes_value = np.array(axes, np.int64)
        if op_type == "ReduceSum" or graph.opset >= 18:   # axes became an input
            graph.node(op_type, [inputs[0], graph.constant("axes", axes_value)], [target],
                       keepdims=int(self.keepdims or everything))
        else:
            graph.node(op_type, inputs, [target], axes=list(axes), keepdims=int(self.keepdims or everything))
        if everything:   # MXNet has no 0-d arrays: (1,)
            graph.node("Reshape", [target, graph.constant("one", np.array([1], np.int64))], outputs)

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        axes = self._axes(data.shape)
        # keepdims=True, ready to broadcast back; float16 accumulates in float32 (as MXNet)
        kept = self.reduce(xp, widened(data), axes).astype(data.dtype, copy=False)
        return [kept.reshape(self._out_shape(data.shape, axes))], (data, axes, kept)

    def _spread(self, grad, data, axes):
        """The output gradient with the reduced axes back as size 1, for broadcasting."""
        return grad.reshape(tuple(1 if i in axes else d for i, d in enumerate(data.shape)))


@register_op("sum_axis")
class Sum(_Reduce):
    name = "sum"
    doc = "Sum over axes."

    def reduce(self, xp, data, axes):
        return data.sum(axis=axes, keepdims=True)

    def backward(self, xp, saved, out_grads, needs):
        data, axes, _ = saved
        return [xp.broadcast_to(self._spread(out_grads[0], data, axes), data.shape).copy()]


@register_op()
class Mean(_Reduce):
    name = "mean"
    doc = "Mean over axes."

    def reduce(self, xp, data, axes):
        return data.mean(axis=axes, keepdims=True)

    def backward(self, xp, saved, out_grads, needs):
        data, axes, _ = saved
        count = math.prod(data.shape[i] for i in axes)
        grad = self._spread(out_grads[0], data, axes) / count
        return [xp.broadcast_to(grad, data.shape).astype(data.dtype, copy=True)]


class _Extreme(_Reduce):
    def backward(self, xp, saved, out_grads, needs):
        data, axes, kept = saved
        # NOTE: every position equal to the extreme gets the full gradient, as in MXNet
        hit = data == kept
        return [self._spread(out_grads[0], data, axes) * hit]


@register_op("max_axis")
class Max(_Extreme):
    name = "max"
    doc = "Maximum over axes."

    def reduce(self, xp, data, axes):
        return data.max(axis=axes, keepdims=True)


@register_op("min_axis")
class Min(_Extreme):
    name = "min"
    doc = "Minimum over axes."

    def reduce(self, xp, data, axes):
        return data.min(axis=axes, keepdims=True)


class _ArgExtreme(Op):
    category = "Reduce"
    per_sample = False   # may reduce over the batch axis
    params = {
        "axis": Param("int_or_none", None, "the axis to search; None: the flattened array"),
        "keepdims": Param("bool", False, "keep the searched axis with size 1"),
    }

    def _axis(self, shape):
        if self.axis is None:
            return None
        if not -len(shape) <= self.axis < len(shape):
            raise self.error(f"axis {self.axis} is out of range for data {tuple(shape)}")
        return self.axis % len(shape)

    def _out_shape(self, shape):
        axis = self._axis(shape)
        if axis is None:
            return (1,) * len(shape) if self.keepdims else (1,)
        if self.keepdims:
            return tuple(1 if i == axis else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i != axis) or (1,)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [tuple(data)], [self._out_shape(data)], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        axis = self._axis(data.shape)
        index = self.search(xp, data.reshape(-1) if axis is None else data, 0 if axis is None else axis)
        # indices come back in data's type (float32 in the engine), as MXNet returns them
        dtype = data.dtype if data.dtype.kind == "f" else "float32"
        return [index.astype(dtype).reshape(self._out_shape(data.shape))], data.shape

    def onnx(self, graph, inputs, outputs):
        """ArgMax/ArgMin (the first index on ties, as here) as float32, MXNet's index type."""
        shape = graph.shape(inputs[0])
        axis, data = self._axis(shape), inputs[0]
        if axis is None:
            data = graph.fresh(f"{inputs[0]}_flat")
            graph.node("Reshape", [inputs[0], graph.ints("shape", [-1])], [data])
        index = graph.fresh(f"{outputs[0]}_index")
        graph.node("ArgMax" if self.name != "argmin" else "ArgMin", [data], [index], axis=axis or 0, keepdims=1)
        shaped = index
        if tuple(self._out_shape(shape)) != (1,) * (len(shape) if axis is not None else 1):
            if axis is not None and not self.keepdims:
                shaped = graph.fresh(f"{outputs[0]}_squeezed")
                graph.node("Squeeze", [index, graph.ints("axes", [axis])], [shaped])
        elif axis is None and self.keepdims:
            shaped = graph.fresh(f"{outputs[0]}_kept")
            graph.node("Reshape", [index, graph.ints("shape", [1] * len(shape))], [shaped])
        graph.cast(shaped, "float32", outputs[0])

    def backward(self, xp, shape, out_grads, needs):
        # NOTE: an index does not change under small changes of data: zero gradient
        return [xp.zeros(shape, dtype=out_grads[0].dtype)]


@register_op()
class Argmax(_ArgExtreme):
    name = "argmax"
    doc = "Index of the maximum along axis (the first one on ties)."

    def search(self, xp, data, axis):
        return xp.argmax(data, axis=axis)


@register_op()
class Argmin(_ArgExtreme):
    name = "argmin"
    doc = "Index of the minimum along axis (the first one on ties)."

    def search(self, xp, data, axis):
        return xp.argmin(data, axis=axis)
