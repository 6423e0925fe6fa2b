"""Gradient cases for output (loss) operators: the backward against the loss_value."""
import numpy as np

from .gradcase import GradCase

TARGETS = np.array([[0.2, 1.0, 0.0], [1.0, 0.5, 0.3]])
FLAT_TARGETS = np.array([0.5, -1.0, 2.0, 0.0])

CASES = [
    *[GradCase(op, attrs, [(2, 3), TARGETS], skip=("label",))
      for op in ("LinearRegressionOutput", "MAERegressionOutput", "LogisticRegressionOutput")
      for attrs in ({}, {"grad_scale": 3.0})],
    # (n, 1) predictions with a flat (n,) label: num_output is 1
    GradCase("LinearRegressionOutput", {}, [(4, 1), FLAT_TARGETS], skip=("label",)),
    # 4-D data, label of the same size but flattened per sample: num_output is 6
    GradCase("LinearRegressionOutput", {"grad_scale": 2.0}, [(2, 3, 2), np.arange(12.0).reshape(2, 6)],
             skip=("label",)),
    GradCase("MakeLoss", {}, [(3, 4)]),
    GradCase("MakeLoss", {"grad_scale": 2.0, "normalization": "batch"}, [(3, 4)]),
    GradCase("MakeLoss", {"normalization": "valid", "valid_thresh": 0.1}, [(3, 4)]),
]
