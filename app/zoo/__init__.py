"""The Zoo view: browse, download and remove pretrained models."""
from .view import ZooView

__all__ = ["ZooView"]
