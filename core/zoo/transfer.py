"""Transfer learning (seed 004): freeze a pretrained network, train a new head.

With the base frozen, its output never changes, so each picture goes through it once:
features are cached on disk (``FeatureCache``) and the head trains on them alone; an
epoch over 1,000 pictures is then a few small matrix products.

>>> import core as mx
>>> base = mx.zoo.ImageClassifier.from_zoo("fashion-mnist-lenet")          # doctest: +SKIP
>>> tuned = mx.model.finetune(None, base, "photos/", num_epoch=20, learning_rate=0.05)  # doctest: +SKIP
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from ..errors import DataError, GraphError
from ..symbol import Variable
from ..symbol.graph import Node
from ..symbol.ops import make
from .feature_cache import FeatureCache, model_fingerprint
from .features import Runner, default_feature_layer, get_feature_symbol
from .meta import default_preprocess, guess_input_size

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}


def image_folder(root):
    """``(paths, labels, classes)`` of a class-per-folder dataset: ``root/<class>/<picture>``."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{root}: not a folder; expected one sub-folder of pictures per class")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    paths, labels = [], []
    for index, name in enumerate(classes):
        found = sorted(p for p in (root / name).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        paths += found
        labels += [index] * len(found)
    if len(classes) < 2 or not paths:
        raise DataError(f"{root}: needs at least two class sub-folders with pictures in them "
                        f"(found {len(classes)} folders, {len(paths)} pictures)")
    return paths, np.asarray(labels, np.float32), classes


class _Base:
    """The pretrained network, whatever form it came in (ImageClassifier, FeedForward,
    (symbol, arg_params, aux_params), or a zoo name)."""

    def __init__(self, model, preprocess=None, input_size=None, ctx=None):
        if isinstance(model, str):   # a zoo name
            from .installer import load_zoo_checkpoint
            spec, *checkpoint = load_zoo_checkpoint(model)
            preprocess, input_size = preprocess or spec.preprocess, input_size or spec.input_size
            model, name = tuple(checkpoint), model
        else:
            name = getattr(model, "name", "model")
        if isinstance(model, tuple) and len(model) == 3:
            self.symbol, self.arg_params, self.aux_params = model
            self.name, self.ctx = name, ctx
        else:
            self.symbol = model.symbol
            self.arg_params, self.aux_params = model.arg_params or {}, model.aux_params or {}
            self.name = name
            self.ctx = ctx or _first_ctx(getattr(model, "ctx", None))
        self.preprocess = preprocess or getattr(model, "preprocess", None)
        self.input_size = tuple(input_size or getattr(model, "input_size", None) or ())
        if not self.input_size:
            self.input_size = guess_input_size(self.symbol, self.arg_params)
        if self.preprocess is None:
            self.preprocess = default_preprocess(self.input_size)

    def feature_symbol(self, top_layer):
        return get_feature_symbol(self.symbol, top_layer)

    def runner(self, layer):
        """A Runner computing the features at ``layer`` with the pretrained weights."""
        symbol = self.feature_symbol(layer)
        return Runner(symbol, *self.base_params(symbol), ctx=self.ctx)

    def base_params(self, feature_symbol):
        args = set(feature_symbol.list_arguments())
        auxs = set(feature_symbol.list_auxiliary_states())
        return ({k: v for k, v in self.arg_params.items() if k in args},
                {k: v for k, v in self.aux_params.items() if k in auxs})


def _first_ctx(ctx):
    return ctx[0] if isinstance(ctx, (list, tuple)) else ctx


def extract_features(model, X=None, top_layer=None, batch_size=8, ctx=None, cache=True, progress=None,
                     preprocess=None, input_size=None, data=None):
    """Features of X at ``top_layer`` (default: the layer feeding the classifier), one
    row per example. X: a class-per-folder path, a list of picture paths, an (N, C, H, W)
    array or a DataIter; ``data=`` is another name for it (seed 002 writes
    ``extract_features(model=m, data=it)``). Picture files' features are cached on disk
    unless ``cache=False`` (or in the given FeatureCache)."""
    if (X is None) == (data is None):
        raise TypeError("extract_features: give the examples once, as X or as data=")
    X = X if data is None else data
    base = model if isinstance(model, _Base) else _Base(model, preprocess, input_size, ctx)
    layer = top_layer or default_feature_layer(base.symbol)
    runner = base.runner(layer)
    if isinstance(X, (str, os.PathLike)) and Path(X).is_dir():
        X = image_folder(X)[0]
    if isinstance(X, np.ndarray):
        return np.concatenate([runner(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])
    if hasattr(X, "provide_data"):
        return _from_iter(runner, X)[0]
    store = cache if isinstance(cache, FeatureCache) else FeatureCache(
        model_fingerprint(base.name, base.symbol, base.arg_params, base.preprocess, base.input_size),
        layer) if cache else None
    return _from_files(runner, list(X), base, batch_size, store, progress)


def _from_iter(runner, data_iter):
    """``(features, labels)`` of one pass over a DataIter: a shuffling iterator orders
    each pass differently, so the labels must come from the very batches the features
    did (labels None when the iterator provides none)."""
    data_iter.reset()
    parts, labels = [], []
    for batch in data_iter:
        keep = batch.data[0].shape[0] - (batch.pad or 0)
        parts.append(runner(batch.data[0].asnumpy())[:keep])
        if batch.label:
            labels.append(batch.label[0].asnumpy()[:keep])
    return np.concatenate(parts), (np.concatenate(labels) if labels else None)


def _from_files(runner, paths, base, batch_size, store, progress):
    """Features for picture files, from the cache where possible. A picture that cannot
    be decoded raises DataError naming it."""
    from .preprocess import prepare
    found = [store.get(p) if store is not None else None for p in paths]
    missing = [i for i, f in enumerate(found) if f is None]
    for start in range(0, len(missing), batch_size):
        chunk = missing[start:start + batch_size]
        batch = np.stack([prepare(paths[i], base.preprocess, base.input_size) for i in chunk])
        for i, row in zip(chunk, runner(batch)):
            found[i] = row
            if store is not None:
                store.put(paths[i], row)
        if progress is not None:
            progress(len(paths) - len(missing) + start + len(chunk), len(paths))
    if progress is not None and not missing:
        progress(len(paths), len(paths))
    return np.stack(found) if found else np.zeros((0,), np.float32)


def head_symbol(symbol, base_symbol):
    """``(cut layer, head)``: the part of ``symbol`` above the pretrained network's layers,
    reading the cut layer's output from a Variable 'data'. A node belongs to the base if
    it is the base's own node, or has a base layer's name and operator and reads only
    base layers (a symbol loaded from JSON)."""
    base_nodes = {id(n) for n in base_symbol._nodes()}
    base_ops = {n.name: n.op_name for n in base_symbol._nodes() if not n.is_variable}
    nodes = symbol._nodes()
    in_base = {}
    for node in nodes:
        in_base[id(node)] = node.is_variable or id(node) in base_nodes or (
            base_ops.get(node.name) == node.op_name
            and all(in_base[id(c)] for c, _ in node.inputs))
    is_head = {id(n): not in_base[id(n)] for n in nodes}
    boundary = {c.name for n in nodes if is_head[id(n)] for c, _ in n.inputs
                if c.op is not None and not is_head[id(c)]}
    if len(boundary) != 1:
        raise GraphError(f"the new network must sit on exactly one layer of the pretrained one; it reads "
                         f"{sorted(boundary) or 'none'}")
    cut = boundary.pop()
    data = Variable("data").heads[0]
    copies = {}
    for node in nodes:
        if is_head[id(node)]:
            inputs = [data if (c.name == cut and c.op is not None) else (copies.get(id(c), c), i)
                      for c, i in node.inputs]
            copies[id(node)] = Node(node.op, node.name, node.attrs, inputs)
    from ..symbol import Symbol
    return cut, Symbol([(copies[id(n)], i) for n, i in symbol.heads])


def new_head(feature_symbol, num_classes, name="finetune_fc"):
    """A fresh classifier on the features: FullyConnected + SoftmaxOutput 'softmax'."""
    fc = make("FullyConnected", [feature_symbol], {"num_hidden": int(num_classes)}, name=name)
    return make("SoftmaxOutput", [fc], {}, name="softmax")


FINETUNE_MODES = ("frozen", "full")


def finetune(symbol, model, X, num_epoch=10, learning_rate=0.01, y=None, top_layer=None, batch_size=32,
             ctx=None, optimizer="sgd", momentum=0.9, wd=1e-4, eval_data=None, cache=True, progress=None,
             callbacks=None, cancel=None, initializer=None, feature_batch_size=8, mode="frozen",
             base_lr_mult=0.1, fixed_param_names=None, **optimizer_params):
    """Train ``symbol`` (the pretrained ``model``'s layers plus a new head); returns a
    FeedForward holding every parameter.

    ``symbol=None`` puts a new FullyConnected + SoftmaxOutput on ``top_layer``. X is a
    class-per-folder path (labels from folder names), picture paths or an (N, C, H, W)
    array with labels ``y``, or a DataIter. ``eval_data``: the same kinds, or (X, y).

    ``mode="frozen"`` (default) keeps the pretrained layers as they are: each picture goes
    through them once (``feature_batch_size`` at a time; features cached on disk) and only
    the head trains, ``batch_size`` at a time. ``mode="full"`` trains every layer, the
    pretrained ones at ``base_lr_mult`` times the learning rate (0 freezes them), and any
    ``fixed_param_names`` not at all, as MXNet's ``lr_mult`` and ``Module(fixed_param_names=)``;
    every epoch then runs the whole network (pictures are decoded once, into memory)."""
    if mode not in FINETUNE_MODES:
        raise DataError(f"finetune: mode={mode!r}; choose 'frozen' (train the new head on cached features) "
                        f"or 'full' (train every layer, the pretrained ones at base_lr_mult)")
    import core as mx
    base = _Base(model, ctx=ctx)
    X, y, classes = _examples(X, y)
    if mode == "full":
        return _finetune_full(symbol, base, X, y, classes, num_epoch, learning_rate, top_layer, batch_size,
                              optimizer, dict(optimizer_params, momentum=momentum, wd=wd), eval_data, callbacks,
                              cancel, initializer, base_lr_mult, fixed_param_names)
    if fixed_param_names or base_lr_mult != 0.1:
        raise DataError("finetune: base_lr_mult and fixed_param_names belong to mode='full'; the frozen mode "
                        "trains the new head only")
    if symbol is None:
        cut = top_layer or default_feature_layer(base.symbol)
    else:
        cut, head = head_symbol(symbol, base.symbol)
    features, y = _features(base, X, y, cut, feature_batch_size, cache, progress)
    if symbol is None:
        num_classes = len(classes) if classes else int(np.max(y)) + 1
        symbol = new_head(base.feature_symbol(cut), num_classes)
        cut, head = head_symbol(symbol, base.symbol)
    evaluation = None
    if eval_data is not None:
        eval_x, eval_y, _ = _examples(*(eval_data if isinstance(eval_data, tuple) else (eval_data, None)))
        evaluation = _features(base, eval_x, eval_y, cut, feature_batch_size, cache, None)
    logging.info("fine-tuning %s on %d examples' features from layer %r", base.name, len(features), cut)
    trained = mx.model.FeedForward.create(
        head, features, np.asarray(y, np.float32), ctx=base.ctx, num_epoch=num_epoch,
        numpy_batch_size=batch_size, optimizer=optimizer, learning_rate=learning_rate, momentum=momentum,
        wd=wd, initializer=initializer or mx.init.Xavier(), eval_data=evaluation, callbacks=callbacks,
        cancel=cancel, **optimizer_params)
    arg_params, aux_params = base.base_params(base.feature_symbol(cut))
    arg_params.update(trained.arg_params)
    aux_params.update(trained.aux_params or {})
    result = mx.model.FeedForward(symbol, ctx=base.ctx, arg_params=arg_params, aux_params=aux_params,
                                  num_epoch=num_epoch)
    result.classes = classes
    result.head_model = trained
    return result


def _finetune_full(symbol, base, X, y, classes, num_epoch, learning_rate, top_layer, batch_size, optimizer,
                   optimizer_params, eval_data, callbacks, cancel, initializer, base_lr_mult, fixed_param_names):
    """Every layer trains; the pretrained ones start from their weights at a smaller rate."""
    import core as mx
    from ..io import NDArrayIter
    from ..module.names import label_name as _label_name
    train = X if hasattr(X, "provide_data") else None
    if train is None:
        X = _arrays(base, X)
        y = np.asarray(y, np.float32)
    if symbol is None:
        if y is None:
            y = _iter_labels(train)
        num_classes = len(classes) if classes else int(np.max(y)) + 1
        symbol = new_head(base.feature_symbol(top_layer or default_feature_layer(base.symbol)), num_classes)
    if train is None:
        train = NDArrayIter(X, y, batch_size=min(batch_size, len(X)), shuffle=True, last_batch_handle="roll_over",
                            label_name=_label_name(symbol))
    arg_params, aux_params = base.base_params(symbol)
    net = with_base_rate(symbol, arg_params, base_lr_mult)
    evaluation = None
    if eval_data is not None:
        eval_x, eval_y, _ = _examples(*(eval_data if isinstance(eval_data, tuple) else (eval_data, None)))
        evaluation = eval_x if hasattr(eval_x, "provide_data") else NDArrayIter(
            _arrays(base, eval_x), np.asarray(eval_y, np.float32), batch_size=min(batch_size, len(eval_x)),
            label_name=_label_name(symbol))
    logging.info("fine-tuning every layer of %s, the pretrained ones at %g x the rate", base.name, base_lr_mult)
    module = mx.mod.Module(net, label_names=(_label_name(symbol),), context=base.ctx,
                           fixed_param_names=fixed_param_names)
    module.fit(train, eval_data=evaluation, num_epoch=num_epoch, optimizer=optimizer,
               optimizer_params=dict(optimizer_params, learning_rate=learning_rate),
               initializer=initializer or mx.init.Xavier(), arg_params=arg_params, aux_params=aux_params,
               allow_missing=True, callbacks=callbacks, cancel=cancel)
    trained_args, trained_aux = module.get_params()
    result = mx.model.FeedForward(symbol, ctx=base.ctx, arg_params=trained_args, aux_params=trained_aux,
                                  num_epoch=num_epoch)
    result.classes = classes
    result.module = module
    return result


def with_base_rate(symbol, pretrained, base_lr_mult):
    """``symbol`` whose pretrained weights (the arguments named in ``pretrained``) carry
    MXNet's ``__lr_mult__`` attribute: the optimizer trains them at ``base_lr_mult`` times
    the learning rate, every other parameter (the new head) at the full rate."""
    names = [n for n in symbol.list_arguments() if n in pretrained]
    return symbol(**{n: Variable(n, lr_mult=base_lr_mult) for n in names})


def iter_features(checkpoint, layer, data_iter, ctx=None):
    """``(features, labels)`` of one pass of ``data_iter`` through a pretrained network
    ``checkpoint = (symbol, arg_params, aux_params)`` up to ``layer``: the frozen mode's
    cached features, for callers that hold batches rather than pictures (the Train view's
    session). Each example goes through the base once; labels come from the same pass."""
    symbol, arg_params, aux_params = checkpoint
    return _from_iter(Runner(get_feature_symbol(symbol, layer), arg_params, aux_params, ctx=ctx), data_iter)


def _arrays(base, X):
    """(N, C, H, W) float32 examples: arrays as given, pictures decoded and preprocessed."""
    if isinstance(X, np.ndarray):
        return X.astype(np.float32, copy=False)
    from .preprocess import prepare_batch
    return prepare_batch(list(X), base.preprocess, base.input_size)


def _iter_labels(data_iter):
    data_iter.reset()
    labels = [b.label[0].asnumpy()[:b.label[0].shape[0] - (b.pad or 0)] for b in data_iter]
    data_iter.reset()
    return np.concatenate(labels)


def _features(base, X, y, layer, batch_size, cache, progress):
    """``(features, labels)``; a DataIter's both come from the same pass over it."""
    if hasattr(X, "provide_data"):
        features, labels = _from_iter(base.runner(layer), X)
        if labels is None:
            raise DataError("finetune: the data iterator provides no labels")
        return features, labels.reshape(-1)
    return extract_features(base, X, layer, batch_size, cache=cache, progress=progress), y


def _examples(X, y):
    """(examples, labels, class names or None) from the accepted forms of X; an
    iterator's labels are read with its features (``_features``)."""
    if isinstance(X, (str, os.PathLike)):
        return image_folder(X)
    if hasattr(X, "provide_data"):
        return X, None, None
    if y is None:
        raise DataError("finetune: give the labels y for pictures or arrays (or a class-per-folder path)")
    y = np.asarray(y, np.float32).reshape(-1)
    if len(X) != len(y):
        raise DataError(f"finetune: {len(X)} examples but {len(y)} labels")
    return X, y, None
