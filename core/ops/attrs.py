"""Operator attributes: typed parameters parsed from MXNet's string form and written back.

MXNet stores every attribute as a string in symbol JSON: ``"kernel": "(5, 5)"``,
``"no_bias": "True"``. ``Param`` knows how to read and write one of them, and the range
its value may take (``low``/``high``, each entry of a tuple): parsing refuses the rest, so
symbol files, scripts and the editor's inspector all get the same message.

>>> Param("shape", (), low=0).parse("(1, -1)")
Traceback (most recent call last):
ValueError: every entry must be at least 0; got (1, -1)
>>> Param("int", low=1).parse("1e400")
Traceback (most recent call last):
ValueError: expected a finite number, got '1e400'
"""
from __future__ import annotations

import ast
import math
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
    raise ValueError(f"expected True or False, got {shorten(text)}")


#: longest attribute text parsed as a tuple (a symbol file may hold anything)
MAX_TUPLE_TEXT = 10_000


def _whole(value):
    """An int from an int, or from a float/string holding a whole finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a whole number, got {shorten(value)}")
    if isinstance(value, int):
        return value
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {shorten(value)}")
    if number != int(number):
        raise ValueError(f"expected a whole number, got {shorten(value)}")
    return int(number)


def _literal(text):
    text = str(text).strip()
    if len(text) > MAX_TUPLE_TEXT:
        raise ValueError(f"expected a short tuple, got {len(text):,} characters")
    try:
        return ast.literal_eval(text)
    except (RecursionError, MemoryError):
        raise ValueError("expected a flat tuple like (2, 2), got deeply nested brackets") from None


def _parse_tuple(text):
    if isinstance(text, (tuple, list)):
        return tuple(_whole(v) for v in text)
    if isinstance(text, int):
        return (_whole(text),)
    text = str(text).strip()
    if text in ("", "()", "[]"):
        return ()
    value = _literal(text)
    if isinstance(value, (int, float)):
        return (_whole(value),)
    if not isinstance(value, (tuple, list)):
        raise ValueError(f"expected a tuple of whole numbers, got {shorten(text)}")
    return tuple(_whole(v) for v in value)


def _parse_float_tuple(text):
    if isinstance(text, (tuple, list)):
        return tuple(float(v) for v in text)
    value = _literal(text)
    if isinstance(value, (int, float)):
        return (float(value),)
    return tuple(float(v) for v in value)


def _parse_optional_int(text):
    if text is None or str(text).strip() in ("None", ""):
        return None
    return _whole(str(text).strip() if isinstance(text, str) else text)


def _parse_optional_tuple(text):
    if text is None or str(text).strip() in ("None", ""):
        return None
    return _parse_tuple(text)


def _parse_optional_float(text):
    if text is None or str(text).strip() in ("None", ""):
        return None
    return float(text)


def shorten(value, limit=40):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


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
    #: the smallest and largest value allowed (each entry of a tuple); None: no bound.
    #: Floats are finite unless a bound is infinite (Clip's ``a_min=-inf``).
    low: float | None = None
    high: float | None = None

    @property
    def required(self):
        return self.default is REQUIRED

    def parse(self, value):
        """The typed value of ``value`` (MXNet's string form or a Python value); ValueError
        says why it is not one, or which bound it breaks (the only exception it raises)."""
        try:
            parsed = self._parse(value)
        except (SyntaxError, TypeError, OverflowError, RecursionError, MemoryError) as error:
            raise ValueError(f"cannot read {shorten(value)} as {self.type}: {error}") from None
        self._check_range(parsed, value)
        return parsed

    def range_text(self):
        """The allowed range in words (the inspector's tooltip), or ""."""
        if self.low is not None and self.high is not None:
            return f"from {self.low:g} to {self.high:g}"
        if self.low is not None:
            return f"at least {self.low:g}"
        if self.high is not None:
            return f"at most {self.high:g}"
        return ""

    def _check_range(self, parsed, given):
        if parsed is None or self.type in ("bool", "str") or self.choices:
            return
        values = parsed if isinstance(parsed, tuple) else (parsed,)
        infinite_ok = self.low == -math.inf or self.high == math.inf
        for value in values:
            if isinstance(value, float) and (math.isnan(value) or (math.isinf(value) and not infinite_ok)):
                raise ValueError(f"expected a finite number, got {shorten(given)}")
        low_ok = self.low is None or all(v >= self.low for v in values)
        high_ok = self.high is None or all(v <= self.high for v in values)
        if low_ok and high_ok:
            return
        which = "every entry must" if isinstance(parsed, tuple) else "must"
        raise ValueError(f"{which} be {self.range_text()}; got {self.format(parsed)}")

    def _parse(self, value):
        if self.type == "int" and isinstance(value, str) and value.strip().lower() in ("true", "false"):
            value = int(value.strip().lower() == "true")
        if self.choices:
            text = _type_name(value) if isinstance(value, (type, np.dtype)) else str(value)
            if text not in self.choices:
                raise ValueError(f"expected one of {', '.join(self.choices)}; got {shorten(text)}")
            return text
        if self.type in ("int", "float") and isinstance(value, str):
            value = value.strip()
            if self.type == "int" and value.endswith("L"):
                value = value[:-1]
        if self.type == "int":
            return _whole(value)
        if not isinstance(value, (str, int, float, tuple, list, type(None))):
            raise ValueError(f"expected {self.type}, got {type(value).__name__} {shorten(value)}")
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
