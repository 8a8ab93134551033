"""agrad train / eval: outputs, determinism, resume, Ctrl-C safety, clear errors.

Runs use the small CNN on the 8x8 digits to stay fast; the default LeNet-5 run is a benchmark.
"""

import json

import numpy as np
import pytest

import nn
import optim
from agrad.checkpoint import load_checkpoint
from agrad.cli import main


def _train(out, *extra):
    return main(["train", "--model", "smallcnn", "--epochs", "2", "--batch-size", "128", "--lr", "3e-3",
                 "--out", str(out), "--no-progress", *extra])


def _metrics(out):
    epochs = json.loads((out / "metrics.json").read_text())["epochs"]
    return [{k: v for k, v in row.items() if k != "seconds"} for row in epochs]


def _assert_same_state(path_a, path_b):
    """Weights, optimizer state and RNG identical (the config differs: it names the run directory)."""
    a, b = nn.load(path_a), nn.load(path_b)
    assert a.keys() == b.keys()
    for key in a:
        if key != "config":
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"expected identical {key}")


def test_train_writes_metrics_checkpoints_and_curves(tmp_path, capsys):
    assert _train(tmp_path) == 0
    assert {p.name for p in tmp_path.iterdir()} == {"metrics.json", "last.npz", "best.npz", "curves.png"}
    rows = _metrics(tmp_path)
    assert [r["epoch"] for r in rows] == [1, 2]
    assert rows[-1]["test_accuracy"] > 0.5, "expected two epochs to learn the digits well beyond chance"
    checkpoint = load_checkpoint(tmp_path / "last.npz")
    assert checkpoint["epoch"] == 2 and checkpoint["config"]["model"] == "smallcnn"
    model = nn.SmallCNN()
    model.load_state_dict(checkpoint["model_state"])
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert "best test accuracy" in capsys.readouterr().out


def test_same_seed_gives_the_same_run(tmp_path):
    assert _train(tmp_path / "a") == 0
    assert _train(tmp_path / "b") == 0
    assert _metrics(tmp_path / "a") == _metrics(tmp_path / "b"), "expected identical metrics for one seed"
    _assert_same_state(tmp_path / "a" / "last.npz", tmp_path / "b" / "last.npz")


def test_resume_continues_exactly(tmp_path):
    assert _train(tmp_path / "straight") == 0
    assert main(["train", "--model", "smallcnn", "--epochs", "1", "--batch-size", "128", "--lr", "3e-3",
                 "--out", str(tmp_path / "resumed"), "--no-progress"]) == 0
    assert _train(tmp_path / "resumed", "--resume") == 0
    assert _metrics(tmp_path / "resumed") == _metrics(tmp_path / "straight"), "expected resume = uninterrupted"
    _assert_same_state(tmp_path / "straight" / "last.npz", tmp_path / "resumed" / "last.npz")


def test_resume_refuses_other_settings(tmp_path, capsys):
    assert _train(tmp_path) == 0
    assert _train(tmp_path, "--resume", "--seed", "5") == 2
    assert "seed: 0 -> 5" in capsys.readouterr().out


def test_ctrl_c_leaves_the_last_good_checkpoint(tmp_path, monkeypatch, capsys):
    calls = {"n": 0}
    original_step = optim.Adam.step

    def step_then_interrupt(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 15:  # inside epoch 2 (12 batches of 128 per epoch)
            raise KeyboardInterrupt
        return original_step(self, *args, **kwargs)

    monkeypatch.setattr(optim.Adam, "step", step_then_interrupt)
    assert _train(tmp_path) == 130
    assert "last good checkpoint" in capsys.readouterr().out
    assert load_checkpoint(tmp_path / "last.npz")["epoch"] == 1, "expected epoch 1's checkpoint intact"
    assert not list(tmp_path.glob(".*.agrad-tmp")), "expected no half-written files"


def test_eval_prints_accuracy_and_confusion_matrix(tmp_path, capsys):
    assert _train(tmp_path) == 0
    trained = _metrics(tmp_path)[-1]["test_accuracy"]
    capsys.readouterr()
    assert main(["eval", "--checkpoint", str(tmp_path / "last.npz")]) == 0
    out = capsys.readouterr().out
    assert f"accuracy {trained:.4f}" in out, "expected eval to reproduce the run's test accuracy"
    assert "true\\pred" in out and len(out.strip().splitlines()) == 12


@pytest.mark.parametrize("args, message", [
    (["--model", "resnet"], "unknown model 'resnet'; known models: lenet5, smallcnn, mlp"),
    (["--dataset", "imagenet"], "unknown dataset 'imagenet'; known datasets: digits"),
    (["--optimizer", "lbfgs"], "unknown optimizer 'lbfgs'"),
    (["--dataset", "mnist", "--model", "lenet5"], "train-images-idx3-ubyte"),
    (["--model", "smallcnn", "--dataset", "mnist"], "train-images-idx3-ubyte"),
])
def test_bad_settings_give_clear_messages(tmp_path, capsys, args, message):
    code = main(["train", "--out", str(tmp_path / "run"), "--data-dir", str(tmp_path / "none"), "--no-progress",
                 "--epochs", "1", *args])
    assert code == 2
    assert message in capsys.readouterr().out


def test_eval_of_a_missing_checkpoint(tmp_path, capsys):
    assert main(["eval", "--checkpoint", str(tmp_path / "nope.npz")]) == 2
    assert "nope.npz" in capsys.readouterr().out


def test_an_epoch_without_batches_is_a_clear_error():
    from agrad.train import train_one_epoch
    from nn.data import DataLoader, TensorDataset

    empty = DataLoader(TensorDataset(np.zeros((0, 1, 8, 8), np.float32), np.zeros(0, np.int64)), batch_size=4)
    model = nn.SmallCNN()
    with pytest.raises(ValueError, match="no batches"):
        train_one_epoch(model, empty, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1))
