"""Letterboxing: a picture scaled to fit a square network input without distortion,
centred on black, and boxes found there mapped back to the picture's own pixels.

>>> import numpy as np
>>> canvas, placement = letterbox(np.zeros((300, 600, 3), np.uint8), 416)
>>> canvas.shape, placement.offset
((416, 416, 3), (0, 104))
>>> placement.to_original(np.array([[0.0, 104.0, 416.0, 312.0]])).tolist()
[[0.0, 0.0, 600.0, 300.0]]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Placement:
    """Where the picture sits on the canvas: its size there and its top-left corner."""
    original: tuple      # (width, height) of the picture
    scaled: tuple        # (width, height) on the canvas
    offset: tuple        # (x, y) of its top-left corner on the canvas

    def to_original(self, boxes):
        """(k, 4) canvas boxes x0 y0 x1 y1 -> picture pixels, clipped to the picture."""
        (width, height), (scaled_w, scaled_h), (ox, oy) = self.original, self.scaled, self.offset
        factor = np.array([width / scaled_w, height / scaled_h] * 2)
        mapped = (np.asarray(boxes, np.float64) - [ox, oy, ox, oy]) * factor
        return np.clip(mapped, 0, [width, height, width, height])


def letterbox(picture, size, fill=0):
    """(size × size × 3 uint8 canvas, Placement) for an H×W×3 uint8 picture."""
    height, width = picture.shape[:2]
    scale = min(size / width, size / height)
    scaled = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = np.asarray(Image.fromarray(picture).resize(scaled, Image.Resampling.BILINEAR))
    canvas = np.full((size, size, 3), fill, np.uint8)
    ox, oy = (size - scaled[0]) // 2, (size - scaled[1]) // 2
    canvas[oy:oy + scaled[1], ox:ox + scaled[0]] = resized
    return canvas, Placement((width, height), scaled, (ox, oy))
