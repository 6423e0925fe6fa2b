"""What the network gets: the input shape and the normalisation chosen in the Data view,
applied to training batches exactly as ``ImageClassifier`` will apply it to a dropped photo
later (the same rule is written to the checkpoint's ``prefix-meta.json``).

``x = (pixel / 255 - mean) / std`` per channel; "scale" keeps mean 0 and std 1,
"standardize" uses the training pictures' own mean and std.

>>> import numpy as np
>>> spec = InputSpec(1, 28, 28, "scale")
>>> to_input(np.full((2, 28, 28), 255, np.uint8), spec).shape, float(to_input(np.full((1, 28, 28), 255, np.uint8), spec).max())
((2, 1, 28, 28), 1.0)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..errors import DataError

NORMALIZATIONS = {"scale": "Scale pixels to 0–1", "standardize": "Standardize (dataset mean and std)"}
STATS_SAMPLE = 2000   # pictures used to measure mean and std: plenty for two numbers per channel


@dataclass(frozen=True)
class InputSpec:
    channels: int
    height: int
    width: int
    normalize: str = "standardize"
    mean: tuple = (0.0,)
    std: tuple = (1.0,)
    invert: bool | str = False    # "auto" for grey light-on-dark data (Fashion-MNIST)

    def __post_init__(self):
        if self.normalize not in NORMALIZATIONS:
            raise DataError(f"unknown normalisation {self.normalize!r}; expected one of {sorted(NORMALIZATIONS)}")
        if self.channels not in (1, 3) or self.height < 1 or self.width < 1:
            raise DataError(f"input shape ({self.channels}, {self.height}, {self.width}) is not a grey "
                            f"or RGB picture size")

    @property
    def shape(self):
        return (self.channels, self.height, self.width)

    def batch(self, pictures):
        """float32 (n, C, H, W) network input from pictures (``PictureIter`` asks for it)."""
        return to_input(pictures, self)

    def rule(self):
        """The zoo ``Preprocess`` for ``prefix-meta.json`` (what Classify applies)."""
        from ..zoo.catalog import Preprocess
        return Preprocess(color="L" if self.channels == 1 else "RGB", mode="resize", resize=None,
                          crop=None, scale=1 / 255, mean=tuple(self.mean), std=tuple(self.std),
                          invert=self.invert)

    def describe(self):
        colour = "grey" if self.channels == 1 else "RGB"
        how = "scaled to 0–1" if self.normalize == "scale" else \
            "standardized (mean " + ", ".join(f"{m:.3f}" for m in self.mean) + \
            ", std " + ", ".join(f"{s:.3f}" for s in self.std) + ")"
        return f"{self.width}×{self.height} {colour}, {how}"

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, raw):
        values = dict(raw)
        values["mean"], values["std"] = tuple(values.get("mean", (0.0,))), tuple(values.get("std", (1.0,)))
        return cls(**values)


def _image_spec(spec):
    from ..image import Preprocess
    return Preprocess(size=(spec.width, spec.height), mode="resize", color="L" if spec.channels == 1 else "RGB",
                      invert=False)


def fit_picture(picture, spec):
    """One picture (uint8 HxW or HxWx3, or a path) at the input's size and colour, uint8."""
    from ..image import load_image, prepare
    fits = isinstance(picture, np.ndarray) and picture.dtype == np.uint8 and (
        picture.shape == (spec.height, spec.width) if spec.channels == 1
        else picture.shape == (spec.height, spec.width, 3))
    if fits:
        return picture
    return prepare(load_image(picture), _image_spec(spec))


def fit_pictures(pictures, spec):
    """(n, H, W[, 3]) uint8 at the input's size; a matching array passes through untouched."""
    if isinstance(pictures, np.ndarray) and pictures.dtype == np.uint8:
        want = (spec.height, spec.width) if spec.channels == 1 else (spec.height, spec.width, 3)
        if pictures.shape[1:] == want:
            return pictures
    return np.stack([fit_picture(p, spec) for p in pictures])


def fit_files(paths, spec):
    """(uint8 pictures, positions kept, [DataError...]) for picture files: an unreadable
    file is left out and its error (which names it) returned, so one bad file in a
    folder of thousands does not stop anything."""
    from ..errors import DataError as _DataError
    kept, positions, errors = [], [], []
    for position, path in enumerate(paths):
        try:
            kept.append(fit_picture(path, spec))
            positions.append(position)
        except _DataError as error:
            errors.append(error)
    shape = (spec.height, spec.width) if spec.channels == 1 else (spec.height, spec.width, 3)
    pictures = np.stack(kept) if kept else np.zeros((0,) + shape, np.uint8)
    return pictures, np.asarray(positions, np.int64), errors


def to_input(pictures, spec):
    """float32 (n, C, H, W) network input from pictures (see ``fit_pictures``)."""
    fitted = fit_pictures(pictures, spec)
    batch = fitted.astype(np.float32) * np.float32(1 / 255)
    batch = batch[:, None] if batch.ndim == 3 else batch.transpose(0, 3, 1, 2)
    mean = np.asarray(spec.mean, np.float32).reshape(1, -1, 1, 1)
    std = np.asarray(spec.std, np.float32).reshape(1, -1, 1, 1)
    return np.ascontiguousarray((batch - mean) / std)


def channel_stats(pictures):
    """(mean, std) per channel of uint8 pictures, in 0..1 units."""
    values = np.asarray(pictures, np.float32) * np.float32(1 / 255)
    axes = tuple(range(values.ndim - 1)) if values.ndim == 4 else None
    mean = np.atleast_1d(values.mean(axis=axes))
    std = np.atleast_1d(values.std(axis=axes))
    return tuple(round(float(m), 4) for m in mean), tuple(round(max(float(s), 1e-3), 4) for s in std)


def choose_input(source, normalize="standardize", size=None, channels=None, seed=0):
    """The InputSpec for a DataSource: its own picture size and colour unless ``size``
    (H, W) or ``channels`` override them; mean/std measured when standardizing."""
    native = source.picture_shape()
    if native is not None:
        height, width = native[:2]
        native_channels = 1 if len(native) == 2 else 3
    else:
        height, width, native_channels = 64, 64, 3
    if size is not None:
        height, width = (size, size) if isinstance(size, int) else size
    channels = int(channels or native_channels)
    invert = "auto" if source.kind == "idx" and channels == 1 else False
    spec = InputSpec(channels, int(height), int(width), normalize, (0.0,) * channels, (1.0,) * channels, invert)
    if normalize == "scale":
        return spec
    train = source.train
    count = min(len(train), STATS_SAMPLE if train.in_memory else 200)
    picks = np.random.RandomState(seed).choice(len(train), count, replace=False)
    if train.in_memory:
        pictures = fit_pictures(train.images[np.sort(picks)], spec)
    else:
        pictures = fit_files([train.paths[i] for i in picks], spec)[0]
        if not len(pictures):
            raise DataError(f"{source.location}: none of {count} sampled pictures could be read")
    mean, std = channel_stats(pictures)
    return InputSpec(channels, spec.height, spec.width, normalize, mean, std, invert)
