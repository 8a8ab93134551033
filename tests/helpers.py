"""Shared test helpers: tolerances, torch parity in one line per op (teenygrad's
``helper_test_op``), random data."""

import numpy as np
import pytest

import autograd as ag


def rng(seed=0):
    return np.random.default_rng(seed)


def split_every_kernel_call(monkeypatch):
    """Make ``ag.use_threads`` split even the tests' small batches and calls over its threads,
    the parts of every convolution copying their columns under one lock."""
    from autograd.kernels import threaded
    monkeypatch.setattr(threaded, "MIN_IMAGES", 1)
    monkeypatch.setattr(threaded, "MIN_LOCKED_ROWS", 0)
    for name in [name for name in vars(threaded) if name.startswith("MIN_SPLIT_")]:
        monkeypatch.setattr(threaded, name, 0)


def assert_close(actual, expected, what, rtol=1e-7, atol=1e-10):
    actual = actual.value if isinstance(actual, ag.Tensor) else actual
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64),
        rtol=rtol, atol=atol, err_msg=f"expected {what} to match",
    )


def check_against_torch(ag_fn, torch_fn, *arrays, rtol=1e-7, atol=1e-10, seed=0):
    """Forward values and every input's gradient of ``ag_fn`` against ``torch_fn``.

    arrays: float64 inputs (copied). The backward seeds a random upstream gradient, so a
    gradient that is right only for all-ones would fail.
    """
    torch = pytest.importorskip("torch")
    ag_inputs = [ag.Tensor(np.array(a)) for a in arrays]
    out = ag_fn(*ag_inputs)
    upstream = rng(seed).standard_normal(out.shape)
    out.backward(upstream)

    torch_inputs = [torch.tensor(np.array(a), requires_grad=True) for a in arrays]
    torch_out = torch_fn(*torch_inputs)
    torch_out.backward(torch.tensor(upstream))

    assert_close(out.value, torch_out.detach().numpy(), "forward value vs torch", rtol, atol)
    for i, (mine, theirs) in enumerate(zip(ag_inputs, torch_inputs)):
        assert_close(mine.grad, theirs.grad.numpy(), f"gradient of input {i} vs torch", rtol, atol)
