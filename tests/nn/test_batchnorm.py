"""BatchNorm1d / BatchNorm2d against torch: several training steps, running statistics, eval."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import assert_close, rng, split_every_kernel_call
from tests.nn.parity import check_module_against_torch, torch_state_dict


def _compare_buffers(mine, theirs, rtol=1e-7, atol=1e-10):
    for key, value in theirs.state_dict().items():
        assert_close(mine.state_dict()[key], value.numpy(), f"{key} after the step vs torch", rtol, atol)


@pytest.mark.parametrize("kind, shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)),
                                         ("BatchNorm2d", (4, 3, 5, 6))])
@pytest.mark.parametrize("settings", [dict(), dict(momentum=None), dict(momentum=0.3, eps=1e-3),
                                      dict(affine=False), dict(bias=False)])
@pytest.mark.parametrize("kernels", ag.available_kernels())
def test_training_steps_then_eval_match_torch(kind, shape, settings, kernels, monkeypatch):
    torch = pytest.importorskip("torch")
    # threaded: on two threads, and every call split, so the batch (4 or 6 samples) is
    split_every_kernel_call(monkeypatch)
    with ag.use_threads(2) if kernels == "threaded" else ag.use_kernels(kernels):
        _training_steps_then_eval(torch, kind, shape, settings)


def _training_steps_then_eval(torch, kind, shape, settings):
    mine = getattr(nn, kind)(3, **settings).double()
    theirs = getattr(torch.nn, kind)(3, **settings).double()
    if mine.weight is not None:
        mine.weight.value[...] = rng(0).uniform(0.5, 1.5, 3)
    if mine.bias is not None:
        mine.bias.value[...] = rng(1).standard_normal(3)
    for step in range(4):
        x = rng(10 + step).standard_normal(shape) * 2 + 1
        check_module_against_torch(mine, theirs, x, seed=step)
        _compare_buffers(mine, theirs)
        mine.zero_grad()
        theirs.zero_grad()
        theirs.load_state_dict(torch_state_dict(mine.state_dict()))
    assert int(mine.num_batches_tracked) == 4
    mine.eval()
    theirs.eval()
    check_module_against_torch(mine, theirs, rng(20).standard_normal(shape), seed=9)
    _compare_buffers(mine, theirs)
    assert int(mine.num_batches_tracked) == 4, "expected eval not to count batches"


def test_without_running_stats_uses_batch_statistics_in_eval():
    torch = pytest.importorskip("torch")
    mine = nn.BatchNorm2d(2, track_running_stats=False).double().eval()
    theirs = torch.nn.BatchNorm2d(2, track_running_stats=False).double().eval()
    assert list(mine.state_dict()) == list(theirs.state_dict()) == ["weight", "bias"]
    check_module_against_torch(mine, theirs, rng(3).standard_normal((3, 2, 4, 4)))


def test_float32_model_stays_float32_and_matches_torch():
    torch = pytest.importorskip("torch")
    mine, theirs = nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)
    x = rng(4).standard_normal((8, 4, 6, 6)).astype(np.float32) * 3
    out, _ = check_module_against_torch(mine, theirs, x, rtol=1e-4, atol=1e-5)
    assert out.dtype == np.float32 and mine.running_var.dtype == np.float32
    _compare_buffers(mine, theirs, rtol=1e-5, atol=1e-6)
    assert list(mine.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck(training):
    x = ag.Tensor(rng(5).standard_normal((4, 3, 2, 2)))
    weight = ag.Tensor(rng(6).uniform(0.5, 2, 3))
    bias = ag.Tensor(rng(7).standard_normal(3))
    mixing = rng(8).standard_normal((4, 3, 2, 2))
    running_mean, running_var = rng(9).standard_normal(3), rng(10).uniform(0.5, 2, 3)

    def loss(x, weight, bias):
        # copies: a training pass updates the running statistics in place
        out = F.batch_norm(x, running_mean.copy(), running_var.copy(), weight, bias, training=training)
        return (out * mixing).sum()

    assert ag.gradcheck(loss, x, weight, bias)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected a 4-d input, got shape \(2, 3\)"):
        nn.BatchNorm2d(3)(np.ones((2, 3)))
    with pytest.raises(ValueError, match="2 or 3-d"):
        nn.BatchNorm1d(3)(np.ones((2, 3, 4, 5)))
    with pytest.raises(ValueError, match="running_mean and running_var"):
        F.batch_norm(np.ones((2, 3)), None, None, training=False)
    bn = nn.BatchNorm1d(2)
    bn(rng(0).standard_normal((4, 2)))
    bn.reset_running_stats()
    assert not bn.running_mean.any() and (bn.running_var == 1).all() and int(bn.num_batches_tracked) == 0
