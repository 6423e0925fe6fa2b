"""Geometry and normalisation on uint8 HxWxC arrays: resize, centre crop, grey, NCHW.

Resizing uses Pillow (bilinear by default, with Pillow's antialiasing when shrinking,
like torchvision's PIL transforms that most ImageNet weights were evaluated with).
Sizes are given as (width, height), as in MXNet's ``mx.image`` and Pillow.

>>> import numpy as np
>>> from core.image import resize_short, center_crop
>>> center_crop(resize_short(np.zeros((300, 451, 3), np.uint8), 256), (224, 224)).shape
(224, 224, 3)
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from ..errors import DataError
from .decode import MAX_PIXELS

# padding a long picture to a square first shrinks it when the square would pass this
PAD_BUDGET_PIXELS = 16 * 2**20

INTERPOLATIONS = {"nearest": Image.Resampling.NEAREST, "bilinear": Image.Resampling.BILINEAR,
                  "bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS,
                  "area": Image.Resampling.BOX}


def _pair(size, what):
    if isinstance(size, (int, np.integer)):
        size = (int(size), int(size))
    if len(size) != 2 or not all(isinstance(v, (int, np.integer)) and v > 0 for v in size):
        raise DataError(f"{what} must be a positive int or (width, height), got {size!r}")
    return int(size[0]), int(size[1])


def _resample(interpolation):
    try:
        return INTERPOLATIONS[interpolation]
    except KeyError:
        raise DataError(f"unknown interpolation {interpolation!r}; expected one of "
                        f"{sorted(INTERPOLATIONS)}") from None


def resize(img, size, interpolation="bilinear"):
    """Resize to exactly ``size`` = (width, height), ignoring the aspect ratio."""
    width, height = _pair(size, "size")
    if img.shape[1] == width and img.shape[0] == height:
        return img
    if width * height > MAX_PIXELS:
        raise DataError(f"resizing a {img.shape[1]}x{img.shape[0]} picture to {width}x{height} would make "
                        f"{width * height:,} pixels, over the {MAX_PIXELS:,}-pixel limit (is the "
                        f"picture extremely thin?)")
    resized = Image.fromarray(img).resize((width, height), _resample(interpolation))
    return np.asarray(resized)


def resize_short(img, size, interpolation="bilinear"):
    """Scale so the shorter side is ``size``, keeping the aspect ratio (MXNet's rounding:
    the long side is ``size * long // short``)."""
    height, width = img.shape[:2]
    if height > width:
        new_width, new_height = size, size * height // width
    else:
        new_width, new_height = size * width // height, size
    return resize(img, (new_width, new_height), interpolation)


def center_crop(img, size, interpolation="bilinear"):
    """Cut the centred ``size`` = (width, height) region. An image smaller than that gives
    its largest centred region of the same aspect ratio, resized up (MXNet's behaviour)."""
    width, height = _pair(size, "crop size")
    img_height, img_width = img.shape[:2]
    ratio = min(1.0, img_width / width, img_height / height)
    crop_width, crop_height = max(1, int(width * ratio)), max(1, int(height * ratio))
    x0, y0 = (img_width - crop_width) // 2, (img_height - crop_height) // 2
    crop = img[y0:y0 + crop_height, x0:x0 + crop_width]
    return resize(np.ascontiguousarray(crop), (width, height), interpolation)


def to_grayscale(img, size=(28, 28), invert=False, keep_aspect=True, interpolation="bilinear"):
    """A photo as a Fashion-MNIST-style HxW uint8 picture.

    Luma is ITU-R 601 (Pillow's 'L'). With ``keep_aspect`` the picture is first padded to
    a square with its own border colour (the median of its edge pixels), so a long dress
    is not squashed. Fashion-MNIST shows light garments on black: a product photo on a
    white background needs ``invert=True``; an image already in that style does not."""
    grey = img if img.ndim == 2 else np.asarray(Image.fromarray(img).convert("L"))
    if keep_aspect and grey.shape[0] != grey.shape[1]:
        grey = _pad_to_square(_shrink_to_pad(grey, max(size) if not isinstance(size, int) else size,
                                             interpolation))
    grey = resize(grey, size, interpolation)
    return 255 - grey if invert else grey


def _shrink_to_pad(grey, target, interpolation):
    """A picture whose square would pass PAD_BUDGET_PIXELS, shrunk (keeping its aspect) so
    its long side is what the square can afford; a normal photo is left as it is."""
    height, width = grey.shape
    side = max(height, width)
    if side * side <= PAD_BUDGET_PIXELS:
        return grey
    long_side = max(int(PAD_BUDGET_PIXELS ** 0.5), int(target))
    scale = long_side / side
    return resize(grey, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation)


def _pad_to_square(grey):
    height, width = grey.shape
    edges = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    side = max(height, width)
    square = np.full((side, side), np.median(edges), dtype=np.uint8)
    y0, x0 = (side - height) // 2, (side - width) // 2
    square[y0:y0 + height, x0:x0 + width] = grey
    return square


def to_chw_batch(images, mean=0.0, std=1.0, scale=1.0):
    """Stack HxWxC (or HxW) uint8 images into a float32 NCHW batch of
    ``(pixel * scale - mean) / std``, with mean and std per channel or one for all."""
    images = list(images)
    if not images:
        raise DataError("cannot make a batch of no images")
    shape = images[0].shape
    for index, img in enumerate(images):
        if img.shape != shape:
            raise DataError(f"image {index} has shape {img.shape}, image 0 has {shape}; "
                            f"resize them to one size before batching")
    batch = np.stack([img if img.ndim == 3 else img[:, :, None] for img in images])
    channels = batch.shape[3]
    mean, std = _per_channel(mean, channels, "mean"), _per_channel(std, channels, "std")
    if np.any(std == 0):
        raise DataError(f"std must not be zero, got {std.tolist()}")
    batch = batch.astype(np.float32)
    if scale != 1.0:
        batch *= np.float32(scale)
    batch -= mean
    batch /= std
    return np.ascontiguousarray(batch.transpose(0, 3, 1, 2))


def _per_channel(value, channels, what):
    value = np.asarray(value, dtype=np.float32).reshape(-1)
    if value.size == 1:
        return np.full(channels, value[0], dtype=np.float32)
    if value.size != channels:
        raise DataError(f"{what} has {value.size} values for {channels}-channel images")
    return value
