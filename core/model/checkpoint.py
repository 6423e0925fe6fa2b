"""Checkpoints as MXNet writes them: ``prefix-symbol.json`` and ``prefix-%04d.params`` with
``arg:``/``aux:`` keys. Both files are written atomically (temp file, then rename), so an
interrupted save leaves the previous good checkpoint in place.

>>> import core as mx, tempfile, os
>>> net = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2, name="fc")
>>> prefix = os.path.join(tempfile.mkdtemp(), "net")
>>> mx.model.save_checkpoint(prefix, 3, net, {"fc_weight": mx.nd.ones((2, 4)), "fc_bias": mx.nd.zeros((2,))}, {})
>>> sym, args, auxs = mx.model.load_checkpoint(prefix, 3)
>>> sorted(args), sym.list_outputs()
(['fc_bias', 'fc_weight'], ['fc_output'])
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from ..context import cpu
from ..errors import FormatError, MissingFileError


def symbol_file(prefix):
    return f"{prefix}-symbol.json"


def params_file(prefix, epoch):
    return f"{prefix}-{int(epoch):04d}.params"


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Write ``prefix-symbol.json`` (when ``symbol`` is given) and ``prefix-%04d.params``."""
    from .. import ndarray as nd
    if symbol is not None:
        symbol.save(symbol_file(prefix), remove_amp_cast=remove_amp_cast)
    save_dict = {f"arg:{k}": v.as_in_context(cpu()) for k, v in (arg_params or {}).items()}
    save_dict.update({f"aux:{k}": v.as_in_context(cpu()) for k, v in (aux_params or {}).items()})
    path = params_file(prefix, epoch)
    nd.save(path, save_dict)
    logging.info('Saved checkpoint to "%s"', path)


def load_params(prefix, epoch):
    """``(arg_params, aux_params)`` from ``prefix-%04d.params``."""
    from .. import ndarray as nd
    path = params_file(prefix, epoch)
    if not Path(path).is_file():
        raise MissingFileError(_missing_message(prefix, path))
    return split_params(nd.load(path), path)


def split_params(save_dict, source="<params>"):
    """Split a loaded dict by its ``arg:``/``aux:`` prefixes. Keys without a prefix (a file
    saved by ``nd.save`` or Gluon) count as arguments."""
    if not isinstance(save_dict, dict):
        raise FormatError(f"{source}: holds an unnamed list of arrays; a checkpoint needs "
                          f"named 'arg:<name>'/'aux:<name>' entries")
    arg_params, aux_params = {}, {}
    for key, value in save_dict.items():
        kind, _, name = key.partition(":")
        if kind == "aux" and name:
            aux_params[name] = value
        elif kind == "arg" and name:
            arg_params[name] = value
        else:
            arg_params[key] = value
    return arg_params, aux_params


def load_checkpoint(prefix, epoch):
    """``(symbol, arg_params, aux_params)`` from a checkpoint, MXNet's or ours."""
    from .. import symbol as sym
    path = symbol_file(prefix)
    if not Path(path).is_file():
        what = "is a folder, not a file" if Path(path).is_dir() else "not found"
        raise MissingFileError(f"checkpoint symbol file {path!r} {what} (looked for "
                               f"'<prefix>-symbol.json' with prefix {str(prefix)!r}); give the "
                               f"prefix a training run saved")
    symbol = sym.load(path)
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params


def list_epochs(prefix):
    """The epochs that have a ``prefix-%04d.params`` file, ascending."""
    folder = Path(prefix).parent
    stem = re.escape(Path(prefix).name)
    pattern = re.compile(rf"^{stem}-(\d{{4,}})\.params$")
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := pattern.match(p.name)) and p.is_file())


def check_params_fit(symbol, arg_params, aux_params, data_shape, source, data_name="data"):
    """Raise FormatError naming ``source`` (the parameters file) when a stored array is
    missing or its shape is not the one ``symbol`` needs for a ``data_shape`` input."""
    arg_shapes, _, aux_shapes = symbol.infer_shape_partial(**{data_name: tuple(data_shape)})
    needed = dict(zip(symbol.list_arguments(), arg_shapes))
    needed.update(zip(symbol.list_auxiliary_states(), aux_shapes))
    stored = dict(arg_params, **aux_params)
    inputs = {data_name} | {n for n in symbol.list_arguments() if n.endswith("_label")}
    missing = [n for n in needed if n not in inputs and n not in stored]
    if missing:
        raise FormatError(f"{source}: lacks {len(missing)} arrays the network needs "
                          f"({', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}); "
                          f"use the parameters saved with this network's symbol file")
    for name, shape in needed.items():
        if name in stored and shape is not None and tuple(stored[name].shape) != tuple(shape):
            raise FormatError(f"{source}: {name!r} has shape {tuple(stored[name].shape)} but the network "
                              f"needs {tuple(shape)}; use the parameters saved with this network's "
                              f"symbol file")


def _missing_message(prefix, path):
    epochs = list_epochs(prefix)
    found = f"epochs saved with this prefix: {epochs}" if epochs else "no epochs are saved with this prefix"
    what = "is a folder, not a file" if Path(path).is_dir() else "not found"
    return f"checkpoint parameters {path!r} {what}; {found}"
