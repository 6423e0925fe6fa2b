"""The words people use for layers: a human title for each common operator (the palette
and the canvas show it; the inspector adds MXNet's op name), and the Keras / PyTorch /
textbook words a search should find it by.

>>> human_title("FullyConnected"), human_title("null"), human_title("Pooling", {"pool_type": "avg"})
('Dense (fully connected)', 'Input', 'Average pooling')
>>> human_title("Activation", {"act_type": "relu"}), human_title("_contrib_foo")
('ReLU', '_contrib_foo')
>>> [op for op in ("null", "FullyConnected", "Pooling", "Convolution") if "dense" in search_words(op)]
['FullyConnected']
"""
from __future__ import annotations

from .ports import VARIABLE

TITLES = {
    VARIABLE: "Input",
    "FullyConnected": "Dense (fully connected)",
    "Convolution": "Convolution",
    "Deconvolution": "Transposed convolution",
    "Pooling": "Pooling",
    "Activation": "Activation",
    "LeakyReLU": "Leaky ReLU / PReLU / ELU",
    "Flatten": "Flatten",
    "Reshape": "Reshape",
    "Dropout": "Dropout",
    "BatchNorm": "Batch normalization",
    "LayerNorm": "Layer normalization",
    "InstanceNorm": "Instance normalization",
    "Concat": "Concatenate",
    "SoftmaxOutput": "Softmax loss (classes)",
    "LinearRegressionOutput": "Regression loss (squared)",
    "MAERegressionOutput": "Regression loss (absolute)",
    "LogisticRegressionOutput": "Logistic loss (yes/no)",
    "SVMOutput": "SVM loss",
    "MakeLoss": "Custom loss",
    "softmax": "Softmax",
    "Embedding": "Embedding",
    "elemwise_add": "Add (residual)",
}
_ACTIVATIONS = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "softrelu": "Softplus",
                "softsign": "Softsign"}
_POOLS = {"max": "Max pooling", "avg": "Average pooling", "sum": "Sum pooling", "lp": "Lp pooling"}

SYNONYMS = {
    VARIABLE: "input variable placeholder data image tensor",
    "FullyConnected": "dense linear fc fully connected perceptron mlp",
    "Convolution": "conv conv2d conv1d conv3d convolution2d cnn filter",
    "Deconvolution": "deconv convtranspose conv2dtranspose upsample",
    "Pooling": "pool max pool maxpool maxpool2d maxpooling2d avg pool average pool avgpool2d global pool",
    "Activation": "relu sigmoid tanh softplus nonlinearity activation",
    "LeakyReLU": "leaky relu prelu elu selu gelu",
    "Flatten": "flatten reshape to vector",
    "Reshape": "reshape view",
    "Dropout": "dropout regularization",
    "BatchNorm": "batchnorm batch norm bn batchnormalization batchnorm2d",
    "LayerNorm": "layernorm layer norm",
    "Concat": "concat concatenate cat merge join",
    "SoftmaxOutput": "softmax loss cross entropy crossentropy output classifier classification",
    "LinearRegressionOutput": "mse l2 loss regression",
    "MAERegressionOutput": "mae l1 loss regression",
    "LogisticRegressionOutput": "bce binary cross entropy sigmoid loss",
    "softmax": "softmax probabilities",
    "Embedding": "embedding lookup",
    "elemwise_add": "add plus sum residual skip",
}


def human_title(op, attrs=None):
    """What to call a layer: 'Dense (fully connected)', 'ReLU', 'Max pooling'; any other
    operator keeps MXNet's name."""
    attrs = attrs or {}
    if op == "Activation" and attrs.get("act_type") in _ACTIVATIONS:
        return _ACTIVATIONS[attrs["act_type"]]
    if op == "Pooling" and attrs.get("pool_type") in _POOLS:
        return _POOLS[attrs["pool_type"]]
    return TITLES.get(op, op)


def search_words(op):
    """Everything a search for ``op`` may match: its MXNet name, title and synonyms."""
    return f"{op} {TITLES.get(op, '')} {SYNONYMS.get(op, '')}".lower()
