"""The network editor's document, without Qt: nodes, edges, conversion to Symbol and
MXNet JSON, live analysis, layered layout, palette groups and templates."""
from .convert import (POS_ATTR, document_from_json, document_from_symbol, needs_layout,  # noqa: F401
                      to_json, to_symbol, topological_order)
from .document import DocNode, Edge, GraphDocument  # noqa: F401
from .ports import PARAM_SLOTS, VARIABLE, PortSpec, port_spec  # noqa: F401
