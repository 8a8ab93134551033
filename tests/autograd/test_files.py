"""Atomic writes (autograd/files.py): the target is never half-written, and the temporary files
an interrupted write leaves are named to be found and removed by the next write."""

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd.files import SUFFIX, remove_stale_temporaries, write_atomically

REPO = Path(__file__).resolve().parents[2]


def _dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _litter(directory):
    return sorted(p.name for p in Path(directory).iterdir() if p.name.endswith(SUFFIX))


def test_the_temporary_file_is_named_for_its_target_and_writer(tmp_path):
    seen = []
    write_atomically(tmp_path / "model.npz", lambda file: seen.extend(os.listdir(tmp_path)))
    assert len(seen) == 1, f"expected one temporary file while writing, got {seen}"
    assert seen[0].startswith(".model.npz.") and seen[0].endswith(SUFFIX), f"unexpected name {seen[0]}"
    assert f".{os.getpid()}-" in seen[0], "expected the writer's pid in the name"
    assert _litter(tmp_path) == [], "expected the temporary file renamed away"


def test_the_next_write_removes_the_temporaries_of_dead_writers_only(tmp_path):
    dead = tmp_path / f".model.npz.{_dead_pid()}-0123456789ab{SUFFIX}"
    alive = tmp_path / f".model.npz.{os.getppid()}-0123456789ab{SUFFIX}"  # the parent process runs
    other_target = tmp_path / f".other.npz.{_dead_pid()}-0123456789ab{SUFFIX}"
    unrelated = tmp_path / ".model.npz.notes.tmp"
    for path in (dead, alive, other_target, unrelated):
        path.write_bytes(b"partial")
    write_atomically(tmp_path / "model.npz", lambda file: file.write(b"new"))
    assert not dead.exists(), "expected a dead writer's temporary file removed"
    assert alive.exists(), "expected a live writer's temporary file kept (it is being written)"
    assert other_target.exists(), "expected another target's temporaries left to that target's next write"
    assert unrelated.exists(), "expected files agrad did not name left alone"
    assert (tmp_path / "model.npz").read_bytes() == b"new", "expected the new content"
    assert remove_stale_temporaries(tmp_path) == [other_target], "expected a directory sweep to find the rest"


def test_an_exception_while_writing_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "model.npz"
    target.write_bytes(b"old")

    def fail(file):
        file.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail)
    assert target.read_bytes() == b"old" and _litter(tmp_path) == [], "expected the old file and no litter"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX kill -9")
def test_kill_9_during_save_never_half_writes_and_the_next_save_cleans_up(tmp_path):
    """The benchmark's trials (benchmarks/kill_during_save.py), few and small."""
    spec = importlib.util.spec_from_file_location("kill_during_save", REPO / "benchmarks" / "kill_during_save.py")
    trials = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trials)
    counts = trials.run_trials(6, tmp_path, mib=2.0, seed=1)
    assert counts["half_written"] == 0 and counts["missing"] == 0, f"expected whole checkpoints: {counts}"
    assert counts["litter_after_next_save"] == 0, f"expected no temporary file after the next save: {counts}"
    state = nn.load(tmp_path / "checkpoint.npz")
    assert np.all(state["w"] == 0), "expected the last save's content"
