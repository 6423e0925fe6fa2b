"""Direct-loop reference implementations of the spatial operators, written from MXNet's
definitions (convolution-inl.h, deconvolution-inl.h, pool.h, lrn-inl.h) one output cell
at a time. Slow on purpose: they share no code with core/ops and run on tiny inputs."""
import itertools
import math

import numpy as np


def conv2d(x, w, b, stride, pad, dilate, groups):
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    oh = (h + 2 * pad[0] - dilate[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * pad[1] - dilate[1] * (kw - 1) - 1) // stride[1] + 1
    fg = f // groups
    out = np.zeros((n, f, oh, ow))
    for s, o, i, j in itertools.product(range(n), range(f), range(oh), range(ow)):
        g = o // fg
        total = 0.0 if b is None else b[o]
        for ci, u, v in itertools.product(range(cg), range(kh), range(kw)):
            y = i * stride[0] - pad[0] + u * dilate[0]
            z = j * stride[1] - pad[1] + v * dilate[1]
            if 0 <= y < h and 0 <= z < wd:
                total += x[s, g * cg + ci, y, z] * w[o, ci, u, v]
        out[s, o, i, j] = total
    return out


def deconv2d(x, w, b, stride, pad, dilate, groups, adj):
    n, c, h, wd = x.shape
    _, fg, kh, kw = w.shape
    cg = c // groups
    oh = stride[0] * (h - 1) + dilate[0] * (kh - 1) + 1 - 2 * pad[0] + adj[0]
    ow = stride[1] * (wd - 1) + dilate[1] * (kw - 1) + 1 - 2 * pad[1] + adj[1]
    out = np.zeros((n, fg * groups, oh, ow))
    for s, ci, i, j, fo, u, v in itertools.product(range(n), range(c), range(h), range(wd),
                                                   range(fg), range(kh), range(kw)):
        y = i * stride[0] - pad[0] + u * dilate[0]
        z = j * stride[1] - pad[1] + v * dilate[1]
        if 0 <= y < oh and 0 <= z < ow:
            out[s, (ci // cg) * fg + fo, y, z] += x[s, ci, i, j] * w[ci, fo, u, v]
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def pool2d(x, kernel, stride, pad, pool_type, convention="valid", count_include_pad=True,
           p_value=None):
    """pool.h: the window is clipped to [0, size + pad) for the count, then to the input."""
    n, c, h, wd = x.shape
    sizes = []
    for size, k, s, p in zip((h, wd), kernel, stride, pad):
        span = size + 2 * p - k
        sizes.append(1 + (span // s if convention == "valid" else math.ceil(span / s)))
    out = np.zeros((n, c, *sizes))
    for s_, ch, i, j in itertools.product(range(n), range(c), *map(range, sizes)):
        y0, z0 = i * stride[0] - pad[0], j * stride[1] - pad[1]
        y1, z1 = min(y0 + kernel[0], h + pad[0]), min(z0 + kernel[1], wd + pad[1])
        count = (y1 - y0) * (z1 - z0)
        y0, z0, y1, z1 = max(y0, 0), max(z0, 0), min(y1, h), min(z1, wd)
        if not count_include_pad:
            count = (y1 - y0) * (z1 - z0)
        cells = x[s_, ch, y0:y1, z0:z1].ravel() if y1 > y0 and z1 > z0 else np.zeros(0)
        if pool_type == "max":
            out[s_, ch, i, j] = cells.max() if cells.size else np.finfo(x.dtype).min
        elif pool_type == "sum":
            out[s_, ch, i, j] = cells.sum()
        elif pool_type == "avg":
            out[s_, ch, i, j] = cells.sum() / count if count else 0.0
        else:
            total = (cells ** p_value).sum()
            out[s_, ch, i, j] = np.sign(total) * abs(total) ** (1.0 / p_value)
    return out


def batch_norm(x, gamma, beta, mean, var, eps, axis=1):
    shape = [1] * x.ndim
    shape[axis] = -1
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * gamma.reshape(shape) \
        + beta.reshape(shape)


def lrn(x, nsize, alpha, beta, knorm):
    out = np.zeros_like(x)
    half = nsize // 2
    for ch in range(x.shape[1]):
        lo, hi = max(ch - half, 0), min(ch + half + 1, x.shape[1])
        norm = knorm + alpha / nsize * (x[:, lo:hi] ** 2).sum(axis=1)
        out[:, ch] = x[:, ch] * norm ** -beta
    return out


def max_pool2d_grad(x, grad, kernel, stride, pad, convention="valid"):
    """pool.h's unpool_max: each window's gradient goes to its first maximum (row-major)."""
    out = pool2d(x, kernel, stride, pad, "max", convention)
    result = np.zeros_like(x)
    n, c, h, wd = x.shape
    for s_, ch, i, j in itertools.product(range(n), range(c), *map(range, out.shape[2:])):
        y0, z0 = max(i * stride[0] - pad[0], 0), max(j * stride[1] - pad[1], 0)
        y1 = min(i * stride[0] - pad[0] + kernel[0], h)
        z1 = min(j * stride[1] - pad[1] + kernel[1], wd)
        cells = [(y, z) for y in range(y0, y1) for z in range(z0, z1)]
        first = next((cell for cell in cells if x[s_, ch][cell] == out[s_, ch, i, j]), None)
        if first is not None:
            result[s_, ch][first] += grad[s_, ch, i, j]
    return result
