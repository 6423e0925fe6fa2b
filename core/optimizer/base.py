"""The optimizer base class and registry.

The base owns everything shared by every rule: the update count, learning rate (fixed or
from a scheduler), per-parameter lr/wd multipliers, ``rescale_grad`` and ``clip_gradient``.
A subclass writes only ``create_state`` and ``step``, which works in place on raw arrays
of the weight's array module (NumPy or CuPy), in the weight's dtype. An MXNet-style
subclass may instead override ``update(index, weight, grad, state)`` on NDArrays; the
updater calls it through ``update_multi_precision`` either way.

>>> import core as mx
>>> opt = mx.optimizer.create("sgd", learning_rate=0.5)
>>> w, g = mx.nd.array([1.0, 2.0]), mx.nd.array([1.0, -1.0])
>>> opt.update(0, w, g, opt.create_state(0, w))
>>> w.asnumpy().tolist()
[0.5, 2.5]
"""
from __future__ import annotations

import numbers

import numpy as np

from ..ndarray.ndarray import NDArray
from ..registry import Registry

_REGISTRY = Registry("optimizer")  # base set below, once Optimizer exists


def register(klass):
    """Class decorator: make ``create('<lower-case class name>')`` build this optimizer."""
    return _REGISTRY.register(klass)


def create(name, **kwargs):
    """An optimizer by name (case-insensitive): ``create('sgd', learning_rate=0.1)``.

    An Optimizer instance is returned as is; ``["sgd", {...}]`` (from ``dumps``) works too.
    """
    if isinstance(name, Optimizer):
        return name
    if isinstance(name, (list, tuple)) and len(name) == 2:
        name, settings = name
        kwargs = {**settings, **kwargs}
    return _REGISTRY.get(name)(**kwargs)


def names():
    return _REGISTRY.names()


def raw(array):
    """The xp array inside an NDArray (or the array itself)."""
    return array._data if isinstance(array, NDArray) else array


def zeros_state(weight):
    """A zero-filled state like the weight: an NDArray on the weight's device."""
    if isinstance(weight, NDArray):
        return NDArray(weight.xp.zeros_like(weight._data), weight.context)
    return _xp_of(weight).zeros_like(weight)


