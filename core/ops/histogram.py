"""MXNet 1.9.1's ``_histogram`` (``mx.nd.histogram`` / ``mx.sym.histogram`` call it):
counts of the flattened data in bin_cnt equal bins over range, or in the bins whose edges
the second input gives. Values outside the bins are not counted; the last bin includes
its right edge. Outputs the counts (int64) and the bin edges. No gradient (MXNet
defines none)."""
from __future__ import annotations

import numpy as np

from ..errors import GraphError
from .attrs import Param
from .base import Op
from .registry import register_op


@register_op()
class Histogram(Op):
    name = "_histogram"
    category = "Reduce"
    doc = ("Histogram of the flattened data: bin_cnt equal bins over range, or the bin edges "
           "of the input bins. Outputs counts (int64) and bin edges.")
    per_sample = False   # counts over the whole batch
    output_dtypes = {0: "int64"}   # the counts, as MXNet (type inference)
    starter_attrs = {"bin_cnt": "10", "range": "(0.0, 1.0)"}
    params = {
        "bin_cnt": Param("int_or_none", None, "number of equal bins; None: the bins input gives the edges",
                         low=1),
        "range": Param("floats", (), "(low, high) of the equal bins; with bin_cnt only"),
    }

    def check(self):
        if (self.bin_cnt is None) != (self.range == ()):
            raise self.error("give bin_cnt and range together, or neither (then the bins input "
                             "holds the bin edges)", GraphError)
        if self.range and (len(self.range) != 2 or self.range[0] > self.range[1]):
            raise self.error(f"range={self.range} must be (low, high) with low <= high", GraphError)

    def list_arguments(self):
        return ["data"] if self.bin_cnt is not None else ["data", "bins"]

    def list_outputs(self):
        return ["output0", "output1"]

    def infer_shape(self, in_shapes):
        if self.bin_cnt is not None:
            return in_shapes, [(self.bin_cnt,), (self.bin_cnt + 1,)], []
        bins = in_shapes[1]
        if bins is None:
            return in_shapes, [None, None], []
        if len(bins) != 1 or bins[0] < 2:
            raise self.error(f"bins has shape {tuple(bins)}; expected a vector of at least 2 edges")
        return in_shapes, [(bins[0] - 1,), tuple(bins)], []

    def forward(self, xp, inputs, aux, is_train):
        data = inputs[0].reshape(-1)
        if self.bin_cnt is None:
            self.infer_shape([inputs[0].shape, inputs[1].shape])
            edges = inputs[1].copy()
            index = self._index_in_edges(xp, data, edges)
        else:
            edges, index = self._equal_bins(xp, data)
        counted = index[index >= 0]
        counts = xp.bincount(counted, minlength=len(edges) - 1).astype(np.int64)
        return [counts, edges], None

    def _equal_bins(self, xp, data):
        """MXNet's kernel: the bin from arithmetic, corrected against the stored edges."""
        low, high = self.range
        if low == high:
            low, high = low - 0.5, high + 0.5
        count = self.bin_cnt
        steps = np.arange(count + 1)
        edges = xp.asarray((high * steps + (count - steps) * low) / count).astype(data.dtype)
        wide = data.astype(np.float64)
        inside = (wide >= low) & (wide <= high)
        guess = xp.where(inside, (wide - low) * count / (high - low), 0)
        index = xp.minimum(count - 1, guess.astype(np.int64))
        index = index - (data < edges[index])
        index = index + ((data >= edges[xp.clip(index + 1, 0, count)]) & (index != count - 1))
        return edges, xp.where(inside, index, -1)

    @staticmethod
    def _index_in_edges(xp, data, edges):
        bins = len(edges) - 1
        inside = (data >= edges[0]) & (data <= edges[-1])
        index = xp.minimum(xp.searchsorted(edges, data, side="right") - 1, bins - 1)
        return xp.where(inside, index, -1)

    def backward(self, xp, saved, out_grads, needs):
        raise self.error("a histogram has no gradient (MXNet defines none)", GraphError)
