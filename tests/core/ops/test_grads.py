"""Every registered operator's backward against float64 finite differences.

Each family lists its cases in ``cases_<family>.py``; an operator without a case fails
``test_every_operator_has_a_gradient_check``.
"""
import importlib
import pkgutil
from pathlib import Path

import pytest

from core.ops import OPS
from core.ops.update import NoGradientOp
from core.testing import check_op_grad

CASES = []
for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if module.name.startswith("cases_"):
        CASES += importlib.import_module(f"{__package__}.{module.name}").CASES

#: ops whose gradient is zero or undefined by design, checked elsewhere
#: (test_tensor_semantics.py)
NO_GRADIENT = {
    "BlockGrad",  # the gradient is deliberately 0 while the function is the identity
    "one_hot",    # its input is integer indices; nudging them by 1e-6 is meaningless
    "argmax",     # integer-valued output: no derivative, MXNet gives zeros
    "argmin",     # the same
    "ravel_multi_index",  # integer coordinates in, integer indices out
    "unravel_index",      # the same
    # symmetric input: checked along symmetric perturbations (test_linalg_ops.py)
    "linalg_potrf", "_linalg_syevd",
    # counts and flags, no derivative (MXNet defines none); reset_arrays has no outputs
    "_histogram", "all_finite", "reset_arrays",
    # no inputs: arrays made from attributes alone (test_mx191_fixtures.py checks their values)
    "_zeros", "_ones", "_full", "_arange", "_linspace", "_eye",
    # random draws: no derivative with respect to a draw (MXNet defines none); _shuffle's
    # backward un-permutes and is checked in tests/core/ops/test_random_draw.py
    *(name for name in OPS.names() if name.startswith(("_random_", "_sample_"))), "_shuffle",
    # optimizer updates (sgd_update, ...) and their helpers (multi_sum_sq, all_finite, ...):
    # MXNet defines no gradient; test_mx191_fixtures.py, test_mx191_update_fixtures.py
    *(name for name in OPS.names() if issubclass(OPS.get(name), NoGradientOp)),
}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gradient_matches_finite_differences(case):
    op = OPS.get(case.op)(node_name="under_test", **case.attrs)
    check_op_grad(op, case.inputs, aux=case.aux, rtol=case.rtol, atol=case.atol,
                  skip=case.skip, forward_seed=case.forward_seed)


def test_every_operator_has_a_gradient_check():
    checked = {OPS.get(c.op).name for c in CASES}
    missing = sorted(set(OPS.names()) - checked - NO_GRADIENT)
    assert not missing, f"operators without a gradient check: {missing}"
