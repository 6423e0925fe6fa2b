"""Operator attributes: typed parameters parsed from MXNet's string form and written back.

MXNet stores every attribute as a string in symbol JSON: ``"kernel": "(5, 5)"``,
``"no_bias": "True"``. ``Param`` knows how to read and write one of them.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

import numpy as np

REQUIRED = object()


def _parse_bool(text):
    if isinstance(text, bool):
        return text
    if isinstance(text, (int, float)):
        return bool(text)
    lowered = str(text).strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0", "none", ""):
        return False
    raise ValueError(f"expected True or False, got {text!r}")


def _parse_tuple(text):
    if isinstance(text, (tuple, list)):
        return tuple(int(v) for v in text)
    if isinstance(text, int):
        return (text,)
    text = str(text).strip()
    if text in ("", "()", "[]"):
        return ()
    value = ast.literal_eval(text)
    if isinstance(value, int):
        return (value,)
    return tuple(int(v) for v in value)


def _parse_float_tuple(text):
    if isinstance(text, (tuple, list)):
        return tuple(float(v) for v in text)
    value = ast.literal_eval(str(text).strip())
    if isinstance(value, (int, float)):
        return (float(value),)
    return tuple(float(v) for v in value)


def _parse_optional_int(text):
    if text is None or str(text).strip() in ("None", ""):
        return None
    return int(text)


def _parse_optional_tuple(text):
    if text is None or str(text).strip() in ("None", ""):
        return None
    return _parse_tuple(text)


def _parse_optional_float(text):
    if text is None or str(text).strip() in ("None", ""):
        return None
    return float(text)


def _type_name(value):
    """``np.float32`` or ``np.dtype('float32')`` as MXNet's name for it, ``'float32'``."""
    try:
        return np.dtype(value).name
    except TypeError:
        return str(value)


def _format_tuple(value):
    return "(" + ", ".join(str(v) for v in value) + ")" if len(value) != 1 else f"({value[0]},)"


_PARSERS = {
    "int": int,
    "float": float,
    "bool": _parse_bool,
    "str": str,
    "shape": _parse_tuple,
    "floats": _parse_float_tuple,
    "int_or_none": _parse_optional_int,
    "shape_or_none": _parse_optional_tuple,
    "float_or_none": _parse_optional_float,
}


@dataclass(frozen=True)
class Param:
    """One attribute of an operator: its type, default, allowed values and a line of doc."""

    type: str
    default: Any = REQUIRED
    doc: str = ""
    choices: tuple = field(default=())

    @property
    def required(self):
        return self.default is REQUIRED

    def parse(self, value):
        if self.type == "int" and isinstance(value, str) and value.strip().lower() in ("true", "false"):
            value = int(value.strip().lower() == "true")
        if self.choices:
            text = _type_name(value) if isinstance(value, (type, np.dtype)) else str(value)
            if text not in self.choices:
                raise ValueError(f"expected one of {', '.join(self.choices)}; got {text!r}")
            return text
        if self.type in ("int", "float") and isinstance(value, str):
            value = value.strip()
            if self.type == "int" and value.endswith("L"):
                value = value[:-1]
        if self.type == "int":
            number = float(value)
            if number != int(number):
                raise ValueError(f"expected a whole number, got {value!r}")
            return int(number)
        return _PARSERS[self.type](value)

    def format(self, value):
        """The MXNet string form of a parsed value."""
        if value is None:
            return "None"
        if self.type in ("shape", "shape_or_none", "floats"):
            return _format_tuple(value)
        if self.type == "bool":
            return "True" if value else "False"
        return str(value)
