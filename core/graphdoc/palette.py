"""The editor's palette, built from the operator registry: every operator, in groups a
person looks for (Input, Convolution, Pooling, Dense, …), with starting attributes so a
dropped layer is valid at once.

>>> groups = dict(palette_groups())
>>> [e.op for e in groups["Input"]], "Concat" in [e.op for e in groups["Merge"]]
(['null'], True)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..ops import OPS
from .ports import VARIABLE

GROUP_ORDER = ("Input", "Convolution", "Pooling", "Dense", "Activation", "Normalization",
               "Regularization", "Merge", "Output", "Tensor", "Elementwise", "Broadcast",
               "Scalar", "Math", "Reduce", "Linear Algebra")
#: operators that join several inputs, pulled out of their registry category
MERGE_OPS = ("Concat", "elemwise_add", "add_n", "elemwise_mul", "broadcast_add", "broadcast_mul")

#: what a freshly dropped layer starts with (required attributes get sensible values)
STARTER_ATTRS = {
    VARIABLE: {"__shape__": "(1, 1, 28, 28)"},
    "Convolution": {"kernel": "(3, 3)", "num_filter": "32"},
    "Deconvolution": {"kernel": "(2, 2)", "stride": "(2, 2)", "num_filter": "32"},
    "Pooling": {"kernel": "(2, 2)", "stride": "(2, 2)", "pool_type": "max"},
    "FullyConnected": {"num_hidden": "128"},
    "Activation": {"act_type": "relu"},
    "Dropout": {"p": "0.5"},
    "Concat": {"num_args": "2"},
    "add_n": {"num_args": "2"},
    "SliceChannel": {"num_outputs": "2"},
    "Reshape": {"shape": "(0, -1)"},
    "clip": {"a_min": "0", "a_max": "1"},
    "expand_dims": {"axis": "1"},
    "Cast": {"dtype": "float32"},
    "LRN": {"nsize": "5"},
}


@dataclass(frozen=True)
class PaletteEntry:
    op: str
    title: str
    group: str
    doc: str = ""
    attrs: dict = field(default_factory=dict)

    def matches(self, text):
        text = text.strip().lower()
        return not text or text in self.op.lower() or text in self.title.lower() \
            or text in self.group.lower() or text in self.doc.lower()


def palette_groups():
    """[(group, [PaletteEntry, ...])] in GROUP_ORDER, then any other registry category."""
    groups = {"Input": [PaletteEntry(VARIABLE, "Input", "Input",
                                     "a data or label input; set its shape, batch size first",
                                     STARTER_ATTRS[VARIABLE])]}
    for category, classes in OPS.by_category().items():
        for cls in classes:
            group = "Merge" if cls.name in MERGE_OPS else category
            groups.setdefault(group, []).append(
                PaletteEntry(cls.name, cls.name, group, (cls.doc or "").strip().split("\n")[0],
                             dict(STARTER_ATTRS.get(cls.name, {}))))
    ordered = [g for g in GROUP_ORDER if g in groups] + sorted(g for g in groups if g not in GROUP_ORDER)
    return [(g, sorted(groups[g], key=_popular_first)) for g in ordered]


def entry_for(op):
    for _, entries in palette_groups():
        for entry in entries:
            if entry.op == op:
                return entry
    raise KeyError(op)


def group_of(op):
    if op == VARIABLE:
        return "Input"
    if op in MERGE_OPS:
        return "Merge"
    return OPS.get(op).category if op in OPS else "Other"


def _popular_first(entry):
    """Public names before MXNet's underscore ones; otherwise alphabetical."""
    return (entry.op.startswith("_"), entry.op.lower())
