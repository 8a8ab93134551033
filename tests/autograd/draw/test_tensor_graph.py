"""draw_graph of ag.Tensor graphs: labels, names, shapes, gradient summaries, broadcasting, size."""

import numpy as np
import pytest

import autograd as ag
from autograd.draw import draw_graph
from tests.autograd.draw.dot_parse import Dot


def lesson_cross_entropy():
    """The lesson's graph: z -> exp -> / sum -> [0] -> log -> neg."""
    z = ag.Tensor(np.array([0.3, -1.2, 2.0]), label="z1\nleaf(z)")
    exp_z = ag.exp(z)
    p = exp_z / ag.sum(exp_z)
    nll = -ag.log(p[0])
    return z, nll


def test_lesson_graph_nodes_edges_and_labels():
    _, nll = lesson_cross_entropy()
    drawing = draw_graph(nll)
    dot = Dot(drawing.source)
    assert len(dot.nodes) == 7, f"expected z, exp, sum, /, [...], log, neg; got {dot.nodes}"
    assert len(dot.edges) == 7, f"expected 7 edges (exp feeds sum and /), got {dot.edges}"
    assert dot.graph["rankdir"] == "TB", "expected a top-down layout for tensors"
    (leaf,) = dot.find("z1\\nleaf(z)")  # the label's newline is a DOT line break
    assert dot.label(leaf) == "z1\\nleaf(z)\\n(3,) float64", dot.label(leaf)
    for op, shape in [("exp", "(3,)"), ("sum", "()"), ("/", "(3,)"), ("[...]", "()"), ("log", "()")]:
        expected = f"{op}\\n{shape} float64"
        assert any(dot.label(i).startswith(expected) for i in dot.nodes), f"expected a node {expected!r}"
    assert not dot.find("grad "), "expected no gradient text before backward()"
    assert drawing.stats == {"nodes": 7, "drawn": 7, "edges": 7, "summary": None}


def test_gradient_summary_after_backward():
    z, nll = lesson_cross_entropy()
    nll.backward()
    dot = Dot(draw_graph(nll).source)
    (leaf,) = dot.find("leaf(z)")
    norm, low, high = np.linalg.norm(z.grad), z.grad.min(), z.grad.max()
    expected = f"grad ‖g‖ {norm:.4g}  [{low:.4g}, {high:.4g}]"
    assert dot.label(leaf).endswith(expected), f"expected {expected!r} in {dot.label(leaf)!r}"
    (output,) = dot.find("neg")
    assert dot.label(output).endswith(f"value {nll.item():.4g}\\ngrad 1"), dot.label(output)


def test_leaves_parameters_constants_and_output_are_distinct():
    w = ag.Tensor(np.ones((3, 2)), label="w")
    x = ag.Tensor(np.ones((4, 3)), requires_grad=False, label="x")
    t = ag.Tensor(np.ones((4, 2)), label="t")
    loss = ((x @ w - t) * 0.5).sum()
    dot = Dot(draw_graph(loss, params={"layer.weight": w}).source)
    (weight,) = dot.find("layer.weight")
    assert dot.nodes[weight]["fillcolor"] == "lightblue", "expected the parameter in light blue"
    assert dot.label(weight).startswith("layer.weight\\n(3, 2) float64"), "expected the parameter's name, not 'w'"
    (data,) = [i for i in dot.nodes if dot.label(i).startswith("x\\n")]
    assert dot.nodes[data]["style"] == "dashed", "expected data that needs no grad drawn dashed"
    (target,) = [i for i in dot.nodes if dot.label(i).startswith("t\\n")]
    assert dot.nodes[target]["fillcolor"] == "lightyellow", "expected a leaf requiring grad in light yellow"
    (half,) = dot.find("const")
    assert dot.label(half) == "const\\n() float64\\nvalue 0.5", dot.label(half)
    (output,) = dot.find("sum")
    assert dot.nodes[output]["fillcolor"] == "darkolivegreen1", "expected the output in green"


@pytest.mark.parametrize("as_params", [
    lambda named: named,
    lambda named: list(named.items()),
    lambda named: type("Model", (), {"named_parameters": lambda self: iter(named.items())})(),
])
def test_params_as_mapping_pairs_or_module(as_params):
    w = ag.Tensor(np.ones(3))
    dot = Dot(draw_graph((w * 2).sum(), params=as_params({"fc.weight": w})).source)
    assert dot.find("fc.weight\\n(3,) float64"), "expected the parameter drawn under its name"


def test_bad_arguments_raise_clear_errors():
    t = ag.Tensor(np.ones(2))
    with pytest.raises(TypeError, match=r"root must be an ag\.Tensor or ag\.Scalar, got list"):
        draw_graph([t])
    with pytest.raises(TypeError, match="params must map names to tensors"):
        draw_graph(t, params=[t])
    with pytest.raises(ValueError, match="max_nodes must be an int >= 2"):
        draw_graph(t, max_nodes=1)
    with pytest.raises(ValueError, match="collapse_modules must be False, True or a module depth"):
        draw_graph(t, collapse_modules=0)
    with pytest.raises(ValueError, match="rankdir must be"):
        draw_graph(t, rankdir="up")


def edge_labels(dot):
    return {(dot.label(tail).split("\\n")[0], dot.label(head).split("\\n")[0]): attrs.get("label", "").strip()
            for tail, head, attrs in dot.edges}


