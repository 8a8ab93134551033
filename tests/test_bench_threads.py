"""benchmarks/bench_threads.py --calls (thread_calls.py) on tiny cases: every line names the
rule ``threaded`` applies to that call, and the split alternative really splits. ``--bar``:
whole steps with a bar at each value, each in its own processes. ``--gil`` (gil_handoff.py): a
copy timed alone, on two threads and in two processes."""

import importlib.util
import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

import autograd as ag
from autograd.kernels import fast, threaded

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_calls_section_times_each_call_split_and_whole(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # thread_calls imports its neighbour timing.py
    spec = importlib.util.spec_from_file_location("thread_calls", BENCHMARKS / "thread_calls.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "CONVS", [((4, 2, 6, 6), 3, 3, 1, 1)])
    monkeypatch.setattr(module, "LOCK_CASES", [((4, 2, 6, 6), 24, 3, 1, 1)])
    monkeypatch.setattr(module, "IMAGES", [(4, 2, 6, 6)])
    threads, locks = set(), set()
    conv2d = fast.conv2d
    monkeypatch.setattr(fast, "conv2d", lambda *args, **kw: (
        threads.add(threading.get_ident()), locks.add((args[1].shape[0], type(kw.get("copy_lock")))),
        conv2d(*args, **kw))[-1])
    locked_rows = threaded.MIN_LOCKED_ROWS
    module.calls_section(repeats=1)
    lines = capsys.readouterr().out.splitlines()[1:]
    turns = [line for line in lines if ", split" in line]
    assert len(lines) == 16 and len(turns) == 5, (
        f"expected 3 split/whole lines and 3 turns lines for the 3-channel convolution, 2 turns lines for the "
        f"24-channel one (its dX goes by the rows route), 4 pooling and 4 batch-norm lines, got {lines}")
    assert all("rule: free" in line for line in turns[:3]) and all("rule: locked" in line for line in turns[3:]), (
        f"expected the rule free for 3 rows and locked for 24, got {turns}")
    assert all("rule: whole" in line for line in lines if line not in turns), (
        f"expected tiny calls left whole by the rule, got {lines}")
    both = {type(fast.conv.NO_LOCK), type(threading.Lock())}
    assert all({kind for rows, kind in locks if rows == c_out} >= both for c_out in (3, 24)), (
        f"expected each convolution's turns lines to run its forward with and without a lock, got {locks}")
    assert locked_rows == threaded.MIN_LOCKED_ROWS, (
        f"expected MIN_LOCKED_ROWS restored to {locked_rows}, got {threaded.MIN_LOCKED_ROWS}")
    assert len(threads) == 2, f"expected the split alternative on both threads, got {len(threads)} thread(s)"
    assert threaded.MIN_SPLIT_FLOPS > 0 and threaded.MIN_SPLIT_POOL_BYTES > 0 and threaded.threads() == 1, (
        "expected the bars and threads restored")
    assert np.isfinite([float(line.split("split")[1].split()[0]) for line in lines if line not in turns]).all()


def _bench_threads(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("bench_threads", BENCHMARKS / "bench_threads.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bar_runs_each_value_in_its_own_processes_and_alternates(monkeypatch, capsys):
    module = _bench_threads(monkeypatch)
    runs = []

    def run(command, env, **_):
        runs.append(env["AGRAD_BAR"])
        ms = {"CIFAR-style step": 90.0 if env["AGRAD_BAR"].endswith("=1") else 80.0}
        return subprocess.CompletedProcess(command, 0, stdout=json.dumps({**ms, "blas": ["openblas:SkylakeX:1"]}))

    monkeypatch.setattr(module.subprocess, "run", run)
    monkeypatch.setattr(sys, "argv", ["bench_threads.py", "--bar", "MIN_SPLIT_BYTES=1,2", "--rounds", "2",
                                      "--only", "CIFAR"])
    module.main()
    assert runs == ["MIN_SPLIT_BYTES=1", "MIN_SPLIT_BYTES=2", "MIN_SPLIT_BYTES=2", "MIN_SPLIT_BYTES=1"], (
        f"expected each value once a round, the order turning, got {runs}")
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.strip().startswith(("1 ", "2 "))]
    assert [(row[0], row[1]) for row in rows] == [("1", "90.00"), ("2", "80.00")], (
        f"expected a row per value, got {rows}")


def test_a_worker_runs_with_the_bar_it_is_given(monkeypatch, capsys):
    module = _bench_threads(monkeypatch)
    monkeypatch.setattr(threaded, "MIN_SPLIT_BYTES", threaded.MIN_SPLIT_BYTES)  # restored after the test
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    monkeypatch.setenv("AGRAD_BAR", "MIN_SPLIT_BYTES=12345")
    try:
        module.worker("agrad-own", ["MLP 64-64-10 step (batch 32)"], 0.01)
        assert threaded.MIN_SPLIT_BYTES == 12345, f"expected the bar set to 12345, got {threaded.MIN_SPLIT_BYTES}"
    finally:
        ag.use_threads(None)
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["MLP 64-64-10 step (batch 32)"] > 0, f"expected a time for the workload, got {result}"


def test_gil_section_times_a_copy_alone_on_two_threads_and_in_two_processes(monkeypatch, capsys):
    module = _bench_threads(monkeypatch)
    monkeypatch.setattr(sys, "argv", ["bench_threads.py", "--gil"])
    import gil_handoff

    monkeypatch.setattr(gil_handoff, "SIZES_KIB", (4,))
    monkeypatch.setattr(gil_handoff, "COPY_KIB", 400)
    threads = set()
    copies = gil_handoff.copies
    monkeypatch.setattr(gil_handoff, "copies", lambda *args: threads.add(threading.get_ident()) or copies(*args))
    module.main()
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if "KiB" in line and "x," in line]
    assert len(rows) == 1 and rows[0][:2] == ["4", "KiB"], f"expected one row for 4 KiB, got {rows}"
    assert all(float(value) > 0 for value in rows[0][2:5]), f"expected three positive times, got {rows[0]}"
    assert len(threads) == 2, f"expected the threads' copies on two threads, got {len(threads)}"
