"""Shape-only operators: Flatten, Reshape (with MXNet's special codes), transpose,
expand_dims, squeeze. Each backward reshapes or permutes the gradient back."""
from __future__ import annotations

import math

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


class _ShapeOp(Op):
    """One input, one output whose values are the input's, rearranged by ``out_shape``."""
    category = "Tensor"
    per_sample = False   # expand_dims and squeeze may touch axis 0; not checked for lanes

    def out_shape(self, data):
        raise NotImplementedError

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [tuple(data)], [self.out_shape(tuple(data))], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        return [data.reshape(self.out_shape(data.shape))], data.shape

    def backward(self, xp, saved, out_grads, needs):
        return [out_grads[0].reshape(saved)]

    def onnx(self, graph, inputs, outputs):
        """A Reshape to the inferred shape; an unchanged batch axis stays free (0: copy)."""
        data, out = graph.shape(inputs[0]), list(graph.shape(outputs[0]))
        if out and data and out[0] == data[0]:
            out[0] = 0
        shape = graph.constant(f"{outputs[0]}_shape", np.array(out, np.int64))
        graph.node("Reshape", [inputs[0], shape], outputs)


@register_op("flatten")
class Flatten(_ShapeOp):
    name = "Flatten"
    doc = "Collapse every axis after the first: (n, c, h, w) → (n, c·h·w)."
    per_sample = True
    palette_group = "Dense"      # what goes between the last convolution and the dense layers
    params = {}

    def out_shape(self, data):
        return (data[0], math.prod(data[1:]))

    def onnx(self, graph, inputs, outputs):
        graph.node("Flatten", inputs, outputs, axis=1)


@register_op("reshape")
class Reshape(_ShapeOp):
    name = "Reshape"
    doc = ("New shape, same values. Codes: 0 copies an input axis, -1 infers one axis, -2 "
           "copies the rest, -3 merges two axes, -4 splits one (-4, a, b); reverse=True "
           "matches the codes from the right.")
    per_sample = True   # lane_ops' shape check catches a batch folded into another axis
    starter_attrs = {"shape": "(0, -1)"}
    params = {
        "shape": Param("shape", (), "the new shape, with the special codes 0, -1, -2, -3, -4", low=-4),
        "reverse": Param("bool", False, "apply the codes from the last axis backwards"),
        "target_shape": Param("shape", (), "deprecated: the new shape, one 0 to infer", low=0),
        "keep_highest": Param("bool", False, "deprecated: keep the first axis with target_shape"),
    }

    def check(self):
        if not self.shape and not self.target_shape:
            raise self.error("give the new shape: shape=(...)", GraphError)

    def out_shape(self, data):
        out = self._from_codes(data) if self.shape else self._from_target(data)
        if math.prod(out) != math.prod(data):
            raise self.error(f"cannot reshape data {data} ({math.prod(data)} values) to "
                             f"{tuple(out)} ({math.prod(out)} values) with shape={self.shape}")
        return tuple(out)

    def _from_codes(self, data):
        """MXNet's InferReshapeShape: walk the codes, consuming input axes."""
        codes = list(reversed(self.shape)) if self.reverse else list(self.shape)
        src = list(reversed(data)) if self.reverse else list(data)
        out, at, infer = [], 0, None
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in (0, -3, -4) and at + (code == -3) >= len(src):
                side = " counting from the last" if self.reverse else ""
                raise self.error(f"code {code} in shape={self.shape} reads input axis {at}{side}, "
                                 f"but data {data} has only {len(src)} axes")
            if code == 0:
                out.append(src[at])
                at += 1
            elif code == -1:
                if infer is not None:
                    raise self.error(f"shape={self.shape} has more than one -1")
                infer, at = len(out), at + 1
                out.append(1)
            elif code == -2:
                out += src[at:]
                at = len(src)
            elif code == -3:
                out.append(src[at] * src[at + 1])
                at += 2
            elif code == -4:
                out += self._split(src[at], codes[i + 1:i + 3])
                at, i = at + 1, i + 2
            elif code > 0:
                out.append(code)
                at += 1
            else:
                raise self.error(f"shape={self.shape} has {code}; codes are 0, -1, -2, -3, -4")
            i += 1
        if infer is not None:
            known = math.prod(out)
            if math.prod(data) % known:
                raise self.error(f"cannot infer the -1 in shape={self.shape}: {math.prod(data)} "
                                 f"values of data {data} do not divide by {known}")
            out[infer] = math.prod(data) // known
        return out[::-1] if self.reverse else out

    def _split(self, dim, pair):
        if len(pair) != 2:
            raise self.error(f"-4 in shape={self.shape} must be followed by two sizes")
        first, second = pair
        if first == -1 and second == -1:
            raise self.error(f"-4 in shape={self.shape}: only one of the two sizes may be -1")
        first = dim // second if first == -1 else first
        second = dim // first if second == -1 else second
        if first * second != dim:
            raise self.error(f"-4 in shape={self.shape}: {first} x {second} does not split axis of size {dim}")
        return [first, second]

    def _from_target(self, data):
        """The deprecated target_shape: exactly one 0 is inferred."""
        out = list(self.target_shape)
        start = 1 if self.keep_highest else 0
        if self.keep_highest:
            out[0] = data[0]
        zeros = [i for i in range(start, len(out)) if out[i] == 0]
        if len(zeros) > 1:
            raise self.error(f"target_shape={self.target_shape} has more than one 0 to infer")
        if zeros:
            out[zeros[0]] = 1
            out[zeros[0]] = math.prod(data) // math.prod(out)
        return out


