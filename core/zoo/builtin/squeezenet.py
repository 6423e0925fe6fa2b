"""SqueezeNet 1.0 and 1.1 (Iandola et al. 2016) in MXNet Gluon model_zoo's layout and
names (``squeezenet0_conv0_weight``): fire modules of a 1x1 squeeze and concatenated
1x1 / 3x3 expands; the classifier is a 1x1 convolution and a 13x13 average pool.

>>> get_symbol(version="1.1").infer_shape(data=(1, 3, 224, 224))[1]
[(1, 1000)]
"""
from __future__ import annotations

from ...errors import GraphError
from ...symbol import Variable
from .layers import Scope, avg_pool, concat, conv, dropout, flatten, max_pool, relu, softmax_output

POOL = "pool"
# stem (filters, kernel), then fire modules (squeeze, expand) and pools, per version
SPECS = {
    "1.0": ((96, 7), [(16, 64), (16, 64), (32, 128), POOL, (32, 128), (48, 192), (48, 192),
                      (64, 256), POOL, (64, 256)]),
    "1.1": ((64, 3), [(16, 64), (16, 64), POOL, (32, 128), (32, 128), POOL, (48, 192),
                      (48, 192), (64, 256), (64, 256)]),
}


def _conv_relu(x, s, filters, kernel, pad=0, stride=1):
    name = s.next("conv")
    return relu(conv(x, name, filters, kernel, stride, pad), s.next("relu") + "fwd")


def _fire(x, s, squeeze, expand):
    x = _conv_relu(x, s, squeeze, 1)
    left = _conv_relu(x, s, expand, 1)
    right = _conv_relu(x, s, expand, 3, pad=1)
    return concat([left, right], s.next("concat")[:-1])


def _pool(x, s):
    # NOTE: Gluon uses ceil_mode=True here, MXNet's pooling_convention='full'
    return max_pool(x, s.next("pool") + "fwd", 3, 2, convention="full")


def get_symbol(num_classes=1000, version="1.0", **kwargs):
    version = str(version)
    if version not in SPECS:
        raise GraphError(f"squeezenet: version={version!r}; expected '1.0' or '1.1'")
    (stem_filters, stem_kernel), layers = SPECS[version]
    s = Scope("squeezenet0_")
    x = _pool(_conv_relu(Variable("data"), s, stem_filters, stem_kernel, stride=2), s)
    for layer in layers:
        x = _pool(x, s) if layer == POOL else _fire(x, s, *layer)
    x = dropout(x, s.next("dropout") + "fwd", 0.5)
    x = _conv_relu(x, s, num_classes, 1)
    x = flatten(avg_pool(x, s.next("pool") + "fwd", 13, 13), s.next("flatten") + "flatten")
    return softmax_output(x)
