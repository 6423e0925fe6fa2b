"""ONNX, both ways, with MXNet 1.9's names: ``mx.onnx.export_model`` writes a Symbol and
its parameters as an ONNX file (each operator maps itself, core/ops/base.py), and
``mx.onnx.import_model`` reads an ONNX image classifier back as ``(sym, arg_params,
aux_params)``. Built on the ``onnx`` package; opset 17 by default.

>>> import core as mx
>>> callable(mx.onnx.export_model) and callable(mx.onnx.import_model)
True
"""
from .export import OPSET, export_model
from .importer import import_model

__all__ = ["OPSET", "export_model", "import_model"]
