"""Turn any picture a user can drop on us into an HxWx3 uint8 RGB array, or say why not.

Sources: a path, the file's bytes, a PIL image or a NumPy array. Every failure is a
DataError that names the image and says what is wrong in plain words, so a folder of
photos can report one bad file and carry on with the rest.

>>> from core.image import load_image
>>> load_image("resources/samples/chelsea.png").shape
(300, 451, 3)
"""
from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DataError
from ..fileio import open_regular, special_kind

# Pillow's own default: 0.25 GiB of 24-bit pixels (~89.5 Mpx). Using the same number means
# Pillow's DecompressionBombWarning can never fire for an image we accept.
MAX_PIXELS = 89_478_485
# A picture longer than this many times its width (or the reverse) is no photo: a 196-byte
# 20000x2 PNG would become gigabytes once its short side is scaled up to a network's input.
MAX_ASPECT_RATIO = 100

_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
_HIGH_DEPTH_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}


def load_image(source, max_pixels=MAX_PIXELS):
    """Decode ``source`` into an HxWx3 uint8 RGB array.

    EXIF orientation is applied; grey, palette, CMYK and 16-bit images become RGB;
    transparent pixels are composited over white."""
    if isinstance(source, np.ndarray):
        return array_to_rgb(source, "array")
    if isinstance(source, Image.Image):
        return _pil_to_rgb(source, "PIL image", max_pixels)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _decode(io.BytesIO(bytes(source)), "image bytes", max_pixels)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            raise DataError(f"{path}: is a folder, not an image")
        try:
            handle = open_regular(path)        # a FIFO named x.jpg must not block us
        except FileNotFoundError:
            raise DataError(f"{path}: file not found") from None
        except OSError as error:
            if error.errno == errno.EINVAL:
                raise DataError(f"{path}: not a picture file: {error.strerror}") from None
            raise DataError(f"{path}: cannot open ({error.strerror})") from error
        with handle:
            return _decode(handle, str(path), max_pixels)
    raise DataError(f"cannot read an image from a {type(source).__name__}; expected a path, "
                    f"bytes, a PIL image or a NumPy array")


def refuse_non_regular(path):
    """DataError when ``path`` is a named pipe, device, socket (anything but a regular file
    or a folder): reading one would block or never end. Checks without opening it."""
    kind = special_kind(path)
    if kind is not None and kind != "a folder":
        raise DataError(f"{path}: not a picture file: it is {kind}, not a regular file")


def _decode(handle, name, max_pixels):
    try:
        image = Image.open(handle)          # reads the header only
    except Image.DecompressionBombError:
        # Pillow refuses before it returns the image; read the size for the message
        size = _header_size(handle)
        shown = f"{size[0]}x{size[1]} pixels" if size else "more than 2x Pillow's limit"
        raise DataError(f"{name}: image too large: {shown}, limit is {max_pixels:,} pixels "
                        f"(refused before decoding)") from None
    except UnidentifiedImageError:
        raise DataError(f"{name}: not an image (no known image format)") from None
    except OSError as error:
        raise DataError(f"{name}: file is truncated or corrupt ({error})") from error
    with image:
        return _pil_to_rgb(image, name, max_pixels)


def _header_size(handle):
    """(width, height) from the header alone, as Image.open would find it, or None."""
    Image.init()
    try:
        handle.seek(0)
        prefix = handle.read(16)
        for format_id in Image.ID:
            factory, accept = Image.OPEN[format_id]
            if accept and not accept(prefix):
                continue
            handle.seek(0)
            try:
                return factory(handle, "").size
            except (SyntaxError, OSError, ValueError, IndexError, TypeError):
                continue
    except OSError:
        pass
    return None


def _check_size(image, name, max_pixels):
    check_geometry(*image.size, name, max_pixels)


