"""The engine runs float32: every gradient case, fed float32, must give float32 outputs and
gradients (a float64 constant slipping in would double memory and break MXNet parity), and
large inputs must not overflow into warnings."""
import importlib

import numpy as np
import pytest

from core import random_state
from core.ops import OPS

FAMILIES = ("cases_activation", "cases_elemwise", "cases_loss", "cases_math", "cases_tensor")
CASES = [case for family in FAMILIES
         for case in importlib.import_module(f"{__package__}.{family}").CASES]
#: ops whose output type is an attribute, not the input's
TYPE_CHANGING = {"Cast"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_float32_in_float32_out(case):
    rng = np.random.default_rng(0)
    op = OPS.get(case.op)(node_name="under_test", **case.attrs)
    inputs = [rng.standard_normal(s).astype(np.float32) if isinstance(s, tuple)
              else np.asarray(s, dtype=np.float32) for s in case.inputs]
    random_state.seed(0)
    outputs, saved = op.forward(np, inputs, [], True)
    out_grads = [None] * len(outputs) if op.is_loss else [np.ones_like(o) for o in outputs]
    grads = op.backward(np, saved, out_grads, [True] * len(inputs))
    if case.op not in TYPE_CHANGING:
        assert [o.dtype for o in outputs] == [np.float32] * len(outputs)
    assert all(g.dtype == np.float32 for g in grads if g is not None)


@pytest.mark.parametrize("op, attrs", [
    ("sigmoid", {}), ("Activation", {"act_type": "sigmoid"}), ("Activation", {"act_type": "softrelu"}),
    ("LeakyReLU", {"act_type": "elu"}), ("LeakyReLU", {"act_type": "selu"}),
    ("LeakyReLU", {"act_type": "gelu"}), ("softmax", {}), ("log_softmax", {}), ("erf", {}),
])
@pytest.mark.filterwarnings("error")
def test_extreme_inputs_give_finite_values_without_warnings(op, attrs):
    x = np.array([[-1000.0, -100.0, -20.0, 0.0, 20.0, 100.0, 1000.0]], dtype=np.float32)
    operator = OPS.get(op)(**attrs)
    outputs, saved = operator.forward(np, [x], [], True)
    grad = operator.backward(np, saved, [np.ones_like(outputs[0])], [True])[0]
    assert np.isfinite(outputs[0]).all() and np.isfinite(grad).all()
