"""Run one registered operator on NDArrays, as ``mx.nd.<Op>(...)`` does."""
from __future__ import annotations

from ..context import current_context
from .ndarray import NDArray


def invoke(op_name, *args, **kwargs):
    from ..ops import OPS
    arrays = {k: v for k, v in kwargs.items() if isinstance(v, NDArray)}
    attrs = {k: v for k, v in kwargs.items() if not isinstance(v, NDArray) and k not in ("name", "out")}
    if "num_args" in OPS.get(op_name).params and "num_args" not in attrs:
        attrs["num_args"] = len(args)
    op = OPS.get(op_name)(node_name=kwargs.get("name", op_name.lower()), **attrs)
    names = op.list_arguments()
    inputs = list(args) + [arrays[n] for n in names[len(args):] if n in arrays]
    if len(inputs) != len(names):
        missing = [n for n in names[len(inputs):]]
        raise TypeError(f"{op_name} needs inputs {names}; missing {missing}")
    ctx = inputs[0].context if inputs else current_context()   # random_uniform(shape=...)
    xp = ctx.xp
    aux = [xp.zeros(s, dtype=inputs[0]._data.dtype)
           for s in op.infer_shape([i.shape for i in inputs])[2]]
    outputs, _ = op.forward(xp, [i._data for i in inputs], aux, False)
    result = [NDArray(o, ctx) for o in outputs]
    out = kwargs.get("out")
    if out is not None:
        from . import deliver
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        if len(outs) != len(result):
            raise TypeError(f"{op_name} gives {len(result)} outputs; out= has {len(outs)}")
        combine = getattr(op, "combine_with_out", None)   # all_finite(init_output=False)
        if combine is not None:
            result = [NDArray(combine(xp, o._data, r._data), ctx) if isinstance(o, NDArray) else r
                      for r, o in zip(result, outs)]
        delivered = [deliver(r, o) for r, o in zip(result, outs)]
        return delivered[0] if len(delivered) == 1 else delivered
    return result[0] if len(result) == 1 else result
