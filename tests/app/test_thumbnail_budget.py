"""Thumbnails never copy a big picture at full size (grey to RGB, float to uint8): the
Data view makes hundreds of them on a worker thread."""
import tracemalloc

import numpy as np

from app.widgets.thumbnail import thumbnail_array


def _peak_bytes(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_big_grey_float_picture_makes_a_thumbnail_without_full_size_copies():
    picture = np.linspace(0.0, 1.0, 6000 * 6000, dtype=np.float32).reshape(6000, 6000)   # 144 MB
    thumb, peak = _peak_bytes(lambda: thumbnail_array(picture, max_side=120))
    assert thumb.shape == (120, 120, 3) and thumb.dtype == np.uint8
    assert thumb[0, 0, 0] < 10 and thumb[-1, -1, 0] > 245              # still the same picture
    assert peak < 20 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_small_pictures_are_thumbnailed_as_before():
    picture = np.zeros((400, 600, 3), np.uint8)
    picture[:, 300:] = 255
    thumb = thumbnail_array(picture, max_side=150)
    assert thumb.shape == (100, 150, 3) and thumb[50, 10, 0] == 0 and thumb[50, 140, 0] == 255