class Optimizer:
    """Base of all optimizers: ``update(index, weight, grad, state)`` for one parameter."""

    def __init__(self, rescale_grad=1.0, param_idx2name=None, wd=0.0, clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None, **unknown):
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown option(s) {sorted(unknown)}")
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None:
            lr_scheduler.base_lr = learning_rate  # as MXNet: the optimizer's rate wins
        self.wd = wd
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._index_update_count = {}
        if param_idx2name is not None and not isinstance(param_idx2name, dict):
            raise TypeError("param_idx2name must be a dict {index: parameter name}")
        self.idx2name = dict(param_idx2name or {})
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict or {}
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ----- the rule: subclasses override these two ------------------------------
    def create_state(self, index, weight):
        """State kept between updates for one weight (None, an NDArray or a tuple)."""
        return None

    def step(self, xp, index, weight, grad, state, lr, wd):
        """Change ``weight`` in place. ``grad`` is the raw gradient (not yet rescaled);
        ``index`` keys per-parameter counts (Adam's bias correction)."""
        raise NotImplementedError(f"{type(self).__name__} must define step()")

    # ----- shared machinery ----------------------------------------------------------
    def update(self, index, weight, grad, state):
        """Apply one update to ``weight`` (NDArray) from ``grad``, using ``state``."""
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        xp = weight.xp if isinstance(weight, NDArray) else _xp_of(weight)
        self.step(xp, index, raw(weight), raw(grad), _raw_state(state), lr, wd)

    def update_multi_precision(self, index, weight, grad, state):
        """``update``, through a float32 master copy for float16 weights when
        ``multi_precision`` is on (the copy is ``state[0]``, as MXNet keeps it)."""
        if not self._keeps_master_copy(weight):
            self.update(index, weight, grad, state)
            return
        master, inner = state
        self.update(index, master, grad.astype("float32"), inner)
        weight[:] = master.astype(weight.dtype)

    def create_state_multi_precision(self, index, weight):
        """``create_state``; with ``multi_precision`` and a float16 weight, the pair
        ``(float32 master copy, state of the master copy)`` as in MXNet."""
        if not self._keeps_master_copy(weight):
            return self.create_state(index, weight)
        master = weight.astype("float32")
        return master, self.create_state(index, master)

    def _keeps_master_copy(self, weight):
        return self.multi_precision and np.dtype(weight.dtype) == np.float16

    def rescaled(self, xp, grad):
        """``clip(rescale_grad * grad, clip_gradient)`` as a new array."""
        out = grad * self.rescale_grad
        if self.clip_gradient is not None and self.clip_gradient >= 0:
            xp.clip(out, -self.clip_gradient, self.clip_gradient, out=out)
        return out

    @property
    def learning_rate(self):
        return self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr

    def set_learning_rate(self, lr):
        if self.lr_scheduler is not None:
            raise UserWarning("this optimizer has an lr_scheduler; change the scheduler's base_lr "
                              "instead of calling set_learning_rate")
        self.lr = lr

    def set_lr_mult(self, args_lr_mult):
        """Per-parameter rate multipliers, by name or index; variables' ``__lr_mult__`` first."""
        self.lr_mult = {}
        if self.sym_info:
            attrs, arg_names = self.sym_info
            for name in arg_names:
                if "__lr_mult__" in attrs.get(name, {}):
                    self.lr_mult[name] = float(attrs[name]["__lr_mult__"])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Per-parameter weight-decay multipliers, by name or index.

        NOTE: MXNet's rule, kept so training matches it: when names are known, parameters
        whose names do not end in ``_weight`` or ``_gamma`` (biases, betas) get no decay.
        """
        self.wd_mult = {}
        for name in self.idx2name.values():
            if not (name.endswith("_weight") or name.endswith("_gamma")):
                self.wd_mult[name] = 0.0
        if self.sym_info:
            attrs, arg_names = self.sym_info
            for name in arg_names:
                if "__wd_mult__" in attrs.get(name, {}):
                    self.wd_mult[name] = float(attrs[name]["__wd_mult__"])
        self.wd_mult.update(args_wd_mult)

    def _update_count(self, index):
        count = self._index_update_count.get(index, self.begin_num_update) + 1
        self._index_update_count[index] = count
        self.num_update = max(count, self.num_update)

    def _multiplier(self, table, index):
        if index in self.param_dict:
            return getattr(self.param_dict[index], "lr_mult" if table is self.lr_mult else "wd_mult")
        if index in table:
            return table[index]
        if index in self.idx2name:
            return table.get(self.idx2name[index], 1.0)
        return 1.0

    def _get_lr(self, index):
        return self.learning_rate * self._multiplier(self.lr_mult, index)

    def _get_wd(self, index):
        return self.wd * self._multiplier(self.wd_mult, index)

    def _get_lrs(self, indices):
        return [self._get_lr(i) for i in indices]

    def _get_wds(self, indices):
        return [self._get_wd(i) for i in indices]

    # ----- description -------------------------------------------------------------------
    def settings(self):
        """The options that define this optimizer, as plain JSON-able values."""
        out = {"learning_rate": self.lr, "wd": self.wd, "rescale_grad": self.rescale_grad,
               "clip_gradient": self.clip_gradient}
        out.update({k: getattr(self, k) for k in self.rule_options})
        return {k: v for k, v in out.items() if v is None or isinstance(v, (numbers.Number, str, bool))}

    rule_options: tuple = ()

    def dumps(self):
        """``["sgd", {...}]``: ``create(opt.dumps())`` builds the same optimizer."""
        return [type(self).__name__.lower(), self.settings()]

    def __repr__(self):
        options = ", ".join(f"{k}={v}" for k, v in self.settings().items())
        return f"{type(self).__name__}({options})"


def _raw_state(state):
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return tuple(_raw_state(s) for s in state)
    return raw(state)


def _xp_of(array):
    import numpy as np
    if isinstance(array, np.ndarray):
        return np
    import cupy  # a raw array that is not NumPy's can only be CuPy's here
    return cupy


_REGISTRY.base = Optimizer
