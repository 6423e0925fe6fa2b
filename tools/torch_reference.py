"""Run in a side venv with torch + torchvision (never imported by Net Studio): write
reference weights and outputs for the converter tests.

    python tools/torch_reference.py models OUT_DIR resnet18 vgg16 ...
        for each model, random weights (seeded, BatchNorm statistics randomised too):
        OUT_DIR/NAME.pth (torch.save of the state dict, zip format), NAME.safetensors,
        NAME.input.npy (a fixed input) and NAME.output.npy (torch's logits for it)
    python tools/torch_reference.py keys OUT_FILE MODEL...
        torchvision's state-dict keys per model in its order, as JSON (resources/zoo/torchvision_keys.json)
    python tools/torch_reference.py fixtures OUT_DIR
        the small committed reader fixtures (tiny ResNet-like net; zip, legacy, safetensors)
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch

# torchvision's compiled ops may not match this torch build; the models do not need them
torch.library.register_fake = lambda *a, **k: (lambda f: f)
import torchvision  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

INPUT_SIZES = {"alexnet": 224, "vgg16": 224, "squeezenet1_1": 224}


def _random_model(name, seed=0):
    torch.manual_seed(seed)
    model = torchvision.models.get_model(name, weights=None)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
            elif isinstance(module, torch.nn.LayerNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
            elif isinstance(module, torch.nn.Linear):
                module.bias.uniform_(-0.1, 0.1)
        for name, parameter in model.named_parameters():
            if name.endswith("layer_scale"):      # 1e-6 at init would hide the blocks
                parameter.uniform_(0.5, 1.5)
    return model.eval()


def models(out, names):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        model = _random_model(name)
        size = INPUT_SIZES.get(name, 96)
        x = torch.from_numpy(np.random.default_rng(1).uniform(-1, 1, (2, 3, size, size)).astype(np.float32))
        with torch.no_grad():
            y = model(x)
        state = model.state_dict()
        torch.save(state, out / f"{name}.pth")
        save_file({k: v.contiguous() for k, v in state.items()}, str(out / f"{name}.safetensors"))
        np.save(out / f"{name}.input.npy", x.numpy())
        np.save(out / f"{name}.output.npy", y.numpy())


def keys(out, names):
    table = {name: list(torchvision.models.get_model(name).state_dict())
             for name in names}
    Path(out).write_text(json.dumps(table, separators=(",", ":")) + "\n")


class TinyResNet(torch.nn.Module):
    """conv-bn-relu, one residual block, a linear head: ~1,500 numbers."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.block = torch.nn.Sequential(torch.nn.Conv2d(8, 8, 3, padding=1, bias=False), torch.nn.BatchNorm2d(8))
        self.fc = torch.nn.Linear(8, 5)


def fixtures(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(7)
    state = TinyResNet().state_dict()
    state["bn1.running_var"].uniform_(0.5, 2.0)
    # a view into another tensor's storage (offset and strides) and a half tensor
    state["fc.weight_t"] = state["fc.weight"].t()
    state["half"] = torch.arange(6, dtype=torch.float16).reshape(2, 3)
    torch.save(state, out / "tiny_resnet.pth")
    torch.save(state, out / "tiny_resnet_legacy.pth", _use_new_zipfile_serialization=False)
    save_file({k: v.contiguous() for k, v in state.items()}, str(out / "tiny_resnet.safetensors"))
    np.savez(out / "tiny_resnet_expected.npz", **{k: v.numpy() for k, v in state.items()})


if __name__ == "__main__":
    command, target, *rest = sys.argv[1:]
    {"models": lambda: models(target, rest), "keys": lambda: keys(target, rest),
     "fixtures": lambda: fixtures(target)}[command]()
