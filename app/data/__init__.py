"""The Data view: datasets, thumbnails, class histograms and the training input."""
from .view import DataView

__all__ = ["DataView"]