def test_broadcast_edges_name_the_summed_axes():
    # the lesson's example: (2, 3, 1, 5, 6) * (4, 1, 6) -> (2, 3, 4, 5, 6)
    x1 = ag.Tensor(np.ones((2, 3, 1, 5, 6)), label="X1")
    x2 = ag.Tensor(np.ones((4, 1, 6)), label="X2")
    dot = Dot(draw_graph(x1 * x2).source)
    labels = edge_labels(dot)
    assert labels[("X1", "*")] == "Σ axis 2", labels
    assert labels[("X2", "*")] == "Σ axes (0, 1, 3)", labels
    assert (x1 * x2).shape == (2, 3, 4, 5, 6)


@pytest.mark.parametrize("op", [ag.add, ag.sub, ag.div, ag.maximum, ag.minimum, ag.power,
                                lambda a, b: ag.where(np.array([True, False, True]), a, b)])
def test_every_broadcasting_op_is_annotated(op):
    a = ag.Tensor(np.full((2, 3), 2.0), label="a")
    b = ag.Tensor(np.full((3,), 1.5), label="b")
    labels = edge_labels(Dot(draw_graph(op(a, b)).source))
    assert {label for (tail, _), label in labels.items() if tail == "b"} == {"Σ axis 0"}, labels
    assert {label for (tail, _), label in labels.items() if tail == "a"} == {""}, "expected no label: a not broadcast"


def test_no_annotation_without_broadcast_or_gradient():
    a = ag.Tensor(np.ones((2, 3)), label="a")
    b = ag.Tensor(np.ones((3, 4)), label="b")
    c = ag.Tensor(np.ones((1, 4)), requires_grad=False, label="c")
    labels = edge_labels(Dot(draw_graph(a @ b + c).source))
    assert set(labels.values()) == {""}, f"expected no annotation for matmul or a constant, got {labels}"


def test_keepdims_stretch_is_annotated():
    a = ag.Tensor(np.ones((4, 1, 5)), label="a")
    b = ag.Tensor(np.ones((4, 3, 5)), label="b")
    assert edge_labels(Dot(draw_graph(a + b).source))[("a", "+")] == "Σ axis 1"


def test_show_constants_false_hides_them():
    a = ag.Tensor(np.ones(3), label="a")
    dot = Dot(draw_graph((a * 2.0 + 1.0).sum(), show_constants=False).source)
    assert not dot.find("const"), "expected the Python numbers hidden"
    assert len(dot.nodes) == 4 and len(dot.edges) == 3, f"expected a -> * -> + -> sum, got {dot.nodes}"


def long_chain(n_ops):
    t = ag.Tensor(np.ones(3), label="t")
    y = t
    for _ in range(n_ops // 2):
        y = y * 1.0001 + t
    return y


def test_a_graph_of_5000_ops_is_drawn_whole_without_recursion():
    y = long_chain(5000)
    drawing = draw_graph(y, max_nodes=None)
    dot = Dot(drawing.source)
    assert drawing.stats["nodes"] == 1 + 3 * 2500, "expected t, and per step a constant, a product and a sum"
    # t feeds every step (2501 uses): it is drawn beside each use instead of wired across the chain
    copies = [i for i in dot.nodes if dot.label(i).startswith("t\\n")]
    assert len(copies) == 2501 and len(dot.nodes) == 2501 + 2 * 2500 + 2500, len(dot.nodes)
    assert len(dot.edges) == 4 * 2500, len(dot.edges)


def test_a_leaf_with_many_uses_is_drawn_beside_each():
    t = ag.Tensor(np.ones(2), label="t")
    outputs = [t * float(k) for k in range(1, 9)]  # 8 uses of t
    total = outputs[0]
    for out in outputs[1:]:
        total = total + out
    dot = Dot(draw_graph(total, show_constants=False).source)
    copies = [i for i in dot.nodes if dot.label(i).startswith("t\\n")]
    assert len(copies) == 8, f"expected t drawn at each of its 8 uses, got {len(copies)}"
    assert all(dot.nodes[i]["peripheries"] == "2" for i in copies), "expected the copies double-bordered"
    assert dot.label(copies[0]).endswith("(drawn at each of its 8 uses)")
    assert sorted(sum(1 for tail, _, _ in dot.edges if tail == i) for i in copies) == [1] * 8
    few = Dot(draw_graph(outputs[0] + outputs[1], show_constants=False).source)
    assert len([i for i in few.nodes if few.label(i).startswith("t\\n")]) == 1, "expected one t for 2 uses"


def test_above_max_nodes_the_far_nodes_become_one_marker():
    y = long_chain(5000)
    drawing = draw_graph(y, max_nodes=50)
    dot = Dot(drawing.source)
    assert len(dot.nodes) == 50, f"expected 49 nodes and the marker, got {len(dot.nodes)}"
    (marker,) = dot.find("more values")
    t_copies = [i for i in dot.nodes if dot.label(i).startswith("t\\n")]
    hidden = 1 + 3 * 2500 - (49 - len(t_copies) + 1)  # the values not drawn (t counts once)
    assert dot.label(marker).startswith(f"… {hidden:,} more values"), dot.label(marker)
    assert dot.nodes[marker]["shape"] == "note"
    assert any(tail == marker for tail, _, _ in dot.edges), "expected the marker to feed the nodes it cut off"
    (output,) = [i for i, attrs in dot.nodes.items() if attrs.get("fillcolor") == "darkolivegreen1"]
    assert dot.label(output).startswith("+"), "expected the output always kept"
    assert f"{hidden:,} farthest from the output are not drawn" in drawing.stats["summary"]
    assert "not drawn" in dot.graph["label"], "expected the summary as the drawing's title"
