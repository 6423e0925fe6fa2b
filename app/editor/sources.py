"""Where documents come from: MXNet symbol files, Symbols, templates and the zoo -- each
made ready for the canvas (input shape known, every node placed)."""
from __future__ import annotations

from pathlib import Path

from core.errors import NetStudioError, RegistryError
from core.fileio import read_regular_bytes
from core.graphdoc import document_from_json, document_from_symbol, needs_layout
from core.graphdoc.guess import guess_input_shapes
from core.graphdoc.layout import layout_document
from core.graphdoc.templates import template

from .node_item import node_size


def prepare(doc, input_shape=None) -> str:
    """Give the data input a shape (``input_shape``, else a guess) and place every node
    when the file had no positions. Returns a note for the status line ('' if none)."""
    note = ""
    inputs = [n for n in doc.nodes.values() if n.is_variable]
    if input_shape is not None and inputs and not inputs[0].attrs.get("__shape__"):
        inputs[0].attrs["__shape__"] = str(tuple(input_shape))
    guessed = guess_input_shapes(doc)
    for name, shape in guessed.items():
        doc.by_name(name).attrs["__shape__"] = str(shape)
        note = f"Input shape {shape} is a guess: change it in the inspector if it is wrong."
    if needs_layout(doc):
        for node_id, pos in layout_document(doc, node_size).items():
            doc.nodes[node_id].pos = pos
    return note


def document_from_path(path):
    path = Path(path)
    try:
        data = read_regular_bytes(path)    # a named pipe must not hang the editor
    except OSError as error:
        raise NetStudioError(f"cannot read {path}: {error.strerror or error}") from None
    return document_from_json(data, str(path))


def onnx_document(path):
    """(document, weights) of an ONNX file: the network for the canvas, and its
    parameters, kept so that saving it as .onnx again writes them back."""
    from core.onnx import import_model
    symbol, args, auxs = import_model(path, data_name="data")
    return document_from_symbol(symbol), {**args, **auxs}


def title_for_path(path) -> str:
    name = Path(path).name
    for suffix in ("-symbol.json", ".json", ".onnx"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def looks_like_symbol_file(path) -> bool:
    path = Path(path)
    if path.suffix.lower() == ".onnx":
        return path.is_file()
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False
    return '"nodes"' in head


def zoo_document(name):
    """(document, title, input shape) for a zoo model: its installed checkpoint's symbol,
    else the builtin network of its architecture. Raises RegistryError when neither."""
    from core.zoo import catalog, store
    entry = catalog.registry_entry(name)
    shape = (1, *entry.input_size)
    if store.is_installed(name):
        prefix, _ = store.checkpoint_prefix(name)
        symbol_file = Path(f"{prefix}-symbol.json")
        if symbol_file.is_file():
            return document_from_path(symbol_file), entry.title, shape
    if entry.architecture:
        from core.zoo.builtin import get_symbol
        return document_from_symbol(get_symbol(entry.architecture)), entry.title, shape
    raise RegistryError(f"{entry.title} is not downloaded yet: download it in the Zoo view, "
                        f"then open it in the editor")


def template_document(key):
    found = template(key)
    return found.document(), found.title, found.input_shape
