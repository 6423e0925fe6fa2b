"""Build's verdict before Train: what would stop a network training on the chosen data,
with the obvious one-click fix."""
from core.graphdoc import GraphDocument, Edge
from core.graphdoc.check import analyse_document
from core.graphdoc.readiness import FASHION_MNIST, TargetData, training_problems
from core.graphdoc.templates import template


def problems_of(doc, target=FASHION_MNIST):
    return training_problems(doc, analyse_document(doc), target)


def chain(*steps):
    """A document: ops in a chain, each (op, attrs); the first is the input."""
    doc = GraphDocument()
    previous = None
    for op, attrs in steps:
        node = doc.add_node(doc.make_node(op, attrs=attrs))
        if previous is not None:
            doc.connect(Edge(previous.id, 0, node.id, "data"))
        previous = node
    return doc


def test_the_templates_would_train_on_fashion_mnist():
    for key in ("lenet", "mlp"):
        assert problems_of(template(key).document()) == [], key


def test_a_network_without_a_loss_is_offered_softmax_output():
    doc = chain(("null", {"__shape__": "(1, 1, 28, 28)"}), ("Flatten", {}), ("FullyConnected", {"num_hidden": "10"}))
    [problem] = problems_of(doc)
    assert "no loss" in problem.message
    assert problem.fix.text == "Add SoftmaxOutput" and problem.fix.kind == "add_loss"
    assert doc.nodes[problem.fix.node_id].op == "FullyConnected"


def test_the_class_count_must_match_the_data_and_the_fix_sets_num_hidden():
    doc = chain(("null", {"__shape__": "(1, 1, 28, 28)"}), ("FullyConnected", {"num_hidden": "84"}),
                ("SoftmaxOutput", {}))
    [problem] = problems_of(doc)
    assert problem.message == "The network gives 84 outputs but Fashion-MNIST has 10 classes."
    assert (problem.fix.key, problem.fix.value) == ("num_hidden", 10)
    assert problems_of(doc, TargetData("Shapes", 84, (1, 28, 28))) == []


def test_an_unconnected_layer_and_a_misnamed_or_misshaped_input_are_named():
    doc = chain(("null", {"__shape__": "(1, 1, 28, 28)"}), ("Convolution", {"kernel": "(5, 5)", "num_filter": "4"}))
    doc.add_node(doc.make_node("FullyConnected", attrs={"num_hidden": "10"}))
    [problem] = problems_of(doc)
    assert "not connected" in problem.message
    doc = chain(("null", {"__shape__": "(1, 1, 64, 64)"}), ("Pooling", {"kernel": "(30, 30)", "pool_type": "max"}),
                ("Flatten", {}), ("FullyConnected", {"num_hidden": "10"}), ("SoftmaxOutput", {}))
    doc.rename(next(n.id for n in doc.nodes.values() if n.is_variable), "pictures")
    problems = problems_of(doc)
    assert [p.fix.kind for p in problems] == ["rename", "set_attr"]
    assert problems[1].fix.value == "(1, 1, 28, 28)"
