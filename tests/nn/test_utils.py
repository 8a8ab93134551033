"""nn.utils.clip_grad_norm_ / clip_grad_value_ against torch, and freezing with requires_grad_."""

import math

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from tests.helpers import assert_close, rng
from tests.nn.parity import torch_state_dict

torch = pytest.importorskip("torch")


def _pair_with_grads(seed=0):
    """The same small model in agrad and torch (float64), after one backward of the same loss."""
    mine = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
    theirs.load_state_dict(torch_state_dict(mine.state_dict()))
    x = rng(seed).standard_normal((6, 4)) * 3
    (mine(ag.Tensor(x)) ** 2).sum().backward()
    (theirs(torch.from_numpy(x)) ** 2).sum().backward()
    return mine, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf])
@pytest.mark.parametrize("max_norm", [0.1, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    mine, theirs = _pair_with_grads()
    ours = nn.utils.clip_grad_norm_(mine.parameters(), max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm, norm_type)
    assert_close(float(ours), expected.item(), f"the total {norm_type}-norm vs torch", 1e-12)
    for (name, p), q in zip(mine.named_parameters(), theirs.parameters(), strict=True):
        assert_close(p.grad, q.grad.numpy(), f"clipped gradient of {name} vs torch", 1e-12)
    if max_norm == 0.1:
        assert float(ours) > 0.1, "expected this case to clip (a test that could not fail otherwise)"


def test_clip_grad_value_matches_torch_and_skips_params_without_grad():
    mine, theirs = _pair_with_grads(1)
    nn.utils.clip_grad_value_(mine.parameters(), 0.5)
    torch.nn.utils.clip_grad_value_(theirs.parameters(), 0.5)
    for (name, p), q in zip(mine.named_parameters(), theirs.parameters(), strict=True):
        assert_close(p.grad, q.grad.numpy(), f"value-clipped gradient of {name} vs torch", 0)
    fresh = nn.Linear(2, 2)
    assert float(nn.utils.clip_grad_norm_(fresh.parameters(), 1.0)) == 0.0, "expected 0 without gradients"
    nn.utils.clip_grad_value_(fresh.parameters(), 1.0)
    assert not fresh.weight.has_grad, "expected clipping to leave a parameter without gradient alone"


def test_clip_grad_norm_float32_single_tensor_and_errors():
    p = nn.Parameter(np.ones(4, dtype=np.float32))
    p.grad = np.full(4, 3.0, dtype=np.float32)
    total = nn.utils.clip_grad_norm_(p, 1.0)
    assert total.dtype == np.float32 and p.grad.dtype == np.float32, "expected float32 norm and gradient"
    assert_close(total, 6.0, "the norm of (3, 3, 3, 3)")
    assert_close(np.linalg.norm(p.grad), 1.0, "the clipped norm", 1e-5)
    p.grad = np.array([np.inf, 0, 0, 0], dtype=np.float32)
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="clip_grad_norm_: norm_type must be positive"):
        nn.utils.clip_grad_norm_([p], 1.0, norm_type=0)
    with pytest.raises(TypeError, match="clip_grad_norm_: parameters must be Tensors, got float"):
        nn.utils.clip_grad_norm_([1.0], 1.0)
    with pytest.raises(TypeError, match="clip_grad_value_: clip_value must be a real number, got None"):
        nn.utils.clip_grad_value_([p], None)


def test_frozen_layers_get_no_gradient_and_no_update():
    np.random.seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 3),
                          nn.LayerNorm(3))
    model[0].requires_grad_(False)
    model[1].requires_grad_(False)
    frozen = [model[0].weight, model[0].bias, model[1].weight, model[1].bias]
    before = [p.value.copy() for p in frozen]
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = ag.Tensor(rng(0).standard_normal((5, 1, 6, 6)).astype(np.float32), requires_grad=False)
    features = model[1](model[0](x))
    assert not features.requires_grad and not features.inputs, \
        "expected a frozen layer fed constants to record no graph (no backward work at all)"
    loss = nn.CrossEntropyLoss()(model(x), np.array([0, 1, 2, 0, 1]))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    assert not any(p.has_grad for p in frozen), "expected no gradient for frozen parameters"
    assert model[4].weight.has_grad and model[5].weight.has_grad, "expected trainable layers to get gradients"
    for p, old in zip(frozen, before, strict=True):
        np.testing.assert_array_equal(p.value, old, err_msg="expected frozen parameters unchanged by the step")
    assert model.requires_grad_() is model and all(p.requires_grad for p in model.parameters())


def test_apply_named_modules_and_dtype_over_the_whole_tree():
    model = nn.models.resnet8()
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    theirs = []
    reference = _torch_resnet8()
    reference.apply(lambda m: theirs.append(type(m).__name__.removeprefix("Torch")))
    assert seen == theirs, "expected apply to visit the modules in torch's order (children first)"
    assert [n for n, _ in model.named_modules()] == [n for n, _ in reference.named_modules()], \
        "expected torch's named_modules names and order"
    model.double()
    assert all(v.dtype == np.float64 for k, v in model.state_dict().items() if "num_batches" not in k)
    model.float()
    assert all(p.dtype == np.float32 for p in model.parameters()), "expected float() to bring back float32"


def _torch_resnet8():
    from tests.nn.torch_models import torch_resnet

    return torch_resnet((1, 1, 1))
