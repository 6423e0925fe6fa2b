"""MXNet 1.9.1's deprecated ``Convolution_v1``, ``Pooling_v1`` and ``BatchNorm_v1``: their own
(smaller) attribute sets on the modern operators' kernels, with the old results where
they differ:

- all three work on 2-D maps only (BatchNorm_v1: (N, C) or (N, C, H, W) data);
- ``Pooling_v1`` pads with zeros for max pooling too (a window over the padding can give 0)
  and divides an average by the whole kernel area, also where a ``full`` window overhangs;
- ``BatchNorm_v1`` with ``output_mean_var`` outputs the variance (BatchNorm: 1/std).

Not reproduced: BatchNorm_v1 with ``fix_gamma`` overwrites its gamma input with ones, and
Pooling_v1's max backward gives the gradient to every tied maximum (here: the first).
"""
from __future__ import annotations

import math

from ..errors import GraphError
from .attrs import Param
from .conv import Convolution
from .norm import BatchNorm
from .pool import Pooling
from .registry import register_op


def _only_2d(op):
    if op.kernel and len(op.kernel) != 2:
        raise op.error(f"kernel={op.kernel}: {op.name} works on 2-D maps only, e.g. (3, 3) "
                       f"(use {op.name[:-3]} for 1-D or 3-D)", GraphError)


@register_op()
class ConvolutionV1(Convolution):
    name = "Convolution_v1"
    doc = "Deprecated 2-D convolution (MXNet's first version); Convolution's kernel."

    def check(self):
        _only_2d(self)
        super().check()


@register_op()
class PoolingV1(Pooling):
    name = "Pooling_v1"
    doc = ("Deprecated 2-D max, average or sum pooling: zero padding for max too, averages "
           "over the whole kernel area.")
    params = {
        "kernel": Param("shape", (), "window size (h, w)", low=1),
        "pool_type": Param("str", "max", "what each window computes", choices=("max", "avg", "sum")),
        "global_pool": Param("bool", False, "pool over the whole map; kernel and pad are ignored"),
        "pooling_convention": Param("str", "valid", "valid: floor, full: ceil (windows may "
                                    "overhang the padded input)", choices=("valid", "full")),
        "stride": Param("shape", (), "step between windows; default 1 on each axis", low=1),
        "pad": Param("shape", (), "zero padding on both sides of each axis; default 0", low=0),
    }
    # the modern attributes Pooling_v1 does not have, at the values that give the old results
    cudnn_off, p_value, count_include_pad, layout = False, None, True, "None"

    def check(self):
        _only_2d(self)
        super().check()

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is not None and len(data) != 4:
            raise self.error(f"data has shape {tuple(data)}, expected (batch, channel, y, x)")
        return super().infer_shape(in_shapes)

    def onnx(self, graph, inputs, outputs):
        if not self.global_pool and (any(self.pad) or self.pooling_convention == "full"):
            raise self.error("pad or pooling_convention='full': Pooling_v1's zero padding and "
                             "whole-kernel averages have no ONNX form", GraphError)
        super().onnx(graph, inputs, outputs)

    def _modern(self):
        """The Pooling that computes this on the zero-padded input (avg: as a sum)."""
        attrs = {"global_pool": self.global_pool, "pool_type": "max" if self.pool_type == "max" else "sum"}
        if not self.global_pool:
            attrs.update(kernel=self.kernel, stride=self.stride, pooling_convention=self.pooling_convention)
        return Pooling(node_name=self.node_name, **attrs)

    def _area(self, x_shape):
        return math.prod(x_shape[2:]) if self.global_pool else math.prod(self.kernel)

    def _pad(self):
        return (0, 0) if self.global_pool else tuple(self.pad)

    def forward(self, xp, inputs, aux, is_train):
        x = inputs[0]
        (ph, pw) = self._pad()
        padded = xp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
        outputs, saved = self._modern().forward(xp, [padded], aux, is_train)
        out = outputs[0]
        if self.pool_type == "avg":
            out = out / out.dtype.type(self._area(x.shape))
        return [out], (saved, x.shape) if is_train else None

    def backward(self, xp, saved, out_grads, needs):
        saved, x_shape = saved
        grad = out_grads[0]
        if self.pool_type == "avg":
            grad = grad / grad.dtype.type(self._area(x_shape))
        padded = self._modern().backward(xp, saved, [grad], needs)[0]
        (ph, pw) = self._pad()
        return [padded[:, :, ph:ph + x_shape[2], pw:pw + x_shape[3]]]


@register_op()
class BatchNormV1(BatchNorm):
    name = "BatchNorm_v1"
    doc = ("Deprecated batch normalisation of (N, C) or (N, C, H, W) data over channel axis 1; "
           "output_mean_var gives the variance.")
    params = {key: BatchNorm.params[key] for key in
              ("eps", "momentum", "fix_gamma", "use_global_stats", "output_mean_var")}
    params["output_mean_var"] = Param("bool", False, "also output the mean and the variance")
    # the modern attributes BatchNorm_v1 does not have
    axis, cudnn_off, min_calib_range, max_calib_range = 1, False, None, None

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is not None and len(data) not in (2, 4):
            raise self.error(f"data has shape {tuple(data)}, expected (N, C) or (N, C, H, W)")
        return super().infer_shape(in_shapes)

    def forward(self, xp, inputs, aux, is_train):
        outputs, saved = super().forward(xp, inputs, aux, is_train)
        if self.output_mean_var:
            batch_stats = is_train and not self.use_global_stats
            var = saved[5][1] if batch_stats else aux[1]
            outputs[2] = var.astype(inputs[0].dtype, copy=False)
        return outputs, saved
