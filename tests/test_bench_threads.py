"""benchmarks/bench_threads.py --calls (thread_calls.py) on tiny cases: every line names the
rule ``threaded`` applies to that call, and the split alternative really splits."""

import importlib.util
import threading
from pathlib import Path

import numpy as np

from autograd.kernels import fast, threaded

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_calls_section_times_each_call_split_and_whole(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # thread_calls imports its neighbour timing.py
    spec = importlib.util.spec_from_file_location("thread_calls", BENCHMARKS / "thread_calls.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "CONVS", [((4, 2, 6, 6), 3, 3, 1, 1)])
    monkeypatch.setattr(module, "IMAGES", [(4, 2, 6, 6)])
    monkeypatch.setattr(module, "POOLS", [(4, 2, 6, 6)])
    threads = set()
    conv2d = fast.conv2d
    monkeypatch.setattr(fast, "conv2d", lambda *args: threads.add(threading.get_ident()) or conv2d(*args))
    module.calls_section(repeats=1)
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(lines) == 9, f"expected 3 convolution, 4 pooling and 2 batch-norm lines, got {lines}"
    assert all("rule: whole" in line for line in lines), f"expected tiny calls left whole by the rule, got {lines}"
    assert len(threads) == 2, f"expected the split alternative on both threads, got {len(threads)} thread(s)"
    assert threaded.MIN_SPLIT_FLOPS > 0 and threaded.MIN_SPLIT_POOL_BYTES > 0 and threaded.threads() == 1, (
        "expected the bars and threads restored")
    assert np.isfinite([float(line.split("split")[1].split()[0]) for line in lines]).all()
