"""Images for classification (``mx.image``): decode any picture into RGB, then resize,
crop, normalise and batch it the way a model expects. Everything returns NumPy arrays.

>>> import core as mx
>>> img = mx.image.load_image("resources/samples/chelsea.png")
>>> spec = mx.image.Preprocess(size=(224, 224), resize=256, mean=127, std=128)
>>> mx.image.preprocess_batch([img, img], spec).shape
(2, 3, 224, 224)
"""
from .decode import MAX_PIXELS, array_to_rgb, load_image
from .preprocess import Preprocess, prepare, preprocess, preprocess_batch
from .transform import center_crop, resize, resize_short, to_chw_batch, to_grayscale

__all__ = ["MAX_PIXELS", "Preprocess", "array_to_rgb", "center_crop", "load_image", "prepare",
           "preprocess", "preprocess_batch", "resize", "resize_short", "to_chw_batch",
           "to_grayscale"]
