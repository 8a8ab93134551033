"""draw_graph of ag.Scalar expressions: micrograd's picture (a record per value, an ellipse per op)."""

import math

import pytest

import autograd as ag
from autograd.draw import draw_graph
from tests.autograd.draw.dot_parse import Dot


def lecture_expression():
    """f(x, y) = log(1 + exp(-(x + y))) * (x + y), the lecture's scalar graph."""
    x, y = ag.Scalar(0.5, label="x"), ag.Scalar(-1.5, label="y")
    s = x + y
    s.label = "s"
    f = (1 + (-s).exp()).log() * s
    f.label = "f"
    return x, y, f


def records(dot):
    return {node_id: attrs["label"] for node_id, attrs in dot.nodes.items() if attrs.get("shape") == "record"}


def ellipses(dot):
    return {node_id: attrs["label"] for node_id, attrs in dot.nodes.items() if attrs.get("shape") == "ellipse"}


def test_one_record_per_value_and_one_ellipse_per_op():
    _, _, f = lecture_expression()
    dot = Dot(draw_graph(f).source)
    # values: x, y, s, -s, exp, the constant 1, 1 + exp, log, f; ops: + neg exp + log *
    assert len(records(dot)) == 9, f"expected 9 value records, got {records(dot)}"
    assert sorted(ellipses(dot).values()) == sorted(["+", "neg", "exp", "+", "log", "*"]), ellipses(dot)
    # each op feeds its value (6) and each input feeds its op: 2 + 1 + 1 + 2 + 1 + 2 = 9
    assert len(dot.edges) == 15, f"expected 15 edges, got {dot.edges}"
    assert dot.graph["rankdir"] == "LR", "expected micrograd's left-to-right layout"


def test_records_show_data_and_grad_to_four_decimals():
    x, _, f = lecture_expression()
    before = records(Dot(draw_graph(f).source))
    assert "{ x | data 0.5000 | grad 0.0000 }" in before.values(), before
    f.backward()
    after = records(Dot(draw_graph(f).source))
    # df/dx = df/ds = log(1 + e^-s) - s e^-s / (1 + e^-s), at s = -1
    expected_grad = math.log(1 + math.e) + math.e / (1 + math.e)
    assert x.grad == pytest.approx(expected_grad), "expected the scalar engine's gradient"
    assert f"{{ x | data 0.5000 | grad {expected_grad:.4f} }}" in after.values(), after
    assert f"{{ f | data {f.value:.4f} | grad 1.0000 }}" in after.values(), after


def test_edges_run_input_to_op_to_output():
    _, _, f = lecture_expression()
    dot = Dot(draw_graph(f).source)
    by_label = {label.split("|")[0].strip("{ "): node_id for node_id, label in records(dot).items()}
    plus_of_s = f"{by_label['s']}_op"
    assert dot.label(plus_of_s) == "+", "expected s's op node to be '+'"
    edges = {(tail, head) for tail, head, _ in dot.edges}
    assert {(by_label["x"], plus_of_s), (by_label["y"], plus_of_s), (plus_of_s, by_label["s"])} <= edges, edges


def test_output_and_parameters_are_coloured():
    x, _, f = lecture_expression()
    dot = Dot(draw_graph(f, params={"weight x": x}).source)
    output = next(i for i, label in records(dot).items() if label.startswith("{ f |"))
    assert dot.nodes[output]["fillcolor"] == "darkolivegreen1", "expected the output to be green"
    parameter = next(i for i, label in records(dot).items() if label.startswith("{ weight x |"))
    assert dot.nodes[parameter]["fillcolor"] == "lightblue", "expected the named parameter to be blue"


def test_record_special_characters_are_escaped():
    a = ag.Scalar(1.0, label="a|b{c}<d>")
    out = a * 2
    dot = Dot(draw_graph(out).source)
    assert "{ a\\|b\\{c\\}\\<d\\> | data 1.0000 | grad 0.0000 }" in records(dot).values(), records(dot)


def test_a_long_chain_needs_no_recursion():
    x = ag.Scalar(0.5, label="x")
    y = x
    for _ in range(3000):
        y = y * 1.0
    drawing = draw_graph(y, max_nodes=None)
    assert drawing.stats["nodes"] == 6001, "expected x, 3000 constants and 3000 products"
    assert drawing.stats["drawn"] == 6001, "expected every value drawn with max_nodes=None"
