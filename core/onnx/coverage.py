"""Which registered operators (the editor palette's) the ONNX export writes, and why it
refuses the others: each operator is tried as a one-node network (its starting attributes, data
inputs of the first shape it accepts), the way a user's classifier would hold it.

    PYTHONPATH=$PWD python3 -m core.onnx.coverage          # a table: operator, result

Operators that cannot sit in a classifier's graph are left out: random sources and
samplers, optimizer updates, and constants made from nothing (no data input).

>>> report = dict(export_coverage(["relu", "sgd_update"]))
>>> report["relu"], "sgd_update" in report
('ok', False)
"""
from __future__ import annotations

import sys

import numpy as np

from ..errors import MXNetError
from ..ops import OPS
from ..symbol import Variable
from ..symbol.naming import NameManager
from ..symbol.symbol import make
from .export import to_model

#: data-input shapes tried in turn: an image batch first, then a feature batch, ...
TRIAL_SHAPES = ((2, 4, 8, 8), (2, 6), (2, 3, 5), (2, 2, 4, 4, 4), (3, 3))
UNTRIED = "no trial shape fits"
PARAMETER_SUFFIXES = ("weight", "bias", "gamma", "beta", "moving_mean", "moving_var")


def classifier_operators():
    """The registered operators (the editor's palette offers each) that may be part of an
    image classifier's graph, by category."""
    return [cls.name for classes in OPS.by_category().values() for cls in classes if _in_classifier(cls.name)]


def _in_classifier(name):
    if name.startswith(("_random_", "_sample_", "_shuffle")) or name.endswith("_update") or \
            name.startswith("lamb_update"):
        return False
    op = OPS.get(name)(node_name="probe", **_starter(name))
    return bool(_data_inputs(op))


def _starter(name):
    return dict(OPS.get(name).starter_attrs)


def _data_inputs(op):
    """Its inputs fed from the graph: not parameters, nor a loss's label (export drops it)."""
    return [arg for arg in op.list_arguments() if not arg.endswith(PARAMETER_SUFFIXES)
            and not (arg.endswith("label") and op.is_loss)]


def export_coverage(names=None):
    """[(operator, "ok" or the export's refusal)] for ``names`` (default: the classifier
    operators); an operator whose starting attributes accept no trial shape says so."""
    report = []
    for name in names if names is not None else classifier_operators():
        if name not in OPS or not _in_classifier(name):
            continue
        report.append((name, _try_export(name)))
    return report


def _try_export(name):
    last = f"{UNTRIED} its starting attributes"
    for shape in TRIAL_SHAPES:
        with NameManager():
            try:
                probe = OPS.get(name)(node_name="probe", **_starter(name))
                inputs = [Variable(arg, shape=shape) for arg in _data_inputs(probe)]
                symbol = make(name, inputs, _starter(name), name="node")
                arg_shapes, _, aux_shapes = symbol.infer_shape(**{v.name: shape for v in inputs})
            except MXNetError as error:
                last = f"{UNTRIED}: {error}"
                continue
        data = {v.name for v in inputs}
        params = {n: np.ones(s, np.float32) for n, s in zip(symbol.list_arguments(), arg_shapes)
                  if n not in data and not (n.endswith("label") and probe.is_loss)}
        params.update({n: np.ones(s, np.float32) for n, s in zip(symbol.list_auxiliary_states(), aux_shapes)})
        try:
            to_model(symbol, params, [shape] * len(inputs))
        except MXNetError as error:
            return str(error)
        return "ok"
    return last


def main(argv=None):
    report = export_coverage(argv or None)
    width = max(len(name) for name, _ in report)
    for name, why in report:
        print(f"{name:<{width}}  {why}")
    untried = [name for name, why in report if why.startswith(UNTRIED)]
    refused = [name for name, why in report if why != "ok" and name not in untried]
    print(f"\n{len(report) - len(refused) - len(untried)} of {len(report)} classifier operators export.")
    print(f"Refused ({len(refused)}): {', '.join(refused) or 'none'}")
    print(f"Not tried, their inputs need shapes of their own ({len(untried)}): {', '.join(untried) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
