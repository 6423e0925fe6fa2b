"""Class names and the ``prefix-meta.json`` sidecar that tells a classifier how to use a
checkpoint: its labels, input size and preprocessing. Training writes the sidecar next to
``prefix-symbol.json``; ``ImageClassifier.from_checkpoint`` reads it.

>>> readable_label("n02123045 tabby, tabby cat")
'tabby'
>>> readable_label("T-shirt/top")
'T-shirt/top'
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import DataError, FormatError
from ..fileio import atomic_write_text
from .catalog import Preprocess

_WNID = re.compile(r"^n\d{8}\s+")


def readable_label(line):
    """'n02123159 tiger cat' -> 'tiger cat'; a WordNet line's first synonym; other lines as they are."""
    line = line.strip()
    if _WNID.match(line):
        return _WNID.sub("", line).split(",")[0].strip()
    return line


def read_class_file(path):
    """Labels from a synset-style text file (one class per line) or a JSON list."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FormatError(f"{path}: cannot read the class list ({error.strerror})") from None
    except UnicodeDecodeError:
        raise FormatError(f"{path}: the class list is not UTF-8 text; save it as UTF-8") from None
    if path.suffix == ".json":
        try:
            labels = json.loads(text)
            if isinstance(labels, dict):  # {"0": "cat", ...}
                labels = [labels[k] for k in sorted(labels, key=lambda k: int(k))]
            if not isinstance(labels, list):
                raise TypeError(f"expected a list of class names, got {type(labels).__name__}")
        except (ValueError, TypeError, RecursionError) as error:
            raise FormatError(f"{path}: not a JSON list of class names ({error})") from None
        return [readable_label(str(label)) for label in labels]
    return [readable_label(line) for line in text.splitlines() if line.strip()]


def meta_path(prefix):
    return Path(f"{prefix}-meta.json")


def write_meta(prefix, labels, input_size, preprocess=None, name=None, **extra):
    """Write ``prefix-meta.json`` (atomically). ``preprocess`` is a Preprocess or a dict;
    by default grey pictures are scaled to 0..1 and colour ones centred as EfficientNet's."""
    channels = int(input_size[0])
    if preprocess is None:
        preprocess = default_preprocess(input_size)
    if isinstance(preprocess, Preprocess):
        preprocess = preprocess.to_dict()
    doc = {"format": 1, "name": name, "labels": [str(label) for label in labels],
           "input_size": [channels, int(input_size[1]), int(input_size[2])], "preprocess": preprocess}
    doc.update(extra)
    atomic_write_text(meta_path(prefix), json.dumps(doc, indent=2))
    return meta_path(prefix)


def read_meta(prefix):
    """The sidecar as {'labels', 'input_size', 'preprocess' (a Preprocess), 'name'}, or None."""
    path = meta_path(prefix)
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc["labels"], list):
            raise TypeError("expected an object with a list of 'labels'")
        input_size = tuple(int(x) for x in doc["input_size"])
        if len(input_size) != 3 or min(input_size) < 1:
            raise ValueError(f"input_size {list(input_size)} is not three positive sizes (C, H, W)")
        return {"name": doc.get("name"), "labels": [str(x) for x in doc["labels"]],
                "input_size": input_size, "preprocess": Preprocess.from_dict(doc["preprocess"], str(path))}
    except (OSError, KeyError, TypeError, ValueError, OverflowError, RecursionError) as error:
        raise FormatError(f"{path}: not a valid classifier sidecar ({error}); train again to rewrite it, "
                          f"or delete it") from None


def default_preprocess(input_size):
    channels, height, width = (int(v) for v in input_size)
    if channels == 1:
        # Fashion-MNIST style: grey, straight resize, 0..1, light object on dark ground
        return Preprocess(color="L", mode="resize", resize=None, crop=None, scale=1 / 255,
                          mean=(0.0,), std=(1.0,), invert="auto")
    return Preprocess(color="RGB", mode="short-side-crop", resize=round(min(height, width) * 256 / 224),
                      crop=min(height, width), scale=1.0, mean=(127.0,) * 3, std=(128.0,) * 3)


def torchvision_preprocess(input_size):
    """torchvision's ImageNet rule: short side to 256/224 of the crop, centre crop, pixels
    to 0..1, then its channel means and deviations."""
    crop = min(int(input_size[1]), int(input_size[2]))
    return Preprocess(color="RGB", mode="short-side-crop", resize=round(crop * 256 / 224), crop=crop,
                      scale=1 / 255, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))


def guess_input_size(symbol, arg_params):
    """Without a sidecar: channels from the first convolution's weight; 28x28 for one
    channel (MNIST-style), 224x224 otherwise."""
    for name in symbol.list_arguments():
        value = arg_params.get(name)
        if value is not None and len(value.shape) == 4:
            channels = int(value.shape[1])
            return (channels, 28, 28) if channels == 1 else (channels, 224, 224)
    raise DataError("cannot tell this checkpoint's input size; pass input_size=(C, H, W) "
                    "or write a prefix-meta.json sidecar")
