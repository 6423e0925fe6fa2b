"""Updater: an optimizer plus the state of every weight it updates (``get_updater``).

States are saved without pickle, in MXNet's .params container: one array per state slot
and a ``__meta__`` entry holding JSON (which index has which kind of state, update counts,
the optimizer's settings). ``set_states`` therefore never runs code from a file.

>>> import core as mx
>>> updater = mx.optimizer.get_updater(mx.optimizer.create("sgd", momentum=0.9))
>>> w = mx.nd.ones((2,))
>>> updater(0, mx.nd.ones((2,)), w)
>>> round(float(w.asnumpy()[0]), 4)
0.99
>>> updater2 = mx.optimizer.get_updater(mx.optimizer.create("sgd", momentum=0.9))
>>> updater2.set_states(updater.get_states())
>>> updater2.states[0].asnumpy().tolist()
[-0.009999999776482582, -0.009999999776482582]
"""
from __future__ import annotations

import json

import numpy as np

from ..errors import FormatError
from ..ndarray.ndarray import NDArray

META_KEY = "__meta__"


class Updater:
    """Calls ``optimizer.update(index, weight, grad, state)``, creating states on first use."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = False

    def __call__(self, index, grad, weight):
        if isinstance(index, (list, tuple)):
            for i, g, w in zip(index, grad, weight):
                self(i, g, w)
            return
        if index not in self.states:
            self.states[index] = self.optimizer.create_state_multi_precision(index, weight)
            self.states_synced[index] = True
        elif not self.states_synced.get(index, True):
            self.states[index] = self.sync_state_context(self.states[index], weight.context)
            self.states_synced[index] = True
        self.optimizer.update_multi_precision(index, weight, grad, self.states[index])

    def sync_state_context(self, state, context):
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            return type(state)(self.sync_state_context(s, context) for s in state)
        return state

    # ----- saving and loading ---------------------------------------------------------
    def get_states(self, dump_optimizer=False):
        """The states as bytes (MXNet .params container, no pickle)."""
        from ..ndarray.params_format import encode_params
        arrays, kinds = {}, []
        for index, state in self.states.items():
            kinds.append([index, _kind(state)])
            for slot, value in _slots(index, state):
                arrays[slot] = _host(value)
        meta = {"kinds": kinds,
                "counts": [[i, c] for i, c in self.optimizer._index_update_count.items()],
                "num_update": self.optimizer.num_update}
        if dump_optimizer:
            meta["optimizer"] = self.optimizer.dumps()
        arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        return encode_params(arrays)

    def set_states(self, states, source="<optimizer states>"):
        """Restore states from ``get_states()`` bytes; arrays go to the weights' devices on
        their next update."""
        from ..ndarray.params_format import parse_params
        arrays = parse_params(bytes(states), source)
        if not isinstance(arrays, dict) or META_KEY not in arrays:
            raise FormatError(f"{source}: not a Net Studio optimizer-state file (no {META_KEY!r} "
                              f"entry); MXNet's pickled .states files cannot be read safely")
        try:
            meta = json.loads(bytes(arrays.pop(META_KEY).astype(np.uint8)).decode("utf-8"))
            restored = {}
            for index, kind in meta["kinds"]:
                restored[_key(index)] = _rebuild(index, kind, arrays)
        except (KeyError, ValueError, TypeError) as error:
            raise FormatError(f"{source}: optimizer-state file is damaged ({error})") from error
        self.states = restored
        self.states_synced = dict.fromkeys(restored, False)
        self.optimizer._index_update_count.update({_key(i): c for i, c in meta.get("counts", [])})
        self.optimizer.num_update = max(self.optimizer.num_update, meta.get("num_update", 0))

    def save(self, fname):
        from ..fileio import atomic_write_bytes
        atomic_write_bytes(fname, self.get_states())

    def load(self, fname):
        from ..fileio import read_regular_bytes
        self.set_states(read_regular_bytes(fname), source=str(fname))


def get_updater(optimizer):
    """An Updater for ``optimizer`` (an Optimizer instance)."""
    return Updater(optimizer)


def _kind(state):
    """The state's structure as JSON: ``"none"``, ``"array"`` or a list of kinds."""
    if state is None:
        return "none"
    if isinstance(state, (tuple, list)):
        return [_kind(s) for s in state]
    return "array"


def _slots(index, state, prefix=None):
    """``(array name, array)`` for every array in a (possibly nested) state."""
    name = f"{index}" if prefix is None else prefix
    if isinstance(state, (tuple, list)):
        return [slot for k, s in enumerate(state) for slot in _slots(index, s, f"{name}:{k}")]
    return [] if state is None else [(name, state)]


def _host(value):
    if isinstance(value, NDArray):
        return value.asnumpy()
    return np.asarray(value)


def _rebuild(index, kind, arrays, prefix=None):
    name = f"{index}" if prefix is None else prefix
    if isinstance(kind, str) and kind.startswith("tuple:"):   # files written before nesting
        _, count, inner = kind.split(":", 2)
        kind = inner.split(",")
        if len(kind) != int(count):
            raise ValueError(f"state {index}: kind {kind!r} is inconsistent")
    if kind == "none":
        return None
    if kind == "array":
        array = arrays[name]
        return NDArray(np.array(array, dtype=array.dtype))
    if not isinstance(kind, list):
        raise ValueError(f"state {index}: unknown kind {kind!r}")
    return tuple(_rebuild(index, k, arrays, f"{name}:{n}") for n, k in enumerate(kind))


def _key(index):
    return index if not isinstance(index, list) else tuple(index)
