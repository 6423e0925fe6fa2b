"""NDArray: an array of the context's module (NumPy on CPU, CuPy on GPU) and its context.

>>> import core as mx
>>> (mx.nd.ones((2, 3)) * 2 + 1).asnumpy()
array([[3., 3., 3.],
       [3., 3., 3.]], dtype=float32)
"""
from __future__ import annotations

import numbers

import numpy as np

from ..context import Context, cpu, current_context
from ..errors import DeviceError

DEFAULT_DTYPE = np.float32


def _to_host(data):
    return data if isinstance(data, np.ndarray) else data.get()


class NDArray:
    __slots__ = ("_data", "_ctx", "__weakref__")
    __array_priority__ = 1000.0

    def __init__(self, data, ctx: Context | None = None):
        self._data = data
        self._ctx = ctx if ctx is not None else cpu()

    # ----- properties ------------------------------------------------------
    @property
    def context(self):
        return self._ctx

    ctx = context

    @property
    def shape(self):
        return tuple(self._data.shape)

    @property
    def dtype(self):
        return self._data.dtype.type

    @property
    def size(self):
        return int(self._data.size)

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def stype(self):
        return "default"

    @property
    def T(self):
        return self._wrap(self._data.T)

    @property
    def xp(self):
        return self._ctx.xp

    # ----- conversion ------------------------------------------------------
    def asnumpy(self):
        return np.array(_to_host(self._data), copy=True)

    def asscalar(self):
        if self.size != 1:
            raise ValueError(f"asscalar needs an array of size 1, this one has shape {self.shape}")
        return self.asnumpy().reshape(-1)[0]

    def item(self):
        return self.asscalar().item()

    def astype(self, dtype, copy=True):
        return self._wrap(self._data.astype(np.dtype(dtype), copy=copy))

    def copy(self):
        return self._wrap(self._data.copy())

    def copyto(self, other):
        if isinstance(other, Context):
            return NDArray(_move(self._data, other), other)
        if isinstance(other, NDArray):
            if other.shape != self.shape:
                raise ValueError(f"copyto: shape {self.shape} does not match target {other.shape}")
            other._data[...] = _move(self._data, other._ctx)
            return other
        raise TypeError(f"copyto expects a Context or an NDArray, got {type(other).__name__}")

    def as_in_context(self, ctx):
        return self if ctx == self._ctx else self.copyto(ctx)

    def wait_to_read(self):
        return self

    def __array__(self, dtype=None, copy=None):
        host = _to_host(self._data)
        return host.astype(dtype) if dtype is not None else host

    def tolist(self):
        return self.asnumpy().tolist()

    # ----- shape -------------------------------------------------------------
    def reshape(self, *shape, reverse=False, **kwargs):
        """A view with a new shape; MXNet's codes 0, -1, -2, -3, -4 and ``reverse``."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        shape = tuple(kwargs.pop("shape", shape))
        if kwargs:
            raise TypeError(f"reshape: unknown argument(s) {sorted(kwargs)}")
        from ..ops.tensor import Reshape
        new_shape = Reshape(node_name="reshape", shape=shape, reverse=reverse).out_shape(self.shape)
        return self._wrap(self._data.reshape(new_shape))

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return self._wrap(self._data.transpose(axes or None))

    def flatten(self, inplace=False):
        """(n, everything else); ``inplace=True`` gives a view sharing this array's memory."""
        shape = (self.shape[0], int(np.prod(self.shape[1:]))) if self.ndim > 1 else self.shape
        return self._view_or_copy(shape, inplace)

    def expand_dims(self, axis, inplace=False):
        shape = np.expand_dims(np.empty(self.shape, dtype=np.bool_), axis).shape
        return self._view_or_copy(shape, inplace)

    def squeeze(self, axis=None, inplace=False):
        shape = np.squeeze(np.empty(self.shape, dtype=np.bool_), axis=axis).shape or (1,)
        return self._view_or_copy(shape, inplace)

    def _view_or_copy(self, shape, inplace):
        view = self._data.reshape(shape)
        return self._wrap(view if inplace else view.copy())

    def __getattr__(self, name):
        """MXNet's fluent methods (``x.floor()``, ``x.broadcast_like(y)`` ...), see fluent.py."""
        if not name.startswith("_"):
            from .fluent import fluent_method
            method = fluent_method(self, name)
            if method is not None:
                return method
        raise AttributeError(f"'NDArray' object has no attribute {name!r}")

    def broadcast_to(self, shape):
        return self._wrap(self.xp.broadcast_to(self._data, shape).copy())

    def __len__(self):
        return self.shape[0]

    def __iter__(self):
        for i in range(self.shape[0]):
            yield self[i]

    def __getitem__(self, key):
        key = _index(key, self._ctx)
        out = self.xp.asarray(self._data[key])
        return self._wrap(out.reshape(1) if out.ndim == 0 else out)  # MXNet 1.x has no 0-d arrays

    def __setitem__(self, key, value):
        self._data[_index(key, self._ctx)] = _operand(value, self._ctx)

    # ----- reductions ---------------------------------------------------------
    def _reduce(self, fn, axis=None, keepdims=False, **kw):
        axis = tuple(axis) if isinstance(axis, list) else axis
        out = fn(self._data, axis=axis, keepdims=keepdims, **kw)
        return self._wrap(self.xp.asarray(out).reshape(1) if np.ndim(out) == 0 else out)

    def sum(self, axis=None, keepdims=False):
        return self._accumulated(self.xp.sum, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return self._accumulated(self.xp.mean, axis, keepdims)

    def _accumulated(self, fn, axis, keepdims):
        """A sum-like reduction; float16 accumulates in float32, as MXNet's."""
        if self._data.dtype != np.float16:
            return self._reduce(fn, axis, keepdims)
        return self._reduce(fn, axis, keepdims, dtype=np.float32).astype(np.float16)

    def max(self, axis=None, keepdims=False):
        return self._reduce(self.xp.max, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return self._reduce(self.xp.min, axis, keepdims)

    def prod(self, axis=None, keepdims=False):
        return self._reduce(self.xp.prod, axis, keepdims)

    def norm(self):
        return self._wrap(self.xp.sqrt((self._data.astype(np.float64) ** 2).sum()).astype(self._data.dtype).reshape(1))

    def argmax(self, axis=None, keepdims=False):
        return self._reduce(self.xp.argmax, axis, keepdims).astype(np.float32)

    def argmin(self, axis=None, keepdims=False):
        return self._reduce(self.xp.argmin, axis, keepdims).astype(np.float32)

    def abs(self):
        return self._wrap(self.xp.abs(self._data))

    def sqrt(self):
        return self._wrap(self.xp.sqrt(self._data))

    def exp(self):
        return self._wrap(self.xp.exp(self._data))

    def log(self):
        return self._wrap(self.xp.log(self._data))

    def square(self):
        return self._wrap(self._data * self._data)

    def clip(self, a_min, a_max):
        return self._wrap(self.xp.clip(self._data, a_min, a_max))

    def softmax(self, axis=-1):
        data = self._data.astype(np.float32) if self._data.dtype == np.float16 else self._data
        e = self.xp.exp(data - data.max(axis=axis, keepdims=True))
        return self._wrap((e / e.sum(axis=axis, keepdims=True)).astype(self._data.dtype, copy=False))

    # ----- arithmetic -----------------------------------------------------------
    def _wrap(self, data):
        return NDArray(data, self._ctx)

    def _binary(self, other, fn):
        return self._wrap(fn(self._data, _operand(other, self._ctx)))

    def _inplace(self, other, fn):
        fn(self._data, _operand(other, self._ctx), out=self._data, casting="unsafe")
        return self

    def _arith(self, other, op, reflected=False):
        """MXNet's arithmetic: the result keeps this array's dtype (see arithmetic.py)."""
        from .arithmetic import apply
        return self._wrap(apply(self.xp, op, self._data, _operand(other, self._ctx), reflected))

    def __add__(self, o): return self._arith(o, "add")
    def __radd__(self, o): return self._arith(o, "add", reflected=True)
    def __sub__(self, o): return self._arith(o, "sub")
    def __rsub__(self, o): return self._arith(o, "sub", reflected=True)
    def __mul__(self, o): return self._arith(o, "mul")
    def __rmul__(self, o): return self._arith(o, "mul", reflected=True)
    def __truediv__(self, o): return self._arith(o, "div")
    def __rtruediv__(self, o): return self._arith(o, "div", reflected=True)
    def __floordiv__(self, o): return self._binary(o, lambda a, b: a // b)
    def __mod__(self, o): return self._arith(o, "mod")
    def __rmod__(self, o): return self._arith(o, "mod", reflected=True)
    def __pow__(self, o): return self._arith(o, "pow")
    def __rpow__(self, o): return self._arith(o, "pow", reflected=True)
    def __matmul__(self, o): return self._binary(o, lambda a, b: a @ b)
    def __neg__(self): return self._wrap(-self._data)
    def __pos__(self): return self
    def __abs__(self): return self.abs()

    def __iadd__(self, o): return self._inplace(o, self.xp.add)
    def __isub__(self, o): return self._inplace(o, self.xp.subtract)
    def __imul__(self, o): return self._inplace(o, self.xp.multiply)
    def __itruediv__(self, o): return self._inplace(o, self.xp.divide)

    # MXNet comparisons return 0/1 arrays of the operand dtype, not booleans
    def _compare(self, other, fn):
        return self._wrap(fn(self._data, _operand(other, self._ctx)).astype(self._data.dtype))

    def __eq__(self, o): return self._compare(o, lambda a, b: a == b)
    def __ne__(self, o): return self._compare(o, lambda a, b: a != b)
    def __lt__(self, o): return self._compare(o, lambda a, b: a < b)
    def __le__(self, o): return self._compare(o, lambda a, b: a <= b)
    def __gt__(self, o): return self._compare(o, lambda a, b: a > b)
    def __ge__(self, o): return self._compare(o, lambda a, b: a >= b)

    __hash__ = object.__hash__

    def __bool__(self):
        if self.size != 1:
            raise ValueError("the truth value of an NDArray with more than one element is ambiguous")
        return bool(self.asscalar())

    def __float__(self):
        return float(self.asscalar())

    def __int__(self):
        return int(self.asscalar())

    def __repr__(self):
        body = np.array2string(self.asnumpy(), separator=" ", threshold=50, precision=6)
        shape = "x".join(str(d) for d in self.shape)
        return f"\n{body}\n<NDArray {shape} @{self._ctx}>"

    def __getstate__(self):
        return {"data": self.asnumpy(), "ctx": (self._ctx.device_type, self._ctx.device_id)}

    def __setstate__(self, state):
        """Ours (``data``, ``ctx``) or MXNet's (``handle``: the saved bytes). An array saved
        on a GPU loads on the CPU, with a warning, where no GPU can be used."""
        if "handle" in state:
            from .params_format import parse_array
            host, dev_type = parse_array(bytes(state["handle"]), "<pickled MXNet NDArray>")
            ctx = Context("gpu" if dev_type == 2 else "cpu", 0)
        else:
            host = state["data"]
            ctx = Context(*state.get("ctx", ("cpu", 0)))
        if ctx.is_gpu:
            from ..context import gpu_unavailable_reason
            reason = gpu_unavailable_reason()
            if reason:
                import warnings
                warnings.warn(f"an NDArray saved on {ctx} is loaded on cpu(0): {reason}", stacklevel=2)
                ctx = cpu()
        self._ctx = ctx
        self._data = ctx.xp.asarray(host)


def _move(data, ctx):
    xp = ctx.xp
    if xp is np:
        return np.array(_to_host(data), copy=True)
    return xp.asarray(data).copy()


def _operand(value, ctx):
    if isinstance(value, NDArray):
        if value._ctx != ctx:
            raise DeviceError(f"arrays are on different devices: {ctx} and {value._ctx}; "
                              f"move one with .as_in_context({ctx})")
        return value._data
    if isinstance(value, numbers.Number):
        return value
    return ctx.xp.asarray(value)


def _index(key, ctx):
    if isinstance(key, NDArray):
        return key._data.astype(np.int64)
    if isinstance(key, tuple):
        return tuple(k._data.astype(np.int64) if isinstance(k, NDArray) else k for k in key)
    return key


def from_data(data, ctx=None, dtype=None):
    """An NDArray from anything array-like, on ctx (default: the current context)."""
    ctx = ctx or current_context()
    if isinstance(data, NDArray):
        dtype = dtype or data.dtype  # as MXNet: NDArray sources keep their dtype, all else float32
        data = _to_host(data._data)
    host = np.array(data, dtype=dtype or DEFAULT_DTYPE)
    return NDArray(ctx.xp.asarray(host) if ctx.is_gpu else host, ctx)
