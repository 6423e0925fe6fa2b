"""AlexNet (Krizhevsky et al. 2012) in MXNet Gluon model_zoo's single-tower layout
(64-192-384-256-256 filters) and names (``alexnet0_conv0_weight``).

>>> get_symbol().infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...symbol import Variable
from .layers import Scope, conv, dense, dropout, flatten, max_pool, relu, softmax_output

# (filters, kernel, stride, pad, max-pool after)
CONVS = ((64, 11, 4, 2, True), (192, 5, 1, 2, True), (384, 3, 1, 1, False),
         (256, 3, 1, 1, False), (256, 3, 1, 1, True))


def get_symbol(num_classes=1000, **kwargs):
    s = Scope("alexnet0_")
    x = Variable("data")
    for filters, kernel, stride, pad, pool in CONVS:
        name = s.next("conv")
        x = relu(conv(x, name, filters, kernel, stride, pad), name + "relu_fwd")
        if pool:
            x = max_pool(x, s.next("pool") + "fwd", 3, 2)
    x = flatten(x, s.next("flatten") + "flatten")
    for _ in range(2):
        name = s.next("dense")
        x = dropout(relu(dense(x, name, 4096), name + "relu_fwd"), s.next("dropout") + "fwd", 0.5)
    return softmax_output(dense(x, s.next("dense"), num_classes))
