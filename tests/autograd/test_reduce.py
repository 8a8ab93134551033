"""Reductions and softmax: finite differences over axis/keepdims, ties, stability, torch."""

import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, rng

AXES = [None, 0, 1, -1, (0, 2), (0, 1, 2)]


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp", "var"])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_gradients(name, axis, keepdims):
    fn = getattr(ag, name)
    x = ag.Tensor(rng(1).standard_normal((2, 3, 4)))
    out = fn(x, axis=axis, keepdims=keepdims)
    if name == "logsumexp":
        expected = np.log(np.exp(x.value).sum(axis=axis, keepdims=keepdims))
    else:
        expected = getattr(np, name)(x.value, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.value, expected, rtol=1e-12, err_msg=f"expected np.{name}'s value")
    weights = rng(2).standard_normal(out.shape)
    assert ag.gradcheck(lambda x: ag.sum(fn(x, axis=axis, keepdims=keepdims) * weights), x)


def test_sum_method_and_lesson_signature():
    x = ag.Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.sum(axis=1).value, [3.0, 12.0])
    ag.sum(x, axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))


@pytest.mark.parametrize("name, torch_name", [
    ("sum", "sum"), ("mean", "mean"), ("max", "amax"), ("min", "amin"), ("logsumexp", "logsumexp"),
])
def test_reductions_match_torch(name, torch_name):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda x: getattr(ag, name)(x, axis=(0, 2)),
                        lambda x: getattr(torch, torch_name)(x, dim=(0, 2)),
                        rng(3).standard_normal((3, 4, 5)))


def test_var_matches_torch_with_both_corrections():
    torch = pytest.importorskip("torch")
    data = rng(4).standard_normal((3, 5))
    check_against_torch(lambda x: ag.var(x, axis=1), lambda x: torch.var(x, dim=1, correction=0), data)
    check_against_torch(lambda x: ag.var(x, axis=0, ddof=1), lambda x: torch.var(x, dim=0), data)


def test_max_ties_split_the_gradient_evenly():
    x = ag.Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]]))
    ag.max(x, axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 0.5, 0.5], [0.5, 0, 0.5]],
                                  err_msg="expected PyTorch amax's even split among ties")
    y = ag.Tensor(np.array([5.0, 5.0, 5.0, 1.0]))
    ag.min(-y).backward()
    np.testing.assert_allclose(y.grad, [-1 / 3, -1 / 3, -1 / 3, 0])


def test_max_ties_match_torch_amax():
    torch = pytest.importorskip("torch")
    data = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0]])
    check_against_torch(lambda x: ag.max(x, axis=1), lambda x: torch.amax(x, dim=1), data)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_and_log_softmax(axis):
    x = ag.Tensor(rng(5).standard_normal((3, 4)))
    weights = rng(6).standard_normal((3, 4))
    assert ag.gradcheck(lambda x: ag.sum(ag.softmax(x, axis=axis) * weights), x)
    assert ag.gradcheck(lambda x: ag.sum(ag.log_softmax(x, axis=axis) * weights), x)
    np.testing.assert_allclose(ag.softmax(x, axis=axis).value.sum(axis=axis), 1.0)


def test_softmax_matches_torch():
    torch = pytest.importorskip("torch")
    data = rng(7).standard_normal((4, 5))
    check_against_torch(lambda x: ag.softmax(x, axis=1), lambda x: torch.softmax(x, dim=1), data)
    check_against_torch(lambda x: ag.log_softmax(x, axis=0), lambda x: torch.log_softmax(x, dim=0), data)


def test_log_softmax_and_logsumexp_are_finite_for_huge_logits():
    logits = ag.Tensor(np.array([[1e8, 0.0, -1e8], [-1e8, -1e8, -1e8]]))
    log_probs = ag.log_softmax(logits, axis=1)
    lse = ag.logsumexp(logits, axis=1)
    assert np.isfinite(log_probs.value).all() and np.isfinite(lse.value).all()
    np.testing.assert_allclose(log_probs.value[0], [0.0, -1e8, -2e8])
    np.testing.assert_allclose(lse.value, [1e8, -1e8 + np.log(3)])
    loss = -log_probs[0, 0] - log_probs[1, 2]
    loss.backward()
    assert np.isfinite(logits.grad).all(), "expected finite gradients for logits of 1e8"


def test_cross_entropy_overflow_lesson():
    z = ag.Tensor(np.array([1000.0, 10.0, -5.0]))
    with np.errstate(over="ignore", invalid="ignore"):
        naive = -ag.log(ag.exp(z)[0] / ag.sum(ag.exp(z)))
    assert not np.isfinite(naive.value), "the lesson's naive form overflows"
    stable = -ag.log_softmax(z)[0]
    assert np.isfinite(stable.value) and stable.value == pytest.approx(0.0)


def test_argmax_is_a_plain_array():
    idx = ag.argmax(ag.Tensor(np.array([[1.0, 5.0], [7.0, 2.0]])), axis=1)
    assert isinstance(idx, np.ndarray)
    np.testing.assert_array_equal(idx, [1, 0])


def test_axis_out_of_range_names_the_value():
    x = ag.Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="axis 2"):
        ag.sum(x, axis=2)
    with pytest.raises(ValueError, match="axis 5"):
        ag.softmax(x, axis=5)
    with pytest.raises(ValueError, match="repeated axis"):
        ag.mean(x, axis=(0, 0))
