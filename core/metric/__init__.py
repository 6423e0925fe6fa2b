"""``mx.metric``: evaluation metrics with MXNet 1.x's names, aliases and values.

>>> import core as mx
>>> [type(mx.metric.create(n)).__name__ for n in ("acc", "ce", "rmse")]
['Accuracy', 'CrossEntropy', 'RMSE']
"""
from .base import (CompositeEvalMetric, CustomMetric, EvalMetric, alias, check_label_shapes,  # noqa: F401
                   create, names, np, register)
from .classification import (F1, MCC, Accuracy, CrossEntropy, NegativeLogLikelihood,  # noqa: F401
                             Perplexity, TopKAccuracy)
from .correlation import PCC  # noqa: F401
from .regression import MAE, MSE, RMSE, Caffe, Loss, PearsonCorrelation, Torch  # noqa: F401
