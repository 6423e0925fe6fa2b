"""3×3 stride-1 convolution inference as Winograd F(2×2, 3×3) (num_group 1, NCHW).

Why: NanoDet-g is 34 dense 3×3 layers and their GEMMs already run at what OpenBLAS
gives on two cores; the way to go faster is fewer multiplications. F(2×2, 3×3) computes
each 2×2 block of outputs from a 4×4 input patch with 16 products per (filter, channel)
instead of 36: the layer becomes 16 GEMMs (F, C)·(C, tiles) on transformed data, 2.25×
fewer multiply-adds than im2col. The transforms use only 0, ±1 and ½, so results differ
from the direct sums by a few float32 roundings (tests compare both paths). Non-finite
input stays visible but not identical: a NaN or an infinity makes its whole 2×2 tile NaN
(the transforms subtract neighbours: inf - inf), where the direct sums give NaN or ±inf
only in the windows that hold it.

    V = Bᵀ d B   (input patch d, 4×4)      U = G g Gᵀ   (3×3 filter g → 4×4)
    Y = Aᵀ (U ⊙ V) A   (2×2 outputs), with the sums over channels done by the GEMMs

Work is cut like conv_bands.py: units of (sample, band of tile rows), or of whole
samples when maps are small (ResNet's 14×14 and 7×7 at batch 32), each core claims
units from one counter (NOTE: unlike conv_bands.py, whose GEMMs are per sample, the 16
GEMMs of a unit of whole samples span them all, so such a batch may round a picture's
outputs differently from another batch size, at float32's last bits; one 2×2 tile is
16 products at most, and the GEMMs need the width) and runs the input transform of its band, the 16 GEMMs and the
output transform (with the bias and the activation) while the band is in cache. The
filter transform is made once per call (the weights may change between calls).
"""
from __future__ import annotations

import itertools

import numpy as np

from . import jit, parallel
from .jit import kernel

#: a unit's transformed input and products in bytes (in L3: larger units measured faster,
#: 43.5 vs 58.3 ms for 8×64×56×56 at 4 MB against 1 MB; the GEMMs get wider) ...
UNIT_BYTES = 1 << 22
#: ... but at least this many tiles (the GEMMs' width)
MIN_TILES = 256
#: multiply-adds (of the direct convolution) per core below which a layer runs in one piece
SPLIT_MACS = 2_000_000
#: below this many input channels or filters the 16 thin GEMMs lose to one im2col GEMM
MIN_CHANNELS = 16
#: below this many 2×2 tiles per call (samples × tiles of one) likewise. NOTE: measured
#: on NanoDet-g's layers at batch 1 (2 cores, best of 15, time against conv_bands.py):
#: 104×104 0.59, 52×52 0.58-0.66, 26×26 0.73, but 13×13 (49 tiles) 1.42-1.52; a batch
#: of small maps runs whole samples per unit, so its GEMMs are wide again
MIN_TILES_PER_CALL = 100


#: G = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]]: the filter transform
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])
#: (G g Gᵀ)[a, b] = Σ G[a, i]·G[b, j]·g[i, j]: one (16, 9) matrix of exact products
FILTER_MATRIX = {dtype: np.einsum("ai,bj->abij", G, G).reshape(16, 9).astype(dtype)
                 for dtype in jit.FLOATS}


def filter_transform(filters):
    """(16, K) transformed filters from (K, 9) flattened 3×3 ones: one small GEMM (the
    weights may change between calls, so this runs every call; a per-pair loop took
    1 ms for 128×256 filters, this ~0.1 ms)."""
    return np.matmul(FILTER_MATRIX[filters.dtype], filters.T)


