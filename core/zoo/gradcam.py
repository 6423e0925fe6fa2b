"""Grad-CAM: where in a picture a classifier found the evidence for a class
(Selvaraju et al., 2017), computed with the engine's own autodiff.

The network is cut at its last spatial layer: the last feature map with a height and
width above 1 that every path to the class scores goes through (``cam_layer``). The part
below runs as for a prediction and gives the feature map A (K x h x w); the part above is
bound with a gradient on its input, so one backward from a class's score (the logit, not
the softmax probability) gives d score / d A. The channel weights are those gradients
averaged over the map; the heat map is ReLU(sum_k w_k A_k), scaled to [0, 1], and sampled
back onto the picture through the preprocessing's geometry (``seen_box``): what the
network never saw (a centre crop's margins) is 0.

>>> import core as mx
>>> from core.zoo.builtin import get_symbol
>>> cam_layer(get_symbol("lenet"), (1, 28, 28))
'pool2'
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ..errors import DataError, GraphError
from ..symbol.graph import Node, topo_order
from ..symbol.shape import infer_graph_shapes
from ..symbol.symbol import Symbol
from .features import LOSS_OPS, Runner, get_feature_symbol

FEATURES = "gradcam_features"     # the head's input variable: the cut feature map


@dataclass(frozen=True)
class ClassMap:
    """One class's evidence: ``cam`` is (h, w) float32 in [0, 1] on the feature map's grid,
    which covers the network's input (``Explanation.box`` on the picture)."""
    index: int
    label: str
    probability: float
    cam: np.ndarray


@dataclass(frozen=True)
class Explanation:
    """Grad-CAM maps of one picture for some classes, and where they lie on it."""
    layer: str                      # the layer cut (its output is the map explained)
    picture_size: tuple             # (width, height) of the picture, pixels
    box: tuple                      # (x0, y0, x1, y1): the network's input on the picture
    maps: tuple                     # ClassMap per class asked for, in the order asked

    def heatmap(self, position=0, size=None):
        """The map of ``maps[position]`` over the whole picture, (H, W) float32 in [0, 1];
        ``size`` = (width, height) samples it for a scaled copy (a thumbnail) instead."""
        width, height = self.picture_size
        out_width, out_height = size or (width, height)
        scale_x, scale_y = out_width / width, out_height / height
        x0, y0, x1, y1 = self.box
        heat = sample_onto(self.maps[position].cam, (out_width, out_height),
                           (x0 * scale_x, y0 * scale_y, x1 * scale_x, y1 * scale_y))
        peak = float(heat.max()) if heat.size else 0.0
        return heat / peak if peak > 0 else heat      # the smoothing lowers the peak a little


# ----- the network cut -----------------------------------------------------------------
def scores_entry(symbol):
    """The graph entry of the class scores: the output with a softmax or loss on top
    taken off (Grad-CAM differentiates the score, not the probability)."""
    node, index = symbol.heads[0]
    while node.op is not None and node.op.name in LOSS_OPS:
        node, index = node.inputs[0]
    return node, index


def cam_layer(symbol, input_size, data_name="data"):
    """The name of the last layer whose output is a spatial map (N, K, h, w) with h*w > 1
    and that every path from the input to the class scores goes through. GraphError when
    the network has none (a multilayer perceptron: there is nowhere to point)."""
    scores = scores_entry(symbol)
    _, shapes = infer_graph_shapes([scores], {data_name: (1, *(int(v) for v in input_size))})
    for node in reversed(topo_order([scores])):
        shape = shapes.get((id(node), 0))
        if node.is_variable or shape is None or len(shape) != 4 or shape[2] * shape[3] <= 1:
            continue
        if _cut_above(scores, node, data_name) is not None:
            return node.name
    raise GraphError("Grad-CAM needs a convolutional network: this one has no layer with a spatial "
                     f"output (a feature map taller and wider than 1 pixel) below its class scores "
                     f"(its layers: {', '.join(_layer_names(scores)[-6:])})")


def _cut_above(scores, node, data_name):
    """The part of the network above ``node``'s first output, reading it from the variable
    FEATURES; None when some path to the scores goes around ``node``."""
    feature = Node(None, FEATURES)
    copies = {}
    for original in topo_order([scores]):
        if original is node:
            continue
        inputs = [(feature, 0) if child is node and i == 0 else (copies.get(id(child), child), i)
                  for child, i in original.inputs]
        copies[id(original)] = original if original.is_variable else Node(original.op, original.name,
                                                                           original.attrs, inputs)
    head = Symbol([(copies[id(scores[0])], scores[1])]) if scores[0] is not node else None
    if head is None or any(n is node for n in topo_order(head.heads)):
        return None      # the node's other outputs feed the rest
    return None if data_name in head.list_arguments() else head


def _layer_names(entry):
    return [n.name for n in topo_order([entry]) if not n.is_variable]


