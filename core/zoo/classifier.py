"""ImageClassifier: pictures in, top-k labelled predictions or feature vectors out.

>>> from core.zoo import ImageClassifier
>>> clf = ImageClassifier.from_zoo("efficientnet-lite0")            # doctest: +SKIP
>>> clf.predict_topk(["coffee.png"], k=1)[0][0].label               # doctest: +SKIP
'espresso'
"""
from __future__ import annotations

import os
from collections import namedtuple
from pathlib import Path

import numpy as np

from ..context import Context, cpu
from ..errors import DataError, GraphError
from .features import Runner, get_feature_symbol, layer_names, outputs_probabilities, params_on, softmax
from .meta import default_preprocess, guess_input_size, read_meta, torchvision_preprocess, write_meta
from .preprocess import prepare

Prediction = namedtuple("Prediction", ["index", "label", "probability"])


class ImageClassifier:
    def __init__(self, symbol, arg_params, aux_params, labels=None, input_size=(3, 224, 224),
                 preprocess=None, name="model", ctx=None, batch_size=8):
        self.symbol = symbol
        self.name = name
        self.input_size = tuple(int(v) for v in input_size)
        self.preprocess = preprocess or default_preprocess(self.input_size)
        self.batch_size = int(batch_size)
        self._ctx = ctx or cpu()
        self.arg_params = params_on(arg_params, self._ctx)
        self.aux_params = params_on(aux_params, self._ctx)
        self._runners = {}
        self._probabilities = outputs_probabilities(symbol)
        classes = self._num_classes()
        self.labels = list(labels) if labels is not None else [str(i) for i in range(classes)]
        if classes is not None and len(self.labels) != classes:
            raise GraphError(f"model {name!r} has {classes} outputs but {len(self.labels)} labels")

    # ----- construction ------------------------------------------------------
    @classmethod
    def from_zoo(cls, name="efficientnet-lite0", ctx=None, install=True, progress=None, cancel=None):
        """A zoo model by name; offline models install on first use, downloadable ones
        download when ``install`` (else RegistryError says to download first)."""
        from .installer import load_zoo_checkpoint
        spec, symbol, arg_params, aux_params = load_zoo_checkpoint(name, install, progress, cancel)
        return cls(symbol, arg_params, aux_params, spec.labels, spec.input_size, spec.preprocess,
                   name=name, ctx=ctx)

    @classmethod
    def from_checkpoint(cls, prefix, epoch, ctx=None, labels=None, input_size=None, preprocess=None):
        """A checkpoint ``prefix-symbol.json`` + ``prefix-%04d.params``; labels, input size
        and preprocessing come from ``prefix-meta.json`` (written by training) unless given."""
        from ..model.checkpoint import check_params_fit, load_checkpoint, params_file
        symbol, arg_params, aux_params = load_checkpoint(str(prefix), epoch)
        meta = read_meta(prefix) or {}
        input_size = input_size or meta.get("input_size") or guess_input_size(symbol, arg_params)
        check_params_fit(symbol, arg_params, aux_params, (1, *input_size), params_file(prefix, epoch))
        return cls(symbol, arg_params, aux_params, labels or meta.get("labels"), input_size,
                   preprocess or meta.get("preprocess"), name=meta.get("name") or Path(str(prefix)).name,
                   ctx=ctx)

    @classmethod
    def from_onnx(cls, path, ctx=None, labels=None, input_size=None, preprocess=None):
        """An ONNX image classifier (one input, N x C x H x W); labels from ``labels`` or
        a ``<name>-meta.json`` sidecar beside the file, the input size from the file. A
        colour model PyTorch wrote without a sidecar gets torchvision's ImageNet
        preprocessing, the convention of models exported from PyTorch."""
        from ..onnx import import_model
        from ..onnx.importer import load
        model = load(path)
        symbol, arg_params, aux_params = import_model(model, data_name="data")
        prefix = Path(path).with_suffix("")
        meta = read_meta(prefix) or {}
        shape = symbol.infer_shape_partial()[0][symbol.list_arguments().index("data")] or ()
        if input_size is None and len(shape) == 4 and min(shape[1:]) > 1:
            input_size = tuple(shape[1:])
        input_size = input_size or meta.get("input_size") or guess_input_size(symbol, arg_params)
        preprocess = preprocess or meta.get("preprocess")
        if preprocess is None and model.producer_name == "pytorch" and input_size[0] == 3:
            preprocess = torchvision_preprocess(input_size)
        return cls(symbol, arg_params, aux_params, labels or meta.get("labels"), input_size,
                   preprocess, name=prefix.name, ctx=ctx)

    def export_onnx(self, path, dynamic=True):
        """Write this classifier as an ONNX file (batch axis free when ``dynamic``) and its
        labels, input size and preprocessing as ``<name>-meta.json`` beside it, which
        ``from_onnx`` reads back; returns the ONNX path."""
        from ..onnx import export_model
        params = {**self.arg_params, **self.aux_params}
        path = export_model(self.symbol, params, [(1, *self.input_size)], np.float32, path, dynamic=dynamic)
        write_meta(Path(path).with_suffix(""), self.labels, self.input_size, self.preprocess, name=self.name)
        return path

    # ----- device ------------------------------------------------------------------
    @property
    def ctx(self):
        return self._ctx

    def to(self, ctx):
        """Move to another device (``mx.gpu(0)``); returns self."""
        if not isinstance(ctx, Context):
            raise GraphError(f"to() expects a Context such as mx.cpu() or mx.gpu(0), got {ctx!r}")
        if ctx != self._ctx:
            ctx.xp  # raises DeviceError early when the device is unusable
            self.arg_params = params_on(self.arg_params, ctx)
            self.aux_params = params_on(self.aux_params, ctx)
            self._ctx = ctx
            self._runners = {}
        return self

    # ----- prediction ----------------------------------------------------------------
    def predict_proba(self, images, color="RGB"):
        """(N, classes) probabilities for a batch of pictures (``color``: see predict_topk)."""
        parts = [self._probs(batch) for batch in self._batches(_as_list(images, color))]
        return np.concatenate(parts, axis=0) if parts else np.zeros((0, len(self.labels)), np.float32)

    def predict_topk(self, images, k=5, color="RGB"):
        """Top-k Predictions per picture: a path, array or PIL image, or a list or batch of
        them. A picture that cannot be decoded raises DataError naming it; see
        ``iter_predict_topk`` to go on.

        Arrays are decoded pictures, (H, W, C) or (C, H, W), one or a batch, in RGB order
        unless ``color="BGR"`` says they come from OpenCV (``cv2.imread``); files and PIL
        images know their own order."""
        results = []
        for _, outcome in self.iter_predict_topk(images, k, color):
            if isinstance(outcome, DataError):
                raise outcome
            results.append(outcome)
        return results

    def iter_predict_topk(self, images, k=5, color="RGB"):
        """Yield ``(picture, [Prediction...] or DataError)`` per picture, in order, in
        batches; a bad picture yields its error and the rest go on."""
        k = max(1, min(int(k), len(self.labels)))
        for chunk in _chunks(_as_list(images, color), self.batch_size):
            prepared, errors = [], {}
            for position, source in enumerate(chunk):
                try:
                    prepared.append(prepare(source, self.preprocess, self.input_size))
                except DataError as error:
                    errors[position] = error
            probs = iter(self._probs(np.stack(prepared)) if prepared else ())
            for position, source in enumerate(chunk):
                yield source, errors[position] if position in errors else self._top(next(probs), k)

    def topk_of_batch(self, batch, k=5):
        """Top-k Predictions per picture of an (N, C, H, W) batch already prepared
        (``core.zoo.preprocess.prepare`` with this classifier's rule and input size)."""
        k = max(1, min(int(k), len(self.labels)))
        return [self._top(probs, k) for probs in self._probs(batch)]

    def features_of_batch(self, batch, top_layer=None):
        """(N, D) float32 features of an already prepared batch (see ``extract_features``)."""
        out = self._runner(top_layer or "")(batch)
        return out.reshape(out.shape[0], -1)

    def warm_up(self):
        """Run the network once on a blank picture: compiles the CPU kernels (a few
        seconds, once per machine: the compiled code is cached on disk) and sizes the
        buffers, so the first real picture is answered at full speed. Returns self."""
        self._probs(np.zeros((1,) + tuple(self.input_size), np.float32))
        return self

    def _top(self, probs, k):
        order = np.argsort(-probs, kind="stable")[:k]
        return [Prediction(int(i), self.labels[i], float(probs[i])) for i in order]

    def _probs(self, batch):
        out = self._runner(None)(batch)
        out = out.reshape(out.shape[0], -1)
        return out if self._probabilities else softmax(out)

    # ----- features --------------------------------------------------------------------
    def layer_names(self):
        return layer_names(self.symbol)

    def extract_features(self, images, top_layer=None, color="RGB"):
        """(N, D) float32 features from ``top_layer`` (default: the layer feeding the
        classifier), flattened per picture (``color``: see predict_topk)."""
        images = _as_list(images, color)
        runner = self._runner(top_layer or "")
        parts = [runner(batch) for batch in self._batches(images)]
        if not parts:
            return np.zeros((0, 0), np.float32)
        return np.concatenate([p.reshape(p.shape[0], -1) for p in parts], axis=0)

    # ----- why this answer --------------------------------------------------------------
    def grad_cam(self, image, class_index=None, layer=None, color="RGB"):
        """Where in ``image`` the evidence for ``class_index`` (default: the top class) lies:
        an (H, W) float32 Grad-CAM map in [0, 1] at the picture's own size (see
        ``core.zoo.gradcam``; ``layer`` defaults to the last spatial layer)."""
        classes = None if class_index is None else [class_index]
        return self.explain(image, classes, layer=layer, color=color).heatmap(0)

    def explain(self, image, classes=None, k=1, layer=None, color="RGB"):
        """A Grad-CAM ``Explanation`` of one picture for the class indices ``classes``
        (default: its top ``k``), with each class's label and probability, from one
        forward pass and one small backward per class."""
        from ..image import load_image
        from .gradcam import ClassMap, Explanation, seen_box
        from .preprocess import image_spec
        pictures = _as_list(image, color)
        if len(pictures) != 1:
            raise DataError(f"explain one picture at a time (got {len(pictures)})")
        picture = load_image(pictures[0])
        batch = prepare(picture, self.preprocess, self.input_size)[None]
        cam = self._grad_cam(layer)
        scores, indices, cams = cam(batch, classes, k)
        probs = softmax(scores[None])[0]
        height, width = picture.shape[:2]
        maps = tuple(ClassMap(i, self.labels[i], float(probs[i]), c) for i, c in zip(indices, cams))
        box = seen_box((width, height), image_spec(self.preprocess, self.input_size))
        return Explanation(cam.layer, (width, height), box, maps)

    # ----- transfer learning and files ------------------------------------------------
    def finetune(self, folder, num_epoch=10, learning_rate=0.01, top_layer=None, **kwargs):
        """A new classifier for the classes of a class-per-folder dataset: this network with
        a new head, trained on its (cached) features with the network frozen, or every
        layer with ``mode="full"`` (see ``core.zoo.transfer.finetune``)."""
        from .transfer import finetune
        tuned = finetune(None, self, folder, num_epoch, learning_rate, top_layer=top_layer, **kwargs)
        return ImageClassifier(tuned.symbol, tuned.arg_params, tuned.aux_params, tuned.classes,
                               self.input_size, self.preprocess, name=f"{self.name}-finetuned", ctx=self._ctx)

    def save(self, prefix, epoch=0):
        """Write ``prefix-symbol.json``, ``prefix-%04d.params`` and the ``prefix-meta.json``
        sidecar, so ``from_checkpoint(prefix, epoch)`` gets the same classifier back."""
        from ..model.checkpoint import save_checkpoint
        save_checkpoint(str(prefix), epoch, self.symbol, self.arg_params, self.aux_params)
        write_meta(prefix, self.labels, self.input_size, self.preprocess, name=self.name)

    # ----- internals ---------------------------------------------------------------------
    def _grad_cam(self, layer):
        from .gradcam import GradCam
        key = ("grad-cam", layer)
        if key not in self._runners:
            self._runners[key] = GradCam(self.symbol, self.arg_params, self.aux_params, self.input_size,
                                         self._ctx, layer)
        return self._runners[key]

    def _runner(self, top_layer):
        key = top_layer
        if key not in self._runners:
            symbol = self.symbol if top_layer is None else get_feature_symbol(self.symbol, top_layer or None)
            self._runners[key] = Runner(symbol, self.arg_params, self.aux_params, self._ctx)
        return self._runners[key]

    def _batches(self, images):
        for chunk in _chunks(images, self.batch_size):
            yield np.stack([prepare(source, self.preprocess, self.input_size) for source in chunk])

    def _num_classes(self):
        try:
            _, outs, _ = self.symbol.infer_shape_partial(data=(1,) + self.input_size)
        except GraphError:
            return None
        return int(np.prod(outs[0][1:])) if outs and outs[0] else None

    def __repr__(self):
        return f"<ImageClassifier {self.name} on {self._ctx}, {len(self.labels)} classes>"


COLOR_ORDERS = ("RGB", "BGR")


def _as_list(images, color="RGB"):
    """The pictures one by one, arrays as (H, W, C) in RGB order."""
    if color not in COLOR_ORDERS:
        raise DataError(f"color={color!r}: say the channel order of array pictures, 'RGB' (Pillow, "
                        f"NumPy) or 'BGR' (OpenCV)")
    if isinstance(images, (str, os.PathLike)) or _is_pil(images):
        return [images]
    if isinstance(images, np.ndarray):
        images = list(images) if images.ndim == 4 else [images]
    return [_rgb(_hwc(image), color) if isinstance(image, np.ndarray) else image for image in images]


def _rgb(image, color):
    if color == "BGR" and image.ndim == 3 and image.shape[2] in (3, 4):
        return np.concatenate([image[:, :, 2::-1], image[:, :, 3:]], axis=2)
    return image


def _hwc(image):
    # a (C, H, W) picture (alone or inside an NCHW batch) becomes (H, W, C)
    if image.ndim == 3 and image.shape[0] in (1, 3) and image.shape[-1] not in (1, 3, 4):
        return np.moveaxis(image, 0, -1)
    return image


def _is_pil(value):
    return type(value).__module__.startswith("PIL.")


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]
