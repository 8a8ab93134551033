"""Losses (modules and functions) against torch for every reduction, gradchecks, stability, errors."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import assert_close, rng

REDUCTIONS = ["mean", "sum", "none"]


def _compare(ag_loss, torch_loss, inputs, rtol=1e-7, atol=1e-10, seed=0):
    """Value and gradient of every float input that requires grad, vs torch (float64)."""
    torch = pytest.importorskip("torch")
    mine = [ag.Tensor(np.array(a), requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
            for a in inputs]
    theirs = [torch.tensor(np.array(a), requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
              for a in inputs]
    out, out_torch = ag_loss(*mine), torch_loss(*theirs)
    upstream = rng(seed).standard_normal(out.shape)
    out.backward(upstream)
    out_torch.backward(torch.tensor(upstream))
    assert_close(out, out_torch.detach().numpy(), "loss value vs torch", rtol, atol)
    for i, (a, b) in enumerate(zip(mine, theirs)):
        if isinstance(a, ag.Tensor) and a.requires_grad:
            assert_close(a.grad, b.grad.numpy(), f"gradient of input {i} vs torch", rtol, atol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_matches_torch_including_target_gradient(reduction):
    torch = pytest.importorskip("torch")
    x, y = rng(1).standard_normal((4, 3)), rng(2).standard_normal((4, 3))
    _compare(nn.MSELoss(reduction=reduction), torch.nn.MSELoss(reduction=reduction), [x, y])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 2, 2), (4,)], ids=["NC", "NCd1d2", "C"])
def test_cross_entropy_matches_torch(reduction, label_smoothing, weighted, shape):
    torch = pytest.importorskip("torch")
    logits = rng(3).standard_normal(shape) * 3
    target_shape = () if len(shape) == 1 else (shape[0], *shape[2:])
    target = rng(4).integers(0, 4, target_shape)
    if target.ndim:
        target.reshape(-1)[0] = 1  # keep one valid target even after ignoring below
        target.reshape(-1)[-1] = 3  # a target equal to ignore_index
    weight = rng(5).uniform(0.5, 2, 4) if weighted else None
    settings = dict(reduction=reduction, label_smoothing=label_smoothing, ignore_index=3)
    _compare(nn.CrossEntropyLoss(weight=weight, **settings),
             torch.nn.CrossEntropyLoss(weight=None if weight is None else torch.tensor(weight), **settings),
             [logits, target])


def test_cross_entropy_targets_as_tensor_and_float32():
    torch = pytest.importorskip("torch")
    logits = rng(6).standard_normal((5, 3)).astype(np.float32)
    target = np.array([0, 2, 1, 1, 0])
    x = ag.Tensor(logits)
    loss = F.cross_entropy(x, ag.Tensor(target))
    assert loss.dtype == np.float32, "expected a float32 loss for float32 logits"
    loss.backward()
    assert x.grad.dtype == np.float32
    reference = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target))
    assert_close(loss, reference.numpy(), "float32 cross-entropy vs torch", rtol=1e-6)
    assert_close(F.cross_entropy(logits, target.tolist()), reference.numpy(), "list targets", rtol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss_matches_torch(reduction, weighted):
    torch = pytest.importorskip("torch")
    log_probs = np.log(rng(7).dirichlet(np.ones(5), size=6))
    target = np.array([0, 4, 2, 2, -100, 1])
    weight = rng(8).uniform(0.5, 2, 5) if weighted else None
    _compare(nn.NLLLoss(weight=weight, reduction=reduction),
             torch.nn.NLLLoss(weight=None if weight is None else torch.tensor(weight), reduction=reduction),
             [log_probs, target])


def test_log_softmax_then_nll_equals_cross_entropy():
    logits, target = rng(9).standard_normal((4, 6)), np.array([5, 0, 3, 3])
    assert_close(F.nll_loss(F.log_softmax(logits, 1), target), F.cross_entropy(logits, target).value,
                 "nll(log_softmax) == cross_entropy")


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_matches_torch_including_target_gradient(reduction, weighted):
    torch = pytest.importorskip("torch")
    probs, target = rng(10).uniform(0.05, 0.95, (5, 3)), rng(11).uniform(0, 1, (5, 3))
    weight = rng(12).uniform(0.5, 2, 3) if weighted else None
    _compare(nn.BCELoss(weight=weight, reduction=reduction),
             torch.nn.BCELoss(weight=None if weight is None else torch.tensor(weight), reduction=reduction),
             [probs, target])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("pos_weighted", [False, True])
def test_bce_with_logits_matches_torch(reduction, weighted, pos_weighted):
    torch = pytest.importorskip("torch")
    logits, target = rng(13).standard_normal((5, 3)) * 4, rng(14).uniform(0, 1, (5, 3))
    weight = rng(15).uniform(0.5, 2, (5, 1)) if weighted else None
    pos_weight = rng(16).uniform(0.5, 3, 3) if pos_weighted else None
    _compare(nn.BCEWithLogitsLoss(weight=weight, reduction=reduction, pos_weight=pos_weight),
             torch.nn.BCEWithLogitsLoss(weight=None if weight is None else torch.tensor(weight), reduction=reduction,
                                        pos_weight=None if pos_weight is None else torch.tensor(pos_weight)),
             [logits, target])


def test_losses_gradcheck_float64():
    x = ag.Tensor(rng(17).standard_normal((3, 4)))
    classes = np.array([1, 0, 3])
    soft = ag.Tensor(rng(18).uniform(0.1, 0.9, (3, 4)))
    target01 = rng(19).uniform(0, 1, (3, 4))
    assert ag.gradcheck(lambda x: F.cross_entropy(x, classes, label_smoothing=0.1, weight=[1, 2, 3, 4]), x)
    assert ag.gradcheck(lambda x: F.nll_loss(x, classes, reduction="sum"), x)
    assert ag.gradcheck(lambda x, t: F.mse_loss(x, t), x, ag.Tensor(rng(20).standard_normal((3, 4))))
    assert ag.gradcheck(lambda p, t: F.binary_cross_entropy(p, t), soft, ag.Tensor(target01))
    assert ag.gradcheck(lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=np.array([1, 2, 3, 4.0])),
                        x, ag.Tensor(target01))


def test_cross_entropy_is_finite_for_huge_logits():
    for dtype in (np.float32, np.float64):
        x = ag.Tensor(np.array([[1e8, 0.0, -1e8], [0.0, 1e8, 1e8]], dtype=dtype))
        loss = F.cross_entropy(x, np.array([1, 2]), label_smoothing=0.1)
        loss.backward()
        assert np.isfinite(loss.value) and np.isfinite(x.grad).all(), f"expected finite values in {dtype.__name__}"
        plain = F.cross_entropy(np.array([[1e8, 0.0]], dtype=dtype), np.array([0]))
        assert plain.item() == 0.0, "expected a confident right answer to cost nothing"
        assert F.cross_entropy(np.array([[1e8, 0.0]], dtype=dtype), np.array([1])).item() == pytest.approx(1e8)


def test_bce_clamps_logs_and_bce_with_logits_is_stable():
    torch = pytest.importorskip("torch")
    probs, target = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    p = ag.Tensor(probs)
    loss = F.binary_cross_entropy(p, target, reduction="none")
    assert_close(loss, [100, 100, 0, 0], "logs clamped at -100 (torch's rule)")
    loss.sum().backward()
    tp = torch.tensor(probs, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(tp, torch.tensor(target), reduction="sum").backward()
    assert_close(p.grad, tp.grad.numpy(), "clamped BCE gradient vs torch")
    logits = ag.Tensor(np.array([1e4, -1e4, 800.0, -800.0], dtype=np.float32))
    stable = F.binary_cross_entropy_with_logits(logits, np.array([0, 1, 1, 0]), reduction="none")
    stable.sum().backward()
    assert_close(stable, [1e4, 1e4, 0, 0], "softplus form: no overflow for large logits")
    assert_close(logits.grad, [1, -1, 0, 0], "sigmoid(x) - y at saturation")


def test_bad_targets_raise_value_errors_naming_op_and_values():
    logits = np.zeros((3, 4))
    message = r"cross_entropy: target 4 at position \(2,\) is not a class index in \[0, 4\)"
    with pytest.raises(ValueError, match=message):
        F.cross_entropy(logits, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match="cross_entropy: target -1"):
        nn.CrossEntropyLoss()(logits, np.array([0, -1, 2]))
    message = r"cross_entropy: input of shape \(3, 4\) needs a target of shape \(3,\), got \(3, 1\)"
    with pytest.raises(ValueError, match=message):
        F.cross_entropy(logits, np.array([[0], [1], [2]]))
    with pytest.raises(ValueError, match="cross_entropy: target must hold integer class indices, got dtype float64"):
        F.cross_entropy(logits, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="nll_loss: target 7"):
        F.nll_loss(logits, np.array([0, 7, 1]))
    with pytest.raises(ValueError, match="weight must have shape \\(4,\\)"):
        F.cross_entropy(logits, np.array([0, 1, 2]), weight=np.ones(3))
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(logits, np.array([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'avg'"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match=r"mse_loss: target shape \(3,\) must equal the input shape \(3, 1\)"):
        F.mse_loss(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: every input value must be between 0 and 1, got 1.5"):
        F.binary_cross_entropy(np.array([0.5, 1.5]), np.array([0.0, 1.0]))
    message = "binary_cross_entropy_with_logits: every target value must be between 0 and 1"
    with pytest.raises(ValueError, match=message):
        F.binary_cross_entropy_with_logits(np.zeros(2), np.array([0.0, 2.0]))


def test_ignore_everything_gives_nan_like_torch():
    loss = F.cross_entropy(np.zeros((2, 3)), np.array([-100, -100]))
    assert np.isnan(loss.item())
    assert F.cross_entropy(np.zeros((2, 3)), np.array([-100, -100]), reduction="sum").item() == 0


def test_loss_modules_hold_weights_as_buffers_and_print_like_torch():
    torch = pytest.importorskip("torch")
    assert list(nn.CrossEntropyLoss(weight=np.ones(3)).state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(pos_weight=np.ones(2)).state_dict()) == ["pos_weight"]
    for name in ["MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss"]:
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())


@pytest.mark.parametrize("loss_name", ["cross_entropy", "nll_loss"])
def test_all_targets_ignored_gives_nan_loss_and_zero_gradient(loss_name):
    logits = ag.Tensor(np.random.default_rng(0).standard_normal((4, 3)))
    loss = getattr(F, loss_name)(logits, np.array([1, 1, 1, 1]), ignore_index=1)
    assert np.isnan(loss.item()), "expected torch's NaN for a mean over nothing"
    loss.backward()
    np.testing.assert_array_equal(logits.grad, np.zeros((4, 3)), err_msg="expected a zero gradient, not NaN")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_with_masked_logits_matches_torch(reduction, label_smoothing):
    """-inf logits (masked classes) in a class that is not the target, and in an ignored target's
    row: torch's losses and gradients, never a NaN from 0 * -inf."""
    torch = pytest.importorskip("torch")
    logits = np.array([[-np.inf, 1.0, 2.0], [0.0, 1.0, 2.0], [0.5, -np.inf, 1.0]])
    target = np.array([-100, 1, 0])
    x = ag.Tensor(logits.copy())
    ours = F.cross_entropy(x, target, reduction=reduction, label_smoothing=label_smoothing)
    xt = torch.tensor(logits, requires_grad=True)
    theirs = torch.nn.functional.cross_entropy(xt, torch.tensor(target), reduction=reduction,
                                               label_smoothing=label_smoothing)
    np.testing.assert_allclose(ours.value, theirs.detach().numpy(),
                               err_msg=f"expected torch's {reduction} loss (label_smoothing={label_smoothing})")
    if np.all(np.isfinite(ours.value)):
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(x.grad, xt.grad.numpy(), atol=1e-12, err_msg=(
            f"expected torch's gradient ({reduction}, label_smoothing={label_smoothing})"))


def test_nll_loss_of_an_ignored_target_over_a_minus_inf_log_probability_matches_torch():
    torch = pytest.importorskip("torch")
    log_probs = np.array([[-np.inf, np.log(0.5), np.log(0.5)], [np.log(0.2), np.log(0.3), np.log(0.5)]])
    x = ag.Tensor(log_probs.copy())
    ours = F.nll_loss(x, np.array([-100, 2]))
    ours.backward()
    xt = torch.tensor(log_probs, requires_grad=True)
    theirs = torch.nn.functional.nll_loss(xt, torch.tensor([-100, 2]))
    theirs.backward()
    np.testing.assert_allclose(ours.value, theirs.item(), err_msg="expected torch's loss, not NaN")
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), err_msg="expected torch's gradient")
