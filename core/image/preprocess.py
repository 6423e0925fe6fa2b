"""A model's preprocessing as data: what the zoo registry stores, and applying it.

>>> from core.image import Preprocess, load_image, preprocess
>>> spec = Preprocess(size=(224, 224), mode="short-side-crop", resize=256,
...                   mean=(127, 127, 127), std=(128, 128, 128))
>>> preprocess(load_image("resources/samples/coffee.png"), spec).shape
(3, 224, 224)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import DataError
from .decode import load_image
from .transform import center_crop, resize, resize_short, to_chw_batch, to_grayscale

# registry spellings -> ours; "short"/"plain" are the short names used in code
MODES = {"short-side-crop": "short-side-crop", "short": "short-side-crop",
         "resize": "resize", "plain": "resize"}
COLORS = {"RGB": "RGB", "BGR": "BGR", "L": "L", "GRAY": "L", "GREY": "L"}


@dataclass(frozen=True)
class Preprocess:
    """How a network wants its input.

    size: the network's input (width, height). mode "short-side-crop": short side to
    ``resize`` (default: the crop's short side), then centre-crop ``size`` (seed 001);
    mode "resize": straight to ``size`` (seed 003). color "RGB", "BGR" or "L" (grey,
    Fashion-MNIST style, see ``to_grayscale``). Then x = (pixel * scale - mean) / std."""
    size: tuple = (224, 224)
    mode: str = "short-side-crop"
    resize: int | None = 256
    color: str = "RGB"
    scale: float = 1.0
    mean: tuple = field(default=(0.0, 0.0, 0.0))
    std: tuple = field(default=(1.0, 1.0, 1.0))
    invert: bool = False
    interpolation: str = "bilinear"

    def __post_init__(self):
        if self.mode not in MODES:
            raise DataError(f"unknown preprocessing mode {self.mode!r}; expected one of {sorted(MODES)}")
        if str(self.color).upper() not in COLORS:
            raise DataError(f"unknown colour {self.color!r}; expected RGB, BGR or L")
        size = (self.size, self.size) if isinstance(self.size, int) else tuple(self.size)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "mode", MODES[self.mode])
        object.__setattr__(self, "color", COLORS[str(self.color).upper()])
        object.__setattr__(self, "mean", tuple(float(v) for v in np.atleast_1d(self.mean)))
        object.__setattr__(self, "std", tuple(float(v) for v in np.atleast_1d(self.std)))

    @property
    def channels(self):
        return 1 if self.color == "L" else 3

    @classmethod
    def from_dict(cls, spec, input_size=None):
        """From a zoo registry entry's ``preprocess`` dict; ``input_size`` is the model's
        (C, H, W), used when the entry gives no crop."""
        spec = dict(spec)
        crop = spec.pop("crop", None)
        if crop is None and input_size is not None:
            crop = (int(input_size[-1]), int(input_size[-2]))
        known = {name for name in cls.__dataclass_fields__}
        unknown = set(spec) - known
        if unknown:
            raise DataError(f"unknown preprocessing keys {sorted(unknown)}")
        if crop is not None:
            spec["size"] = crop
        return cls(**spec)

    def to_dict(self):
        return asdict(self)


def prepare(img, spec):
    """Geometry and colour only: the uint8 picture the network will see (HxWx3 or HxW)."""
    if spec.color == "L":
        if spec.mode == "short-side-crop":
            img = _short_side_crop(img, spec)
            return to_grayscale(img, spec.size, spec.invert, keep_aspect=False,
                                interpolation=spec.interpolation)
        return to_grayscale(img, spec.size, spec.invert, interpolation=spec.interpolation)
    if spec.mode == "short-side-crop":
        img = _short_side_crop(img, spec)
    else:
        img = resize(img, spec.size, spec.interpolation)
    if spec.invert:
        img = 255 - img
    return np.ascontiguousarray(img[:, :, ::-1]) if spec.color == "BGR" else img


def _short_side_crop(img, spec):
    short = spec.resize if spec.resize is not None else min(spec.size)
    return center_crop(resize_short(img, short, spec.interpolation), spec.size, spec.interpolation)


def preprocess(img, spec):
    """One decoded image -> float32 CHW, ready for the network."""
    return preprocess_batch([img], spec)[0]


def preprocess_batch(images, spec):
    """Images (arrays, or anything ``load_image`` reads) -> float32 NCHW."""
    arrays = [img if isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.ndim == 3
              else load_image(img) for img in images]
    return to_chw_batch([prepare(img, spec) for img in arrays], spec.mean, spec.std, spec.scale)
