"""``mx.sym`` functions that MXNet 1.9.1 writes in Python over an internal operator:
``histogram`` (``_histogram``) and ``split_v2`` (``_split_v2``), with MXNet's arguments."""
from __future__ import annotations

import numbers

from ..errors import GraphError
from ..ops.split_v2 import split_v2_attrs
from .symbol import Symbol, make


def histogram(a, bins=10, range=None, name=None, attr=None, **kwargs):  # noqa: A002 (MXNet's name)
    """Counts of ``a`` in ``bins`` equal bins over ``range`` (required here), or in the bins
    whose edges the Symbol ``bins`` holds. Two outputs: counts and bin edges."""
    if isinstance(bins, Symbol):
        return make("_histogram", (a, bins), kwargs, name=name, attr=attr)
    if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
        if range is None:
            raise GraphError("histogram: a Symbol's histogram needs range=(low, high) with an "
                             "integer bins (null range is not supported in symbol mode)")
        return make("_histogram", (a,), {"bin_cnt": int(bins), "range": tuple(range), **kwargs},
                    name=name, attr=attr)
    raise GraphError(f"histogram: bins must be an integer or a Symbol, got {type(bins).__name__}")


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False, name=None, attr=None):
    """Parts of ``ary`` along ``axis``: ``indices_or_sections`` nearly equal ones (an int),
    or cut before each index of a tuple (``(2, 3)``: [:2], [2:3], [3:])."""
    return make("_split_v2", (ary,), split_v2_attrs(indices_or_sections, axis, squeeze_axis),
                name=name, attr=attr)
