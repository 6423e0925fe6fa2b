"""Small widgets shared by the views."""
from .device_selector import DeviceSelector, context_from_key, key_from_context
from .probability_bar import ProbabilityBar, paint_probability_bar
from .thumbnail import Thumbnail, qimage_from_array, thumbnail_array

__all__ = ["DeviceSelector", "ProbabilityBar", "Thumbnail", "context_from_key", "key_from_context",
           "paint_probability_bar", "qimage_from_array", "thumbnail_array"]