# ----- the computation --------------------------------------------------------------------
class GradCam:
    """A network split at ``layer`` (default ``cam_layer``) for Grad-CAM on prepared
    (1, C, H, W) pictures. Calls are serialised, so threads may share one."""

    def __init__(self, symbol, arg_params, aux_params, input_size, ctx, layer=None, data_name="data"):
        self.input_size = tuple(int(v) for v in input_size)
        self.layer = layer or cam_layer(symbol, self.input_size, data_name)
        scores = scores_entry(symbol)
        node = next((n for n in topo_order([scores]) if n.name == self.layer and not n.is_variable), None)
        if node is None:
            get_feature_symbol(symbol, self.layer)      # names the candidates
            raise GraphError(f"layer {self.layer!r} does not lead to the class scores")
        self.head = _cut_above(scores, node, data_name)
        if self.head is None:
            raise GraphError(f"layer {self.layer!r} cannot explain the scores: some path from the "
                             f"input to them goes around it (pick a later layer)")
        self.ctx = ctx
        self.arg_params, self.aux_params = arg_params, aux_params
        self.features = Runner(get_feature_symbol(symbol, self.layer), arg_params, aux_params, ctx, data_name)
        self._executors = {}
        self._lock = threading.Lock()

    def __call__(self, batch, class_indices=None, k=1):
        """(scores, indices, cams) for one prepared picture ``batch`` (1, C, H, W): the
        class scores (classes,), the classes explained (``class_indices``, default the
        ``k`` best-scoring) and an (h, w) map in [0, 1] for each."""
        batch = np.asarray(batch, dtype=np.float32)
        if batch.ndim != 4 or batch.shape[0] != 1:
            raise DataError(f"Grad-CAM explains one picture at a time: expected (1, C, H, W), got {batch.shape}")
        features = self.features(batch)
        with self._lock:
            executor = self._executor(features.shape)
            executor.arg_dict[FEATURES][:] = features
            scores = executor.forward(is_train=False)[0].asnumpy().reshape(-1)
            if class_indices is None:
                class_indices = np.argsort(-scores, kind="stable")[:max(1, int(k))]
            class_indices = [_class_index(index, scores.size) for index in class_indices]
            cams = []
            for index in class_indices:
                seed = np.zeros((1, scores.size), np.float32)
                seed[0, index] = 1.0
                executor.backward(seed.reshape(executor.outputs[0].shape))
                gradient = executor.grad_dict[FEATURES].asnumpy()[0]
                cams.append(_cam(features[0], gradient))
        return scores, class_indices, cams

    def _executor(self, shape):
        executor = self._executors.get(shape)
        if executor is None:
            executor = self.head.simple_bind(self.ctx, grad_req={FEATURES: "write"}, **{FEATURES: shape})
            executor.copy_params_from(self.arg_params, self.aux_params, allow_extra_params=True)
            self._executors = {shape: executor}
        return executor


def _class_index(index, classes):
    try:
        value = int(index)
    except (TypeError, ValueError):
        raise DataError(f"class index {index!r} is not a whole number") from None
    if not 0 <= value < classes:
        raise DataError(f"class index {value} is out of range: the model has {classes} classes (0..{classes - 1})")
    return value


def _cam(features, gradient):
    """ReLU(sum_k mean(gradient_k) * features_k), scaled so its maximum is 1 (all 0 when
    nothing in the picture speaks for the class)."""
    weights = gradient.reshape(gradient.shape[0], -1).mean(axis=1)
    cam = np.maximum(np.tensordot(weights, features, axes=(0, 0)), 0.0)
    peak = float(cam.max())
    return (cam / peak if peak > 0 else np.zeros_like(cam)).astype(np.float32)


# ----- back onto the picture ----------------------------------------------------------------
def seen_box(picture_size, spec):
    """(x0, y0, x1, y1) in picture pixels of what the network's input shows, for a
    ``core.image.Preprocess`` ``spec``: a centre crop's square, the whole picture for a
    straight resize, a square larger than the picture for a padded grey one."""
    width, height = (int(v) for v in picture_size)
    if spec.mode == "short-side-crop":
        short = spec.resize if spec.resize is not None else min(spec.size)
        if height > width:    # as core.image.transform.resize_short
            new_width, new_height = short, short * height // width
        else:
            new_width, new_height = short * width // height, short
        crop_width, crop_height = spec.size
        ratio = min(1.0, new_width / crop_width, new_height / crop_height)   # as center_crop
        cut_width, cut_height = max(1, int(crop_width * ratio)), max(1, int(crop_height * ratio))
        left, top = (new_width - cut_width) // 2, (new_height - cut_height) // 2
        sx, sy = width / new_width, height / new_height
        return (left * sx, top * sy, (left + cut_width) * sx, (top + cut_height) * sy)
    if spec.color == "L" and width != height:   # to_grayscale pads to a square first
        side = max(width, height)
        left, top = (side - width) // 2, (side - height) // 2
        return (-left, -top, side - left, side - top)
    return (0.0, 0.0, float(width), float(height))


def sample_onto(cam, size, box):
    """``cam`` (h, w) sampled onto a grid of ``size`` = (width, height) pixels where it
    covers ``box`` (x0, y0, x1, y1), 0 outside the box. Cubic B-spline weights: smooth
    (no creases between the cells of a 7 x 7 map) and never outside the cells' range."""
    width, height = (int(v) for v in size)
    x0, y0, x1, y1 = box
    rows = _weights(height, y0, y1, cam.shape[0])
    columns = _weights(width, x0, x1, cam.shape[1])
    return (rows @ cam.astype(np.float32) @ columns.T).astype(np.float32)


def _weights(pixels, start, stop, cells):
    """(pixels, cells) cubic B-spline weights of each pixel centre over ``cells`` cells
    spread on [start, stop) (the edge cells repeated beyond the ends); 0 outside."""
    centres = np.arange(pixels) + 0.5
    position = (centres - start) / max(stop - start, 1e-9) * cells - 0.5
    base = np.floor(position).astype(int)
    t = (position - base).astype(np.float32)
    spline = ((1 - t) ** 3 / 6, (3 * t ** 3 - 6 * t ** 2 + 4) / 6, (-3 * t ** 3 + 3 * t ** 2 + 3 * t + 1) / 6, t ** 3 / 6)
    weights = np.zeros((pixels, cells), np.float32)
    rows = np.arange(pixels)
    for offset, weight in zip((-1, 0, 1, 2), spline):
        np.add.at(weights, (rows, np.clip(base + offset, 0, cells - 1)), weight)
    weights[(centres < start) | (centres >= stop)] = 0
    return weights
