"""The Train view: settings, live charts, results and the history of runs."""
from .view import TrainView

__all__ = ["TrainView"]
