"""Gradient cases for the MXNet 1.9.1 operators of issue 23 point 16: more elementwise
math, comparisons and logic, hypot and mod, more reductions, ordering."""
import numpy as np

from core.ops.binary_compare import _TESTS

from .gradcase import GradCase

rng = np.random.default_rng(23)
UNIT = rng.uniform(-0.8, 0.8, (2, 3))
POSITIVE = rng.uniform(0.3, 3.0, (2, 3))
ABOVE_ONE = rng.uniform(1.2, 3.0, (2, 3))
# comparisons and logic are flat here: no pair within 1e-6 of equality, no zero
LHS, RHS = np.array([[-1.0, 0.3, 0.5, 2.0]]), np.array([[0.25], [-0.75]])
NO_TIES = rng.permutation(12).reshape(3, 4) * 0.3


def _comparison_cases():
    for stem in _TESTS:
        yield GradCase(f"broadcast_{stem}", {}, [LHS, RHS])
        yield GradCase(f"_{stem}", {}, [LHS, np.array([[0.25, -0.75, 1.5, -2.0]])])
        yield GradCase(f"_{stem}_scalar", {"scalar": 0.25}, [LHS])


CASES = [
    *[GradCase(op, {}, [(2, 3)]) for op in ("tan", "sinh", "cosh", "arctan", "arcsinh", "degrees",
                                            "radians")],
    *[GradCase(op, {}, [UNIT]) for op in ("arcsin", "arccos", "arctanh", "erfinv")],
    GradCase("arccosh", {}, [ABOVE_ONE]),
    *[GradCase(op, {}, [POSITIVE]) for op in ("log2", "log10", "cbrt", "rcbrt", "gamma", "gammaln")],
    GradCase("gamma", {}, [np.array([-1.5, -0.3, 0.7, 5.5])]),
    GradCase("logical_not", {}, [LHS]),
    *_comparison_cases(),
    GradCase("_hypot", {}, [(2, 3), (2, 3)]),
    GradCase("broadcast_hypot", {}, [(2, 3), (1, 3)]),
    GradCase("_hypot_scalar", {"scalar": 1.5}, [(2, 3)]),
    GradCase("_mod", {}, [np.array([[-3.3, 2.2, 4.9]]), np.array([[1.5, 0.7, 2.0]])]),
    GradCase("broadcast_mod", {}, [np.array([[-3.3, 2.2, 4.7]]), np.array([[1.5], [0.7]])]),
    GradCase("_mod_scalar", {"scalar": 1.5}, [np.array([[-3.3, 2.2, 4.9]])]),
    GradCase("_rmod_scalar", {"scalar": 3.7}, [np.array([[0.9, 1.6, 2.2]])]),
    GradCase("prod", {"axis": (1,)}, [POSITIVE]),
    GradCase("nansum", {"axis": (0,)}, [np.array([[1.0, np.nan, 2.0], [np.nan, 0.3, 0.5]])]),
    GradCase("nanprod", {}, [np.array([[1.5, np.nan, 2.0], [0.5, 3.0, np.nan]])]),
    GradCase("norm", {}, [(2, 3)]),
    GradCase("norm", {"ord": 1, "axis": (1,)}, [(2, 3)]),
    GradCase("moments", {"axes": (0, 2)}, [(2, 3, 2)]),
    GradCase("sort", {"is_ascend": False}, [NO_TIES]),
    GradCase("sort", {"axis": None}, [NO_TIES]),
    GradCase("argsort", {"axis": 0}, [NO_TIES]),
    GradCase("topk", {"k": 2, "ret_typ": "value"}, [NO_TIES]),
    GradCase("topk", {"k": 2, "ret_typ": "both", "axis": 0}, [NO_TIES]),
    GradCase("topk", {"k": 2, "ret_typ": "mask"}, [NO_TIES]),
    GradCase("topk", {"k": 2}, [NO_TIES]),
    # indexing: repeated indices check that gradients add up
    GradCase("take", {}, [(4, 3), np.array([[0.0, 3.0], [3.0, 1.0]])], skip=("indices",)),
    GradCase("take", {"axis": 1, "mode": "wrap"}, [(2, 3), np.array([4.0, -1.0, 1.0])], skip=("indices",)),
    GradCase("pick", {"axis": 0, "keepdims": True}, [(3, 2), np.array([2.0, 0.0])], skip=("index",)),
    GradCase("pick", {"axis": None}, [(3, 2), np.array([4.0])], skip=("index",)),
    GradCase("batch_take", {}, [(3, 4), np.array([1.0, 0.0, 3.0])], skip=("indices",)),
    GradCase("gather_nd", {}, [(3, 4), np.array([[0.0, 2.0, 2.0], [1.0, 3.0, 3.0]])], skip=("indices",)),
    GradCase("scatter_nd", {"shape": (3, 2)}, [(2, 2), np.array([[2.0, 0.0]])], skip=("indices",)),
    GradCase("slice_like", {"axes": (1,)}, [(3, 4), np.zeros((1, 2))], skip=("shape_like",)),
    GradCase("reshape_like", {"lhs_begin": 1}, [(2, 3, 2), np.zeros((6,))], skip=("rhs",)),
    GradCase("diag", {"k": -1}, [(3,)]),
    GradCase("diag", {"k": 1, "axis1": 2, "axis2": 0}, [(3, 2, 4)]),
    GradCase("reverse", {"axis": (0, 2)}, [(2, 3, 2)]),
]

