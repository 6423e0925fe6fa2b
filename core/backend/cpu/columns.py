"""How a convolution turns its input into GEMM columns and back, chosen once per shape.

Columns are laid out (C, offsets, n, size) for a chunk of n samples: every im2col copy
writes one block, and the same array serves as n per-sample matrices (C·k…, size)
(``per_sample``, a strided view: one small GEMM per sample, OpenBLAS's small-matrix
kernels) or, for grouped convolutions, as (C·k…, n·size) (one product per group). The
input is first moved into a (C, n, *lengths) buffer (padding included), then copied
once per kernel offset.

Three ways to fill the columns:
- pointwise (1×1, stride 1, no pad): the buffer already is the column matrix;
- wide (stride 1): one contiguous copy per kernel offset on the flattened buffer, the
  output computed on a slightly wider grid and cut back (see window.wide_geometry);
- strided: one strided copy per kernel offset (im2col).

``spread`` is the adjoint of ``columns`` (col2im); ``sample_grad`` and
``gemm_out``/``gemm_grad`` move between NCHW arrays and the GEMMs' layouts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import parallel
from .window import buffer_length, embed, extract, wide_geometry, window_views

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
            return cls("pointwise", *args, tuple(x_shape[2:]))
        lengths = tuple(buffer_length(o, k, s, d) for o, k, s, d in zip(out, kernel, stride, dilate))
        if all(s == 1 for s in stride):
            shifts, wide, tail = wide_geometry(lengths, kernel, dilate, out)
            if math.prod(wide) <= WIDE_LIMIT * math.prod(out):
                row = math.prod(lengths[1:])
                return cls("wide", *args, lengths, tuple(shifts), wide, -(-tail // row))
        return cls("strided", *args, lengths)

    @property
    def size(self):
        """Columns per (channel, offset, sample): the grid the GEMM computes."""
        return math.prod(self.wide if self.kind == "wide" else self.out)

    @property
    def offsets(self):
        return math.prod(self.kernel)

    # ----- input -> columns ------------------------------------------------------------
    def _buffer(self, xp, x):
        """x moved into a (C, N, *rows) buffer: padded, cut to the windows' reach, and for
        the wide path followed by zero rows that the last shifts read."""
        n, c = x.shape[:2]
        extra = self.extra_rows if self.kind == "wide" else 0
        if n == 1 and not extra and not any(self.pad) and tuple(self.lengths) == tuple(x.shape[2:]):
            return x.reshape((c, 1) + x.shape[2:])   # already in place: no copy
        rows = (self.lengths[0] + extra,) + tuple(self.lengths[1:])
        buf = xp.empty((c, n) + rows, dtype=x.dtype)
        if extra:
            buf[:, :, self.lengths[0]:] = 0
        embed(xp, x, self.pad, self.lengths, out=buf[:, :, :self.lengths[0]].swapaxes(0, 1))
        return buf

    def columns(self, xp, x, ones_row=False):
        """(C, offsets, N, size) columns of x (N, C, *spatial). With ``ones_row``, the
        (C·offsets + 1, N, size) matrix whose last row is ones (a bias column of the
        weight then adds the bias inside the GEMM)."""
        n, c = x.shape[:2]
        buf = self._buffer(xp, x)
        if self.kind == "pointwise" and not ones_row:
            return buf.reshape(c, 1, n, -1)
        rows = c * self.offsets
        matrix = xp.empty((rows + int(ones_row), n, self.size), dtype=x.dtype)
        if ones_row:
            matrix[rows] = 1
        cols = matrix[:rows].reshape(c, self.offsets, n, self.size)
        if self.kind == "pointwise":
            cols[:, 0] = buf.reshape(c, n, -1)
            return matrix
        if self.kind == "wide":
            flat = buf.reshape(c, n, -1)
            size = self.size

            def copy(t):
                shift = self.shifts[t]
                cols[:, t] = flat[:, :, shift:shift + size]
        else:
            views = [view for _, view in window_views(buf, self.kernel, self.stride, self.dilate, self.out)]
            shaped = cols.reshape((c, self.offsets, n) + self.out)

            def copy(t):
                shaped[:, t] = views[t]
        parallel.copy_pieces(xp, self.offsets, copy, c * n * self.size)
        return matrix if ones_row else cols

    # ----- columns -> input gradient ------------------------------------------------------
    def spread(self, xp, cols):
        """Adjoint of ``columns``: sum columns (C, offsets, N, size) back onto x's shape."""
        c, _, n = cols.shape[:3]
        spatial = self.x_shape[2:]
        if self.kind == "pointwise":
            return _to_nc(xp, cols.reshape((c, n) + spatial))
        extra = self.extra_rows if self.kind == "wide" else 0
        rows = (self.lengths[0] + extra,) + tuple(self.lengths[1:])
        buf = xp.zeros((c, n) + rows, dtype=cols.dtype)

        if self.kind == "wide":
            flat, size = buf.reshape(c, n, -1), self.size

            def add(lo, hi):
                for t, shift in enumerate(self.shifts):
                    flat[lo:hi, :, shift:shift + size] += cols[lo:hi, t]
        else:
            shaped = cols.reshape((c, self.offsets, n) + self.out)

            def add(lo, hi):
                views = window_views(buf[lo:hi], self.kernel, self.stride, self.dilate, self.out)
                for t, (_, view) in enumerate(views):
                    view += shaped[lo:hi, t]
        parallel.split(add, c, parallel.parts_for(xp, cols.size, parallel.SPLIT_ELEMENTS))
        grad = extract(xp, buf[:, :, :self.lengths[0]].swapaxes(0, 1), self.pad, spatial)
        return xp.ascontiguousarray(grad)

    # ----- GEMM layout <-> NCHW -------------------------------------------------------------
    def gemm_out(self, xp, out2, bias=None, result=None):
        """The GEMM's (F, N·size) result as an (N, F, *out) array, plus the bias; written
        into ``result`` when given."""
        f = out2.shape[0]
        n = out2.shape[1] // self.size
        grid = self.wide if self.kind == "wide" else self.out
        out = out2.reshape((f, n) + tuple(grid))
        if grid != self.out:
            out = out[(Ellipsis, *(slice(0, o) for o in self.out))]
        out = out.swapaxes(0, 1)
        bias_view = None if bias is None else bias.reshape((1, -1) + (1,) * len(self.out))
        if result is None and n == 1 and grid == self.out:
            if bias_view is not None:
                out += bias_view
            return out                        # already NCHW: no copy
        if result is None:
            result = xp.empty((n, f) + self.out, dtype=out2.dtype)
        if bias_view is None:
            result[...] = out
        else:
            xp.add(out, bias_view, out=result)
        return result

    @staticmethod
    def per_sample(cols):
        """Columns (C, offsets, n, size) or (rows, n, size) as n matrices (rows, size): a
        strided view, for one small GEMM per sample (OpenBLAS's small-matrix kernels)."""
        n, size = cols.shape[-2:]
        return cols.reshape(-1, n, size).transpose(1, 0, 2)

    @property
    def grid(self):
        """The output grid the GEMM computes (the wide one on the wide path)."""
        return self.wide if self.kind == "wide" else self.out

    def sample_grad(self, xp, grad):
        """(n, F, *out) gradient -> (n, F, size) on the GEMM's grid (zeros in extra cells)."""
        n, f = grad.shape[:2]
        grid = self.wide if self.kind == "wide" else self.out
        if grid == self.out:
            return grad.reshape(n, f, -1)
        out = xp.empty((n, f) + tuple(grid), dtype=grad.dtype)
        for axis, (g, o) in enumerate(zip(grid, self.out)):
            if g > o:  # the wide grid's extra cells get no gradient
                out[(slice(None),) * (axis + 2) + (slice(o, None),)] = 0
        out[(Ellipsis, *(slice(0, o) for o in self.out))] = grad
        return out.reshape(n, f, -1)

    def gemm_grad(self, xp, grad):
        """(N, F, *out) gradient -> (F, N·size) on the GEMM's grid (zeros in extra cells)."""
        n, f = grad.shape[:2]
        grid = self.wide if self.kind == "wide" else self.out
        if n == 1 and grid == self.out:
            return xp.ascontiguousarray(grad.reshape(f, -1))
        out = xp.empty((f, n) + tuple(grid), dtype=grad.dtype)
        for axis, (g, o) in enumerate(zip(grid, self.out)):
            if g > o:  # the wide grid's extra cells get no gradient
                out[(slice(None),) * (axis + 2) + (slice(o, None),)] = 0
        out[(Ellipsis, *(slice(0, o) for o in self.out))] = grad.swapaxes(0, 1)
        return out.reshape(f, -1)


def _to_nc(xp, array):
    """(C, N, ...) -> a contiguous (N, C, ...) array."""
    return xp.ascontiguousarray(array.swapaxes(0, 1))
