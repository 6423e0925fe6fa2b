"""torchvision's ImageNet weights on our builtin networks: read the state dict (zip or
legacy ``.pth``, or ``.safetensors``), rename every tensor, fit it to the Symbol.

The renaming is per architecture. torchvision registers a network's modules in the
order MXNet Gluon creates its layers (Gluon's model zoo was written after torchvision's),
so a torchvision module maps onto ``<scope><kind><n>_`` where the architecture's rule
gives the scope, the module's tensors give the kind (a 4-d weight: conv, a 2-d weight:
dense, running statistics: batchnorm) and ``n`` counts that kind within the scope, as
Gluon's name scopes do:

    resnet18:  layer2.0.downsample.0.weight -> resnetv10_stage2_conv2_weight
               layer2.0.bn1.running_var     -> resnetv10_stage2_batchnorm0_running_var
    vgg16:     classifier.3.weight          -> vgg0_dense1_weight

Shapes are checked against the Symbol, and the converted network is checked against
torch itself in tests/core/test_torchvision_weights.py.

>>> ARCHITECTURES["resnet50"].network
'resnet50_v1b'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..errors import FormatError, RegistryError

KEYS_FILE = "zoo/torchvision_keys.json"
_BN_PARAMS = {"weight": "gamma", "bias": "beta", "running_mean": "running_mean", "running_var": "running_var"}
# our suffix for each (layer kind, torchvision tensor name)
_SUFFIXES = {**{("batchnorm", k): v for k, v in _BN_PARAMS.items()},
             ("layernorm", "weight"): "gamma", ("layernorm", "bias"): "beta",
             ("layerscale", "layer_scale"): "layer_scale",
             **{(kind, p): p for kind in ("conv", "dense") for p in ("weight", "bias")}}


def _resnet_scope(root):
    def scope(module):
        stage = re.match(r"layer(\d)\.", module)
        return f"{root}stage{stage.group(1)}_" if stage else root
    return scope


def _mobilenet_v2_scope(module):
    block = re.match(r"features\.(\d+)\.", module)
    if block and 1 <= int(block.group(1)) <= 17:
        return f"mobilenetv2tv0_features_linearbottleneck{int(block.group(1)) - 1}_"
    return "mobilenetv2tv0_output_" if module.startswith("classifier.") else "mobilenetv2tv0_features_"


def _path_scope(root):
    """For networks built in torchvision's own layout (builtin.layers.TorchPath)."""
    return lambda module: root + module.replace(".", "_") + "_"


@dataclass(frozen=True)
class Architecture:
    network: str                          # our builtin network (core.zoo.builtin)
    scope: Callable[[str], str]           # torchvision module path -> our name scope


ARCHITECTURES = {
    "resnet18": Architecture("resnet18_v1", _resnet_scope("resnetv10_")),
    "resnet34": Architecture("resnet34_v1", _resnet_scope("resnetv10_")),
    "resnet50": Architecture("resnet50_v1b", _resnet_scope("resnetv1b0_")),
    "resnet101": Architecture("resnet101_v1b", _resnet_scope("resnetv1b0_")),
    "mobilenet_v2": Architecture("mobilenetv2_tv", _mobilenet_v2_scope),
    "mobilenet_v3_large": Architecture("mobilenetv3_large_tv", _path_scope("mobilenetv3tv0_")),
    "efficientnet_b0": Architecture("efficientnet-b0_tv", _path_scope("efficientnetb0tv0_")),
    "convnext_tiny": Architecture("convnext_tiny_tv", _path_scope("convnexttv0_")),
    "squeezenet1_1": Architecture("squeezenet1.1", lambda module: "squeezenet0_"),
    "squeezenet1_0": Architecture("squeezenet1.0", lambda module: "squeezenet0_"),
    "vgg16": Architecture("vgg16", lambda module: "vgg0_"),
    "alexnet": Architecture("alexnet", lambda module: "alexnet0_"),
}


def architecture(name):
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise RegistryError(f"no mapping of torchvision's {name!r} onto a builtin network; "
                            f"known: {', '.join(ARCHITECTURES)}") from None


