"""softmax, log_softmax and SoftmaxActivation: normalise exponentials along one axis."""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op, same_shape_op_infer
from .compose import Composite
from .registry import register_op
from .unary import widened

DTYPES = ("None", "float16", "float32", "float64")


def softmax(xp, x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, shifted by the max so nothing overflows."""
    shifted = x - x.max(axis=axis, keepdims=True)
    e = xp.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(xp, x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


class _SoftmaxBase(Op):
    category = "Activation"
    per_sample = False   # the axis is an attribute (0 mixes samples); not checked for lanes
    params = {
        "axis": Param("int", -1, "the axis to normalise along"),
        "temperature": Param("float_or_none", None, "divide the input by this first (None: 1)"),
        "dtype": Param("str", "None", "output type (None: the input's)", choices=DTYPES),
        "use_length": Param("bool", False, "mask positions past a length input (unsupported)"),
    }

    def check(self):
        if self.use_length:
            raise self.error("use_length=True (a length input) is not supported", GraphError)
        if self.temperature is not None and self.temperature == 0:
            raise self.error("temperature must not be 0", GraphError)

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is not None and not -len(data) <= self.axis < len(data):
            raise self.error(f"axis={self.axis} is out of range for data {tuple(data)}")
        return same_shape_op_infer(self, in_shapes)

    def _scaled(self, x):
        x = widened(x)        # float16 in float32, as MXNet's safe accumulation
        return x if self.temperature in (None, 1.0) else x / self.temperature

    def _scale_back(self, grad, dtype):
        if self.temperature not in (None, 1.0):
            grad = grad / self.temperature
        return grad.astype(dtype, copy=False)

    def _out(self, y, dtype):
        return y.astype(dtype if self.dtype == "None" else self.dtype, copy=False)

    #: the ONNX operator of this softmax
    onnx_type = "Softmax"

    def onnx(self, graph, inputs, outputs):
        if self.dtype not in ("None", "float32"):
            raise self.error(f"dtype={self.dtype}: only float32 output is exported", GraphError)
        data = inputs[0]
        if self.temperature not in (None, 1.0):
            data = graph.fresh(f"{outputs[0]}_scaled")
            temperature = graph.constant("temperature", np.array(self.temperature, np.float32))
            graph.node("Div", [inputs[0], temperature], [data])
        graph.node(self.onnx_type, [data], outputs, axis=self.axis)


@register_op()
class Softmax(_SoftmaxBase):
    name = "softmax"
    doc = "exp(x / T) normalised to sum 1 along axis."

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        y = softmax(xp, self._scaled(x), self.axis)
        return [self._out(y, x.dtype)], (y, x.dtype)

    def backward(self, xp, saved, out_grads, needs):
        y, dtype = saved
        g = out_grads[0].astype(y.dtype, copy=False)
        grad = y * (g - (g * y).sum(axis=self.axis, keepdims=True))
        return [self._scale_back(grad, dtype)]


@register_op()
class LogSoftmax(_SoftmaxBase):
    name = "log_softmax"
    onnx_type = "LogSoftmax"
    doc = "log(softmax(x / T)) along axis, computed without taking log of 0."

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        y = log_softmax(xp, self._scaled(x), self.axis)
        return [self._out(y, x.dtype)], (y, x.dtype)

    def backward(self, xp, saved, out_grads, needs):
        y, dtype = saved
        g = out_grads[0].astype(y.dtype, copy=False)
        grad = g - xp.exp(y) * g.sum(axis=self.axis, keepdims=True)
        return [self._scale_back(grad, dtype)]


@register_op()
class SoftmaxActivation(Composite):
    name = "SoftmaxActivation"
    category = "Activation"
    doc = ("Softmax over the last axis (mode=instance) or over axis 1, the channels "
           "(mode=channel). Deprecated in MXNet in favour of softmax.")
    per_sample = False   # not checked for lanes
    params = {"mode": Param("str", "instance", "instance: last axis; channel: axis 1",
                            choices=("channel", "instance"))}

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if self.mode == "channel" and data is not None and len(data) < 3:
            raise self.error(f"mode=channel needs data with at least 3 axes (n, c, ...), got "
                             f"{tuple(data)}; use mode=instance for (n, c)")
        return super().infer_shape(in_shapes)

    def parts(self):
        # NOTE: MXNet's instance mode flattens to 2-D the mshadow way, (prod(shape[:-1]),
        # shape[-1]), so it normalises over the last axis even for 4-D data
        axis = 1 if self.mode == "channel" else -1
        return [(Softmax(self.node_name, axis=axis), [0])]
