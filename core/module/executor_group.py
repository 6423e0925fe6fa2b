"""Data parallelism over a list of contexts: each batch is split into slices, one executor
per device runs its slice, gradients are summed on the first device, one update is made
there and the new weights are copied back to the others (as MXNet's local kvstore does).

With one context nothing is split or copied. Executors for other batch sizes (a smaller
last batch, predicting one image) are bound on demand, share the parameter arrays, and
are kept for reuse.

Everything here runs in this process. The other kind of group, LaneExecutorGroup
(core/module/lane_group.py), also splits the batch between worker processes.
"""
from __future__ import annotations

import numpy as np

from ..errors import DataError, ShapeError
from ..executor import Executor
from ..ndarray.ndarray import NDArray


def split_slices(batch_size, work_load_list):
    """MXNet's split: slice sizes proportional to the work loads; empty slices dropped."""
    total = float(sum(work_load_list))
    sizes = [int(round(w * batch_size / total)) for w in work_load_list]
    sizes[-1] += batch_size - sum(sizes)
    slices, begin = [], 0
    for size in sizes:
        end = min(begin + max(size, 0), batch_size)
        slices.append(slice(begin, end))
        begin = end
    return slices


def load_into(target, source, piece=None):
    """Copy ``source[piece]`` (NDArray or array, any device) into ``target`` in place."""
    data = source._data if isinstance(source, NDArray) else source
    if piece is not None:
        data = data[piece]
    xp = target.xp
    if xp is np and not isinstance(data, np.ndarray):
        data = data.get() if hasattr(data, "get") else np.asarray(data)
    elif xp is not np:
        data = xp.asarray(data)
    target._data[...] = data


class ExecutorGroup:
    """The executors of one binding, one per device; ``master`` holds every device's
    parameters (the first binding's executors), ``execs`` run the current batch size."""

    def __init__(self, symbol, contexts, work_load_list, data_shapes, label_shapes, param_names,
                 grad_req, shared_group=None):
        self.symbol = symbol
        self.contexts = list(contexts)
        self.work_load_list = list(work_load_list)
        self.param_names = list(param_names)
        self.aux_names = symbol.list_auxiliary_states()
        self.output_names = symbol.list_outputs()
        self.grad_req = dict(grad_req)
        self._monitor = None
        self._cache = {}
        self.master = None
        shared = shared_group.execs if shared_group is not None else None
        self._bind(data_shapes, label_shapes, shared)

    # ----- binding --------------------------------------------------------------------
    def _bind(self, data_shapes, label_shapes, shared=None):
        self.data_shapes = list(data_shapes)
        self.label_shapes = list(label_shapes or [])
        self.data_names = [d.name for d in self.data_shapes]
        self.label_names = [d.name for d in self.label_shapes]
        self.batch_size = self.data_shapes[0].shape[0]
        key = tuple((d.name, tuple(d.shape)) for d in self.data_shapes + self.label_shapes)
        if key in self._cache:
            self.execs, self.slices = self._cache[key]
            return
        base = shared if shared is not None else getattr(self, "execs", None)
        self.execs, self.slices = self._cache[key] = self._bind_executors(base)
        if base is None or self._covers_every_device(self.execs):
            self.master = self.execs

    def _bind_executors(self, base):
        """``(executors, slices)`` for the current shapes: one executor per device whose
        slice is not empty, sharing the parameters of ``base`` (None: the first binding)."""
        all_slices = split_slices(self.batch_size, self.work_load_list)
        used = [i for i, s in enumerate(all_slices) if s.stop > s.start]
        slices = [all_slices[i] for i in used]
        execs = []
        for i, piece in zip(used, slices):
            shapes = {d.name: (piece.stop - piece.start,) + tuple(d.shape[1:])
                      for d in self.data_shapes + self.label_shapes}
            share = base[i] if base is not None and i < len(base) else None
            exe = Executor.simple_bind(self.symbol, self.contexts[i], grad_req=self.grad_req,
                                       shared_exec=share, type_dict=self._float_types(), **shapes)
            if self._monitor is not None:
                self._monitor.install(exe)
            execs.append(exe)
        return execs, slices

    def _covers_every_device(self, execs):
        """Does a later binding hold every device's parameters (then it is the master)?"""
        return len(execs) == len(self.contexts)

    @property
    def processes(self):
        """How many processes run each batch of the current size."""
        return 1

    def _float_types(self):
        """Inputs described as float16/float64 (DataDesc.dtype) bind the network in that
        type, as MXNet's; other dtypes (uint8 images ...) leave it float32."""
        return {d.name: d.dtype for d in self.data_shapes
                if np.dtype(getattr(d, "dtype", np.float32)) in (np.float16, np.float64)}

    def close(self):
        """Free what the group holds beyond its arrays (nothing here: one process)."""

    def reshape(self, data_shapes, label_shapes):
        self._bind(data_shapes, label_shapes, shared=self.master)

    def install_monitor(self, monitor):
        self._monitor = monitor
        for execs, _ in self._cache.values():
            for exe in execs:
                monitor.install(exe)

    # ----- parameters -----------------------------------------------------------------
    def set_params(self, arg_params, aux_params):
        for exe in self.master:
            for names, given, arrays in ((self.param_names, arg_params, exe.arg_dict),
                                         (self.aux_names, aux_params, exe.aux_dict)):
                for name in names:
                    if name not in given:
                        continue
                    if tuple(given[name].shape) != arrays[name].shape:
                        raise ShapeError(f"parameter {name!r}: the given value has shape "
                                         f"{tuple(given[name].shape)}, the network needs {arrays[name].shape}")
                    load_into(arrays[name], given[name])

    def get_params(self, arg_params, aux_params):
        """Copy device values into the given dicts of host NDArrays; aux states (running
        statistics) are averaged over devices, as MXNet does."""
        first = self.master[0]
        for name in self.param_names:
            load_into(arg_params[name], first.arg_dict[name])
        for name in self.aux_names:
            values = [_host(exe.aux_dict[name]) for exe in self.master]
            aux_params[name]._data[...] = values[0] if len(values) == 1 else sum(values) / len(values)

    # ----- running ----------------------------------------------------------------------
    def forward(self, data_batch, is_train):
        data = list(data_batch.data)
        labels = list(getattr(data_batch, "label", None) or [])
        if len(data) != len(self.data_names):
            raise DataError(f"forward: the batch has {len(data)} data array(s), the module takes "
                            f"{len(self.data_names)}: {self.data_names}")
        whole = len(self.execs) == 1
        for exe, piece in self._running_order():
            cut = None if whole else piece
            for name, array in zip(self.data_names, data):
                _checked_load(exe.arg_dict[name], array, cut, name, "data", self.batch_size)
            for name, array in zip(self.label_names, labels):
                _checked_load(exe.arg_dict[name], array, cut, name, "label", self.batch_size)
            exe.forward(is_train=is_train)

    def backward(self, out_grads=None):
        for exe, piece in self._running_order():
            grads = None
            if out_grads is not None:
                grads = [NDArray(_device_piece(g, exe, None if len(self.execs) == 1 else piece), exe._ctx)
                         for g in out_grads]
            exe.backward(out_grads=grads)

    def _running_order(self):
        """(executor, slice) pairs in the order they are started."""
        return list(zip(self.execs, self.slices))

    def get_outputs(self, merge_multi_context=True):
        per_exec = [exe.outputs for exe in self.execs]
        outputs = [list(o) for o in zip(*per_exec)]
        return [_merge(o) for o in outputs] if merge_multi_context else outputs

    def get_input_grads(self, merge_multi_context=True):
        grads = [[exe.grad_dict[name] for exe in self.execs] for name in self.data_names]
        return [_merge(g) for g in grads] if merge_multi_context else grads

    def summed_grads(self):
        """[(index, name, weight on device 0, gradient summed over devices)] to update."""
        first = self.execs[0]
        items = []
        for index, name in enumerate(self.param_names):
            if self.grad_req.get(name, "null") == "null":
                continue
            grad = first.grad_dict[name]
            for exe in self.execs[1:]:
                grad._data += _device_piece(exe.grad_dict[name], first, None)
            items.append((index, name, first.arg_dict[name], grad))
        return items

    def broadcast_params(self):
        """After an update on device 0, give every other device the new weights."""
        first = self.master[0]
        for exe in self.master[1:]:
            for name in self.param_names:
                if self.grad_req.get(name, "null") != "null":
                    load_into(exe.arg_dict[name], first.arg_dict[name])

    def non_finite(self):
        """What holds NaN/inf after forward/backward (an output or a gradient), or None."""
        for exe in self.execs:
            for name, out in zip(self.output_names, exe.outputs):
                if not _finite(out._data):
                    return f"output {name!r}"
            for name in self.param_names:
                grad = exe.grad_dict.get(name)
                if grad is not None and self.grad_req.get(name) != "null" and not _finite(grad._data):
                    return f"the gradient of {name!r}"
        return None

    def update_metric(self, eval_metric, labels, pad=0):
        outputs = self.get_outputs()
        labels = list(labels or [])
        if pad:
            keep = outputs[0].shape[0] - pad
            outputs = [o[:keep] for o in outputs]
            labels = [lab[:keep] for lab in labels]
        update_metric(eval_metric, dict(zip(self.label_names, labels)), dict(zip(self.output_names, outputs)))


