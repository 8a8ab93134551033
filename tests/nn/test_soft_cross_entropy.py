"""cross_entropy with class-probability targets against torch (float64 values, the gradients of
the logits and of the target), over shapes, weights, smoothing and reductions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import assert_close, check_against_torch, rng

torch = pytest.importorskip("torch")


def _probabilities(shape, axis, seed):
    p = rng(seed).random(shape) + 0.01
    return p / p.sum(axis=axis, keepdims=True)


@given(shape=st.sampled_from([(4, 3), (2, 5, 3), (2, 3, 2, 2), (6,)]), weighted=st.booleans(),
       smoothing=st.sampled_from([0.0, 0.1]), reduction=st.sampled_from(["mean", "sum", "none"]),
       seed=st.integers(0, 50))
def test_probability_targets_match_torch(shape, weighted, smoothing, reduction, seed):
    axis = 0 if len(shape) == 1 else 1
    classes = shape[axis]
    weight = rng(seed + 1).uniform(0.5, 2.0, classes) if weighted else None
    logits = rng(seed).standard_normal(shape) * 3
    target = _probabilities(shape, axis, seed + 2)
    kwargs = {"reduction": reduction, "label_smoothing": smoothing}
    check_against_torch(
        lambda x, t: F.cross_entropy(x, t, weight=weight, **kwargs),
        lambda x, t: torch.nn.functional.cross_entropy(
            x, t, weight=None if weight is None else torch.from_numpy(weight), **kwargs),
        logits, target, rtol=1e-10, atol=1e-12, seed=seed)


def test_layer_float32_gradcheck_and_errors():
    logits = rng(0).standard_normal((5, 4)).astype(np.float32)
    target = _probabilities((5, 4), 1, 1).astype(np.float32)
    x = ag.Tensor(logits)
    loss = nn.CrossEntropyLoss(label_smoothing=0.2)(x, target)
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32, "expected float32 in, float32 out"
    expected = torch.nn.CrossEntropyLoss(label_smoothing=0.2)(torch.from_numpy(logits), torch.from_numpy(target))
    assert_close(loss, expected.item(), "soft-target loss in float32 vs torch", 1e-6)
    x64, t64 = ag.Tensor(logits.astype(np.float64)), ag.Tensor(target.astype(np.float64))
    assert ag.gradcheck(lambda x, t: F.cross_entropy(x, t), x64, t64), "expected finite differences to agree"
    with pytest.raises(ValueError, match=r"ignore_index .* is not supported for floating point"):
        F.cross_entropy(x, target, ignore_index=1)
    with pytest.raises(ValueError, match=r"a float target of the input's shape \(5, 4\), got \(5, 3\)"):
        F.cross_entropy(x, target[:, :3])
