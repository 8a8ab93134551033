"""Module frames, collapsed modules and summarising by module (duck-typed modules, then nn)."""

import numpy as np
import pytest

import autograd as ag
from autograd.draw import draw_graph
from tests.autograd.draw import stand_in
from tests.autograd.draw.dot_parse import Dot


def test_ops_are_framed_by_the_module_call_that_built_them():
    _, loss = stand_in.net_loss()
    dot = Dot(draw_graph(loss).source)
    net, features = dot.cluster_titled("Net"), dot.cluster_titled("features: Sequential")
    first, relu = dot.cluster_titled("features.0: Linear"), dot.cluster_titled("features.1: ReLU")
    head = dot.cluster_titled("head: Linear")
    assert dot.clusters[net]["parent"] is None
    assert dot.clusters[features]["parent"] == net and dot.clusters[head]["parent"] == net
    assert dot.clusters[first]["parent"] == features and dot.clusters[relu]["parent"] == features
    assert sorted(dot.label(i).split("\\n")[0] for i in dot.clusters[first]["nodes"]) == ["+", "@"]
    # the relu Net.forward applies itself sits in Net's frame, not in a child's
    assert [dot.label(i).split("\\n")[0] for i in dot.clusters[net]["nodes"]] == ["relu"]
    outside = {dot.label(i).split("\\n")[0] for i in dot.nodes} - {
        dot.label(i).split("\\n")[0] for c in dot.clusters.values() for i in c["nodes"]}
    assert {"x", "features.0.weight", "head.bias", "**", "mean"} <= outside, outside


def test_parameters_are_named_by_the_modules_that_used_them():
    _, loss = stand_in.net_loss()
    dot = Dot(draw_graph(loss).source)
    for name, shape in [("features.0.weight", "(4, 8)"), ("features.2.bias", "(8,)"), ("head.weight", "(8, 3)")]:
        (node,) = [i for i in dot.nodes if dot.label(i).startswith(f"{name}\\n{shape} float32")]
        assert dot.nodes[node]["fillcolor"] == "lightblue", f"expected {name} drawn as a parameter"


def test_explicit_params_win_over_module_names():
    model, loss = stand_in.net_loss()
    renamed = {f"model.{name}": p for name, p in model.named_parameters()}
    dot = Dot(draw_graph(loss, params=renamed).source)
    assert dot.find("model.head.weight") and not dot.find("\\nhead.weight")


def test_collapse_draws_each_leaf_module_call_as_one_node():
    model, loss = stand_in.net_loss()
    params = dict(model.named_parameters())
    drawing = draw_graph(loss, collapse_modules=True)
    dot = Dot(drawing.source)
    # x, 4 collapsed layers, Net's own relu, the constant 2, ** and mean
    assert len(dot.nodes) == 9 and len(dot.edges) == 8, drawing.source
    (first,) = dot.find("features.0: Linear")
    weight_norm = np.linalg.norm(params["features.0.weight"].grad)
    bias_norm = np.linalg.norm(params["features.0.bias"].grad)
    assert dot.label(first) == (f"features.0: Linear\\nweight (4, 8)  ‖g‖ {weight_norm:.4g}\\n"
                                f"bias (8,)  ‖g‖ {bias_norm:.4g}\\n→ (5, 8) float32\\n2 ops"), dot.label(first)
    assert dot.nodes[first]["shape"] == "box3d"
    assert not dot.find("features.0.weight"), "expected the parameters folded into their layer"
    features = dot.cluster_titled("features: Sequential")
    assert len(dot.clusters[features]["nodes"]) == 3, "expected the collapsed layers inside their Sequential's frame"


def test_collapse_at_a_depth_swallows_everything_below():
    _, loss = stand_in.net_loss()
    dot = Dot(draw_graph(loss, collapse_modules=1).source)
    (net,) = dot.find("Net")
    assert dot.label(net).split("\\n")[-1] == "8 ops", dot.label(net)
    assert len(dot.nodes) == 5, "expected x, Net, the constant, ** and mean"
    dot = Dot(draw_graph(loss, collapse_modules=2).source)
    assert dot.find("features: Sequential") and dot.find("head: Linear") and not dot.find("features.0")


def test_a_module_used_twice_gets_a_frame_per_call():
    model = stand_in.SharedActivation()
    _, loss = stand_in.net_loss(model)
    dot = Dot(draw_graph(loss).source)
    frames = [name for name, cluster in dot.clusters.items() if cluster["label"] == "act: ReLU"]
    assert len(frames) == 2, f"expected one frame per call of the shared ReLU, got {dot.clusters}"
    collapsed = Dot(draw_graph(loss, collapse_modules=True).source)
    assert len(collapsed.find("act: ReLU")) == 2, "expected one node per call, so the drawing has no cycle"


def test_large_model_is_summarised_by_collapsing_modules():
    layers = [stand_in.Linear(4, 4, seed=i) for i in range(40)]
    model = stand_in.Sequential(*layers)
    _, loss = stand_in.net_loss(model)
    full = draw_graph(loss, max_nodes=None)
    assert full.stats["drawn"] == 1 + 80 + 80 + 3, full.stats  # x, parameters, ops, 2, **, mean
    drawing = draw_graph(loss, max_nodes=60)
    assert drawing.stats["drawn"] == 1 + 40 + 3, drawing.stats
    assert "innermost modules collapsed to fit max_nodes=60" in drawing.stats["summary"]
    coarse = draw_graph(loss, max_nodes=10)
    assert coarse.stats["drawn"] == 5 and "modules at depth 1" in coarse.stats["summary"], coarse.stats


def test_a_module_without_named_modules_is_titled_by_its_class():
    class Bare:
        def __call__(self, x):
            from autograd import engine

            with engine.scope(self):
                return ag.exp(x)

    out = Bare()(ag.Tensor(np.ones(2))).sum()
    dot = Dot(draw_graph(out).source)
    assert dot.cluster_titled("Bare")


def test_lenet5_training_graph():
    nn = pytest.importorskip("nn")
    if not hasattr(nn, "LeNet5"):
        pytest.skip("nn.LeNet5 not available")
    from nn import functional as F

    model = nn.LeNet5()
    x = ag.Tensor(np.random.default_rng(0).standard_normal((2, 1, 28, 28)).astype(np.float32), requires_grad=False)
    loss = F.cross_entropy(model(x), np.array([3, 7]))
    loss.backward()
    dot = Dot(draw_graph(loss, params=dict(model.named_parameters())).source)
    for title in ["LeNet5", "features: Sequential", "features.0: Conv2d", "features.2: MaxPool2d",
                  "classifier: Sequential", "classifier.5: Linear"]:
        dot.cluster_titled(title)
    for name, shape in [("features.0.weight", "(6, 1, 5, 5)"), ("classifier.5.bias", "(10,)")]:
        assert [i for i in dot.nodes if dot.label(i).startswith(f"{name}\\n{shape} float32\\ngrad ‖g‖")], name
    collapsed = Dot(draw_graph(loss, params=dict(model.named_parameters()), collapse_modules=True).source)
    (conv,) = collapsed.find("features.0: Conv2d")
    assert "weight (6, 1, 5, 5)" in collapsed.label(conv) and "→ (2, 6, 28, 28) float32" in collapsed.label(conv)
    layers = [i for i, attrs in collapsed.nodes.items() if attrs.get("shape") == "box3d"]
    assert len(layers) == 12, "expected 6 feature layers and 6 classifier layers, one node each"