def update_metric(eval_metric, label_dict, pred_dict):
    if hasattr(eval_metric, "update_dict"):
        eval_metric.update_dict(label_dict, pred_dict)
    else:
        eval_metric.update(list(label_dict.values()), list(pred_dict.values()))


def _checked_load(target, array, piece, name, what, batch_size):
    shape = tuple(array.shape)
    full = target.shape if piece is None else (batch_size,) + tuple(target.shape[1:])
    if shape != full:
        if shape[:1] != full[:1]:
            raise DataError(f"{what} {name!r} has {shape[0] if shape else 0} examples in this batch, "
                            f"the module runs {full[0]} (data and label must have the same length)")
        raise DataError(f"{what} {name!r} has shape {shape}, the module was bound for {full}")
    try:
        load_into(target, array, piece)
    except ValueError as error:
        raise DataError(f"{what} {name!r} of shape {shape} does not fit the module's {target.shape}: "
                        f"{error}") from error


def _device_piece(array, exe, piece):
    data = array._data if isinstance(array, NDArray) else array
    if piece is not None:
        data = data[piece]
    xp = exe._xp
    if xp is np:
        return data if isinstance(data, np.ndarray) else data.get()
    return xp.asarray(data)


def _host(array):
    data = array._data
    return data if isinstance(data, np.ndarray) else data.get()


def _merge(arrays):
    if len(arrays) == 1:
        return arrays[0]
    first = arrays[0]
    parts = [first._data] + [_device_piece(a, _CtxView(first), None) for a in arrays[1:]]
    return NDArray(first.xp.concatenate(parts, axis=0), first.context)


class _CtxView:
    """Just enough of an executor for _device_piece: the target's array module."""

    def __init__(self, array):
        self._xp = array.xp


def _finite(data):
    # A sum is NaN/inf whenever an element is (cheap); confirm element-wise to rule out
    # a finite array whose float32 sum overflowed.
    xp = np if isinstance(data, np.ndarray) else __import__("cupy")
    if bool(xp.isfinite(data.sum())):
        return True
    return bool(xp.isfinite(data).all())
