"""Pictures in, network input out: decode (honouring EXIF orientation), bring every mode
to RGB or grey, resize, crop, normalise, stack as an NCHW float32 batch.

A file that is not an image, is truncated, or is a decompression bomb raises DataError
naming that file; callers classifying many pictures catch it per picture.

>>> import numpy as np
>>> from core.zoo.registry import Preprocess
>>> rule = Preprocess(color="RGB", mode="short-side-crop", resize=256, crop=224,
...                   mean=(127.0,) * 3, std=(128.0,) * 3)
>>> prepare(np.zeros((300, 400, 3), np.uint8), rule, (3, 224, 224)).shape
(3, 224, 224)
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from ..errors import DataError


def describe(source):
    """A short name for a picture in messages: its path, or its kind."""
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return f"<{type(source).__name__}>"


def load_image(source):
    """A PIL image in mode RGB or L from a path, a PIL image or a NumPy array."""
    from PIL import Image, ImageOps
    if isinstance(source, Image.Image):
        return _normalise_mode(ImageOps.exif_transpose(source) or source)
    if isinstance(source, np.ndarray):
        return _from_array(source)
    if not isinstance(source, (str, os.PathLike)):
        raise DataError(f"cannot read a picture from a {type(source).__name__}; give a file path, "
                        f"a NumPy array (H, W[, C]) or a PIL image")
    path = Path(source)
    try:
        with warnings.catch_warnings():
            # NOTE: PIL only warns between 1x and 2x MAX_IMAGE_PIXELS; refuse those too
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened) or opened.copy()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a picture") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise DataError(f"{path}: refused, too many pixels to decode safely ({error})") from None
    except Image.UnidentifiedImageError:
        raise DataError(f"{path}: not a picture Net Studio can read (unknown or damaged format)") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise DataError(f"{path}: the picture is damaged or truncated ({error})") from None
    return _normalise_mode(image)


def _normalise_mode(image):
    """Grey stays grey; palette, alpha, CMYK, 16-bit and float pictures become 8-bit RGB/L."""
    from PIL import Image
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = values.max() if values.size else 0
        scale = 255.0 / (65535.0 if top > 255 else max(top, 1.0)) if image.mode != "F" else 255.0 / max(top, 1e-12)
        return Image.fromarray(np.clip(values * scale, 0, 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA", "P") or "A" in image.getbands() or "transparency" in image.info:
        # NOTE: transparent parts become white, as viewers show them, not black
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode == "1":
        return image.convert("L")
    return image.convert("RGB")


def _from_array(array):
    from PIL import Image
    data = np.asarray(array)
    if data.ndim == 3 and data.shape[2] == 1:
        data = data[:, :, 0]
    if data.ndim not in (2, 3) or (data.ndim == 3 and data.shape[2] not in (3, 4)):
        raise DataError(f"a picture array must be (H, W), (H, W, 3) or (H, W, 4); got shape {data.shape}")
    if data.dtype != np.uint8:
        data = np.asarray(data, dtype=np.float64)
        # floats in 0..1 are scaled up; anything else is taken as 0..255
        if data.size and data.max() <= 1.0:
            data = data * 255.0
        data = np.clip(data, 0, 255).astype(np.uint8)
    return _normalise_mode(Image.fromarray(data))


def _geometry(image, rule, height, width):
    from PIL import Image
    if rule.mode == "resize":
        return image.resize((width, height), Image.BILINEAR)
    short = rule.resize or min(height, width)
    w, h = image.size
    factor = short / min(w, h)
    new_w, new_h = max(round(w * factor), 1), max(round(h * factor), 1)
    image = image.resize((new_w, new_h), Image.BILINEAR)
    crop_h, crop_w = (rule.crop, rule.crop) if rule.crop else (height, width)
    left, top = (new_w - crop_w) // 2, (new_h - crop_h) // 2
    image = image.crop((left, top, left + crop_w, top + crop_h))
    if image.size != (width, height):
        image = image.resize((width, height), Image.BILINEAR)
    return image


def _light_border(pixels):
    ring = np.concatenate([pixels[0].ravel(), pixels[-1].ravel(), pixels[:, 0].ravel(), pixels[:, -1].ravel()])
    return float(ring.mean()) > 127.5


def prepare(source, rule, input_size):
    """One picture as a (C, H, W) float32 array ready for the network."""
    channels, height, width = input_size
    image = load_image(source)
    grey = rule.color == "L" or channels == 1
    image = image.convert("L") if grey else image.convert("RGB")
    pixels = np.asarray(_geometry(image, rule, height, width), dtype=np.float32)
    if grey:
        pixels = pixels[:, :, None]
        if rule.invert is True or (rule.invert == "auto" and _light_border(pixels)):
            pixels = 255.0 - pixels
    elif rule.color == "BGR":
        pixels = pixels[:, :, ::-1]
    mean = np.asarray(rule.mean, np.float32)
    std = np.asarray(rule.std, np.float32)
    pixels = (pixels * np.float32(rule.scale) - mean) / std
    return np.ascontiguousarray(pixels.transpose(2, 0, 1), dtype=np.float32)


def prepare_batch(sources, rule, input_size):
    """(N, C, H, W) for pictures that all decode; DataError names the first that does not."""
    return np.stack([prepare(source, rule, input_size) for source in sources])