CASES += [
    GradCase("depth_to_space", {"block_size": 2}, [(1, 8, 2, 3)]),
    GradCase("space_to_depth", {"block_size": 2}, [(1, 2, 4, 2)]),
    GradCase("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 2}, [(1, 2, 2, 2), (1, 1, 4, 4)]),
    GradCase("UpSampling", {"scale": 1, "sample_type": "nearest", "num_args": 2, "multi_input_mode": "sum"},
             [(1, 2, 2, 2), (1, 2, 1, 1)]),
    GradCase("Crop", {"h_w": (2, 3), "offset": (1, 0)}, [(1, 2, 4, 4)]),
    GradCase("Crop", {"num_args": 2, "center_crop": True}, [(1, 2, 5, 4), np.zeros((1, 1, 2, 3))],
             skip=("crop_like",)),
    GradCase("L2Normalization", {}, [(2, 3, 2)]),
    GradCase("L2Normalization", {"mode": "channel"}, [(2, 3, 2, 2)]),
    GradCase("L2Normalization", {"mode": "spatial"}, [(2, 3, 2, 2)]),
    GradCase("GroupNorm", {"num_groups": 2}, [(2, 4, 3), (2,), (2,)]),
    GradCase("smooth_l1", {"scalar": 2.0}, [np.array([-0.5, -0.2, 0.1, 0.3, 1.5])]),
    GradCase("softmin", {"axis": 0, "temperature": 2.0}, [(3, 2)]),
    GradCase("softmax_cross_entropy", {}, [(3, 4), np.array([0.0, 3.0, 1.0])], skip=("label",)),
    GradCase("SVMOutput", {}, [np.array([[0.3, -1.4, 0.2], [2.0, 0.1, -0.6]]), np.array([0.0, 2.0])],
             skip=("label",)),
    GradCase("SVMOutput", {"margin": 0.5, "use_linear": True, "regularization_coefficient": 2.0},
             [np.array([[0.3, -1.4, 0.2], [2.0, 0.1, -0.6]]), np.array([0.0, 2.0])], skip=("label",)),
]

# ROI pooling is flat here: distinct values, so no two tie for a bin's maximum
ROI_DATA = rng.permutation(72).reshape(2, 1, 6, 6) * 0.1

CASES += [
    GradCase("im2col", {"kernel": (3, 2), "stride": (2, 1), "dilate": (1, 2), "pad": (1, 1)}, [(1, 2, 4, 5)]),
    GradCase("im2col", {"kernel": (2,), "stride": (2,), "pad": (1,)}, [(1, 2, 5)]),
    GradCase("col2im", {"output_size": (4, 5), "kernel": (3, 2), "stride": (2, 1), "dilate": (1, 2),
                        "pad": (1, 1)}, [(1, 12, 10)]),
    GradCase("GridGenerator", {"transform_type": "affine", "target_shape": (3, 4)}, [(2, 6)]),
    GradCase("GridGenerator", {"transform_type": "warp"}, [(1, 2, 3, 4)]),
    # sample points away from pixel rows/columns, where bilinear weights have kinks
    GradCase("BilinearSampler", {}, [(1, 2, 4, 5), np.array([[[[-0.9, 0.13, 0.77], [0.31, -0.45, 1.3]],
                                                              [[0.2, -0.62, 0.55], [-1.1, 0.05, 0.41]]]])]),
    GradCase("SpatialTransformer", {"target_shape": (2, 3), "transform_type": "affine", "sampler_type": "bilinear"},
             [(1, 2, 4, 5), np.array([[0.9, 0.12, 0.07, -0.21, 0.8, 0.05]])]),
    GradCase("ROIPooling", {"pooled_size": (2, 2), "spatial_scale": 0.5},
             [ROI_DATA, np.array([[0, 0, 0, 8, 8], [1, 2, 4, 11, 9]], dtype=float)], skip=("rois",)),
]

CASES += [
    GradCase("Embedding", {"input_dim": 4, "output_dim": 3}, [np.array([[0.0, 3.0], [3.0, 1.0]]), (4, 3)],
             skip=("data",)),
    GradCase("shape_array", {}, [(2, 3)]),
    GradCase("size_array", {}, [(2, 3)]),
    GradCase("cumsum", {}, [(2, 3)]),
    GradCase("cumsum", {"axis": 0}, [(3, 2)]),
    GradCase("argmax_channel", {}, [NO_TIES]),
    GradCase("hard_sigmoid", {}, [np.array([-4.0, -2.0, -1.0, 0.3, 2.0, 3.0])]),
    GradCase("khatri_rao", {"num_args": 3}, [(2, 2), (1, 2), (3, 2)]),
]

WELL_CONDITIONED = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)

CASES += [
    GradCase("linalg_gemm2", {"transpose_a": True, "transpose_b": True, "alpha": 2.0}, [(2, 3, 2), (2, 4, 3)]),
    GradCase("linalg_gemm", {"transpose_b": True, "alpha": 0.5, "beta": 2.0}, [(2, 3), (4, 3), (2, 4)]),
    GradCase("linalg_syrk", {}, [(2, 3)]),
    GradCase("linalg_syrk", {"transpose": True, "alpha": 2.0}, [(2, 3, 2)]),
    GradCase("linalg_sumlogdiag", {}, [np.abs(WELL_CONDITIONED)]),
    GradCase("linalg_inverse", {}, [WELL_CONDITIONED]),
    GradCase("linalg_det", {}, [WELL_CONDITIONED]),
    GradCase("linalg_extractdiag", {"offset": 1}, [(2, 3, 3)]),
    GradCase("linalg_makediag", {"offset": -1}, [(2, 3)]),
]
