"""Gradient cases for BilinearResize2D: up and down, each of TF's pixel-centre rules."""
from .gradcase import GradCase

CASES = [
    GradCase("BilinearResize2D", {"height": 5, "width": 7}, [(2, 3, 3, 4)]),
    GradCase("BilinearResize2D", {"height": 6, "width": 8, "align_corners": False,
                                  "half_pixel_centers": True}, [(1, 2, 3, 4)]),
    GradCase("BilinearResize2D", {"height": 2, "width": 3, "align_corners": False}, [(1, 2, 5, 7)]),
    GradCase("BilinearResize2D", {"height": 1, "width": 1}, [(1, 1, 3, 3)]),
]