def compiled(xp, x, plan, num_filter):
    """3×3, stride 1, no dilation, channels and filters enough for the GEMMs to pay."""
    tiles = -(-plan.out[0] // 2) * -(-plan.out[1] // 2)
    return (tuple(plan.kernel) == (3, 3) and tuple(plan.stride) == (1, 1)
            and tuple(plan.dilate) == (1, 1) and x.shape[1] >= MIN_CHANNELS
            and num_filter >= MIN_CHANNELS and x.shape[0] * tiles >= MIN_TILES_PER_CALL
            and jit.enabled_for(xp, x.dtype))


def units(n, tiles, per_tile_bytes, parts):
    """(first sample, samples, first tile row, last tile row) units: bands of a sample's
    tile rows, or whole samples when one is smaller than a unit (as conv_bands.units)."""
    th, tw = tiles
    per_unit = max(UNIT_BYTES // per_tile_bytes, MIN_TILES)
    if per_unit >= th * tw and n >= parts:
        count = parallel.even_size(n, -(-n // max(1, per_unit // (th * tw))), parts)
        return [(s, min(count, n - s), 0, th) for s in range(0, n, count)]
    band = parallel.even_size(th, -(-th // max(1, per_unit // tw)), parts if n == 1 else 1)
    return [(s, 1, lo, min(th, lo + band)) for s in range(n) for lo in range(0, th, band)]


def forward(x, weight, bias, plan, slope=None):
    """The convolution's output (N, F, oh, ow), C-contiguous; ``bias`` may be None;
    with ``slope`` each value v becomes max(v, slope·v) (0: relu)."""
    n, c, height, width = x.shape
    f = weight.shape[0]
    oh, ow = plan.out
    ph, pw = plan.pad
    dtype = x.dtype
    th, tw = -(-oh // 2), -(-ow // 2)
    u = filter_transform(weight.reshape(f * c, 9).astype(dtype, copy=False)).reshape(16, f, c)
    out = np.empty((n, f, oh, ow), dtype=dtype)
    shift = np.zeros(f, dtype) if bias is None else np.ascontiguousarray(bias, dtype=dtype)
    parts = parallel.parts_for(np, n * f * c * 9 * oh * ow, SPLIT_MACS)
    work = units(n, (th, tw), 16 * (c + f) * dtype.itemsize, parts)
    parts = min(parts, len(work))
    band = max(hi - lo for _, _, lo, hi in work)
    widest = max(count * (hi - lo) for _, count, lo, hi in work) * tw
    mode = 0 if slope is None else (1 if slope == 0 else 2)
    factor = dtype.type(0 if slope is None else slope)
    claim = itertools.count()

    def task(first, last):
        v_all = np.empty(16 * c * widest, dtype=dtype)
        m_all = np.empty(16 * f * widest, dtype=dtype)
        patch = np.empty((2 * band + 2, 2 * tw + 2), dtype=dtype)
        rows = np.empty((4, 2 * tw + 2), dtype=dtype)
        for index in iter(claim.__next__, None):
            if index >= len(work):
                break
            s, count, lo, hi = work[index]
            per = (hi - lo) * tw
            v = v_all[:16 * c * count * per].reshape(16, c, count * per)
            m = m_all[:16 * f * count * per].reshape(16, f, count * per)
            for k in range(count):
                input_transform(x, s + k, v[:, :, k * per:(k + 1) * per], patch, rows, ph, pw, lo, hi, tw)
            np.matmul(u, v, out=m)
            for k in range(count):
                output_transform(m[:, :, k * per:(k + 1) * per], out, s + k, shift, mode, factor, lo, hi, tw)

    parallel.split(task, parts, parts)
    return out


@kernel
def input_transform(x, s, v, patch, rows, ph, pw, lo, hi, tw):
    """v[4a+b, c, (t-lo)·tw + j] = (Bᵀ d B)[a, b] for the 4×4 patch d of tile (t, j) of
    sample s, tile rows lo … hi (zeros outside the input)."""
    channels, height, width = x.shape[1], x.shape[2], x.shape[3]
    prow = 2 * (hi - lo) + 2
    pcol = 2 * tw + 2
    zero = x.dtype.type(0)
    c0 = min(pcol, max(0, pw))               # patch columns before the input starts
    c1 = max(c0, min(pcol, width + pw))      # ... and after it ends
    for c in range(channels):
        image = x[s, c]
        for r in range(prow):
            y = 2 * lo - ph + r
            line = patch[r]
            if y < 0 or y >= height:
                for q in range(pcol):
                    line[q] = zero
                continue
            src = image[y]
            for q in range(c0):
                line[q] = zero
            part = line[c0:]
            start = c0 - pw
            for q in range(c1 - c0):
                part[q] = src[start + q]
            for q in range(c1, pcol):
                line[q] = zero
        for t in range(hi - lo):
            d0, d1, d2, d3 = patch[2 * t], patch[2 * t + 1], patch[2 * t + 2], patch[2 * t + 3]
            for q in range(pcol):                # Bᵀ d, down the columns
                rows[0, q] = d0[q] - d2[q]
                rows[1, q] = d1[q] + d2[q]
                rows[2, q] = d2[q] - d1[q]
                rows[3, q] = d1[q] - d3[q]
            base = t * tw
            for a in range(4):                   # (Bᵀ d) B, along the rows
                line = rows[a]
                o0, o1 = v[4 * a, c, base:], v[4 * a + 1, c, base:]
                o2, o3 = v[4 * a + 2, c, base:], v[4 * a + 3, c, base:]
                for j in range(tw):
                    e0, e1, e2, e3 = line[2 * j], line[2 * j + 1], line[2 * j + 2], line[2 * j + 3]
                    o0[j] = e0 - e2
                    o1[j] = e1 + e2
                    o2[j] = e2 - e1
                    o3[j] = e1 - e3


@kernel
def output_transform(m, out, s, shift, mode, slope, lo, hi, tw):
    """out[s, f, 2t+i, 2j+k] = (Aᵀ M A)[i, k] + shift[f] for tile rows lo … hi, then
    mode 1: relu (NaN stays NaN), mode 2: max(v, slope·v); cells past the output's
    edge (odd sizes) are not written."""
    filters, oh, ow = out.shape[1], out.shape[2], out.shape[3]
    zero = out.dtype.type(0)
    y0 = np.empty(tw, dtype=out.dtype)
    y1 = np.empty(tw, dtype=out.dtype)
    y2 = np.empty(tw, dtype=out.dtype)
    y3 = np.empty(tw, dtype=out.dtype)
    for f in range(filters):
        b = shift[f]
        for t in range(hi - lo):
            base = t * tw
            for j in range(tw):
                p = base + j
                m00, m01, m02, m03 = m[0, f, p], m[1, f, p], m[2, f, p], m[3, f, p]
                m10, m11, m12, m13 = m[4, f, p], m[5, f, p], m[6, f, p], m[7, f, p]
                m20, m21, m22, m23 = m[8, f, p], m[9, f, p], m[10, f, p], m[11, f, p]
                m30, m31, m32, m33 = m[12, f, p], m[13, f, p], m[14, f, p], m[15, f, p]
                r0 = m00 + m10 + m20
                r1 = m01 + m11 + m21
                r2 = m02 + m12 + m22
                r3 = m03 + m13 + m23
                q0 = m10 - m20 - m30
                q1 = m11 - m21 - m31
                q2 = m12 - m22 - m32
                q3 = m13 - m23 - m33
                y0[j] = r0 + r1 + r2 + b
                y1[j] = r1 - r2 - r3 + b
                y2[j] = q0 + q1 + q2 + b
                y3[j] = q1 - q2 - q3 + b
            if mode == 1:
                for j in range(tw):
                    y0[j] = zero if y0[j] < zero else y0[j]
                    y1[j] = zero if y1[j] < zero else y1[j]
                    y2[j] = zero if y2[j] < zero else y2[j]
                    y3[j] = zero if y3[j] < zero else y3[j]
            elif mode == 2:
                for j in range(tw):
                    a0, a1, a2, a3 = y0[j] * slope, y1[j] * slope, y2[j] * slope, y3[j] * slope
                    y0[j] = y0[j] if y0[j] > a0 else a0
                    y1[j] = y1[j] if y1[j] > a1 else a1
                    y2[j] = y2[j] if y2[j] > a2 else a2
                    y3[j] = y3[j] if y3[j] > a3 else a3
            row = 2 * (lo + t)
            top = out[s, f, row]
            for j in range(ow // 2):
                top[2 * j] = y0[j]
                top[2 * j + 1] = y1[j]
            if ow % 2:
                top[ow - 1] = y0[tw - 1]
            if row + 1 < oh:
                low = out[s, f, row + 1]
                for j in range(ow // 2):
                    low[2 * j] = y2[j]
                    low[2 * j + 1] = y3[j]
                if ow % 2:
                    low[ow - 1] = y2[tw - 1]
