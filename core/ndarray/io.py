"""``mx.nd.save`` / ``mx.nd.load``: MXNet's binary .params format."""
from __future__ import annotations

from ..context import cpu
from .ndarray import NDArray, _to_host


def save(fname, data):
    """Save an NDArray, a list or a dict of them; MXNet 1.x reads the file."""
    from .params_format import save_params
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        host = {str(k): _to_host(v._data) for k, v in data.items()}
    else:
        host = [_to_host(v._data) for v in data]
    save_params(fname, host)


def load(fname, ctx=None):
    """Load a dict or list of NDArrays from a .params file (MXNet's or ours)."""
    from .params_format import load_params
    return _wrapped(load_params(fname), ctx)


def load_frombuffer(buf):
    """A dict or list of NDArrays from the bytes of a .params file."""
    from .params_format import parse_params
    return _wrapped(parse_params(bytes(buf)), None)


def _wrapped(loaded, ctx):
    ctx = ctx or cpu()
    wrap = (lambda a: NDArray(ctx.xp.asarray(a), ctx)) if ctx.is_gpu else (lambda a: NDArray(a, ctx))
    if isinstance(loaded, dict):
        return {k: wrap(v) for k, v in loaded.items()}
    return [wrap(v) for v in loaded]
