"""Joining and cutting: Concat, stack, SliceChannel (split), slice_axis, slice."""
from __future__ import annotations

import ast

from ..errors import GraphError
from .attrs import Param
from .base import Op, same_shape_op_infer
from .registry import register_op

#: ONNX Slice's end for "past the first position, walking backwards"
INT64_MIN = -(2 ** 63)


def _axis(op, axis, ndim, shape):
    if not -ndim <= axis < ndim:
        raise op.error(f"axis {axis} is out of range for data {tuple(shape)} ({ndim} axes)")
    return axis % ndim


@register_op("concat")
class Concat(Op):
    name = "Concat"
    category = "Tensor"
    doc = "Join num_args arrays along axis dim; all other axes must match."
    per_sample = True   # unless it joins along the batch axis (is_per_sample)
    palette_group = "Merge"
    starter_attrs = {"num_args": "2"}
    params = {
        "num_args": Param("int", doc="number of inputs", low=1),
        "dim": Param("int", 1, "the axis to join along"),
    }

    def is_per_sample(self):
        return self.dim != 0

    def list_arguments(self):
        return [f"arg{i}" for i in range(self.num_args)]

    def infer_shape(self, in_shapes):
        names = self.list_arguments()
        known = [(n, tuple(s)) for n, s in zip(names, in_shapes) if s is not None]
        if not known:
            return in_shapes, [None], []
        first_name, first = known[0]
        axis = _axis(self, self.dim, len(first), first)
        for name, shape in known[1:]:
            if len(shape) != len(first) or any(a != b for i, (a, b) in enumerate(zip(shape, first))
                                               if i != axis):
                raise self.error(f"input {name} has shape {shape} but {first_name} has {first}; "
                                 f"all axes except dim={self.dim} must match")
        if len(known) < len(names):
            return in_shapes, [None], []
        out = list(first)
        out[axis] = sum(shape[axis] for _, shape in known)
        return [s for _, s in known], [tuple(out)], []

    def forward(self, xp, inputs, aux, is_train):
        axis = self.dim % inputs[0].ndim
        return [xp.concatenate(inputs, axis=axis)], (axis, [x.shape[axis] for x in inputs])

    def onnx(self, graph, inputs, outputs):
        graph.node("Concat", inputs, outputs, axis=self.dim)

    def backward(self, xp, saved, out_grads, needs):
        axis, sizes = saved
        grads, start = [], 0
        index = [slice(None)] * out_grads[0].ndim
        for size, need in zip(sizes, needs):
            index[axis] = slice(start, start + size)
            grads.append(out_grads[0][tuple(index)] if need else None)
            start += size
        return grads


