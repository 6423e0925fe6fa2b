"""Input descriptions: ``[('data', (1, 3, 224, 224))]``, DataDescs or a dict, all as DataDescs."""
from __future__ import annotations

from ..errors import ShapeArgumentError
from ..io import DataDesc


def as_descs(shapes):
    if not shapes:
        return []
    if isinstance(shapes, dict):
        shapes = list(shapes.items())
    descs = []
    for item in shapes:
        if isinstance(item, DataDesc):
            descs.append(item)
            continue
        try:
            name, shape = item
            if isinstance(shape, (str, bytes)) or not isinstance(name, str):
                raise TypeError
            shape = tuple(_dimension(d) for d in shape)
        except (TypeError, ValueError) as error:
            raise ShapeArgumentError(f"an input shape must be (name, shape) like ('data', (1, 3, 224, 224)), "
                                     f"got {item!r}") from error
        descs.append(DataDesc(name, shape))
    return descs


def _dimension(value):
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise ValueError(value)
    return int(value)


def batch_descs(data_batch, data_shapes, label_shapes):
    """The (data, label) descriptions of a batch whose shapes differ from the bound ones."""
    provided = getattr(data_batch, "provide_data", None)
    if provided:
        data = as_descs(provided)
    else:
        data = [DataDesc(d.name, tuple(a.shape)) for d, a in zip(data_shapes, data_batch.data)]
    provided = getattr(data_batch, "provide_label", None)
    labels = getattr(data_batch, "label", None)
    if provided:
        label = as_descs(provided)
    elif labels:
        label = [DataDesc(d.name, tuple(a.shape)) for d, a in zip(label_shapes, labels)]
    else:
        # no labels with this batch (inference): keep the label inputs, at the new batch size
        batch = data[0].shape[0]
        label = [DataDesc(d.name, (batch,) + tuple(d.shape[1:])) for d in label_shapes]
    return data, label
