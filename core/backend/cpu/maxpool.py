"""Max pooling's kernels: window maxima with the winning offset (one byte per output
cell, never a mask the size of the input), and the gradient sent back to the winners.

The first largest cell of each window wins, in row-major order like MXNet: a later
cell takes the window only when strictly larger.
"""
from __future__ import annotations

from .window import window_views


def window_max(xp, buf, geometry, track):
    """(maxima, winning offset per window or None) of the windows over ``buf``."""
    kernel, stride, pad, out = geometry
    views = [view for _, view in window_views(buf, kernel, stride, (1,) * len(kernel), out)]
    if not track:
        best = views[0].copy()
        for view in views[1:]:
            xp.maximum(best, view, out=best)
        return best, None
    if len(views) == 4:
        return _max_of_four(xp, views)
    index_type = xp.uint8 if len(views) <= 256 else xp.int32
    best = views[0].copy()
    winner = xp.zeros(best.shape, dtype=index_type)
    for t, view in enumerate(views[1:], 1):
        better = view > best  # strict: on ties the earlier offset keeps the window
        xp.maximum(best, view, out=best)
        winner = xp.where(better, index_type(t), winner)
    return best, winner


def max_scatter(xp, buf, grad, winner, geometry, tiled):
    """Each window's gradient to its winning cell; the others get zero (a NaN or inf
    head gradient, which means training diverged, may spread NaN to them)."""
    kernel, stride, pad, out = geometry
    views = window_views(buf, kernel, stride, (1,) * len(kernel), out)
    for t, (_, view) in enumerate(views):
        if tiled:
            xp.multiply(grad, winner == t, out=view)
        else:
            view += grad * (winner == t)


def _max_of_four(xp, views):
    """2×2 windows as a two-round tournament: fewer passes than the general loop, same
    first-maximum rule."""
    a, b, c, d = views
    right_first = b > a
    right_second = d > c
    first = xp.maximum(a, b)
    second = xp.maximum(c, d)
    second_wins = second > first
    xp.maximum(first, second, out=first)
    winner = xp.where(second_wins, right_second.view(xp.uint8) + xp.uint8(2),
                      right_first.view(xp.uint8))
    return first, winner
