"""Elementwise activations: Activation(act_type=...) and the standalone relu, sigmoid,
tanh, softsign. Each keeps only what its derivative needs. LeakyReLU is in leaky_relu.py."""
from __future__ import annotations

from ..backend.cpu import parallel, relu_kernels
from ..backend.cpu.relu_kernels import activate_in_place
from .attrs import Param
from .base import Op, same_shape_op_infer
from .registry import register_op


def _relu(xp, x):
    if x.ndim == 0:
        out = xp.maximum(x, 0)
        return out, out
    if relu_kernels.compiled(xp, x):   # one compiled pass
        out = relu_kernels.relu(xp, x)
        return out, out
    out = xp.empty_like(x)   # keeps x's memory order (channels-last stays so)
    parallel.over_batch(xp, x.shape[0], x.size,
                         lambda lo, hi: xp.maximum(x[lo:hi], 0, out=out[lo:hi]))
    return out, out


def _relu_grad(xp, out, g):
    # NOTE: grad at x == 0 is 0 by convention; matches MXNet
    if g.ndim == 0 or g.shape != out.shape:
        return g * (out > 0)
    if relu_kernels.compiled(xp, g, out):
        return relu_kernels.relu_grad(xp, out, g)
    grad = xp.empty_like(g)
    parallel.over_batch(xp, g.shape[0], g.size,
                         lambda lo, hi: xp.multiply(g[lo:hi], out[lo:hi] > 0, out=grad[lo:hi]))
    return grad


def sigmoid(xp, x):
    """1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid(xp, x):
    out = sigmoid(xp, x)
    return out, out


def _sigmoid_grad(xp, out, g):
    return g * out * (1 - out)


def _tanh(xp, x):
    out = xp.tanh(x)
    return out, out


def _tanh_grad(xp, out, g):
    return g * (1 - out * out)


def _softrelu(xp, x):
    # log(1 + e^x), computed without overflow for large x
    out = xp.logaddexp(0, x).astype(x.dtype, copy=False)
    return out, x


def _softrelu_grad(xp, x, g):
    return g * sigmoid(xp, x)


def _softsign(xp, x):
    return x / (1 + xp.abs(x)), x


def _softsign_grad(xp, x, g):
    denom = 1 + xp.abs(x)
    return g / (denom * denom)


ACTIVATIONS = {
    "relu": (_relu, _relu_grad),
    "sigmoid": (_sigmoid, _sigmoid_grad),
    "tanh": (_tanh, _tanh_grad),
    "softrelu": (_softrelu, _softrelu_grad),
    "softsign": (_softsign, _softsign_grad),
}

#: act_type -> the ONNX operator computing it
ONNX_TYPES = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softrelu": "Softplus",
              "softsign": "Softsign"}


class _Elementwise(Op):
    """What Activation and its standalone forms share: shape rule and ONNX mapping."""

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def onnx(self, graph, inputs, outputs):
        graph.node(ONNX_TYPES[self.act_type], inputs, outputs)


@register_op()
class Activation(_Elementwise):
    name = "Activation"
    category = "Activation"
    doc = "Elementwise activation: relu, sigmoid, tanh, softrelu or softsign."
    per_sample = True
    starter_attrs = {"act_type": "relu"}
    fusion_role = "activation"
    params = {"act_type": Param("str", doc="activation function", choices=tuple(ACTIVATIONS))}

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def fusable(self):
        """relu runs in place on the convolution before it (inference)."""
        return self.act_type == "relu"

    def activate_in_place(self, xp, x):
        return activate_in_place(xp, x)

    def forward(self, xp, inputs, aux, is_train):
        out, saved = ACTIVATIONS[self.act_type][0](xp, inputs[0])
        return [out], saved

    def backward(self, xp, saved, out_grads, needs):
        return [ACTIVATIONS[self.act_type][1](xp, saved, out_grads[0])]


class _ActivationFunction(_Elementwise):
    """The standalone form of one activation: ``relu(x)`` is ``Activation(x, act_type='relu')``."""
    category = "Activation"
    per_sample = True
    params = {}
    act_type = ""

    def forward(self, xp, inputs, aux, is_train):
        out, saved = ACTIVATIONS[self.act_type][0](xp, inputs[0])
        return [out], saved

    def backward(self, xp, saved, out_grads, needs):
        return [ACTIVATIONS[self.act_type][1](xp, saved, out_grads[0])]


@register_op()
class Relu(_ActivationFunction):
    name = "relu"
    act_type = "relu"
    doc = "max(x, 0)."
    fusion_role = "activation"

    def activate_in_place(self, xp, x):
        return activate_in_place(xp, x)


@register_op()
class Sigmoid(_ActivationFunction):
    name = "sigmoid"
    act_type = "sigmoid"
    doc = "1 / (1 + exp(-x))."


@register_op()
class Tanh(_ActivationFunction):
    name = "tanh"
    act_type = "tanh"
    doc = "Hyperbolic tangent."


@register_op()
class Softsign(_ActivationFunction):
    name = "softsign"
    act_type = "softsign"
    doc = "x / (1 + |x|)."
