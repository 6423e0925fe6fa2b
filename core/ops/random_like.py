"""MXNet 1.9.1's ``_random_*_like`` (``mx.nd.random.uniform_like`` ...): draws of the input's
shape and dtype from a distribution whose parameters are attributes. The input's values
are not read; its gradient is zero (MXNet's MakeZeroGradNodes)."""
from __future__ import annotations

from .base import Op, same_shape_op_infer
from .random_draw import (RandomExponential, RandomGamma, RandomGeneralizedNegativeBinomial,
                          RandomNegativeBinomial, RandomNormal, RandomPoisson, RandomUniform)
from .registry import register_op

_DRAW_ONLY = ("shape", "ctx", "dtype")


class _RandomLike(Op):
    """The ``_random_*`` draw (``source``) made with the input's shape."""
    category = "Tensor"
    per_sample = False   # random draws, made in another process per lane
    source: type = Op

    def check(self):
        self._draw((1,))   # the source's own checks (high >= low, p in (0, 1], ...)

    def _draw(self, shape):
        return self.source(node_name=self.node_name, shape=shape, **self.attr_strings())

    def infer_shape(self, in_shapes):
        return same_shape_op_infer(self, in_shapes)

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0]
        return [xp.asarray(self._draw(data.shape).make(xp)).astype(data.dtype)], None

    def backward(self, xp, saved, out_grads, needs):
        return [xp.zeros_like(out_grads[0])]


def _like_op(source):
    stem = source.name[len("_random_"):]
    cls = type(f"{source.__name__}Like", (_RandomLike,), {
        "name": f"_random_{stem}_like", "source": source, "__module__": __name__,
        "doc": f"{source.doc[:-1]}, as many as the input has entries (its shape and dtype).",
        "params": {k: v for k, v in source.params.items() if k not in _DRAW_ONLY}})
    return register_op()(cls)


RandomUniformLike = _like_op(RandomUniform)
RandomNormalLike = _like_op(RandomNormal)
RandomGammaLike = _like_op(RandomGamma)
RandomExponentialLike = _like_op(RandomExponential)
RandomPoissonLike = _like_op(RandomPoisson)
RandomNegativeBinomialLike = _like_op(RandomNegativeBinomial)
RandomGeneralizedNegativeBinomialLike = _like_op(RandomGeneralizedNegativeBinomial)
