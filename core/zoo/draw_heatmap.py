"""A Grad-CAM heat map drawn over its picture: a colour scale from blue (little evidence)
through green and yellow to red (the most), opaque where the evidence is and clear where
there is none, so the photo stays readable; a caption strip says what is shown.

>>> import numpy as np
>>> heat = np.zeros((40, 60), np.float32); heat[10:20, 30:40] = 1.0
>>> out = overlay(np.full((40, 60, 3), 200, np.uint8), heat)
>>> out[15, 35].tolist() != [200, 200, 200], out[0, 0].tolist() == [200, 200, 200]
(True, True)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .draw_detections import save_picture

#: (position, (r, g, b)) stops of the colour scale, cold to hot (close to "turbo")
COLOUR_STOPS = ((0.0, (40, 60, 200)), (0.2, (30, 140, 240)), (0.35, (27, 207, 212)),
                (0.5, (97, 252, 108)), (0.65, (210, 233, 53)), (0.8, (254, 155, 45)),
                (1.0, (200, 25, 10)))
OPACITY = 0.62           # of the colour where the evidence is greatest
CLEAR_BELOW, FULL_ABOVE = 0.2, 0.65   # the colour fades in between these heats
VEIL = 0.45              # how much the part of the picture the model never saw is greyed
LEGEND = ("less", "more evidence")


def _lookup_table():
    positions = np.array([p for p, _ in COLOUR_STOPS])
    colours = np.array([c for _, c in COLOUR_STOPS], dtype=np.float32)
    steps = np.linspace(0.0, 1.0, 256)
    return np.stack([np.interp(steps, positions, colours[:, c]) for c in range(3)], axis=1).astype(np.uint8)


TABLE = _lookup_table()


def colorize(heat):
    """(H, W) values in [0, 1] as (H, W, 3) uint8 colours of the scale."""
    return TABLE[np.clip(np.rint(np.asarray(heat) * 255), 0, 255).astype(np.uint8)]


def opacity_of(heat, opacity=OPACITY):
    """The colour's opacity for each heat: clear below CLEAR_BELOW, ``opacity`` above FULL_ABOVE."""
    ramp = np.clip((np.asarray(heat, dtype=np.float32) - CLEAR_BELOW) / (FULL_ABOVE - CLEAR_BELOW), 0.0, 1.0)
    return opacity * ramp * ramp * (3 - 2 * ramp)


def overlay(picture, heat, seen=None, opacity=OPACITY):
    """``picture`` (H, W, 3) uint8 with ``heat`` (H, W) in [0, 1] laid over it: each
    pixel's colour from the scale, its opacity growing with the evidence (none where
    there is little). ``seen`` (x0, y0, x1, y1), where the model's input lies on the
    picture: the rest is greyed, the model never saw it."""
    picture = np.asarray(picture)
    if picture.ndim == 2:
        picture = np.repeat(picture[:, :, None], 3, axis=2)
    heat = np.clip(np.asarray(heat, dtype=np.float32), 0.0, 1.0)
    if heat.shape != picture.shape[:2]:
        raise ValueError(f"heat map {heat.shape} and picture {picture.shape[:2]} differ in size")
    alpha = opacity_of(heat, opacity)[:, :, None]
    base = picture[:, :, :3].astype(np.float32)
    if seen is not None:
        height, width = heat.shape
        x0, y0, x1, y1 = (int(round(v)) for v in seen)
        unseen = np.ones((height, width), bool)
        unseen[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = False
        base[unseen] = base[unseen] * (1 - VEIL) + 128.0 * VEIL
    mixed = base * (1 - alpha) + colorize(heat).astype(np.float32) * alpha
    return np.clip(np.rint(mixed), 0, 255).astype(np.uint8)


def why_caption(label, probability=None):
    """The caption of a heat map: ``why: espresso (96%)``."""
    return f"why: {label}" + ("" if probability is None else f" ({probability:.0%})")


def draw_heatmap(picture, heat, caption, path=None, seen=None):
    """A Pillow RGB image: the picture with its heat map (``seen``: see ``overlay``), and
    under it a strip with ``caption`` ("why: espresso") and the colour scale's legend;
    written atomically to ``path`` (.png, .jpg) when given."""
    shown = Image.fromarray(overlay(picture, heat, seen))
    width, height = shown.size
    size = max(12, round(min(max(width, 360), 2400) / 42))
    font = ImageFont.load_default(size=size)
    strip = round(size * 2.2)
    image = Image.new("RGB", (width, height + strip), (255, 255, 255))
    image.paste(shown, (0, 0))
    draw = ImageDraw.Draw(image)
    margin = round(size * 0.6)
    middle = height + strip // 2
    draw.text((margin, middle), caption, fill=(15, 23, 42), font=font, anchor="lm")
    low, high = LEGEND
    bar_width = min(round(width * 0.28), 12 * size)
    high_width = draw.textlength(high, font=font)
    bar_right = width - margin - high_width - margin // 2
    bar_left = bar_right - bar_width
    low_width = draw.textlength(low, font=font)
    caption_right = margin + draw.textlength(caption, font=font)
    if bar_left - low_width - margin // 2 > caption_right + margin:    # room for the legend
        bar = Image.fromarray(np.repeat(colorize(np.linspace(0, 1, bar_width))[None], round(size * 0.8), axis=0))
        image.paste(bar, (round(bar_left), middle - bar.height // 2))
        draw.text((bar_left - margin // 2, middle), low, fill=(71, 85, 105), font=font, anchor="rm")
        draw.text((bar_right + margin // 2, middle), high, fill=(71, 85, 105), font=font, anchor="lm")
    if path is not None:
        save_picture(image, Path(path))
    return image
