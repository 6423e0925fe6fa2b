"""Module parameters: initialize, set, get, and save/load them (and optimizer states).

Host copies (``_arg_params``/``_aux_params``, NDArrays on cpu) mirror the device arrays;
``get_params`` refreshes them after training steps.
"""
from __future__ import annotations

import numpy as np

from ..context import cpu
from ..errors import GraphError, NetStudioError, ShapeError
from ..ndarray.ndarray import NDArray
from ..model.checkpoint import load_checkpoint, params_file, save_checkpoint, split_params


class ParamsMixin:
    # ----- initialization ---------------------------------------------------------
    def init_params(self, initializer=None, arg_params=None, aux_params=None, allow_missing=False,
                    force_init=False, allow_extra=False):
        """Give every parameter a value: from ``arg_params``/``aux_params`` when given,
        else from ``initializer`` (default ``Uniform(0.01)``, as MXNet)."""
        from ..initializer import InitDesc, Uniform
        if self.params_initialized and not force_init:
            self.logger.warning("Parameters already initialized and force_init=False. "
                                "init_params call ignored.")
            return
        self._require_bound()
        if initializer is None and arg_params is None and aux_params is None:
            initializer = Uniform(0.01)
        self._check_extra(arg_params, aux_params, allow_extra)
        self._ensure_host_params()
        attrs = self._symbol.attr_dict()

        def fill(name, target, given, kind):
            if given is not None and name in given:
                _copy_checked(target, given[name], name)
            elif given is not None and not allow_missing:
                raise GraphError(f"init_params: {kind} {name!r} is missing from the given {kind}_params "
                                 f"(it has {len(given)} entries); pass allow_missing=True to initialize "
                                 f"missing ones with the initializer")
            elif initializer is None:
                raise GraphError(f"init_params: {kind} {name!r} has no value and no initializer was given")
            else:
                initializer(InitDesc(name, attrs.get(name)), target)

        for name in self._param_names:
            fill(name, self._arg_params[name], arg_params, "arg")
        for name in self._aux_names:
            fill(name, self._aux_params[name], aux_params, "aux")
        self._exec_group.set_params(self._arg_params, self._aux_params)
        self.params_initialized = True
        self._params_dirty = False

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True, allow_extra=False):
        """Use these parameter values (seed 003: ``mod.set_params(arg_params, aux_params)``)."""
        if not self.binded:
            # MXNet needs a bound module; remembering the values until bind is friendlier.
            self._check_extra(arg_params, aux_params, allow_extra)
            self._arg_params = {k: _host_copy(v) for k, v in (arg_params or {}).items() if k in self._param_names}
            self._aux_params = {k: _host_copy(v) for k, v in (aux_params or {}).items() if k in self._aux_names}
            self.params_initialized = True
            return
        self.init_params(initializer=None, arg_params=arg_params or {}, aux_params=aux_params or {},
                         allow_missing=allow_missing, force_init=force_init, allow_extra=allow_extra)

    def get_params(self):
        """``(arg_params, aux_params)``: host copies of the current values."""
        if not self.params_initialized:
            raise NetStudioError("get_params: the parameters are not initialized yet")
        if self.binded and (self._params_dirty or self._arg_params is None):
            self._ensure_host_params()
            self._exec_group.get_params(self._arg_params, self._aux_params)
            if len(self._exec_group.master) > 1 and self._aux_names:
                self._exec_group.set_params({}, self._aux_params)   # devices agree again
            self._params_dirty = False
        return dict(self._arg_params), dict(self._aux_params)

    def _ensure_host_params(self):
        exe = self._exec_group.master[0]
        if self._arg_params is None:
            self._arg_params, self._aux_params = {}, {}
        for name in self._param_names:
            if name not in self._arg_params or self._arg_params[name].shape != exe.arg_dict[name].shape:
                self._arg_params[name] = NDArray(np.zeros(exe.arg_dict[name].shape, np.float32), cpu())
        for name in self._aux_names:
            if name not in self._aux_params or self._aux_params[name].shape != exe.aux_dict[name].shape:
                self._aux_params[name] = NDArray(np.zeros(exe.aux_dict[name].shape, np.float32), cpu())

    def _check_extra(self, arg_params, aux_params, allow_extra):
        if allow_extra:
            return
        inputs = set(self._symbol.list_arguments()) - set(self._param_names)
        extra = [k for k in (arg_params or {}) if k not in self._param_names and k not in inputs]
        extra += [k for k in (aux_params or {}) if k not in self._aux_names]
        if extra:
            raise GraphError(f"parameters {extra[:8]} are not in the network (its parameters: "
                             f"{self._param_names[:8]}{' ...' if len(self._param_names) > 8 else ''}); "
                             f"pass allow_extra=True to ignore them")

    # ----- files ---------------------------------------------------------------------------
    def save_params(self, fname):
        from .. import ndarray as nd
        arg_params, aux_params = self.get_params()
        save_dict = {f"arg:{k}": v for k, v in arg_params.items()}
        save_dict.update({f"aux:{k}": v for k, v in aux_params.items()})
        nd.save(fname, save_dict)

    def load_params(self, fname):
        from .. import ndarray as nd
        arg_params, aux_params = split_params(nd.load(fname), str(fname))
        self.set_params(arg_params, aux_params)

    def save_checkpoint(self, prefix, epoch, save_optimizer_states=False, remove_amp_cast=True):
        """``prefix-symbol.json``, ``prefix-%04d.params`` (and ``.states``), all atomic."""
        arg_params, aux_params = self.get_params()
        save_checkpoint(prefix, epoch, self._symbol, arg_params, aux_params, remove_amp_cast)
        if save_optimizer_states:
            self.save_optimizer_states(f"{prefix}-{int(epoch):04d}.states")

    @classmethod
    def load(cls, prefix, epoch, load_optimizer_states=False, **kwargs):
        """A Module from a checkpoint; bind it, then it runs with the saved parameters."""
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
        mod = cls(symbol=symbol, **kwargs)
        mod._arg_params = {k: v for k, v in arg_params.items() if k in mod._param_names}
        mod._aux_params = dict(aux_params)
        missing = [n for n in mod._param_names if n not in mod._arg_params]
        if missing:
            raise GraphError(f"{params_file(prefix, epoch)}: no values for parameters {missing[:8]}")
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = f"{prefix}-{int(epoch):04d}.states"
        return mod

    def save_optimizer_states(self, fname):
        if not self.optimizer_initialized:
            raise NetStudioError("save_optimizer_states: the optimizer is not initialized")
        self._updater.save(fname)

    def load_optimizer_states(self, fname):
        if not self.optimizer_initialized:
            raise NetStudioError("load_optimizer_states: the optimizer is not initialized")
        self._updater.load(fname)


def _host_copy(value):
    data = value._data if isinstance(value, NDArray) else np.asarray(value)
    data = data if isinstance(data, np.ndarray) else data.get()
    return NDArray(np.array(data, dtype=np.float32), cpu())


def _copy_checked(target, source, name):
    if tuple(source.shape) != tuple(target.shape):
        raise ShapeError(f"parameter {name!r}: the given value has shape {tuple(source.shape)}, "
                         f"the network needs {tuple(target.shape)}")
    data = source._data if isinstance(source, NDArray) else np.asarray(source)
    target._data[...] = data if isinstance(data, np.ndarray) else data.get()
