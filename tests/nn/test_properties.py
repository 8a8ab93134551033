"""Property tests over random shapes: F.linear over any leading axes, cross-entropy vs torch."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn.functional as F
from tests.helpers import assert_close, rng

leading_shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@given(leading=leading_shapes, n_in=st.integers(1, 4), n_out=st.integers(1, 4), bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_linear_any_leading_axes(leading, n_in, n_out, bias, seed):
    generator = rng(seed)
    x = ag.Tensor(generator.standard_normal((*leading, n_in)))
    w = ag.Tensor(generator.standard_normal((n_out, n_in)))
    b = ag.Tensor(generator.standard_normal(n_out)) if bias else None
    out = F.linear(x, w, b)
    expected = np.einsum("...i,oi->...o", x.value, w.value) + (b.value if bias else 0)
    assert_close(out, expected, "x W^T + b")
    mixing = generator.standard_normal(out.shape)
    inputs = (x, w, b) if bias else (x, w)
    assert ag.gradcheck(lambda *t: (F.linear(*t) * mixing).sum(), *inputs)


@given(n=st.integers(1, 5), classes=st.integers(2, 5), extra=st.integers(0, 2), smoothing=st.sampled_from([0.0, 0.3]),
       reduction=st.sampled_from(["mean", "sum", "none"]), seed=st.integers(0, 2**16))
def test_cross_entropy_random_shapes_match_torch(n, classes, extra, smoothing, reduction, seed):
    torch = pytest.importorskip("torch")
    generator = rng(seed)
    shape = (n, classes) + (2,) * extra
    logits = generator.standard_normal(shape) * 5
    target = generator.integers(0, classes, (n,) + (2,) * extra)
    target.reshape(-1)[-1] = -100 if target.size > 1 else target.reshape(-1)[-1]
    x = ag.Tensor(logits)
    out = F.cross_entropy(x, target, reduction=reduction, label_smoothing=smoothing)
    upstream = generator.standard_normal(out.shape)
    out.backward(upstream)
    tx = torch.tensor(logits, requires_grad=True)
    t_out = torch.nn.functional.cross_entropy(tx, torch.tensor(target), reduction=reduction,
                                              label_smoothing=smoothing)
    t_out.backward(torch.tensor(upstream))
    assert_close(out, t_out.detach().numpy(), "cross-entropy vs torch")
    assert_close(x.grad, tx.grad.numpy(), "cross-entropy gradient vs torch")
