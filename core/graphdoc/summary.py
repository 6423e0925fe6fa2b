"""Short texts the canvas shows: a node's key attributes, shapes and counts.

>>> key_attributes("Convolution", {"kernel": "(5, 5)", "num_filter": "6"})
'5×5, 6 filters'
>>> shape_text((1, 6, 24, 24))
'6×24×24'
>>> count_text(44426), count_text(1_250_000)
('44.4 k', '1.25 M')
"""
from __future__ import annotations

import ast

from .ports import VARIABLE


def _tuple(attrs, key):
    try:
        value = ast.literal_eval(str(attrs.get(key, "")).strip() or "()")
    except (ValueError, SyntaxError):
        return ()
    if isinstance(value, int):
        return (value,)
    return tuple(value) if isinstance(value, (tuple, list)) else ()


def _dims(values):
    return "×".join(str(v) for v in values)


def _window(attrs):
    """', stride 2, pad 1' for the non-default parts of a sliding window."""
    parts = []
    for key, label in (("stride", "stride"), ("pad", "pad"), ("dilate", "dilate")):
        values = _tuple(attrs, key)
        default = 0 if key == "pad" else 1
        if values and any(v != default for v in values):
            parts.append(f"{label} {values[0] if len(set(values)) == 1 else _dims(values)}")
    return "".join(f", {p}" for p in parts)


def _convolution(attrs):
    text = f"{_dims(_tuple(attrs, 'kernel')) or '?'}, {attrs.get('num_filter', '?')} filters"
    groups = attrs.get("num_group", "1")
    if groups not in ("1", ""):
        text += f", {groups} groups"
    if attrs.get("no_bias") in ("True", "true", "1"):
        text += ", no bias"
    return text + _window(attrs)


def _pooling(attrs):
    kind = attrs.get("pool_type", "max")
    if attrs.get("global_pool") in ("True", "true", "1"):
        return f"global {kind}"
    return f"{kind} {_dims(_tuple(attrs, 'kernel')) or '?'}{_window(attrs)}"


def _fully_connected(attrs):
    text = f"{attrs.get('num_hidden', '?')} units"
    if attrs.get("no_bias") in ("True", "true", "1"):
        text += ", no bias"
    return text


_SUMMARIES = {
    "Convolution": _convolution,
    "Deconvolution": _convolution,
    "Pooling": _pooling,
    "FullyConnected": _fully_connected,
    "Activation": lambda a: a.get("act_type", "?"),
    "LeakyReLU": lambda a: a.get("act_type", "leaky") + (f" {a['slope']}" if "slope" in a else ""),
    "Dropout": lambda a: f"p = {a.get('p', '0.5')}",
    "Concat": lambda a: f"{a.get('num_args', '?')} inputs, axis {a.get('dim', '1')}",
    "add_n": lambda a: f"{a.get('num_args', '?')} inputs",
    "Reshape": lambda a: f"to {a.get('shape', '?')}",
    "SliceChannel": lambda a: f"{a.get('num_outputs', '?')} parts",
    "BatchNorm": lambda a: "fixed γ" if a.get("fix_gamma") in ("True", "true", "1") else "",
}


def key_attributes(op, attrs):
    """The attributes that tell a layer apart, in a few words ('' when none matter)."""
    if op == VARIABLE:
        shape = _tuple(attrs, "__shape__")
        return _dims(shape) if shape else "shape not set"
    summary = _SUMMARIES.get(op)
    if summary is not None:
        return summary(attrs)
    shown = [f"{k}={v}" for k, v in attrs.items() if not k.startswith("__")][:2]
    return ", ".join(shown)


def shape_text(shape, batch=True):
    """One sample's shape (the batch axis dropped) as 'C×H×W'; '?' when unknown."""
    if shape is None:
        return "?"
    dims = tuple(shape)[1:] if batch and len(shape) > 1 else tuple(shape)
    return _dims(dims) if dims else "scalar"


def count_text(count):
    if count < 1000:
        return str(int(count))
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if count >= scale:
            value = count / scale
            digits = 3 - len(str(int(value)))
            return f"{value:.{max(digits, 0)}f}".rstrip("0").rstrip(".") + f" {suffix}"
    return str(count)
