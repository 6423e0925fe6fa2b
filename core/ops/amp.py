"""MXNet 1.9.1's automatic-mixed-precision operators: amp_cast, amp_multicast,
all_finite, multi_all_finite.

amp_cast and amp_multicast cast only float32 and float16 values (MXNet's bfloat16 has no
NumPy type); other dtypes, float64 included, pass unchanged, as in MXNet. Their gradient
is the output's gradient cast back to the input's dtype.

all_finite and multi_all_finite answer a float32 ``[1.]`` when every value of their
input(s) is finite, else ``[0.]``. With ``init_output=False`` the answer is combined with
the ``out=`` array's value (``mx.nd.multi_all_finite(*grads, num_arrays=n,
init_output=False, out=flag)`` keeps a 0 already in ``flag``, as MXNet's loss scaler
checks its gradients in chunks; in a bound Symbol, with no out=, it starts from 1).
"""
from __future__ import annotations

import numpy as np

from .attrs import Param
from .base import Op, same_shape_op_infer
from .passthrough import CAST_TYPES, Cast
from .registry import register_op
from .update import NoGradientOp

#: the dtypes amp casts between (MXNet's bfloat16 has no NumPy equivalent)
AMP_TYPES = (np.float32, np.float16)


def _is_amp_type(dtype):
    return np.dtype(dtype).type in AMP_TYPES


class _CastBack(Op):
    """Casts each input to a dtype; each gradient goes back to its input's dtype."""
    category = "Tensor"
    per_sample = True

    def targets(self, dtypes):
        """The dtype of each output, given the inputs'."""
        raise NotImplementedError

    def tie_types(self, in_types, out_types):
        """Type inference (core/symbol/types.py): each output's dtype from the inputs'."""
        if any(t is None for t in in_types):
            return in_types, out_types
        return in_types, [np.dtype(t).type for t in self.targets(in_types)]

    def forward(self, xp, inputs, aux, is_train):
        dtypes = [x.dtype for x in inputs]
        return [x.astype(t, copy=False) for x, t in zip(inputs, self.targets(dtypes))], dtypes

    def backward(self, xp, dtypes, out_grads, needs):
        return [g.astype(t, copy=False) for g, t in zip(out_grads, dtypes)]


@register_op()
class AMPCast(_CastBack):
    name = "amp_cast"
    doc = "data cast to dtype when it is float32 or float16 (other dtypes pass unchanged); the gradient cast back."
    starter_attrs = {"dtype": "float16"}
    params = {"dtype": Param("str", doc="the output's dtype for float data", choices=CAST_TYPES)}

    check = Cast.check   # bfloat16 has no NumPy/CuPy type

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def targets(self, dtypes):
        return [self.dtype if _is_amp_type(dtypes[0]) else dtypes[0]]


@register_op()
class AMPMultiCast(_CastBack):
    name = "amp_multicast"
    doc = ("num_outputs inputs, each float32/float16 one cast to their widest type "
           "(narrowest with cast_narrow); other dtypes pass unchanged; gradients cast back.")
    starter_attrs = {"num_outputs": "2"}
    params = {"num_outputs": Param("int", doc="number of inputs (and outputs)", low=1),
              "cast_narrow": Param("bool", False, "cast to the narrowest type instead")}

    def list_arguments(self):
        return [f"data_{i}" for i in range(self.num_outputs)]

    def list_outputs(self):
        return [f"output{i}" for i in range(self.num_outputs)]

    def infer_shape(self, in_shapes):
        return list(in_shapes), list(in_shapes), []

    def targets(self, dtypes):
        # MXNet's rule, word for word: start from the first input's dtype (float32 when
        # narrowing); any float32 input widens to float32, any float16 narrows to float16
        kinds = [np.dtype(t).type for t in dtypes]
        common = np.float32 if self.cast_narrow else kinds[0]
        wanted = np.float16 if self.cast_narrow else np.float32
        if wanted in kinds:
            common = wanted
        return [common if kind in AMP_TYPES else kind for kind in kinds]


class _AllFinite(NoGradientOp):
    params = {"init_output": Param("bool", True, "start from 1; False: from the out= array's value")}

    def infer_shape(self, in_shapes):
        return list(in_shapes), [(1,)], []

    def tie_types(self, in_types, out_types):
        return in_types, [np.float32]

    def forward(self, xp, inputs, aux, is_train):
        finite = all(bool(xp.isfinite(x.astype(np.float32, copy=False)).all()) for x in inputs)
        return [xp.full((1,), float(finite), dtype=np.float32)], None

    def combine_with_out(self, xp, previous, result):
        """The answer written into ``out=``: with init_output=False a 0 there stays."""
        return result if self.init_output else xp.minimum(previous.astype(np.float32), result)


@register_op()
class AllFinite(_AllFinite):
    name = "all_finite"
    doc = "[1.] when every value of data is finite, else [0.] (float32)."


@register_op()
class MultiAllFinite(_AllFinite):
    name = "multi_all_finite"
    doc = "[1.] when every value of the num_arrays arrays is finite, else [0.] (float32)."
    params = {"num_arrays": Param("int", 1, "number of arrays", low=1), **_AllFinite.params}

    def list_arguments(self):
        return [f"array_{i}" for i in range(self.num_arrays)]