@register_op()
class Transpose(Op):
    name = "transpose"
    category = "Tensor"
    doc = "Permute the axes (default: reverse them)."
    per_sample = False   # may move the batch axis
    params = {"axes": Param("shape", (), "the new order of the axes; () reverses them")}

    def _axes(self, ndim):
        if not self.axes:
            return tuple(reversed(range(ndim)))
        if sorted(self.axes) != list(range(ndim)):
            raise self.error(f"axes={self.axes} is not an order of the {ndim} axes 0..{ndim - 1}")
        return self.axes

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        return [tuple(data)], [tuple(data[a] for a in self._axes(len(data)))], []

    def forward(self, xp, inputs, aux, is_train):
        axes = self._axes(inputs[0].ndim)
        return [inputs[0].transpose(axes)], axes

    def backward(self, xp, axes, out_grads, needs):
        inverse = sorted(range(len(axes)), key=lambda i: axes[i])
        return [out_grads[0].transpose(inverse)]

    def onnx(self, graph, inputs, outputs):
        graph.node("Transpose", inputs, outputs, perm=list(self._axes(len(graph.shape(inputs[0])))))


@register_op()
class ExpandDims(_ShapeOp):
    name = "expand_dims"
    doc = "Insert an axis of size 1 at position axis."
    starter_attrs = {"axis": "1"}
    params = {"axis": Param("int", doc="where the new axis goes, in [-ndim-1, ndim]")}

    def out_shape(self, data):
        ndim = len(data)
        if not -ndim - 1 <= self.axis <= ndim:
            raise self.error(f"axis={self.axis} is out of range [{-ndim - 1}, {ndim}] for data {data}")
        axis = self.axis + ndim + 1 if self.axis < 0 else self.axis
        return data[:axis] + (1,) + data[axis:]


@register_op()
class Squeeze(_ShapeOp):
    name = "squeeze"
    doc = "Remove axes of size 1 (all of them, or those listed)."
    params = {"axis": Param("shape_or_none", None, "the axes to remove; None: every size-1 axis")}

    def out_shape(self, data):
        ndim = len(data)
        if self.axis is None:
            drop = {i for i, d in enumerate(data) if d == 1}
        else:
            drop = set()
            for axis in self.axis:
                if not -ndim <= axis < ndim:
                    raise self.error(f"axis {axis} is out of range for data {data}")
                if data[axis % ndim] != 1:
                    raise self.error(f"cannot squeeze axis {axis} of data {data}: its size is "
                                     f"{data[axis % ndim]}, not 1")
                drop.add(axis % ndim)
        out = tuple(d for i, d in enumerate(data) if i not in drop)
        # NOTE: MXNet has no 0-d arrays; squeezing everything leaves (1,)
        return out or (1,)


@register_op("swapaxes")
class SwapAxis(Op):
    name = "SwapAxis"
    category = "Tensor"
    doc = "Exchange two axes."
    per_sample = False   # may move the batch axis
    params = {
        "dim1": Param("int", 0, "first axis"),
        "dim2": Param("int", 0, "second axis"),
    }

    def _axes(self, shape):
        ndim = len(shape)
        for dim in (self.dim1, self.dim2):
            if not -ndim <= dim < ndim:
                raise self.error(f"axis {dim} is out of range for data {tuple(shape)}")
        return self.dim1 % ndim, self.dim2 % ndim

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        first, second = self._axes(data)
        out = list(data)
        out[first], out[second] = data[second], data[first]
        return [tuple(data)], [tuple(out)], []

    def forward(self, xp, inputs, aux, is_train):
        first, second = self._axes(inputs[0].shape)
        return [inputs[0].swapaxes(first, second)], (first, second)

    def backward(self, xp, axes, out_grads, needs):
        return [out_grads[0].swapaxes(*axes)]

    def onnx(self, graph, inputs, outputs):
        shape = graph.shape(inputs[0])
        first, second = self._axes(shape)
        perm = list(range(len(shape)))
        perm[first], perm[second] = second, first
        graph.node("Transpose", inputs, outputs, perm=perm)
