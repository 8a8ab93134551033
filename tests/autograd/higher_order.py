"""Second and third derivatives against PyTorch: one helper, one line per op case.

``check_higher_order(ag_fn, torch_fn, *arrays)`` differentiates ``fn`` three times in both
libraries, each time contracting the gradients with fixed random vectors (a gradient that is
right only against all-ones would fail), and compares every input's derivative of each order.
"""

import numpy as np
import pytest

import autograd as ag
from tests.helpers import assert_close, rng


def check_higher_order(ag_fn, torch_fn, *arrays, orders=3, rtol=1e-7, atol=1e-9, seed=0, op=""):
    """``op`` (e.g. "mse_loss reduction='sum'") heads every failure message, with the input shapes."""
    where = f"{op} on inputs shaped {[np.shape(a) for a in arrays]}: " if op else ""
    torch = pytest.importorskip("torch")
    random = rng(seed)
    mine = [ag.Tensor(np.array(a, dtype=np.float64)) for a in arrays]
    theirs = [torch.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    out, torch_out = ag_fn(*mine), torch_fn(*theirs)
    assert_close(out.value, torch_out.detach().numpy(force=True), f"{where}the forward value vs torch")
    upstream = random.standard_normal(out.shape)
    target, torch_target = out, torch_out
    seed_mine, seed_theirs = upstream, torch.tensor(upstream)
    for order in range(1, orders + 1):
        grads = ag.grad(target, mine, grad_outputs=seed_mine, create_graph=True, allow_unused=True)
        torch_grads = torch.autograd.grad(torch_target, theirs, grad_outputs=seed_theirs, create_graph=True,
                                          allow_unused=True)
        for i, (g, tg) in enumerate(zip(grads, torch_grads, strict=True)):
            expected = np.zeros(arrays[i].shape) if tg is None else tg.detach().numpy(force=True)
            actual = np.zeros(arrays[i].shape) if g is None else g.value
            assert g is None or g.shape == mine[i].shape, (
                f"{where}expected order {order} gradient of input {i} shaped {mine[i].shape}")
            assert_close(actual, expected, f"{where}derivative of order {order} of input {i}", rtol, atol)
        # the next order: d/dx of sum_i <grad_i, w_i>
        weights = [random.standard_normal(a.shape) for a in arrays]
        target = None
        torch_target = None
        for g, tg, w in zip(grads, torch_grads, weights, strict=True):
            if g is not None and g.requires_grad:
                term = (g * w).sum()
                target = term if target is None else target + term
            if tg is not None and tg.requires_grad:
                term = (tg * torch.tensor(w)).sum()
                torch_target = term if torch_target is None else torch_target + term
        if target is None or torch_target is None:
            # one side knows the next order is zero without a graph (a mask's derivative): the
            # other side's must be zero too
            if target is not None:
                rest = ag.grad(target, mine, allow_unused=True)
                rest = [None if r is None else r.value for r in rest]
            elif torch_target is not None:
                rest = torch.autograd.grad(torch_target, theirs, allow_unused=True)
                rest = [None if r is None else r.detach().numpy(force=True) for r in rest]
            else:
                rest = []
            for i, r in enumerate(rest):
                if r is not None:
                    assert_close(r, np.zeros(r.shape), f"{where}derivative of order {order + 1} of input {i} (zero)")
            return
        seed_mine, seed_theirs = None, None
