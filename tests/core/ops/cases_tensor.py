"""Gradient cases for shape, joining, slicing, padding, reduction, product and selection
operators, with every attribute combination that changes the code path."""
import numpy as np

from .gradcase import GradCase

ROW_FLAGS = np.array([1.0, 0.0, 2.0])
MASK = np.array([[1.0, 0.0, 0.0, 3.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]])

RESHAPES = [
    {"shape": (4, 0, 2)}, {"shape": (6, 1, -1)}, {"shape": (-1,)}, {"shape": (2, -2)},
    {"shape": (-2, 1, 1)}, {"shape": (-3, -2)}, {"shape": (-4, 1, 2, -2)},
    {"shape": (2, -4, -1, 3, -2)}, {"shape": (0, -1), "reverse": True},
    {"target_shape": (4, 0)}, {"target_shape": (3, 0), "keep_highest": True},
]

CASES = [
    GradCase("Flatten", {}, [(2, 3, 2, 2)]),
    *[GradCase("Reshape", attrs, [(2, 3, 4)]) for attrs in RESHAPES],
    GradCase("transpose", {}, [(2, 3, 4)]),
    GradCase("transpose", {"axes": (1, 0, 2)}, [(2, 3, 4)]),
    GradCase("transpose", {"axes": (2, 0, 3, 1)}, [(2, 3, 4, 1)]),
    GradCase("expand_dims", {"axis": 1}, [(2, 3)]),
    GradCase("expand_dims", {"axis": -1}, [(2, 3)]),
    GradCase("squeeze", {}, [(1, 3, 1, 2)]),
    GradCase("squeeze", {"axis": (2,)}, [(1, 3, 1, 2)]),
    GradCase("Concat", {"num_args": 2}, [(2, 3, 2), (2, 1, 2)]),
    GradCase("Concat", {"num_args": 3, "dim": 0}, [(1, 3), (2, 3), (1, 3)]),
    GradCase("Concat", {"num_args": 2, "dim": -1}, [(2, 3, 1), (2, 3, 2)]),
    GradCase("SliceChannel", {"num_outputs": 2}, [(2, 4, 3)]),
    GradCase("SliceChannel", {"num_outputs": 3, "axis": -1, "squeeze_axis": True}, [(2, 2, 3)]),
    GradCase("SliceChannel", {"num_outputs": 2, "axis": 0}, [(4, 3)]),
    GradCase("slice_axis", {"axis": 1, "begin": 1, "end": 3}, [(2, 4, 2)]),
    GradCase("slice_axis", {"axis": -1, "begin": -2, "end": None}, [(2, 3, 4)]),
    GradCase("slice_axis", {"axis": 0, "begin": 0, "end": -1}, [(3, 2)]),
    GradCase("Pad", {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 2, 2, 1)}, [(1, 2, 3, 3)]),
    GradCase("Pad", {"mode": "constant", "constant_value": 1.5, "pad_width": (0, 0, 0, 0, 0, 1, 1, 0)},
             [(2, 1, 2, 3)]),
    GradCase("Pad", {"mode": "edge", "pad_width": (0, 0, 0, 0, 2, 1, 1, 3)}, [(1, 2, 3, 3)]),
    GradCase("Pad", {"mode": "reflect", "pad_width": (0, 0, 0, 0, 2, 1, 1, 2)}, [(1, 2, 3, 4)]),
    GradCase("Pad", {"mode": "reflect", "pad_width": (0, 0, 0, 0, 1, 1, 0, 0, 1, 1)}, [(1, 1, 2, 3, 2)]),
    GradCase("Dropout", {}, [(3, 4)], forward_seed=1),
    GradCase("Dropout", {"p": 0.3, "axes": (1,)}, [(2, 3, 4)], forward_seed=2),
    GradCase("Dropout", {"p": 0.8, "mode": "always"}, [(3, 4)], forward_seed=3),
    GradCase("_copy", {}, [(2, 3)]),
    GradCase("Cast", {"dtype": "float64"}, [(2, 3)]),
    GradCase("ones_like", {}, [(2, 3)]),
    GradCase("zeros_like", {}, [(2, 3)]),
    *[GradCase(op, attrs, [(2, 3, 4)]) for op in ("sum", "mean")
      for attrs in ({}, {"axis": (1,)}, {"axis": (0, 2), "keepdims": True},
                    {"axis": (1,), "exclude": True}, {"axis": (-1,)})],
    *[GradCase(op, attrs, [(2, 3, 4)]) for op in ("max", "min")
      for attrs in ({}, {"axis": (1,)}, {"axis": (0, 2), "keepdims": True}, {"axis": (0,), "exclude": True})],
    GradCase("dot", {}, [(2, 3), (3, 4)]),
    GradCase("dot", {"transpose_a": True}, [(3, 2), (3, 4)]),
    GradCase("dot", {"transpose_b": True}, [(2, 3), (4, 3)]),
    GradCase("dot", {"transpose_a": True, "transpose_b": True}, [(3, 2), (4, 3)]),
    GradCase("dot", {}, [(2, 2, 3), (3, 2, 2)]),
    GradCase("dot", {"transpose_a": True}, [(2, 2, 3), (2, 4)]),
    GradCase("dot", {"transpose_b": True}, [(3, 2), (2, 2, 2)]),
    GradCase("dot", {}, [(3,), (3,)]),
    GradCase("dot", {}, [(3,), (3, 2)]),
    GradCase("batch_dot", {}, [(2, 3, 4), (2, 4, 2)]),
    GradCase("batch_dot", {"transpose_a": True, "transpose_b": True}, [(2, 4, 3), (2, 2, 4)]),
    GradCase("batch_dot", {"transpose_b": True}, [(2, 2, 3, 4), (2, 2, 5, 4)]),
    GradCase("SwapAxis", {"dim1": 0, "dim2": 2}, [(2, 3, 4)]),
    GradCase("SwapAxis", {"dim1": -1, "dim2": 1}, [(2, 3, 4)]),
    GradCase("stack", {"num_args": 2}, [(2, 3), (2, 3)]),
    GradCase("stack", {"num_args": 3, "axis": -1}, [(2, 3), (2, 3), (2, 3)]),
    GradCase("slice", {"begin": (0, 1), "end": (2, None)}, [(2, 3, 4)]),
    GradCase("slice", {"begin": (None, -1, 0), "end": (None, None, 4), "step": (1, -1, 2)}, [(2, 3, 4)]),
    GradCase("broadcast_to", {"shape": (2, 3, 0)}, [(2, 1, 4)]),
    GradCase("broadcast_axis", {"axis": (1, 2), "size": (3, 2)}, [(2, 1, 1)]),
    GradCase("broadcast_like", {}, [(1, 3), (4, 3)], skip=("rhs",)),
    GradCase("broadcast_like", {"lhs_axes": (0,), "rhs_axes": (1,)}, [(1, 3), (2, 4, 5)], skip=("rhs",)),
    GradCase("tile", {"reps": (2, 1, 3)}, [(2, 3)]),
    GradCase("tile", {"reps": (2,)}, [(2, 3)]),
    GradCase("repeat", {"repeats": 2}, [(2, 3)]),
    GradCase("repeat", {"repeats": 3, "axis": -1}, [(2, 3)]),
    GradCase("where", {}, [MASK, (3, 4), (3, 4)], skip=("condition",)),
    GradCase("where", {}, [ROW_FLAGS, (3, 2), (3, 2)], skip=("condition",)),
]
