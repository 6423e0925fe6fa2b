"""``mx.nd`` functions that MXNet 1.9.1 writes in Python over an internal operator
(``histogram``, ``split_v2``)."""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import GraphError
from .imperative import invoke
from .ndarray import NDArray, from_data


def histogram(a, bins=10, range=None):  # noqa: A002 (MXNet's name)
    """(counts, bin edges) of ``a``: ``bins`` equal bins over ``range`` (without a range,
    NumPy's histogram, as MXNet), or the bins whose edges the NDArray ``bins`` holds."""
    if isinstance(bins, NDArray):
        return invoke("_histogram", a, bins)
    if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
        if range is None:
            counts, edges = np.histogram(a.asnumpy(), bins=int(bins))
            return from_data(counts, a.context), from_data(edges, a.context)
        return invoke("_histogram", a, bin_cnt=int(bins), range=tuple(range))
    raise GraphError(f"histogram: bins must be an integer or an NDArray, got {type(bins).__name__}")


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Parts of ``ary`` along ``axis``: ``indices_or_sections`` equal ones (an int that must
    divide the axis), or cut before each index of a tuple (``(2, 3)``: [:2], [2:3], [3:])."""
    size = ary.shape[axis]
    if isinstance(indices_or_sections, numbers.Integral) and not isinstance(indices_or_sections, bool):
        sections = int(indices_or_sections)
        if sections < 1 or size % sections:
            raise GraphError(f"split_v2: an axis of size {size} does not split into "
                             f"{sections} equal parts (array split does not result in an equal division)")
        indices = tuple(i * (size // sections) for i in range(sections))
    elif isinstance(indices_or_sections, tuple):
        indices = (0, *indices_or_sections)
    else:
        raise GraphError("split_v2: indices_or_sections must be an int or a tuple of ints, got "
                         f"{type(indices_or_sections).__name__}")
    return invoke("_split_v2", ary, indices=indices, axis=axis, squeeze_axis=squeeze_axis)