def torchvision_keys(name):
    """torchvision's state-dict keys for ``name`` in its module order (a safetensors file
    keeps no order); written by tools/torch_reference.py into resources/zoo/."""
    from .catalog import resource_path
    return _keys_table(str(resource_path(KEYS_FILE)))[name]


@lru_cache(maxsize=1)
def _keys_table(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def in_torchvision_order(state, name):
    """``state`` reordered as torchvision orders ``name``'s keys; FormatError when the
    keys are not that network's (BatchNorm's counters may be absent)."""
    order = torchvision_keys(name)
    counters = [k for k in order if k.endswith(".num_batches_tracked")]
    missing = [k for k in order if k not in state and k not in counters]
    unknown = [k for k in state if k not in set(order)]
    if missing or unknown:
        raise FormatError(f"not torchvision's {name} weights: " + "; ".join(
            part for part in (f"missing {missing[:3]}" if missing else "",
                              f"unexpected {unknown[:3]}" if unknown else "") if part))
    return {k: state[k] for k in order if k in state}


def rename(state, arch):
    """{torchvision key: (our name, array)} for a state dict in torchvision's module order;
    BatchNorm's counters are dropped."""
    modules = {}
    for key in state:
        module, _, param = key.rpartition(".")
        modules.setdefault(module, []).append(param)
    counters, names = {}, {}
    for module, params in modules.items():
        kind = _kind(module, params, state)
        scope = arch.scope(module)
        count = counters.get((scope, kind), 0)
        counters[(scope, kind)] = count + 1
        names[module] = (f"{scope}{kind}{count}_", kind)
    renamed = {}
    for key, tensor in state.items():
        module, _, param = key.rpartition(".")
        if param == "num_batches_tracked":
            continue
        prefix, kind = names[module]
        suffix = _SUFFIXES.get((kind, param))
        if suffix is None:
            raise FormatError(f"{key}: unexpected tensor {param!r} in a torchvision state dict")
        renamed[key] = (prefix + suffix, tensor)
    return renamed


def _kind(module, params, state):
    if "running_mean" in params:
        return "batchnorm"
    if params == ["layer_scale"]:
        return "layerscale"            # ConvNeXt's learned per-channel scale
    weight = state.get(f"{module}.weight")
    if weight is not None and weight.ndim == 1:
        return "layernorm"
    if weight is not None and weight.ndim == 4:
        return "conv"
    if weight is not None and weight.ndim == 2:
        return "dense"
    raise FormatError(f"{module}: neither a convolution, a linear layer nor a normalisation "
                      f"(tensors {params})")


def convert(state, name, input_shape=(3, 224, 224)):
    """``(symbol, arg_params, aux_params)``: torchvision's ``name`` state dict on our
    builtin network, with as many classes as its last layer has outputs."""
    from .builtin import get_symbol
    from .weight_fit import fit_to_symbol
    arch = architecture(name)
    renamed = rename(in_torchvision_order(state, name), arch)
    last = list(renamed.values())[-1][1]          # the classifier's bias (or weight)
    symbol = get_symbol(arch.network, num_classes=int(last.shape[0]))
    return (symbol, *fit_to_symbol(renamed, symbol, input_shape, arch.network))


def save_converted(weights_path, name, prefix, epoch=0):
    """Read torchvision's ``name`` weights file and save it as an MXNet checkpoint
    ``<prefix>-symbol.json`` / ``<prefix>-NNNN.params``."""
    from .. import ndarray as nd
    from ..model.checkpoint import save_checkpoint
    symbol, arg_params, aux_params = convert(load_state_dict(weights_path), name)
    save_checkpoint(str(prefix), epoch, symbol, {k: nd.array(v) for k, v in arg_params.items()},
                    {k: nd.array(v) for k, v in aux_params.items()})


def load_state_dict(path):
    """Any of the formats published weights come in: PyTorch zip (torch >= 1.6), legacy
    PyTorch, or safetensors; ``{name: np.ndarray}``."""
    from .safetensors_reader import is_safetensors, load_safetensors
    from .torch_legacy import load_legacy_state_dict
    from .torch_zip import is_zip_checkpoint, load_zip_state_dict
    if is_zip_checkpoint(path):
        return load_zip_state_dict(path)
    if is_safetensors(path):
        return load_safetensors(path)
    return load_legacy_state_dict(path)
