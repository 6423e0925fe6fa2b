"""LeNet for 28x28 grey images (seed 001): conv 5x5x6, relu, max-pool 2x2, conv 3x3x16,
relu, max-pool 2x2, fc 120, relu, fc 84, relu, fc ``num_classes``, SoftmaxOutput 'softmax'.

>>> get_symbol(num_classes=10).infer_shape(data=(1, 1, 28, 28))[1]
[(1, 10)]
"""
from __future__ import annotations

from ...symbol import Variable
from ...symbol.ops import make


def get_symbol(num_classes=10, **kwargs):
    x = Variable("data")
    for index, (filters, kernel) in enumerate(((6, 5), (16, 3)), start=1):
        x = make("Convolution", [x], {"num_filter": filters, "kernel": (kernel, kernel)}, name=f"conv{index}")
        x = make("Activation", [x], {"act_type": "relu"}, name=f"relu{index}")
        x = make("Pooling", [x], {"pool_type": "max", "kernel": (2, 2), "stride": (2, 2)}, name=f"pool{index}")
    x = make("Flatten", [x], {}, name="flatten")
    for index, units in enumerate((120, 84), start=1):
        x = make("FullyConnected", [x], {"num_hidden": units}, name=f"fc{index}")
        x = make("Activation", [x], {"act_type": "relu"}, name=f"relu{index + 2}")
    x = make("FullyConnected", [x], {"num_hidden": num_classes}, name="fc3")
    return make("SoftmaxOutput", [x], {}, name="softmax")
