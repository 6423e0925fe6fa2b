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
from .names import human_title, search_words
from .ports import VARIABLE

GROUP_ORDER = ("Input", "Convolution", "Pooling", "Dense", "Activation", "Normalization",
               "Regularization", "Merge", "Output", "Tensor", "Elementwise", "Broadcast",
               "Scalar", "Math", "Reduce", "Linear Algebra")
#: what a freshly dropped input starts with (operators say theirs: ``Op.starter_attrs``)
INPUT_STARTER = {"__shape__": "(1, 1, 28, 28)"}


@dataclass(frozen=True)
class PaletteEntry:
    op: str
    title: str
    group: str
    doc: str = ""
    attrs: dict = field(default_factory=dict)

    def matches(self, text):
        return self.match_rank(text) is not None

    def match_rank(self, text):
        """0: the query names this layer (its name, title, group or a synonym: "dense",
        "conv2d", "max pool"); 1: only its description mentions it; None: no match."""
        words = text.strip().lower().split()
        if not words:
            return 0
        names = f"{search_words(self.op)} {self.title.lower()} {self.group.lower()}"
        if all(word in names for word in words):
            return 0
        described = f"{names} {self.doc.lower()}"
        return 1 if all(word in described for word in words) else None


def palette_groups():
    """[(group, [PaletteEntry, ...])] in GROUP_ORDER, then any other registry category."""
    groups = {"Input": [PaletteEntry(VARIABLE, human_title(VARIABLE), "Input",
                                     "a data or label input; set its shape, batch size first",
                                     dict(INPUT_STARTER))]}
    for classes in OPS.by_category().values():
        for cls in classes:
            group = _group(cls)
            groups.setdefault(group, []).append(
                PaletteEntry(cls.name, human_title(cls.name), group, (cls.doc or "").strip().split("\n")[0],
                             dict(cls.starter_attrs)))
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
    return _group(OPS.get(op)) if op in OPS else "Other"


def starter_attrs(op):
    """The attribute strings a freshly dropped ``op`` (an operator or the input) starts with."""
    if op == VARIABLE:
        return dict(INPUT_STARTER)
    return dict(OPS.get(op).starter_attrs) if op in OPS else {}


def _group(cls):
    return cls.palette_group or cls.category


def _popular_first(entry):
    """Public names before MXNet's underscore ones; otherwise alphabetical."""
    return (entry.op.startswith("_"), entry.title.lower())
