"""agrad train's own-model path (file.py:Class, module:factory) and its errors, the CIFAR models,
--scheduler / --warmup-epochs / --grad-clip / --augment, and exact resume with all of them."""

import json
import re
import textwrap

import numpy as np
import pytest

import nn
import optim
from agrad.checkpoint import load_checkpoint
from agrad.cli import main
from tests.nn.data.writers import write_cifar_set

MODEL_FILE = '''
import nn


class TinyNet(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(in_channels, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(4),
                                  nn.Flatten(), nn.Linear(128, num_classes))

    def forward(self, x):
        return self.body(x)


class SevenWays(TinyNet):
    def __init__(self):
        super().__init__(num_classes=7)


def not_a_module():
    return 3


def broken():
    raise RuntimeError("the layer sizes are off")
'''


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "student" / "mymodels.py"
    path.parent.mkdir()
    path.write_text(textwrap.dedent(MODEL_FILE))
    return path


def _train(out, *extra):
    return main(["train", "--epochs", "2", "--batch-size", "128", "--lr", "3e-3", "--out", str(out),
                 "--no-progress", *extra])


def _metrics(out):
    return [{k: v for k, v in row.items() if k != "seconds"}
            for row in json.loads((out / "metrics.json").read_text())["epochs"]]


def _same_state(a, b):
    a, b = nn.load(a), nn.load(b)
    assert a.keys() == b.keys(), "expected the same checkpoint entries"
    for key in a:
        if key != "config":
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"expected identical {key}")


def test_own_model_file_trains_and_evaluates_from_another_directory(tmp_path, model_file, monkeypatch, capsys):
    monkeypatch.chdir(model_file.parent)
    assert _train(tmp_path / "run", "--model", "mymodels.py:TinyNet") == 0
    config = load_checkpoint(tmp_path / "run" / "last.npz")["config"]
    assert config["model"] == f"{model_file.resolve()}:TinyNet", "expected the model file recorded by absolute path"
    assert _metrics(tmp_path / "run")[-1]["test_accuracy"] > 0.3, "expected the student's CNN to learn the digits"
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["eval", "--checkpoint", str(tmp_path / "run" / "best.npz")]) == 0
    assert "accuracy" in capsys.readouterr().out, "expected eval to rebuild the student's model"


def test_module_factory_spec_and_default_run_directory(tmp_path, model_file, monkeypatch):
    monkeypatch.syspath_prepend(str(model_file.parent))
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--model", "mymodels:TinyNet", "--epochs", "1", "--no-progress"]) == 0
    assert (tmp_path / "runs" / "TinyNet-digits" / "last.npz").exists(), "expected runs/CLASS-DATASET by default"


@pytest.mark.parametrize(("spec", "message"), [
    ("missing.py:Net", "the model file .*missing.py' does not exist"),
    ("mymodels.py:Nett", r"has no 'Nett' \(it defines: SevenWays, TinyNet, broken, not_a_module\)"),
    ("mymodels.py:SevenWays", r"returns shape \(1, 7\), but the dataset has 10 classes"),
    ("mymodels.py:not_a_module", "not_a_module gave a int, expected an nn.Module"),
    ("mymodels.py:broken", "building the model failed: RuntimeError: the layer sizes are off"),
    ("no_such_module_xyz:Net", "cannot import module 'no_such_module_xyz'"),
    ("mymodels.py:", "expected path/to/file.py:ClassName or package.module:factory"),
    ("resnet1000", "unknown model 'resnet1000'; known models: .*resnet20.*or your own"),
])
def test_own_model_errors_name_the_spec(tmp_path, model_file, monkeypatch, capsys, spec, message):
    monkeypatch.chdir(model_file.parent)
    assert _train(tmp_path / "run", "--model", spec) == 2, "expected exit code 2 for a bad --model"
    out = capsys.readouterr().out
    assert out.startswith("agrad train: "), f"expected a one-line error, got {out!r}"
    assert re.search(message, out), f"expected the message to match {message!r}, got {out!r}"


