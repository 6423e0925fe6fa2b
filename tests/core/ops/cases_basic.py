import numpy as np

from .gradcase import GradCase

LABELS = np.array([0, 1, 4, 2.0])

CASES = [
    GradCase("FullyConnected", {"num_hidden": 3}, [(2, 4), (3, 4), (3,)]),
    GradCase("FullyConnected", {"num_hidden": 3, "no_bias": True}, [(2, 2, 3), (3, 6)]),
    GradCase("FullyConnected", {"num_hidden": 3, "flatten": False}, [(2, 5, 4), (3, 4), (3,)]),
    *[GradCase("Activation", {"act_type": a}, [(3, 4)])
      for a in ("relu", "sigmoid", "tanh", "softrelu", "softsign")],
    GradCase("SoftmaxOutput", {}, [(4, 5), LABELS], skip=("label",)),
    GradCase("SoftmaxOutput", {"normalization": "batch", "grad_scale": 2.0}, [(4, 5), LABELS], skip=("label",)),
    GradCase("SoftmaxOutput", {"use_ignore": True, "ignore_label": 1, "normalization": "valid"},
             [(4, 5), LABELS], skip=("label",)),
    GradCase("SoftmaxOutput", {"multi_output": True}, [(2, 3, 2, 2), np.array([[[0, 1], [2, 1]], [[1, 1], [0, 2.0]]])],
             skip=("label",)),
    GradCase("Flatten", {}, [(2, 3, 4)]),
]
