"""More reductions, as MXNet 1.9.1 names them: prod, nansum, nanprod, norm (L1/L2) and
moments (mean and variance). They extend the ``_Reduce`` family of reduce.py."""
from __future__ import annotations

import math

from ..errors import GraphError
from .attrs import Param
from .reduce import _Reduce
from .registry import register_op


@register_op()
class Prod(_Reduce):
    name = "prod"
    doc = "Product over axes."

    def reduce(self, xp, data, axes):
        return data.prod(axis=axes, keepdims=True)

    def backward(self, xp, saved, out_grads, needs):
        data, axes, kept = saved
        # NOTE: out / data, as MXNet computes it: NaN where data is 0
        return [self._spread(out_grads[0], data, axes) * kept / data]


@register_op()
class Nansum(_Reduce):
    name = "nansum"
    doc = "Sum over axes, NaN counted as 0."

    def reduce(self, xp, data, axes):
        return xp.nansum(data, axis=axes, keepdims=True)

    def backward(self, xp, saved, out_grads, needs):
        data, axes, _ = saved
        return [self._spread(out_grads[0], data, axes) * ~xp.isnan(data)]


@register_op()
class Nanprod(_Reduce):
    name = "nanprod"
    doc = "Product over axes, NaN counted as 1."

    def reduce(self, xp, data, axes):
        return xp.nanprod(data, axis=axes, keepdims=True)

    def backward(self, xp, saved, out_grads, needs):
        data, axes, kept = saved
        number = ~xp.isnan(data)
        return [xp.where(number, self._spread(out_grads[0], data, axes) * kept / data, 0)]


@register_op()
class Norm(_Reduce):
    name = "norm"
    doc = "L2 (ord=2) or L1 (ord=1) norm over axes; all of them by default."
    params = {
        "ord": Param("int", 2, "1 or 2"),
        "axis": Param("shape_or_none", None, "axes to reduce; None: all of them"),
        "out_dtype": Param("str", "None", "result dtype; None: the data's",
                           choices=("None", "float16", "float32", "float64", "int32", "int64", "int8")),
        "keepdims": Param("bool", False, "keep reduced axes with size 1"),
    }
    exclude = False

    def check(self):
        if self.ord not in (1, 2):
            raise self.error(f"ord must be 1 or 2, got {self.ord}", GraphError)

    def onnx_reduce(self):
        if self.out_dtype not in ("None", "float32"):
            raise self.error(f"out_dtype={self.out_dtype!r}: the export writes float32 only", GraphError)
        return "ReduceL1" if self.ord == 1 else "ReduceL2"

    def reduce(self, xp, data, axes):
        if self.ord == 1:
            return xp.abs(data).sum(axis=axes, keepdims=True)
        return xp.sqrt((data * data).sum(axis=axes, keepdims=True))

    def forward(self, xp, inputs, aux, is_train):
        outputs, saved = super().forward(xp, inputs, aux, is_train)
        if self.out_dtype != "None":
            outputs = [outputs[0].astype(self.out_dtype)]
        return outputs, saved

    def backward(self, xp, saved, out_grads, needs):
        data, axes, kept = saved
        grad = self._spread(out_grads[0], data, axes)
        if self.ord == 1:
            return [(grad * xp.sign(data)).astype(data.dtype, copy=False)]
        # NOTE: 0 / 0 at a zero norm gives NaN, as MXNet's x / norm does
        return [(grad * data / kept).astype(data.dtype, copy=False)]


@register_op()
class Moments(_Reduce):
    name = "moments"
    doc = "Mean and variance over axes (outputs mean, var)."
    params = {
        "axes": Param("shape_or_none", None, "axes to reduce; None: all of them"),
        "keepdims": Param("bool", False, "keep reduced axes with size 1"),
    }
    exclude = False

    @property
    def axis(self):
        return self.axes

    def list_outputs(self):
        return ["mean", "var"]

    def infer_shape(self, in_shapes):
        data_shapes, outs, aux = super().infer_shape(in_shapes)
        return data_shapes, outs * 2, aux

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        axes = self._axes(data.shape)
        mean = data.mean(axis=axes, keepdims=True)
        centred = data - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)
        shape = self._out_shape(data.shape, axes)
        return [mean.reshape(shape), var.reshape(shape)], (data, axes, centred)

    def backward(self, xp, saved, out_grads, needs):
        data, axes, centred = saved
        count = math.prod(data.shape[i] for i in axes)
        grad_mean, grad_var = (self._spread(g, data, axes) for g in out_grads)
        return [((grad_mean + 2 * grad_var * centred) / count).astype(data.dtype, copy=False)]
