"""How a convolution turns its input into GEMM columns and back, chosen once per shape.

Three ways, all giving columns (N, C, offsets, P) that one batched matmul consumes:
- pointwise (1×1, stride 1, no pad): the input already is the column matrix;
- wide (stride 1): one contiguous copy per kernel offset on the flattened buffer, the
  output computed on a slightly wider grid and cut back (see _window.wide_geometry);
- strided: one strided copy per kernel offset (im2col).

``spread`` is the adjoint of ``columns`` (col2im); ``widen``/``narrow`` move between the
output shape and the grid the columns were computed on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ._window import (buffer_length, col2im, embed, extract, im2col, wide_col2im,
                      wide_geometry, wide_im2col)

#: extra GEMM work (wide grid / real output) the stride-1 path may spend
WIDE_LIMIT = 1.3


@dataclass(frozen=True)
class ColumnPlan:
    kind: str
    x_shape: tuple          # (N, C, *spatial) of the windowed input
    out: tuple              # output spatial size
    kernel: tuple
    stride: tuple
    dilate: tuple
    pad: tuple
    lengths: tuple = ()     # buffer extent the windows cover
    shifts: tuple = ()      # wide: flat shift of each kernel offset
    wide: tuple = ()        # wide: the output grid actually computed
    extra_rows: int = 0     # wide: rows after the buffer that the last shifts read

    @classmethod
    def make(cls, x_shape, out, kernel, stride, dilate, pad):
        args = (tuple(x_shape), tuple(out), tuple(kernel), tuple(stride), tuple(dilate), tuple(pad))
        if all(k == 1 for k in kernel) and all(s == 1 for s in stride) and not any(pad):
            return cls("pointwise", *args)
        lengths = tuple(buffer_length(o, k, s, d) for o, k, s, d in zip(out, kernel, stride, dilate))
        if all(s == 1 for s in stride):
            shifts, wide, tail = wide_geometry(lengths, kernel, dilate, out)
            if math.prod(wide) <= WIDE_LIMIT * math.prod(out):
                row = math.prod(lengths[1:])
                return cls("wide", *args, lengths, tuple(shifts), wide, -(-tail // row))
        return cls("strided", *args, lengths)

    @property
    def size(self):
        """Columns per (sample, channel, offset): the grid the GEMM computes."""
        return math.prod(self.wide if self.kind == "wide" else self.out)

    def columns(self, xp, x):
        """(N, C, kernel offsets, size) columns of x."""
        n, c = x.shape[:2]
        if self.kind == "pointwise":
            return x.reshape(n, c, 1, -1)
        if self.kind == "strided":
            buf = embed(xp, x, self.pad, self.lengths)
            cols = im2col(xp, buf, self.kernel, self.stride, self.dilate, self.out)
            return cols.reshape(n, c, -1, self.size)
        rows = (self.lengths[0] + self.extra_rows,) + self.lengths[1:]
        buf = xp.empty((n, c) + rows, dtype=x.dtype)
        buf[:, :, self.lengths[0]:] = 0
        embed(xp, x, self.pad, self.lengths, out=buf[:, :, :self.lengths[0]])
        return wide_im2col(xp, buf.reshape(n, c, -1), self.shifts, self.size)

    def spread(self, xp, cols):
        """Adjoint of ``columns``: sum columns (N, C, offsets, size) back onto x's shape."""
        n, c = cols.shape[:2]
        spatial = self.x_shape[2:]
        if self.kind == "pointwise":
            return cols.reshape((n, c) + spatial)
        if self.kind == "strided":
            cols = cols.reshape((n, c) + self.kernel + self.out)
            buf = col2im(xp, cols, self.lengths, self.kernel, self.stride, self.dilate, self.out)
            return extract(xp, buf, self.pad, spatial)
        rows = (self.lengths[0] + self.extra_rows,) + self.lengths[1:]
        flat = wide_col2im(xp, cols, self.shifts, math.prod(rows))
        buf = flat.reshape((n, c) + rows)[:, :, :self.lengths[0]]
        return extract(xp, buf, self.pad, spatial)

    def widen(self, xp, y):
        """(N, F, *out) -> (N, F, size) on the computed grid (zeros in the extra cells)."""
        if self.kind == "wide" and self.wide != self.out:
            y = embed(xp, y, (0,) * len(self.out), self.wide)
        return y.reshape(y.shape[0], y.shape[1], -1)

    def narrow(self, xp, y):
        """(N, F, size) -> (N, F, *out), dropping the wide grid's extra cells."""
        n, f = y.shape[:2]
        if self.kind != "wide" or self.wide == self.out:
            return y.reshape((n, f) + self.out)
        y = y.reshape((n, f) + self.wide)[(Ellipsis, *(slice(0, o) for o in self.out))]
        return xp.ascontiguousarray(y)
