"""A zoo model's preprocessing rule applied to one picture, on top of ``core.image``
(which decodes, orients, converts to RGB and refuses bombs and broken files).

The one thing the zoo adds is ``invert="auto"`` for grey models trained on light
objects on a dark ground (Fashion-MNIST): a photo whose border is light (a garment on a
white table) is inverted, a picture already in that style is not.

>>> import numpy as np
>>> from core.zoo.catalog import Preprocess
>>> rule = Preprocess(color="RGB", mode="short-side-crop", resize=256, crop=224,
...                   mean=(127.0,) * 3, std=(128.0,) * 3)
>>> prepare(np.zeros((300, 400, 3), np.uint8), rule, (3, 224, 224)).shape
(3, 224, 224)
"""
from __future__ import annotations

import os

import numpy as np

from .. import image


def describe(source):
    """A short name for a picture in messages: its path, or its kind."""
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return f"<{type(source).__name__}>"


def image_spec(rule, input_size, invert=False):
    """The ``core.image.Preprocess`` for a zoo rule and a network input (C, H, W)."""
    channels, height, width = (int(v) for v in input_size)
    grey = rule.color == "L" or channels == 1
    # NOTE: the network's input size wins over the rule's crop when they differ
    return image.Preprocess(size=(width, height), mode=rule.mode, resize=rule.resize, color="L" if grey else rule.color,
                            scale=rule.scale, mean=rule.mean, std=rule.std, invert=bool(invert))


def light_border(picture):
    """True when the picture's outer ring of pixels is, on average, light."""
    grey = picture.mean(axis=2) if picture.ndim == 3 else picture
    ring = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return float(ring.mean()) > 127.5


def prepare(source, rule, input_size):
    """One picture (path, bytes, PIL image or array) as (C, H, W) float32 for the network;
    DataError names a picture that cannot be read."""
    picture = image.load_image(source)
    invert = rule.invert is True or (rule.invert == "auto" and light_border(picture))
    spec = image_spec(rule, input_size, invert)
    return image.preprocess(picture, spec)


def prepare_batch(sources, rule, input_size):
    """(N, C, H, W) for pictures that all decode; DataError names the first that does not."""
    return np.stack([prepare(source, rule, input_size) for source in sources])
