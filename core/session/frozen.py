"""Frozen fine-tuning in a training session: the pretrained base never changes, so each
picture goes through it once (``core.zoo.transfer.iter_features``, the code behind
``mx.model.finetune(mode="frozen")``) and the new head trains, epoch after epoch, on
those features alone. Checkpoints still hold the whole network (base + head).

The session's iterators never augment the pictures, so their features can always be
cached; an iterator that did (a different picture every epoch) could not be."""
from __future__ import annotations

import dataclasses

from ..errors import Cancelled
from ..io import NDArrayIter


class FeatureIter(NDArrayIter):
    """Batches of cached features, with a PictureIter's ``num_examples`` and ``len``."""

    @property
    def num_examples(self):
        return int(self.num_data)

    def __len__(self):
        return -(-self.num_data // self.batch_size)


class FrozenBase:
    """What a session needs to train only the head of a ``BuiltNetwork`` whose
    ``cached_head`` is set: the head's symbol, feature iterators, whole-network params."""

    def __init__(self, built, ctx):
        self.built, self.ctx = built, ctx
        self.layer, self.symbol = built.cached_head
        heads = set(self.symbol.list_arguments()) | set(self.symbol.list_auxiliary_states())
        self.head_args = {k: v for k, v in built.arg_params.items() if k in heads}
        self.head_aux = {k: v for k, v in built.aux_params.items() if k in heads}

    def features(self, prepared, cancel=None, progress=None):
        """``prepared`` with each iterator replaced by one over its examples' features
        (one pass through the base each; an iterator used twice is converted once)."""
        from ..zoo.transfer import iter_features
        built, done = self.built, {}

        def convert(data_iter, shuffle):
            if data_iter is None:
                return None
            if id(data_iter) not in done:
                if cancel is not None and cancel.cancelled:
                    raise Cancelled(cancel.reason)
                if progress is not None:
                    progress(f"Computing the base's features of {data_iter.num_examples:,} pictures…")
                features, labels = iter_features((built.symbol, built.arg_params, built.aux_params), self.layer,
                                                 data_iter, self.ctx)
                done[id(data_iter)] = FeatureIter(features, labels.reshape(-1), batch_size=data_iter.batch_size,
                                                  shuffle=shuffle)
            return done[id(data_iter)]
        return dataclasses.replace(prepared, train_iter=convert(prepared.train_iter, True),
                                   val_iter=convert(prepared.val_iter, False),
                                   final_iter=convert(prepared.final_iter, False))

    def whole(self, arg_params, aux_params):
        """The whole network's parameters: the base's as loaded, the head's as trained."""
        return {**self.built.arg_params, **arg_params}, {**self.built.aux_params, **aux_params}
