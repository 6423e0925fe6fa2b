"""VGG 11/13/16/19 (Simonyan & Zisserman 2014), with or without BatchNorm, in MXNet
Gluon model_zoo's layout and names (``vgg0_conv0_weight`` ... ``vgg0_dense2_bias``).

>>> get_symbol(num_layers=11).infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...errors import GraphError
from ...symbol import Variable
from .layers import Scope, batchnorm, conv, dense, dropout, flatten, max_pool, relu, softmax_output

# convolutions per block; every block has 3x3 convolutions then a 2x2 max pool
SPECS = {11: (1, 1, 2, 2, 2), 13: (2, 2, 2, 2, 2), 16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4)}
FILTERS = (64, 128, 256, 512, 512)


def get_symbol(num_classes=1000, num_layers=16, batch_norm=False, **kwargs):
    if num_layers not in SPECS:
        raise GraphError(f"vgg: num_layers={num_layers} is not one of {sorted(SPECS)}")
    s = Scope("vgg0_")
    x = Variable("data")
    for count, filters in zip(SPECS[num_layers], FILTERS):
        for _ in range(count):
            x = conv(x, s.next("conv"), filters, 3, 1, 1)
            if batch_norm:
                x = batchnorm(x, s.next("batchnorm"))
            x = relu(x, s.next("relu") + "fwd")
        x = max_pool(x, s.next("pool") + "fwd", 2, 2)
    x = flatten(x, s.next("flatten") + "flatten")
    for _ in range(2):
        name = s.next("dense")
        x = dropout(relu(dense(x, name, 4096), name + "relu_fwd"), s.next("dropout") + "fwd", 0.5)
    return softmax_output(dense(x, s.next("dense"), num_classes))
