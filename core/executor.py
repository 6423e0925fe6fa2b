"""Executor: a Symbol bound to arrays on one device. The plan (order, which gradients
are needed) is made once at bind time; forward keeps only what backward needs.

>>> import core as mx
>>> net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2, name="fc")
>>> exe = net.simple_bind(mx.cpu(), data=(1, 3))
>>> exe.forward(is_train=False)[0].shape
(1, 2)
"""
from __future__ import annotations

import numpy as np

from .backend.cpu.memory import keep_freed_memory
from .backend.cpu.parallel import single_threaded_blas
from .errors import DeviceError, GraphError, ShapeError
from .executor_passes import (activated_forward, activation_epilogues, activation_slope, conv_bn_pairs,
                              folded_pads, fused_forward, in_place_activations)
from .ndarray.ndarray import NDArray
from .symbol.graph import topo_order

GRAD_REQS = ("write", "add", "null")


class _Step:
    """One operator node in execution order, with input slots resolved to indices."""
    __slots__ = ("node", "op", "args", "aux", "needs", "wanted")

    def __init__(self, node, op, args, aux, needs, wanted):
        self.node, self.op, self.args, self.aux = node, op, args, aux
        self.needs, self.wanted = needs, wanted


class Executor:
    def __init__(self, symbol, ctx, args, args_grad=None, grad_req="write", aux_states=None):
        self._symbol = symbol
        self._ctx = ctx
        self._xp = ctx.xp
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.output_names = symbol.list_outputs()
        self.arg_arrays = self._as_list(args, self.arg_names, "args")
        self.aux_arrays = self._as_list(aux_states or [], self.aux_names, "aux_states")
        self.grad_req = self._grad_reqs(grad_req)
        if args_grad is None:
            self.grad_arrays = [None] * len(self.arg_names)
            self.grad_req = {n: "null" for n in self.arg_names}
        else:
            self.grad_arrays = self._as_list(args_grad, self.arg_names, "args_grad", allow_missing=True)
            for name, grad in zip(self.arg_names, self.grad_arrays):
                if grad is None:
                    self.grad_req[name] = "null"
        self.arg_dict = dict(zip(self.arg_names, self.arg_arrays))
        self.aux_dict = dict(zip(self.aux_names, self.aux_arrays))
        self.grad_dict = {n: g for n, g in zip(self.arg_names, self.grad_arrays) if g is not None}
        self._saved = {}
        self._values = None
        self._monitor = None
        self._plan()
        self.outputs = self._zero_outputs()
        if self._xp is np:
            keep_freed_memory()   # the same arrays every batch: no page faults (backend/cpu/memory.py)

    # ----- construction -------------------------------------------------------
    @classmethod
    def simple_bind(cls, symbol, ctx, grad_req="write", shared_exec=None, type_dict=None, **shapes):
        arg_shapes, _, aux_shapes = symbol._infer_shapes(**shapes)
        arg_types, _, aux_types = symbol.infer_type_partial(**(type_dict or {}))
        arg_types = [t or np.float32 for t in arg_types]
        aux_types = [t or np.float32 for t in aux_types]
        names = symbol.list_arguments() + symbol.list_auxiliary_states()
        missing = [n for n, s in zip(names, arg_shapes + aux_shapes) if s is None]
        if missing:
            raise ShapeError(f"cannot bind: the shapes of {', '.join(missing)} are unknown; "
                             f"pass them to simple_bind (e.g. {missing[0]}=(batch, ...))")
        xp = ctx.xp
        shared = shared_exec.arg_dict if shared_exec is not None else {}

        def alloc(name, shape, dtype):
            old = shared.get(name)
            if old is not None and old.shape == tuple(shape):
                return old
            return NDArray(xp.zeros(shape, dtype=dtype), ctx)

        names = symbol.list_arguments()
        args = [alloc(n, s, t) for n, s, t in zip(names, arg_shapes, arg_types)]
        reqs = cls._grad_req_map(grad_req, names)
        grads = [NDArray(xp.zeros(s, dtype=t), ctx) if reqs[n] != "null" else None
                 for n, s, t in zip(names, arg_shapes, arg_types)]
        shared_aux = shared_exec.aux_dict if shared_exec is not None else {}
        aux = [shared_aux[n] if n in shared_aux and shared_aux[n].shape == tuple(s)
               else NDArray(xp.zeros(s, dtype=t), ctx)
               for n, s, t in zip(symbol.list_auxiliary_states(), aux_shapes, aux_types)]
        return cls(symbol, ctx, args, grads, reqs, aux)

    def _as_list(self, arrays, names, what, allow_missing=False):
        if isinstance(arrays, dict):
            unknown = set(arrays) - set(names)
            if unknown and what == "args":
                raise GraphError(f"bind: {what} has names the network does not use: {sorted(unknown)}")
            arrays = [arrays.get(n) for n in names]
        arrays = list(arrays)
        if len(arrays) != len(names):
            raise GraphError(f"bind: {what} has {len(arrays)} arrays, the network needs {len(names)}: {names}")
        for name, array in zip(names, arrays):
            if array is None:
                if allow_missing:
                    continue
                raise GraphError(f"bind: no array given for {name!r} in {what}")
            if not isinstance(array, NDArray):
                raise GraphError(f"bind: {what}[{name!r}] must be an NDArray, got {type(array).__name__}")
            if array.context != self._ctx:
                raise DeviceError(f"bind: {what}[{name!r}] is on {array.context}, the executor on {self._ctx}")
        return arrays

    @staticmethod
    def _grad_req_map(grad_req, names):
        if isinstance(grad_req, str):
            reqs = {n: grad_req for n in names}
        elif isinstance(grad_req, dict):
            reqs = {n: grad_req.get(n, "null") for n in names}
        else:
            reqs = dict(zip(names, grad_req))
        for name, req in reqs.items():
            if req not in GRAD_REQS:
                raise GraphError(f"grad_req for {name!r} is {req!r}; expected one of {GRAD_REQS}")
        return reqs

    def _grad_reqs(self, grad_req):
        return self._grad_req_map(grad_req, self.arg_names)

    def _plan(self):
        """Order the nodes once; number every value slot; mark which need gradients."""
        nodes = topo_order(self._symbol.heads)
        slot = {}
        self._var_slots = []
        for node in nodes:
            if node.is_variable:
                slot[(id(node), 0)] = len(slot)
                self._var_slots.append(node.name)
        requires = {id(n): self.grad_req.get(n.name, "null") != "null" for n in nodes if n.is_variable}
        self._steps = []
        for node in nodes:
            if node.is_variable:
                continue
            op = node.op
            n_args = len(op.list_arguments())
            args = [slot[(id(c), i)] for c, i in node.inputs[:n_args]]
            aux = [slot[(id(c), i)] for c, i in node.inputs[n_args:]]
            needs = [requires.get(id(c), False) if c.is_variable else requires[id(c)]
                     for c, _ in node.inputs[:n_args]]
            requires[id(node)] = any(needs)
            for i in range(len(op.list_outputs())):
                slot[(id(node), i)] = len(slot)
            outputs = [slot[(id(node), i)] for i in range(len(op.list_outputs()))]
            self._steps.append(_Step(node, op, args, aux, needs, outputs))
        self._n_slots = len(slot)
        self._head_slots = [slot[(id(n), i)] for n, i in self._symbol.heads]
        # inference drops each intermediate after its last reader (peak memory ~ one layer)
        last_reader = {}
        for index, step in enumerate(self._steps):
            for value in step.args + step.aux:
                last_reader[value] = index
        keep = set(self._head_slots) | set(slot[(id(n), 0)] for n in nodes if n.is_variable)
        self._release = [[] for _ in self._steps]
        for value, index in last_reader.items():
            if value not in keep:
                self._release[index].append(value)
        self._conv_bn = conv_bn_pairs(self._steps, set(self._head_slots))
        self._pads = folded_pads(self._steps, set(self._head_slots), self._conv_bn)
        self._pad_of = {conv: pad for pad, conv in self._pads.items()}
        self._in_place = in_place_activations(self._steps, set(self._head_slots))
        self._epilogues = activation_epilogues(self._steps, self._in_place, self._conv_bn)
        self._var_index = {name: slot[(id(n), 0)] for n in nodes if n.is_variable for name in [n.name]}

    def _zero_outputs(self):
        """MXNet's outputs right after binding: zero-filled arrays of the output shapes."""
        known = {n: a.shape for n, a in zip(self.arg_names, self.arg_arrays)}
        known.update({n: a.shape for n, a in zip(self.aux_names, self.aux_arrays)})
        _, shapes, _ = self._symbol._infer_shapes(**known)
        _, types, _ = self._symbol.infer_type_partial(**{n: a.dtype for n, a in zip(self.arg_names, self.arg_arrays)})
        if any(s is None for s in shapes):
            return []
        return [NDArray(self._xp.zeros(s, dtype=t or np.float32), self._ctx) for s, t in zip(shapes, types)]

    # ----- running -------------------------------------------------------------
    def forward(self, is_train=False, **kwargs):
        # one BLAS thread per calling thread; big kernels split themselves (backend/cpu/parallel.py)
        with single_threaded_blas():
            return self._forward(is_train, **kwargs)

    def _forward(self, is_train=False, for_backward=None, **kwargs):
        """``for_backward`` (default: ``is_train``) keeps what backward reads."""
        for_backward = is_train if for_backward is None else for_backward
        for name, value in kwargs.items():
            if name not in self.arg_dict:
                raise GraphError(f"forward: {name!r} is not an argument of this network")
            self.arg_dict[name][:] = value
        values = [None] * self._n_slots
        for name, array in zip(self.arg_names, self.arg_arrays):
            values[self._var_index[name]] = array._data
        for name, array in zip(self.aux_names, self.aux_arrays):
            values[self._var_index[name]] = array._data
        xp, saved = self._xp, {}
        differentiating_inference = for_backward and not is_train
        fuse = not for_backward and self._monitor is None
        folded = set(self._pads)   # BatchNorm steps computed by their convolution, Pads it does
        for position, step in enumerate(self._steps):
            if fuse and self._fused(position, step, values, folded):
                for index in self._release[position]:
                    values[index] = None
                continue
            inputs = [values[i] for i in step.args]
            aux = [values[i] for i in step.aux]
            if differentiating_inference:   # ops run as training, behaving as at inference
                outputs, keep = _inference_twin(step.op).forward(xp, inputs, aux, True)
            else:
                outputs, keep = step.op.forward(xp, inputs, aux, is_train)
            for index, out in zip(step.wanted, outputs):
                values[index] = out
            if for_backward and any(step.needs):
                saved[id(step)] = keep
            if self._monitor is not None:
                for name, out in zip(step.node.output_names(), outputs):
                    self._monitor(name, NDArray(out, self._ctx))
            if not for_backward:
                for index in self._release[position]:
                    values[index] = None
        self._saved = saved
        self._values = values if for_backward else None
        self.outputs = [NDArray(values[i], self._ctx) for i in self._head_slots]
        return self.outputs

    def _fused(self, position, step, values, folded):
        """Inference: run a Convolution with its BatchNorm folded in (and the clip after
        it, which fused_forward applies) and/or the relu after it in its epilogue, or skip
        a step so done (its output is the convolution's), or run a relu in place on the
        convolution's output. False: run the step as usual."""
        if position in folded:
            values[step.wanted[0]] = values[step.args[0]]
            return True
        if position in self._in_place:
            values[step.wanted[0]] = step.op.activate_in_place(self._xp, values[step.args[0]])
            return True
        activation = self._epilogues.get(position)
        slope = None if activation is None else activation_slope(self._steps[activation].op)
        partner = self._conv_bn.get(position)
        if partner is None:
            if activation is None:
                return False
            values[step.wanted[0]] = activated_forward(self._xp, step, values, slope)
            folded.add(activation)
            return True
        clip = self._steps[partner[1]] if partner[1] is not None else None
        pad = self._steps[self._pad_of[position]] if position in self._pad_of else None
        out = fused_forward(self._xp, step, self._steps[partner[0]], values, clip, pad, slope)
        if out is None:
            return False
        if clip is not None:
            folded.add(partner[1])
        if activation is not None:
            folded.add(activation)
        values[step.wanted[0]] = out
        folded.add(partner[0])
        return True

    def backward(self, out_grads=None, is_train=True):
        with single_threaded_blas():
            self._backward(out_grads)

    def _backward(self, out_grads=None):
        if not self._saved and any(any(s.needs) for s in self._steps):
            # as MXNet: after forward(is_train=False) (or none), backward differentiates the
            # inference pass on the current arguments
            self._forward(is_train=False, for_backward=True)
        xp = self._xp
        grads = [None] * self._n_slots
        if out_grads is not None:
            out_grads = [out_grads] if isinstance(out_grads, NDArray) else list(out_grads)
            for index, grad in zip(self._head_slots, out_grads):
                grads[index] = grad._data if isinstance(grad, NDArray) else xp.asarray(grad)
        else:
            for index in self._head_slots:
                grads[index] = None
        for step in reversed(self._steps):
            if not any(step.needs):
                continue
            out_grads_here = [grads[i] for i in step.wanted]
            if not step.op.is_loss:
                if all(g is None for g in out_grads_here):
                    if not any(i in self._head_slots for i in step.wanted):
                        continue
                out_grads_here = [g if g is not None else xp.ones_like(self._values[i]) if i in self._head_slots
                                  else xp.zeros_like(self._values[i]) for g, i in zip(out_grads_here, step.wanted)]
            in_grads = step.op.backward(xp, self._saved[id(step)], out_grads_here, step.needs)
            for index, grad, need in zip(step.args, in_grads, step.needs):
                if need and grad is not None:
                    grads[index] = grad if grads[index] is None else grads[index] + grad
        self._write_grads(grads)
        self._saved = {}
        self._values = None

    def _write_grads(self, grads):
        for name, target in zip(self.arg_names, self.grad_arrays):
            req = self.grad_req.get(name, "null")
            if target is None or req == "null":
                continue
            grad = grads[self._var_index[name]]
            if grad is None:
                if req == "write":
                    target._data[...] = 0
                continue
            if req == "write":
                target._data[...] = grad
            else:
                target._data += grad

    # ----- conveniences ----------------------------------------------------------
    @property
    def output_dict(self):
        return dict(zip(self.output_names, self.outputs))

    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        for name, array in (arg_params or {}).items():
            if name in self.arg_dict:
                _copy_into(self.arg_dict[name], array, name)
            elif not allow_extra_params:
                raise GraphError(f"copy_params_from: {name!r} is not an argument of this network")
        for name, array in (aux_params or {}).items():
            if name in self.aux_dict:
                _copy_into(self.aux_dict[name], array, name)
            elif not allow_extra_params:
                raise GraphError(f"copy_params_from: {name!r} is not an auxiliary state of this network")

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **shapes):
        """An executor for new input shapes sharing this one's memory, as MXNet's: an array
        no bigger than before is a view on the old one's first elements."""
        unknown = set(shapes) - set(self.arg_names)
        if unknown:
            raise GraphError(f"reshape: {sorted(unknown)} are not arguments of this network")
        arg_shapes, _, aux_shapes = self._symbol.infer_shape(**shapes)
        if arg_shapes is None:
            raise ShapeError(f"reshape: the shapes {shapes} do not determine every argument's shape")
        for name, shape in zip(self.arg_names, arg_shapes):
            if name not in shapes and tuple(shape) != self.arg_dict[name].shape and not partial_shaping:
                raise ShapeError(f"reshape: {name!r} would change shape from {self.arg_dict[name].shape} "
                                 f"to {tuple(shape)}; pass partial_shaping=True to allow it")

        def share(old, shape, name):
            if old is None:
                return None
            size = int(np.prod(shape))
            if size > old.size:
                if not allow_up_sizing:
                    raise ShapeError(f"reshape: {name!r} grows from {old.shape} to {tuple(shape)}; "
                                     f"pass allow_up_sizing=True (or bind the bigger executor first)")
                return NDArray(self._xp.zeros(shape, dtype=old._data.dtype), self._ctx)
            return NDArray(old._data.reshape(-1)[:size].reshape(shape), self._ctx)

        args = [share(a, s, n) for a, s, n in zip(self.arg_arrays, arg_shapes, self.arg_names)]
        grads = [share(g, s, n) for g, s, n in zip(self.grad_arrays, arg_shapes, self.arg_names)]
        aux = [share(a, s, n) for a, s, n in zip(self.aux_arrays, aux_shapes, self.aux_names)]
        return Executor(self._symbol, self._ctx, args, grads, dict(self.grad_req), aux)

    def set_monitor_callback(self, callback, monitor_all=False):
        """Call ``callback(name, NDArray)`` on every operator output during forward."""
        self._monitor = callback

    def debug_str(self):
        return self._symbol.debug_str()


def _inference_twin(op):
    """An operator computing at training what ``op`` computes at inference, so backward can
    follow an inference forward as MXNet's does: Dropout passes data through, BatchNorm
    uses the running statistics (and leaves them alone), RReLU the mean slope."""
    changes = {}
    if op.name == "Dropout" and op.mode != "always":
        changes = {"p": 0.0}
    elif op.name == "BatchNorm":
        changes = {"use_global_stats": True}
    elif op.name == "LeakyReLU" and op.act_type == "rrelu":
        middle = (op.lower_bound + op.upper_bound) / 2
        changes = {"lower_bound": middle, "upper_bound": middle}
    if not changes:
        return op
    return type(op)(node_name=op.node_name, **{**op.given, **changes})


def _copy_into(target, source, name):
    if tuple(source.shape) != target.shape:
        raise ShapeError(f"parameter {name!r}: stored shape {tuple(source.shape)} does not match "
                         f"the network's {target.shape}")
    target[:] = source