def check_geometry(width, height, name, max_pixels=MAX_PIXELS):
    """DataError unless a ``width`` x ``height`` picture is one we can afford to work on:
    not empty, at most ``max_pixels``, no thinner than 1:``MAX_ASPECT_RATIO``."""
    if width * height > max_pixels:
        raise DataError(f"{name}: image too large: {width}x{height} pixels, "
                        f"limit is {max_pixels:,} pixels")
    if width == 0 or height == 0:
        raise DataError(f"{name}: image is empty ({width}x{height} pixels)")
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        ratio = max(width, height) // min(width, height)
        raise DataError(f"{name}: a {width}x{height}-pixel image is too thin to classify (aspect "
                        f"ratio {ratio:,}:1, limit {MAX_ASPECT_RATIO}:1); crop it to the subject")


def _pil_to_rgb(image, name, max_pixels):
    _check_size(image, name, max_pixels)      # before a single pixel is decoded
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
    except OSError as error:                  # Pillow: "image file is truncated", bad data
        raise DataError(f"{name}: file is truncated or corrupt ({error})") from error
    except (ValueError, SyntaxError, EOFError) as error:
        raise DataError(f"{name}: file is corrupt ({error})") from error
    return _to_rgb_array(image, name)


def _to_rgb_array(image, name):
    mode = image.mode
    if mode == "RGB":
        return np.asarray(image, dtype=np.uint8).copy()
    if mode == "P":
        # a palette may mark one index transparent; that pixel must not come out black
        mode_after = "RGBA" if "transparency" in image.info else "RGB"
        return _to_rgb_array(image.convert(mode_after), name)
    if mode in _ALPHA_MODES:
        return _over_white(np.asarray(image.convert("RGBA")))
    if mode in _HIGH_DEPTH_MODES:
        # 16-bit PNG/TIFF data (Pillow gives 'I;16' or 32-bit 'I') spans 0..65535
        return array_to_rgb(np.asarray(image), name, integer_max=65535)
    try:
        return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()   # L, 1, CMYK, YCbCr...
    except (ValueError, OSError) as error:
        raise DataError(f"{name}: unsupported image mode {mode!r} ({error})") from error


def array_to_rgb(array, name="array", integer_max=None):
    """HxW grey, HxWx1, HxWx3 or HxWx4 (alpha over white) -> HxWx3 uint8.

    uint8 is taken as is; uint16 spans 0..65535; other integers span 0..255 when they
    fit, else 0..65535; floats span 0..1 when their maximum is <= 1, else 0..255."""
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise DataError(f"{name}: expected an HxW, HxWx3 or HxWx4 image, got shape {array.shape}")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise DataError(f"{name}: image is empty (shape {array.shape})")
    array = _to_uint8(array, name, integer_max)
    if array.ndim == 2:
        return np.repeat(array[:, :, None], 3, axis=2)
    if array.shape[2] == 4:
        return _over_white(array)
    return np.ascontiguousarray(array)


def _to_uint8(array, name, integer_max=None):
    kind = array.dtype.kind
    if array.dtype == np.uint8:
        return array
    if kind == "b":
        return array.astype(np.uint8) * 255
    if kind in "ui":
        top = integer_max
        if top is None:
            # np.array([[0, 255]]) is int64 yet means 8-bit values; uint16 never does
            fits_8_bit = array.dtype != np.uint16 and int(array.max()) <= 255
            top = 255 if fits_8_bit else 65535
        scaled = np.clip(array, 0, top).astype(np.float32) * (255.0 / top)
        return np.rint(scaled).astype(np.uint8)
    if kind == "f":
        finite = np.nan_to_num(array.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        if finite.size and float(finite.max()) <= 1.0:
            finite = finite * 255.0
        return np.rint(np.clip(finite, 0, 255)).astype(np.uint8)
    raise DataError(f"{name}: unsupported pixel type {array.dtype}")


def _over_white(rgba):
    """Composite RGBA over a white background, exactly as a viewer shows it."""
    rgb = rgba[:, :, :3].astype(np.uint16)
    alpha = rgba[:, :, 3:4].astype(np.uint16)
    blended = (rgb * alpha + 255 * (255 - alpha) + 127) // 255
    return blended.astype(np.uint8)
