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


# -- PyTorch's keyword names: dim= and keepdim=, var's correction= and unbiased= -----------------
TORCH_REDUCTIONS = {"sum": "sum", "mean": "mean", "max": "amax", "min": "amin", "logsumexp": "logsumexp",
                    "var": "var"}


@pytest.mark.parametrize("name", sorted(TORCH_REDUCTIONS))
@pytest.mark.parametrize("as_method", [False, True], ids=["function", "method"])
@pytest.mark.parametrize("dim, keepdim", [(1, False), ((0, 2), True), (-1, True)])
def test_reductions_take_torchs_dim_and_keepdim(name, as_method, dim, keepdim):
    torch = pytest.importorskip("torch")

    def ours(x):
        if as_method:
            return getattr(x, name)(dim=dim, keepdim=keepdim)
        return getattr(ag, name)(x, dim=dim, keepdim=keepdim)

    def theirs(x):
        correction = {"correction": 0} if name == "var" else {}  # agrad's default ddof=0
        return getattr(torch, TORCH_REDUCTIONS[name])(x, dim=dim, keepdim=keepdim, **correction)

    check_against_torch(ours, theirs, rng(11).standard_normal((3, 4, 5)))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_family_takes_torchs_dim(name, dim):
    torch = pytest.importorskip("torch")
    data = rng(12).standard_normal((3, 4))
    check_against_torch(lambda x: getattr(ag, name)(x, dim=dim), lambda x: getattr(torch, name)(x, dim=dim), data)
    check_against_torch(lambda x: getattr(x, name)(dim=dim), lambda x: getattr(x, name)(dim=dim), data)


@pytest.mark.parametrize("dim, keepdim", [(None, False), (0, False), (1, True), (-1, False)])
def test_argmax_takes_torchs_dim_and_keepdim(dim, keepdim):
    torch = pytest.importorskip("torch")
    data = rng(13).standard_normal((3, 4))
    expected = torch.argmax(torch.tensor(data), dim=dim, keepdim=keepdim).numpy()
    x = ag.Tensor(data)
    for ours in (ag.argmax(x, dim=dim, keepdim=keepdim), x.argmax(dim=dim, keepdim=keepdim)):
        np.testing.assert_array_equal(ours, expected, err_msg=f"expected torch.argmax's indices for dim={dim}")


def test_var_takes_torchs_correction_and_unbiased_but_keeps_ddof_0_by_default():
    torch = pytest.importorskip("torch")
    data = rng(14).standard_normal((3, 5))
    check_against_torch(lambda x: ag.var(x, dim=1, correction=1), lambda x: torch.var(x, dim=1), data)
    check_against_torch(lambda x: x.var(dim=0, unbiased=True), lambda x: torch.var(x, dim=0, unbiased=True), data)
    check_against_torch(lambda x: x.var(unbiased=False), lambda x: torch.var(x, unbiased=False), data)
    check_against_torch(lambda x: ag.var(x, dim=0, correction=2), lambda x: torch.var(x, dim=0, correction=2), data)
    check_against_torch(lambda x: x.var(), lambda x: torch.var(x, correction=0), data)  # agrad's own default


def test_max_and_min_with_dim_return_values_only_not_torchs_pair():
    x = ag.Tensor(np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]]))
    for out, expected in [(x.max(dim=1), [5.0, 7.0]), (x.max(1), [5.0, 7.0]), (x.min(dim=0), [1.0, 0.0, 2.0])]:
        assert isinstance(out, ag.Tensor), f"expected a Tensor of values (NumPy's max), not {type(out).__name__}"
        np.testing.assert_array_equal(out.value, expected, err_msg="expected the largest/smallest values")


def test_the_torch_names_are_in_the_signatures_and_docstrings():
    import inspect

    for fn in (ag.sum, ag.Tensor.sum, ag.var, ag.Tensor.argmax):
        parameters = inspect.signature(fn).parameters
        assert {"dim", "keepdim"} <= set(parameters), f"expected help({fn.__qualname__}) to list dim and keepdim"
        assert "dim= for axis=" in fn.__doc__, f"expected {fn.__qualname__}'s docstring to explain dim="
    assert {"correction", "unbiased"} <= set(inspect.signature(ag.var).parameters)


X = ag.Tensor(np.ones((2, 3)))


@pytest.mark.parametrize("where, error, call", [
    ("sum: got axis twice", TypeError, lambda: ag.sum(X, 1, dim=1)),
    ("Tensor.mean: got axis twice", TypeError, lambda: X.mean(axis=0, dim=0)),
    ("Tensor.sum: got keepdims twice", TypeError, lambda: X.sum(keepdims=False, keepdim=True)),
    ("max: got axis twice", TypeError, lambda: ag.max(X, axis=None, dim=0)),
    ("var: got ddof twice", TypeError, lambda: ag.var(X, ddof=1, correction=1)),
    ("Tensor.var: got ddof twice", TypeError, lambda: X.var(correction=1, unbiased=True)),
    ("softmax: got axis twice", TypeError, lambda: ag.softmax(X, -1, dim=0)),
    ("Tensor.argmax: got axis twice", TypeError, lambda: X.argmax(axis=0, dim=0)),
    ("var: unbiased must be True or False", TypeError, lambda: ag.var(X, unbiased=1)),
    ("softmax() got an unexpected keyword argument 'keepdim'", TypeError, lambda: ag.softmax(X, keepdim=True)),
    ("Tensor.sum: dim 2 is out of range", ValueError, lambda: X.sum(dim=2)),
    ("sum: dim 3 is out of range", ValueError, lambda: ag.sum(X, dim=3)),
    ("Tensor.mean: keepdim must be True or False", TypeError, lambda: X.mean(dim=0, keepdim=1)),
], ids=lambda v: v if isinstance(v, str) else None)
def test_bad_torch_keywords_name_the_function_and_argument(where, error, call):
    with pytest.raises(error) as caught:
        call()
    assert where in str(caught.value), f"expected the {error.__name__} to say {where!r}, got {str(caught.value)!r}"


def test_a_torch_keyword_given_as_none_counts_as_not_given():
    out = X.sum(axis=1, dim=None)
    assert out.shape == (2,), f"expected dim=None ignored beside axis=1, got shape {out.shape}"
    assert ag.sum(X, dim=None).shape == (), "expected dim=None to sum over every axis, as torch"


def test_renamed_errors_keep_quoted_values_and_converted_names():
    with pytest.raises(ValueError) as caught:
        X.sum(dim="axis")
    assert "'axis'" in str(caught.value), f"expected the user's value 'axis' quoted as given, got {caught.value}"
    with pytest.raises(ValueError) as caught:
        ag.Tensor(np.ones((1, 3))).var(dim=0, unbiased=True)
    assert "ddof=1" in str(caught.value) and "unbiased=1" not in str(caught.value), (
        f"expected unbiased=True reported as ddof=1 (unbiased=1 would be refused), got {caught.value}")
