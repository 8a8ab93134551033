"""The second-derivative workloads of benchmarks/compare.py run on both sides and return a
gradient per parameter: compare.py skips a workload that fails to build, so a broken one would
only show as a missing cell in its table."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_workloads():
    spec = importlib.util.spec_from_file_location("workloads", BENCHMARKS / "workloads.py")
    workloads = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workloads)
    return workloads


@pytest.mark.parametrize("name", ["HVP_MLP", "GRADIENT_PENALTY"])
def test_second_derivative_workloads_run_in_agrad_and_torch(name):
    pytest.importorskip("torch")
    workloads = load_workloads()
    workload = getattr(workloads, name)
    assert workload in workloads.workload_names(), f"expected {workload!r} among compare.py's workloads"
    ours = [g.value for g in workloads.build_agrad(workload)()]
    theirs = [g.detach().numpy() for g in workloads.build_torch(workload)()]
    assert [g.shape for g in ours] == [g.shape for g in theirs], (
        f"expected {workload!r} to differentiate the same parameters in agrad and torch")
    for library, grads in (("agrad", ours), ("torch", theirs)):
        assert all(np.isfinite(g).all() and np.abs(g).max() > 0 for g in grads), (
            f"expected finite, non-zero second derivatives from {workload!r} in {library}")
