"""Bad command lines and files: every user error is one line naming the flag, file or value,
exit code 2, never a traceback."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import nn
import optim
from agrad.checkpoint import save_checkpoint
from agrad.cli import main


def _checkpoint(path, config=None):
    """A real training checkpoint of a small model (config replaced when given)."""
    model = nn.SmallCNN()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    base = {"model": "smallcnn", "dataset": "digits", "data_dir": "data", "classes": list(range(10)),
            "normalization": {"mean": [0.0], "std": [1.0]}}
    save_checkpoint(path, model, optimizer, 1, 0.5, base)
    if config is not None:
        arrays = dict(nn.load(path))
        arrays["config"] = np.asarray(config)
        nn.save(arrays, path)
    return path


def _cases(tmp):
    a_file = tmp / "a_file"
    a_file.write_text("not a directory")
    not_npz = tmp / "notes.npz"
    not_npz.write_text("hello")
    bare = tmp / "bare.npz"
    nn.save({"w": np.ones(2)}, bare)
    train = ["train", "--no-progress", "--epochs", "1"]
    bad_source = tmp / "bad_source"
    bad_source.mkdir(exist_ok=True)
    (bad_source / "lesson.ipynb").write_text("{not json")
    grade = ["grade", str(tmp / "sub.ipynb"), "--out", str(tmp / "g.csv")]
    return {
        "out is a file": ([*train, "--out", str(a_file)], [str(a_file), "--out", "is a file"]),
        "out under a file": ([*train, "--out", str(a_file / "run")], ["--out", "is a file"]),
        "epochs 0": (["train", "--epochs", "0", "--out", str(tmp / "r")], ["--epochs", "0"]),
        "epochs -1": (["train", "--epochs", "-1", "--out", str(tmp / "r")], ["--epochs", "-1"]),
        "batch size 0": ([*train, "--batch-size", "0", "--out", str(tmp / "r")], ["--batch-size", "0"]),
        "batch size -5": ([*train, "--batch-size", "-5", "--out", str(tmp / "r")], ["--batch-size", "-5"]),
        "unknown model": ([*train, "--model", "resnet", "--out", str(tmp / "r")], ["resnet"]),
        "unknown dataset": ([*train, "--dataset", "imagenet", "--out", str(tmp / "r")], ["imagenet"]),
        "unknown optimizer": ([*train, "--optimizer", "lbfgs", "--out", str(tmp / "r")], ["lbfgs"]),
        "negative lr": ([*train, "--lr", "-1", "--out", str(tmp / "r")], ["lr", "-1"]),
        "negative weight decay": ([*train, "--weight-decay", "-1", "--out", str(tmp / "r")], ["weight_decay"]),
        "eval batch size 0": (["eval", "--checkpoint", str(bare), "--batch-size", "0"], ["--batch-size", "0"]),
        "eval missing checkpoint": (["eval", "--checkpoint", str(tmp / "nope.npz")], ["nope.npz"]),
        "eval not an npz": (["eval", "--checkpoint", str(not_npz)], ["notes.npz"]),
        "eval a directory": (["eval", "--checkpoint", str(tmp)], [str(tmp)]),
        "eval not a training checkpoint": (["eval", "--checkpoint", str(bare)], ["bare.npz", "config"]),
        "eval config a list": (["eval", "--checkpoint", str(_checkpoint(tmp / "list.npz", "[1, 2]"))],
                               ["list.npz", "config", "JSON object"]),
        "eval config a number": (["eval", "--checkpoint", str(_checkpoint(tmp / "num.npz", "3"))],
                                 ["num.npz", "config"]),
        "eval config not JSON": (["eval", "--checkpoint", str(_checkpoint(tmp / "text.npz", "{model: lenet"))],
                                 ["text.npz", "config", "not JSON"]),
        "eval config without model": (["eval", "--checkpoint",
                                       str(_checkpoint(tmp / "nomodel.npz", json.dumps({"dataset": "digits"})))],
                                      ["nomodel.npz", "'model'"]),
        "eval unknown dataset": (["eval", "--checkpoint", str(_checkpoint(tmp / "ok.npz")), "--dataset", "imagenet"],
                                 ["imagenet"]),
        "graph unknown format": (["graph", "-o", str(tmp / "g.xyz")], ["g.xyz"]),
        "graph missing folder": (["graph", "-o", str(tmp / "none" / "g.svg")], ["g.svg"]),
        "exercises missing folder": (["exercises", "--student", str(tmp / "none"), "--out", str(tmp / "s")],
                                     ["none"]),
        "exercises metadata missing folder": (["exercises", "--nbgrader-metadata", str(tmp / "none")], ["none"]),
        "grade missing source": ([*grade, "--source", str(tmp / "none")], ["--source", "none"]),
        "grade corrupt source": ([*grade, "--source", str(bad_source)], ["lesson.ipynb", "not a notebook"]),
        "grade source a file": ([*grade, "--source", str(a_file)], ["--source", "a_file"]),
        "grade timeout 0": ([*grade, "--source", str(bad_source), "--timeout", "0"], ["--timeout", "0"]),
        "grade out a folder": (["grade", "x", "--source", str(bad_source), "--out", str(tmp)], ["--out"]),
    }


def _names():
    with tempfile.TemporaryDirectory() as directory:
        return list(_cases(Path(directory)))


CASE_NAMES = _names()


@pytest.mark.parametrize("case", CASE_NAMES)
def test_a_user_error_is_one_line_and_exit_code_2(case, tmp_path, capsys):
    argv, fragments = _cases(tmp_path)[case]
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    text = (captured.out + captured.err).strip()
    assert code == 2, f"expected exit code 2 for {case}, got {code}: {text}"
    assert "Traceback" not in text, f"expected no traceback for {case}: {text}"
    assert len(text.splitlines()) == 1, f"expected one line for {case}, got: {text}"
    for fragment in fragments:
        assert fragment in text, f"expected the message for {case} to name {fragment!r}: {text}"


@pytest.mark.parametrize("command", [["train", "--epochs", "two"], ["train", "--lr", "fast"], ["eval"],
                                     ["eval", "--checkpoint", "x", "--batch-size", "1.5"], ["nope"]])
def test_malformed_flags_are_argparse_usage_errors(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(command)
    assert exit_.value.code == 2, f"expected argparse's exit code 2 for {command}"
    assert "Traceback" not in capsys.readouterr().err, "expected a usage message, not a traceback"


@pytest.mark.parametrize("command", [["train", "--dataset", "mnist"], ["train", "--dataset", "cifar10"]])
def test_missing_data_tells_the_command_line_user_about_download(command, tmp_path, capsys):
    code = main([*command, "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "r"), "--no-progress",
                 "--model", "mlp"])
    out = capsys.readouterr().out
    assert code == 2, f"expected exit code 2, got {code}"
    assert "--download" in out and "download=True" not in out, f"expected the flag, not the keyword: {out}"
    assert str(tmp_path / "none") in out, "expected the message to name the data directory"


def test_resume_without_a_checkpoint_starts_a_new_run_and_says_so(tmp_path, capsys):
    code = main(["train", "--model", "smallcnn", "--epochs", "1", "--batch-size", "256", "--out", str(tmp_path),
                 "--no-progress", "--resume"])
    out = capsys.readouterr().out
    assert code == 0, f"expected the run to start, got exit code {code}: {out}"
    assert "no checkpoint" in out and "starting a new run" in out, f"expected it to say so: {out}"
    assert (tmp_path / "last.npz").exists(), "expected the run's checkpoint"


def test_resume_of_a_finished_run_says_there_is_nothing_to_train(tmp_path, capsys):
    argv = ["train", "--model", "smallcnn", "--epochs", "1", "--batch-size", "256", "--out", str(tmp_path),
            "--no-progress"]
    assert main(argv) == 0
    capsys.readouterr()
    assert main([*argv, "--resume"]) == 0
    assert "nothing to train" in capsys.readouterr().out, "expected the resumed run to say it has nothing to do"


def _dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_train_removes_the_litter_of_a_killed_run_at_start_up(tmp_path):
    stale = tmp_path / f".last.npz.{_dead_pid()}-0123456789ab.agrad-tmp"
    stale.write_bytes(b"half of a checkpoint")
    assert main(["train", "--model", "smallcnn", "--epochs", "1", "--batch-size", "256", "--out", str(tmp_path),
                 "--no-progress"]) == 0
    assert not stale.exists(), "expected the killed run's temporary file removed"
    assert not list(tmp_path.glob("*.agrad-tmp")) and not list(tmp_path.glob(".*.agrad-tmp")), "expected no litter"
