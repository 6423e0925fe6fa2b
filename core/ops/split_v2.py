"""MXNet 1.9.1's ``_split_v2`` (``mx.nd.split_v2`` / ``mx.sym.split_v2`` call it): cut
data along axis at the given start indices, or into ``sections`` nearly equal parts (the
first ``size % sections`` parts one longer)."""
from __future__ import annotations

import numbers

from ..errors import GraphError
from .attrs import Param
from .base import Op, axis_index
from .registry import register_op


@register_op()
class SplitV2(Op):
    name = "_split_v2"
    category = "Tensor"
    doc = ("Cut data along axis into the parts starting at each of indices (the first is "
           "usually 0), or into sections nearly equal parts.")
    per_sample = False   # may split the batch axis
    starter_attrs = {"indices": "()", "sections": "2"}
    params = {
        "indices": Param("shape", doc="where each part starts along axis (ignored when sections > 0)",
                         low=0),
        "axis": Param("int", 1, "the axis to cut"),
        "squeeze_axis": Param("bool", False, "drop the cut axis (each part must have size 1 there)"),
        "sections": Param("int", 0, "number of nearly equal parts; 0: cut at indices", low=0),
    }

    def check(self):
        if self.sections == 0 and not self.indices:
            raise self.error("give indices (where the parts start) or sections > 0", GraphError)

    def _count(self):
        return self.sections if self.sections > 0 else len(self.indices)

    def list_outputs(self):
        return [f"output{i}" for i in range(self._count())]

    def _bounds(self, size):
        """[(start, end)] of each part along an axis of ``size``."""
        if self.sections > 0:
            small, longer = divmod(size, self.sections)
            ends = [0]
            for part in range(self.sections):
                ends.append(ends[-1] + small + (part < longer))
            starts = ends[:-1]
        else:
            starts = list(self.indices)
        ends = starts[1:] + [size]
        for start, end in zip(starts, ends):
            if not start <= end <= size:
                raise self.error(f"indices {self.indices} do not cut an axis of size {size}: each "
                                 f"must be at most the next and at most {size}")
        return list(zip(starts, ends))

    def infer_shape(self, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None] * self._count(), []
        data = tuple(data)
        axis = axis_index(self, self.axis, len(data))
        outs = []
        for start, end in self._bounds(data[axis]):
            if self.squeeze_axis and end - start != 1:
                raise self.error(f"squeeze_axis needs parts of size 1 along axis {self.axis}, "
                                 f"but one has size {end - start}")
            middle = () if self.squeeze_axis else (end - start,)
            outs.append(data[:axis] + middle + data[axis + 1:])
        return [data], outs, []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        _, shapes, _ = self.infer_shape([data.shape])
        axis = self.axis % data.ndim
        parts = []
        for (start, end), shape in zip(self._bounds(data.shape[axis]), shapes):
            index = (slice(None),) * axis + (slice(start, end),)
            parts.append(data[index].reshape(shape).copy())
        return parts, (axis, data.shape)

    def backward(self, xp, saved, out_grads, needs):
        axis, shape = saved
        grad = xp.zeros(shape, dtype=out_grads[0].dtype)
        for (start, end), g in zip(self._bounds(shape[axis]), out_grads):
            index = (slice(None),) * axis + (slice(start, end),)
            grad[index] = g.reshape(grad[index].shape)
        return [grad]


def split_v2_attrs(indices_or_sections, axis, squeeze_axis):
    """``_split_v2``'s attributes for MXNet's Symbol function ``split_v2(ary,
    indices_or_sections, axis, squeeze_axis)``: an int is that many sections, a tuple the
    indices where the parts after the first start."""
    attrs = {"axis": axis, "squeeze_axis": squeeze_axis}
    if isinstance(indices_or_sections, numbers.Integral) and not isinstance(indices_or_sections, bool):
        return {**attrs, "indices": (), "sections": int(indices_or_sections)}
    if isinstance(indices_or_sections, tuple):
        return {**attrs, "indices": (0, *indices_or_sections), "sections": 0}
    raise GraphError("split_v2: indices_or_sections must be an int or a tuple of ints, got "
                     f"{type(indices_or_sections).__name__}")