def _interrupted(monkeypatch, after_steps):
    """optim.SGD.step raising KeyboardInterrupt (Ctrl-C) at call ``after_steps``; undo with the returned function."""
    calls = {"n": 0}
    original = optim.SGD.step

    def step_then_interrupt(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == after_steps:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(optim.SGD, "step", step_then_interrupt)
    return lambda: monkeypatch.setattr(optim.SGD, "step", original)


def test_resume_is_exact_with_a_schedule_warmup_and_clipping(tmp_path, monkeypatch):
    options = ["--model", "smallcnn", "--optimizer", "sgd", "--lr", "0.05", "--scheduler", "cosine",
               "--warmup-epochs", "1", "--grad-clip", "0.5", "--epochs", "3"]
    assert _train(tmp_path / "straight", *options) == 0
    restore = _interrupted(monkeypatch, 2 * 12 + 5)  # in epoch 3 (12 batches of 128 per epoch)
    assert _train(tmp_path / "resumed", *options) == 130, "expected the Ctrl-C exit code"
    restore()
    assert load_checkpoint(tmp_path / "resumed" / "last.npz")["epoch"] == 2
    assert _train(tmp_path / "resumed", *options, "--resume") == 0
    assert _metrics(tmp_path / "straight") == _metrics(tmp_path / "resumed"), "expected identical metrics"
    _same_state(tmp_path / "straight" / "last.npz", tmp_path / "resumed" / "last.npz")
    lr = load_checkpoint(tmp_path / "straight" / "last.npz")["optimizer_state"]["param_groups"][0]["lr"]
    assert lr == pytest.approx(0.0, abs=1e-12), "expected the cosine to end at 0 after the warm-up"
    first = load_checkpoint(tmp_path / "straight" / "best.npz")
    assert first["scheduler_state"] is not None, "expected the checkpoint to hold the scheduler's state"


def test_schedules_change_the_learning_rate_and_resume_checks_them(tmp_path, capsys):
    for name in ("step", "onecycle"):
        assert _train(tmp_path / name, "--model", "smallcnn", "--optimizer", "sgd", "--scheduler", name,
                      "--lr", "0.1") == 0
        lr = load_checkpoint(tmp_path / name / "last.npz")["optimizer_state"]["param_groups"][0]["lr"]
        assert lr < 0.1 * 0.5, f"expected {name} to have lowered the learning rate by the end, got {lr}"
    capsys.readouterr()
    assert _train(tmp_path / "step", "--model", "smallcnn", "--optimizer", "sgd", "--scheduler", "cosine",
                  "--lr", "0.1", "--resume") == 2
    assert "scheduler: 'step' -> 'cosine'" in capsys.readouterr().out, "expected resume to name the changed option"
    assert _train(tmp_path / "x", "--model", "smallcnn", "--scheduler", "onecycle", "--warmup-epochs", "1") == 2
    assert "onecycle schedule has its own warm-up" in capsys.readouterr().out
    assert _train(tmp_path / "y", "--model", "smallcnn", "--augment") == 2
    assert "--augment (random crops and horizontal flips) is for 32x32 datasets" in capsys.readouterr().out


@pytest.mark.parametrize("model", ["resnet20", "vgg-small"])
def test_cifar_models_train_end_to_end_with_augmentation_and_resume(tmp_path, monkeypatch, model):
    write_cifar_set(tmp_path / "data", per_batch=8)
    options = ["--model", model, "--dataset", "cifar10", "--data-dir", str(tmp_path / "data"), "--batch-size", "16",
               "--augment", "--optimizer", "sgd", "--lr", "0.05", "--scheduler", "onecycle"]
    assert _train(tmp_path / "straight", *options) == 0
    restore = _interrupted(monkeypatch, 3 + 2)  # in epoch 2 (40 images: 3 batches per epoch)
    assert _train(tmp_path / "resumed", *options) == 130
    restore()
    assert _train(tmp_path / "resumed", *options, "--resume") == 0
    _same_state(tmp_path / "straight" / "last.npz", tmp_path / "resumed" / "last.npz")
    checkpoint = load_checkpoint(tmp_path / "straight" / "last.npz")
    assert checkpoint["config"]["augment"] is True and checkpoint["config"]["model"] == model
    assert main(["eval", "--checkpoint", str(tmp_path / "straight" / "best.npz")]) == 0


def test_threads_train_the_same_model_and_give_blas_back(tmp_path, capsys, monkeypatch):
    import autograd as ag
    from autograd import kernels

    asked, real_use_threads = [], ag.use_threads
    monkeypatch.setattr(ag, "use_threads", lambda n: asked.append(n) or real_use_threads(n))
    accuracies = {}
    for setting in ["2", "blas", "1"]:
        out = tmp_path / setting
        code = main(["train", "--epochs", "1", "--no-progress", "--threads", setting, "--out", str(out)])
        assert code == 0, f"expected --threads {setting} to train, got {capsys.readouterr().out}"
        accuracies[setting] = json.loads((out / "metrics.json").read_text())["epochs"][-1]["test_accuracy"]
        assert kernels.current() is kernels.fast, "expected the fast kernels and BLAS's threads back after the run"
    assert asked == [2, 1], f"expected --threads 2 and 1 to call ag.use_threads, blas not to; got {asked}"
    assert max(accuracies.values()) - min(accuracies.values()) < 0.02, \
        f"expected the same training on agrad's threads and BLAS's (rounding apart), got {accuracies}"


@pytest.mark.parametrize("setting", ["0", "-2", "many"])
def test_bad_threads_are_refused(setting, capsys):
    with pytest.raises(SystemExit):
        main(["train", "--threads", setting])
    assert "--threads: expected a positive int, 'auto' or 'blas'" in capsys.readouterr().err
