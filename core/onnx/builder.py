"""The exporter's graph builder: what an operator's ``onnx(graph, inputs, outputs)`` hook
writes into (see core/ops/base.py for the contract).

>>> import numpy as np
>>> graph = GraphBuilder(opset=17)
>>> name = graph.constant("shape", np.array([0, -1], dtype=np.int64))
>>> graph.node("Reshape", ["x", name], ["y"])
>>> [n.op_type for n in graph.nodes], graph.fresh("y")
(['Reshape'], 'y_1')
"""
from __future__ import annotations

import numpy as np
from onnx import helper, numpy_helper


class GraphBuilder:
    """Nodes, initializers and known shapes of the ONNX graph being written."""

    def __init__(self, opset, shapes=None):
        self.opset = int(opset)
        self.nodes = []
        self.initializers = []
        self._shapes = {name: tuple(shape) for name, shape in (shapes or {}).items()}
        self._used = set()
        self._counts = {}

    def claim(self, name):
        """Reserve a value name given by the symbol (a variable, an operator output)."""
        self._used.add(name)
        return name

    def fresh(self, hint):
        """A new value name not used yet, built from ``hint``."""
        count = self._counts.get(hint, 0)
        while True:
            count += 1
            name = f"{hint}_{count}"
            if name not in self._used:
                break
        self._counts[hint] = count
        self._used.add(name)
        return name

    def node(self, op_type, inputs, outputs, **attributes):
        """Add one ONNX node; ``None`` attributes are left out."""
        attributes = {key: value for key, value in attributes.items() if value is not None}
        name = self.fresh(f"{outputs[0]}_{op_type}") if outputs else None
        self.nodes.append(helper.make_node(op_type, list(inputs), list(outputs), name=name, **attributes))
        for output in outputs:
            self._used.add(output)

    def constant(self, hint, array):
        """An initializer holding ``array`` (its dtype kept); returns its name."""
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def ints(self, hint, values):
        """An int64 1-D initializer (shapes, axes, slice bounds); returns its name."""
        return self.constant(hint, np.array(list(values), np.int64))

    def cast(self, name, dtype, output=None):
        """``name`` cast to NumPy ``dtype`` ("bool", "float32", "int64") into ``output`` (a new
        value if None); returns the output's name."""
        output = output or self.fresh(f"{name}_{dtype}")
        self.node("Cast", [name], [output], to=helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))
        return output

    def gather_clipped(self, data, indices, output, axis, size):
        """Gather along ``axis`` at float ``indices`` truncated to integers and clipped into
        [0, size) (MXNet's Embedding and take)."""
        index, clipped = self.cast(indices, "int64"), self.fresh(f"{output}_index")
        self.node("Clip", [index, self.constant("first", np.array(0, np.int64)),
                           self.constant("last", np.array(size - 1, np.int64))], [clipped])
        self.node("Gather", [data, clipped], [output], axis=axis)

    def slice(self, data, output, starts, ends, axes, steps=None):
        """A Slice node with its bounds as initializers."""
        inputs = [data, self.ints("starts", starts), self.ints("ends", ends), self.ints("axes", axes)]
        if steps is not None:
            inputs.append(self.ints("steps", steps))
        self.node("Slice", inputs, [output])

    def initializer(self, name, array):
        """A named initializer (a parameter of the network)."""
        self.claim(name)
        self.set_shape(name, np.shape(array))
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))

    def set_shape(self, name, shape):
        self._shapes[name] = None if shape is None else tuple(int(d) for d in shape)

    def shape(self, name):
        """The inferred shape of value ``name`` (with the export's example batch size)."""
        shape = self._shapes.get(name)
        if shape is None:
            raise KeyError(f"no inferred shape for ONNX value {name!r}")
        return shape
