"""Detections drawn on a picture: a coloured box per detection and a label tag
("cat 0.58") above it, colours fixed per class so a class looks the same everywhere.

>>> import numpy as np
>>> out = draw_detections(np.zeros((60, 80, 3), np.uint8),
...                       [{"box": [10, 20, 50, 55], "label": "cat", "index": 15, "score": 0.9}])
>>> out.size, out.getpixel((10, 40)) != (0, 0, 0)
((80, 60), True)
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..errors import DataError
from ..fileio import atomic_open

PALETTE = [(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
           (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (220, 190, 255)]


def class_colour(index):
    return PALETTE[int(index) % len(PALETTE)]


def draw_detections(picture, detections, path=None):
    """A Pillow RGB image of ``picture`` (H×W×3 uint8) with ``detections`` drawn."""
    image = Image.fromarray(picture).convert("RGB")
    draw = ImageDraw.Draw(image)
    width = max(2, round(max(image.size) / 250))
    font = ImageFont.load_default(size=max(11, round(max(image.size) / 40)))
    for detection in sorted(detections, key=lambda d: d["score"]):   # best drawn last, on top
        x0, y0, x1, y1 = detection["box"]
        colour = class_colour(detection["index"])
        draw.rectangle([x0, y0, x1, y1], outline=colour, width=width)
        text = f"{detection['label']} {detection['score']:.2f}"
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        tag_y = y0 - (bottom - top) - 6 if y0 - (bottom - top) - 6 >= 0 else y0
        draw.rectangle([x0, tag_y, x0 + right - left + 8, tag_y + bottom - top + 6], fill=colour)
        draw.text((x0 + 4 - left, tag_y + 3 - top), text, fill=(0, 0, 0) if sum(colour) > 400 else (255, 255, 255),
                  font=font)
    if path is not None:
        save_picture(image, Path(path))
    return image


def save_picture(image, path):
    """Write a Pillow image atomically, its format from the suffix (.png, .jpg)."""
    fmt = Image.registered_extensions().get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"{path}: unknown picture type {path.suffix!r}; use .png or .jpg")
    with atomic_open(path, "wb") as handle:
        image.save(handle, format=fmt)
