"""Arrays made from attributes alone, as MXNet 1.9.1's symbol graphs hold them: _zeros,
_ones, _full, _arange, _linspace, _eye (what ``mx.sym.zeros(shape)`` and friends make,
core/symbol/creation.py). They take no inputs, so they have no gradient."""
from __future__ import annotations

import math

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op

DTYPES = ("float16", "float32", "float64", "int8", "uint8", "int32", "int64", "bool")
_DTYPE = Param("str", "float32", "the array's dtype", choices=DTYPES)
_CTX = Param("str", "", "MXNet's device string; the graph's context decides here")


class _Creation(Op):
    category = "Tensor"
    per_sample = False   # the same array whatever the batch
    params = {"shape": Param("shape", (), "the array's shape"), "ctx": _CTX, "dtype": _DTYPE}

    def list_arguments(self):
        return []

    def out_shape(self):
        return tuple(self.shape)

    def check(self):
        if any(d < 0 for d in self.out_shape()):
            raise self.error(f"shape {self.out_shape()} has a negative size", GraphError)

    def infer_shape(self, in_shapes):
        return [], [self.out_shape()], []

    def make(self, xp):
        raise NotImplementedError

    def forward(self, xp, inputs, aux, is_train):
        return [self.make(xp).astype(self.dtype, copy=False)], None

    def backward(self, xp, saved, out_grads, needs):
        return []


@register_op()
class Zeros(_Creation):
    name = "_zeros"
    doc = "An array of zeros."
    starter_attrs = {"shape": "(1, 1)"}

    def make(self, xp):
        return xp.zeros(self.shape, dtype=self.dtype)


@register_op()
class Ones(_Creation):
    name = "_ones"
    doc = "An array of ones."
    starter_attrs = {"shape": "(1, 1)"}

    def make(self, xp):
        return xp.ones(self.shape, dtype=self.dtype)


@register_op()
class Full(_Creation):
    name = "_full"
    doc = "An array filled with value."
    starter_attrs = {"shape": "(1, 1)", "value": "0"}
    params = {**_Creation.params, "value": Param("float", doc="the fill value")}

    def make(self, xp):
        return xp.full(self.shape, self.value, dtype=self.dtype)


@register_op()
class Arange(_Creation):
    name = "_arange"
    doc = "Evenly spaced values start, start + step, ... below stop, each repeated `repeat` times."
    params = {
        "start": Param("float", 0.0, "the first value (the end when stop is None)"),
        "stop": Param("float_or_none", None, "the end, excluded; None: from 0 to start"),
        "step": Param("float", 1.0, "the spacing"),
        "repeat": Param("int", 1, "how many times each value repeats"),
        "infer_range": Param("bool", False, "MXNet's unknown-stop mode (not supported)"),
        "ctx": _CTX,
        "dtype": _DTYPE,
    }

    def _range(self):
        return (0.0, self.start) if self.stop is None else (self.start, self.stop)

    def check(self):
        if self.step == 0:
            raise self.error("step must not be 0", GraphError)
        if self.repeat < 1:
            raise self.error(f"repeat must be at least 1, got {self.repeat}", GraphError)
        if self.infer_range:
            raise self.error("infer_range=True is not supported; give stop", GraphError)

    def out_shape(self):
        start, stop = self._range()
        return (max(0, math.ceil((stop - start) / self.step)) * self.repeat,)

    def make(self, xp):
        start, stop = self._range()
        count = self.out_shape()[0] // self.repeat
        values = start + xp.arange(count, dtype="float64") * self.step
        return xp.repeat(values, self.repeat)


@register_op()
class Linspace(_Creation):
    name = "_linspace"
    doc = "num evenly spaced values from start to stop (stop included when endpoint)."
    starter_attrs = {"start": "0", "stop": "1", "num": "5"}
    params = {
        "start": Param("float", doc="the first value"),
        "stop": Param("float", doc="the last value (or the end, when not endpoint)"),
        "num": Param("int", doc="how many values"),
        "endpoint": Param("bool", True, "include stop"),
        "ctx": _CTX,
        "dtype": _DTYPE,
    }

    def out_shape(self):
        return (self.num,)

    def make(self, xp):
        return xp.linspace(self.start, self.stop, self.num, endpoint=self.endpoint)


@register_op()
class Eye(_Creation):
    name = "_eye"
    doc = "An N x M matrix with ones on diagonal k, zeros elsewhere."
    starter_attrs = {"N": "2"}
    params = {
        "N": Param("int", doc="rows"),
        "M": Param("int", 0, "columns; 0: N"),
        "k": Param("int", 0, "the diagonal: 0 main, > 0 above, < 0 below"),
        "ctx": _CTX,
        "dtype": _DTYPE,
    }

    def out_shape(self):
        return (self.N, self.M or self.N)

    def make(self, xp):
        return xp.eye(self.N, self.M or self.N, k=self.k)