@register_op("split")
class SliceChannel(Op):
    name = "SliceChannel"
    category = "Tensor"
    doc = "Cut data into num_outputs equal parts along axis (optionally dropping that axis)."
    per_sample = False   # may split the batch axis; not checked for lanes
    starter_attrs = {"num_outputs": "2"}
    params = {
        "num_outputs": Param("int", doc="number of parts", low=1),
        "axis": Param("int", 1, "the axis to cut"),
        "squeeze_axis": Param("bool", False, "drop the cut axis (each part must have size 1 there)"),
    }

    def list_outputs(self):
        return [f"output{i}" for i in range(self.num_outputs)]

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None] * self.num_outputs, []
        data = tuple(data)
        axis = _axis(self, self.axis, len(data), data)
        if data[axis] % self.num_outputs:
            raise self.error(f"axis {self.axis} of data {data} has size {data[axis]}, which does "
                             f"not split into num_outputs={self.num_outputs} equal parts")
        part = data[axis] // self.num_outputs
        if self.squeeze_axis and part != 1:
            raise self.error(f"squeeze_axis needs parts of size 1, but axis {self.axis} of data "
                             f"{data} splits into parts of {part}")
        out = data[:axis] + ((part,) if not self.squeeze_axis else ()) + data[axis + 1:]
        return [data], [out] * self.num_outputs, []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        self.infer_shape([data.shape])  # the same checks as at bind time
        axis = self.axis % data.ndim
        # copies, so writing into one output never changes the input or another part
        parts = [p.copy() for p in xp.split(data, self.num_outputs, axis=axis)]
        if self.squeeze_axis:
            parts = [p.reshape(p.shape[:axis] + p.shape[axis + 1:]) for p in parts]
        return parts, (axis, data.shape)

    def onnx(self, graph, inputs, outputs):
        shape = graph.shape(inputs[0])
        axis = _axis(self, self.axis, len(shape), shape)
        sizes = graph.ints("split", [shape[axis] // self.num_outputs] * self.num_outputs)
        parts = [graph.fresh(f"{name}_part") for name in outputs] if self.squeeze_axis else outputs
        graph.node("Split", [inputs[0], sizes], parts, axis=axis)
        if self.squeeze_axis:
            for part, name in zip(parts, outputs):
                graph.node("Squeeze", [part, graph.ints("axes", [axis])], [name])

    def backward(self, xp, saved, out_grads, needs):
        axis, shape = saved
        if self.squeeze_axis:
            out_grads = [xp.expand_dims(g, axis) for g in out_grads]
        return [xp.concatenate(out_grads, axis=axis).reshape(shape)]


@register_op()
class SliceAxis(Op):
    name = "slice_axis"
    category = "Tensor"
    doc = "Keep positions begin..end-1 of one axis (negative counts from the end)."
    per_sample = False   # may slice the batch axis; not checked for lanes
    starter_attrs = {"axis": "1", "begin": "0", "end": "1"}
    params = {
        "axis": Param("int", doc="the axis to slice"),
        "begin": Param("int", doc="first position kept"),
        "end": Param("int_or_none", doc="one past the last position kept; None: to the end"),
    }

    def _range(self, shape):
        axis = _axis(self, self.axis, len(shape), shape)
        size = shape[axis]
        begin = self.begin + size if self.begin < 0 else self.begin
        end = size if self.end is None else self.end + size if self.end < 0 else self.end
        if not 0 <= begin < end <= size:
            raise self.error(f"begin={self.begin}, end={self.end} select nothing valid from axis "
                             f"{self.axis} of size {size} (data {tuple(shape)})")
        return axis, begin, end

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None], []
        axis, begin, end = self._range(data)
        out = list(data)
        out[axis] = end - begin
        return [tuple(data)], [tuple(out)], []

    def _index(self, ndim, axis, begin, end):
        index = [slice(None)] * ndim
        index[axis] = slice(begin, end)
        return tuple(index)

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        axis, begin, end = self._range(data.shape)
        return [data[self._index(data.ndim, axis, begin, end)].copy()], (data.shape, data.dtype)

    def onnx(self, graph, inputs, outputs):
        axis, begin, end = self._range(graph.shape(inputs[0]))
        graph.slice(inputs[0], outputs[0], [begin], [end], [axis])

    def backward(self, xp, saved, out_grads, needs):
        shape, dtype = saved
        axis, begin, end = self._range(shape)
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        grad[self._index(len(shape), axis, begin, end)] = out_grads[0]
        return [grad]


@register_op()
class Stack(Op):
    name = "stack"
    category = "Tensor"
    doc = "Join num_args arrays of one shape along a new axis."
    per_sample = False   # stacks along a new axis, possibly before the batch
    starter_attrs = {"num_args": "2", "axis": "1"}
    params = {
        "axis": Param("int", 0, "where the new axis goes, in [-ndim-1, ndim]"),
        "num_args": Param("int", doc="number of inputs", low=1),
    }

    def list_arguments(self):
        return [f"arg{i}" for i in range(self.num_args)]

    def _position(self, ndim):
        if not -ndim - 1 <= self.axis <= ndim:
            raise self.error(f"axis={self.axis} is out of range [{-ndim - 1}, {ndim}] for "
                             f"inputs with {ndim} axes")
        return self.axis % (ndim + 1)

    def infer_shape(self, in_shapes):
        shapes, outs, aux = same_shape_op_infer(self, in_shapes)
        if outs[0] is None:
            return shapes, outs, aux
        axis = self._position(len(outs[0]))
        return shapes, [outs[0][:axis] + (self.num_args,) + outs[0][axis:]], aux

    def forward(self, xp, inputs, aux, is_train):
        axis = self._position(inputs[0].ndim)
        return [xp.stack(inputs, axis=axis)], axis

    def onnx(self, graph, inputs, outputs):
        """Each input with the new axis (Unsqueeze), joined along it (Concat)."""
        axis = self._position(len(graph.shape(inputs[0])))
        lifted = []
        for name in inputs:
            lifted.append(graph.fresh(f"{name}_lifted"))
            graph.node("Unsqueeze", [name, graph.ints("axes", [axis])], [lifted[-1]])
        graph.node("Concat", lifted, outputs, axis=axis)

    def backward(self, xp, axis, out_grads, needs):
        g = out_grads[0]
        return [xp.take(g, i, axis=axis) if need else None for i, need in enumerate(needs)]


def _parse_bounds(text):
    """MXNet's begin/end/step: a tuple of ints where None means the default."""
    value = ast.literal_eval(str(text).strip() or "()")
    value = (value,) if value is None or isinstance(value, int) else tuple(value)
    if not all(v is None or isinstance(v, int) for v in value):
        raise ValueError(f"expected a tuple of integers or None, got {text!r}")
    return value


@register_op("crop")
class Slice(Op):
    name = "slice"
    category = "Tensor"
    doc = "data[begin:end:step] on the first len(begin) axes; None takes the default."
    per_sample = False   # may slice the batch axis; not checked for lanes
    starter_attrs = {"begin": "(None, 0)", "end": "(None, 1)"}
    params = {
        "begin": Param("str", doc="first position per axis, e.g. (0, None)"),
        "end": Param("str", doc="one past the last position per axis"),
        "step": Param("str", "()", "step per axis (default 1; negative walks backwards)"),
    }

    def check(self):
        try:
            self._begin, self._end, self._step = (_parse_bounds(v) for v in (self.begin, self.end, self.step))
        except (ValueError, SyntaxError) as error:
            raise self.error(f"begin/end/step: {error}", GraphError) from None
        if len(self._begin) != len(self._end) or len(self._step) not in (0, len(self._begin)):
            raise self.error(f"begin={self.begin}, end={self.end}, step={self.step} must have "
                             f"the same length", GraphError)
        if 0 in self._step:
            raise self.error(f"step={self.step} has a 0", GraphError)

    def _index(self, shape):
        if len(self._begin) > len(shape):
            raise self.error(f"begin={self.begin} has {len(self._begin)} axes, data {tuple(shape)} "
                             f"has {len(shape)}")
        steps = self._step or (None,) * len(self._begin)
        index = tuple(slice(b, e, s) for b, e, s in zip(self._begin, self._end, steps))
        out = tuple(len(range(*part.indices(d))) for part, d in zip(index, shape)) + tuple(shape[len(index):])
        if 0 in out:
            raise self.error(f"begin={self.begin}, end={self.end}, step={self.step} select nothing "
                             f"from data {tuple(shape)}")
        return index, out

    def infer_shape(self, in_shapes):
        if in_shapes[0] is None:
            return in_shapes, [None], []
        return [tuple(in_shapes[0])], [self._index(in_shapes[0])[1]], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        index, _ = self._index(data.shape)
        return [data[index].copy()], (data.shape, index)

    def onnx(self, graph, inputs, outputs):
        """Slice with the positions Python's slices resolve to; walking backwards past the
        first position is ONNX's "end below the start of the axis" (INT64_MIN)."""
        shape = graph.shape(inputs[0])
        index, _ = self._index(shape)
        bounds = [part.indices(size) for part, size in zip(index, shape)]
        ends = [stop if stop >= 0 else INT64_MIN for _, stop, _ in bounds]
        graph.slice(inputs[0], outputs[0], [start for start, _, _ in bounds], ends, range(len(bounds)),
                    [step for _, _, step in bounds])

    def backward(self, xp, saved, out_grads, needs):
        shape, index = saved
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        grad[index] = out_grads[0]
        return [grad]
