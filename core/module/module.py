"""``mx.mod.Module``: a Symbol with its parameters, bound to one or more devices, trained by
an optimizer. The training loop (fit), scoring and prediction live in BaseModule.

>>> import core as mx
>>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc"),
...                            name="softmax")
>>> mod = mx.mod.Module(net)
>>> mod.bind(data_shapes=[("data", (4, 5))], label_shapes=[("softmax_label", (4,))])
>>> mod.init_params()
>>> mod.output_shapes
[('softmax_output', (4, 3))]
"""
from __future__ import annotations

import logging
import warnings

from ..context import Context, cpu
from ..errors import GraphError, NetStudioError, ShapeError
from .base_module import BaseModule
from .lane_group import bind_group
from .lane_policy import LanePolicy
from .names import (DEFAULT_DATA_NAMES, DEFAULT_LABEL_NAMES, DefaultNames, check_names,
                    check_shape_names, loss_label_inputs, unnamed_label)
from .params import ParamsMixin
from .shapes import as_descs, batch_descs


class Module(ParamsMixin, BaseModule):
    def __init__(self, symbol, data_names=DEFAULT_DATA_NAMES, label_names=DEFAULT_LABEL_NAMES,
                 logger=logging, context=None, work_load_list=None, fixed_param_names=None,
                 state_names=None, group2ctxs=None, compression_params=None, lanes=None):
        super().__init__(logger=logger)
        # a count, a LanePolicy, else NETSTUDIO_LANES, else fit chooses by the run's length
        self._lane_policy = LanePolicy.from_setting(lanes)
        context = context if context is not None else cpu()
        self._context = list(context) if isinstance(context, (list, tuple)) else [context]
        for ctx in self._context:
            if not isinstance(ctx, Context):
                raise TypeError(f"Module context must be a Context or a list of them, got {ctx!r}")
        self._work_load_list = list(work_load_list or [1] * len(self._context))
        if len(self._work_load_list) != len(self._context):
            raise ValueError(f"work_load_list has {len(self._work_load_list)} entries for "
                             f"{len(self._context)} contexts")
        self._symbol = symbol
        self._data_names = check_names(symbol, list(data_names or []), "data", True)
        self._label_names = check_names(symbol, list(label_names or []), "label",
                                        not isinstance(label_names, DefaultNames))
        if not self._label_names and isinstance(label_names, DefaultNames):
            self._label_names = [n for n in [unnamed_label(symbol, label_names)] if n]
        self._state_names = check_names(symbol, list(state_names or []), "state", True)
        self._fixed_param_names = list(fixed_param_names or [])
        inputs = set(self._data_names + self._label_names + self._state_names + loss_label_inputs(symbol))
        self._param_names = [n for n in symbol.list_arguments() if n not in inputs]
        unknown = [n for n in self._fixed_param_names if n not in self._param_names]
        if unknown:
            raise GraphError(f"fixed_param_names {unknown} are not parameters of the network; "
                             f"its parameters are: {self._param_names}")
        self._aux_names = symbol.list_auxiliary_states()
        self._output_names = symbol.list_outputs()
        self._arg_params = None
        self._aux_params = None
        self._params_dirty = False
        self._exec_group = None
        self._data_shapes = self._label_shapes = None
        self._optimizer = self._updater = self._kvstore = None
        self._preload_opt_states = None
        self._grad_req = None
        self.inputs_need_grad = False

    # ----- names and shapes -----------------------------------------------------------
    data_names = property(lambda self: list(self._data_names))
    label_names = property(lambda self: list(self._label_names))
    output_names = property(lambda self: list(self._output_names))
    symbol = property(lambda self: self._symbol)
    data_shapes = property(lambda self: self._require_bound() and list(self._data_shapes))
    label_shapes = property(lambda self: self._require_bound() and list(self._label_shapes))

    @property
    def output_shapes(self):
        self._require_bound()
        shapes = {d.name: d.shape for d in self._data_shapes + self._label_shapes}
        _, out_shapes, _ = self._symbol.infer_shape_partial(**shapes)
        return list(zip(self._output_names, out_shapes))

    lane_policy = property(lambda self: self._lane_policy,
                           doc="How many processes share each CPU training batch (LanePolicy)")

    @property
    def processes(self):
        """How many processes run each batch of the bound size: 1, or 2 and more when
        process lanes share it (core/module/lane_group.py)."""
        self._require_bound()
        return self._exec_group.processes

    def _require_bound(self):
        if not self.binded:
            raise NetStudioError("the module is not bound yet: call bind(data_shapes=...) first "
                                 "(fit does it for you)")
        return True

    # ----- binding -------------------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req="write", lanes=None):
        """MXNet's bind; ``lanes`` (a count or a LanePolicy): how many processes share each
        batch (default: the module's policy, asked about a run of unknown length; fit gives
        the count for its run's length)."""
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        data = check_shape_names(as_descs(data_shapes), self._data_names, "data", self._symbol)
        labels = check_shape_names(as_descs(label_shapes), self._label_names, "label", self._symbol)
        self._data_shapes, self._label_shapes = data, labels
        self._grad_req = self._grad_reqs(grad_req, for_training, inputs_need_grad)
        shared = shared_module._exec_group if shared_module is not None else None
        if shared_module is not None and not shared_module.binded:
            raise NetStudioError("bind: shared_module must be bound first")
        policy = self._lane_policy if lanes is None else LanePolicy.of(lanes)
        try:
            self._exec_group = bind_group(self._symbol, self._context, self._work_load_list, data, labels,
                                          self._param_names, self._grad_req, shared,
                                          lanes=policy.lanes_for(None))
        except ShapeError as error:
            raise ShapeError(f"bind: {error}") from error
        self.binded = True
        if shared_module is not None and shared_module.params_initialized:
            self._arg_params, self._aux_params = shared_module.get_params()
            self.params_initialized = True
        elif self.params_initialized:
            self._exec_group.set_params(self._arg_params, self._aux_params)

    def _bind_for_fit(self, train_data, epochs, force_rebind, lanes):
        """fit's bind, with as many processes as the lane policy (fit's ``lanes``, else the
        module's) gives a run of this length; networks that cannot split their batch use
        one."""
        policy = self._lane_policy if lanes is None else LanePolicy.of(lanes)
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind,
                  lanes=policy.lanes_for_training(train_data, epochs))

    def _grad_reqs(self, grad_req, for_training, inputs_need_grad):
        reqs = {}
        for name in self._symbol.list_arguments():
            if name in self._param_names:
                base = grad_req.get(name, "write") if isinstance(grad_req, dict) else grad_req
                reqs[name] = "null" if (not for_training or name in self._fixed_param_names) else base
            elif name in self._data_names:
                reqs[name] = "write" if (for_training and inputs_need_grad) else "null"
            else:
                reqs[name] = "null"
        return reqs

    def _reset_bind(self):
        if self._exec_group is not None:
            self._exec_group.close()   # process lanes: their workers and shared memory
        self.binded = False
        self._exec_group = None
        self._data_shapes = self._label_shapes = None

    def reshape(self, data_shapes, label_shapes=None):
        """Run on a new batch shape; parameters are shared, executors are cached."""
        self._require_bound()
        data = check_shape_names(as_descs(data_shapes), self._data_names, "data", self._symbol)
        labels = check_shape_names(as_descs(label_shapes), self._label_names, "label", self._symbol)
        self._exec_group.reshape(data, labels)
        self._data_shapes, self._label_shapes = data, labels

    # ----- optimizer -------------------------------------------------------------------------
    def init_optimizer(self, kvstore="local", optimizer="sgd", optimizer_params=(("learning_rate", 0.01),),
                       force_init=False):
        from .. import optimizer as opt
        self._require_bound()
        if not self.params_initialized:
            raise NetStudioError("init_optimizer: call init_params() first")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        if isinstance(kvstore, str) and kvstore.startswith("dist"):
            raise NotImplementedError(f"kvstore {kvstore!r}: distributed training is not supported; "
                                      f"use 'local' (several devices of one machine)")
        # NOTE: as MXNet's Module: gradients are sums over the batch, so the optimizer
        # divides by the batch size unless told otherwise.
        rescale_grad = 1.0 / self._exec_group.batch_size
        if isinstance(optimizer, str):
            params = dict(optimizer_params or {})
            params.setdefault("rescale_grad", rescale_grad)
            optimizer = opt.create(optimizer, sym=self._symbol,
                                   param_idx2name=dict(enumerate(self._param_names)), **params)
        elif not isinstance(optimizer, opt.Optimizer):
            raise TypeError(f"optimizer must be a name or an Optimizer, got {type(optimizer).__name__}")
        elif optimizer.rescale_grad != rescale_grad:
            warnings.warn(f"Optimizer created manually outside Module but rescale_grad is not "
                          f"normalized to 1.0/batch_size ({optimizer.rescale_grad} vs. {rescale_grad}). "
                          f"Is this intended?", stacklevel=2)
        self._optimizer = optimizer
        self._kvstore = kvstore
        self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def borrow_optimizer(self, shared_module):
        if not shared_module.optimizer_initialized:
            raise NetStudioError("borrow_optimizer: the other module has no optimizer yet")
        self._optimizer, self._updater = shared_module._optimizer, shared_module._updater
        self._kvstore = shared_module._kvstore
        self.optimizer_initialized = True

    optimizer = property(lambda self: self._optimizer)

    # ----- computation -------------------------------------------------------------------
    def forward(self, data_batch, is_train=None):
        """Run a batch: any object with a ``.data`` list (and optionally ``.label``). A batch
        of another size than the bound one rebinds transparently."""
        self._require_bound()
        if not self.params_initialized:
            raise NetStudioError("forward: the parameters are not initialized; call init_params() "
                                 "or set_params() first")
        is_train = self.for_training if is_train is None else is_train
        if is_train and not self.for_training:
            raise NetStudioError("forward(is_train=True) on a module bound with for_training=False")
        data = getattr(data_batch, "data", None)
        if not isinstance(data, (list, tuple)) or not data:
            raise TypeError("forward expects a batch with a non-empty .data list of arrays, "
                            f"got {type(data_batch).__name__}")
        current = tuple(tuple(d.shape) for d in self._data_shapes)
        if tuple(tuple(a.shape) for a in data) != current:
            self.reshape(*batch_descs(data_batch, self._data_shapes, self._label_shapes))
        self._exec_group.forward(data_batch, is_train)
        if is_train:
            self._params_dirty = True   # BatchNorm's running statistics moved
    def backward(self, out_grads=None):
        self._require_bound()
        self._exec_group.backward(out_grads=out_grads)

    def update(self):
        """One optimizer step with the gradients of the last backward (summed over devices)."""
        if not self.optimizer_initialized:
            raise NetStudioError("update: call init_optimizer() first")
        self._params_dirty = True
        for index, _, weight, grad in self._exec_group.summed_grads():
            self._updater(index, grad, weight)
        if len(self._exec_group.master) > 1:
            self._exec_group.broadcast_params()

    def get_outputs(self, merge_multi_context=True):
        self._require_bound()
        return self._exec_group.get_outputs(merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        self._require_bound()
        if not self.inputs_need_grad:
            raise NetStudioError("get_input_grads: bind with inputs_need_grad=True to get them")
        return self._exec_group.get_input_grads(merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False, pad=0):
        self._exec_group.update_metric(eval_metric, labels, pad)

    def non_finite(self):
        return self._exec_group.non_finite()

    def install_monitor(self, mon):
        self._require_bound()
        self._exec_group.install_monitor(mon)

    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Nothing to prefetch for dense data (kept for MXNet's API)."""
