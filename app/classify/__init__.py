"""The Classify view: drop photos, read the top-5 answers."""
from .view import ClassifyView

__all__ = ["ClassifyView"]
