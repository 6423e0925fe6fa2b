"""Test helpers shipped with the library, so extension authors check ops the same way.

>>> from core.ops import OPS
>>> op = OPS.get("FullyConnected")(num_hidden=3)
>>> outputs = check_op_grad(op, [(2, 4), (3, 4), (3,)])
"""
from __future__ import annotations

import numpy as np

from . import random_state


def _objective(op, inputs, aux, out_grads, seed):
    if seed is not None:
        random_state.seed(seed)
    if op.is_loss:
        return float(op.loss_value(np, inputs))
    outputs, _ = op.forward(np, inputs, [a.copy() for a in aux], True)
    return float(sum((o * g).sum() for o, g in zip(outputs, out_grads)))


def numeric_grad(op, inputs, aux, out_grads, index, eps=1e-6, seed=None):
    """Central differences of the objective with respect to inputs[index]."""
    x = inputs[index]
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        orig = flat[i]
        flat[i] = orig + eps
        plus = _objective(op, inputs, aux, out_grads, seed)
        flat[i] = orig - eps
        minus = _objective(op, inputs, aux, out_grads, seed)
        flat[i] = orig
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def check_op_grad(op, shapes_or_arrays, aux=(), rtol=1e-4, atol=1e-6, eps=1e-6,
                  seed=0, skip=(), forward_seed=None):
    """Compare an op's backward with float64 finite differences.

    ``shapes_or_arrays`` gives each argument as a shape (random normal data) or an
    array (used as is, e.g. labels). ``skip`` names arguments not to differentiate
    (labels). ``forward_seed`` reseeds before each forward (for Dropout).
    """
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal(s) if isinstance(s, tuple) else np.asarray(s, dtype=np.float64)
              for s in shapes_or_arrays]
    aux = [np.asarray(a, dtype=np.float64) for a in aux]
    if forward_seed is not None:
        random_state.seed(forward_seed)
    outputs, saved = op.forward(np, inputs, [a.copy() for a in aux], True)
    out_grads = [None] * len(outputs) if op.is_loss else [rng.standard_normal(o.shape) for o in outputs]
    names = op.list_arguments()
    needs = [name not in skip for name in names]
    analytic = op.backward(np, saved, out_grads, needs)
    assert len(analytic) == len(inputs), f"{op.name}: backward returned {len(analytic)} grads for {len(inputs)} inputs"
    for index, name in enumerate(names):
        if not needs[index]:
            continue
        expected = numeric_grad(op, inputs, aux, out_grads, index, eps, forward_seed)
        got = analytic[index]
        assert got is not None, f"{op.name}: no gradient for {name}"
        assert got.shape == inputs[index].shape, f"{op.name}: grad of {name} has shape {got.shape}, input {inputs[index].shape}"
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol,
                                   err_msg=f"{op.name} gradient of {name!r} ({op!r})")
    return outputs


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=1e-4, rtol=1e-2,
                           atol=1e-4, grad_nodes=None, seed=0):
    """MXNet's ``mx.test_utils.check_numeric_gradient``: the bound symbol's backward
    against finite differences of sum(outputs · random head gradients), in float64.

    ``location`` maps argument names to numpy arrays (or is a list in argument order).
    """
    from .context import cpu
    from .ndarray.ndarray import NDArray

    names = sym.list_arguments()
    if not isinstance(location, dict):
        location = dict(zip(names, location))
    location = {k: np.asarray(v, dtype=np.float64) for k, v in location.items()}
    aux_names = sym.list_auxiliary_states()
    aux_states = aux_states or {}
    if not isinstance(aux_states, dict):
        aux_states = dict(zip(aux_names, aux_states))
    grad_nodes = list(grad_nodes or [n for n in names if n in location])
    ctx = cpu()
    args = {n: NDArray(location[n].copy(), ctx) for n in names}
    grads = {n: NDArray(np.zeros_like(location[n]), ctx) for n in grad_nodes}
    aux = {n: NDArray(np.asarray(aux_states.get(n, np.zeros(1)), dtype=np.float64).copy(), ctx) for n in aux_names}
    exe = sym.bind(ctx, args, args_grad=grads, grad_req={n: "write" for n in grad_nodes}, aux_states=aux)
    outputs = exe.forward(is_train=True)
    rng = np.random.default_rng(seed)
    head = [rng.standard_normal(o.shape) for o in outputs]
    exe.backward([NDArray(h, ctx) for h in head])
    analytic = {n: grads[n].asnumpy() for n in grad_nodes}

    def objective():
        for n in aux_names:
            exe.aux_dict[n]._data[...] = np.asarray(aux_states.get(n, 0), dtype=np.float64)
        outs = exe.forward(is_train=True)
        return sum(float((o.asnumpy() * h).sum()) for o, h in zip(outs, head))

    for name in grad_nodes:
        data = exe.arg_dict[name]._data
        flat = data.reshape(-1)
        numeric = np.zeros(flat.size)
        for i in range(flat.size):
            orig = flat[i]
            flat[i] = orig + numeric_eps
            plus = objective()
            flat[i] = orig - numeric_eps
            minus = objective()
            flat[i] = orig
            numeric[i] = (plus - minus) / (2 * numeric_eps)
        np.testing.assert_allclose(analytic[name].reshape(-1), numeric, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of {name!r}")


def assert_almost_equal(a, b, rtol=1e-5, atol=1e-20, names=("a", "b")):
    a = a.asnumpy() if hasattr(a, "asnumpy") else np.asarray(a)
    b = b.asnumpy() if hasattr(b, "asnumpy") else np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"{names[0]} vs {names[1]}")
