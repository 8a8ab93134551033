"""nn.models.VGG and nn.models.ResNet against the same models written in PyTorch: state_dict keys
and shapes, weights copied both ways, identical logits (float64, train and eval mode)."""

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import assert_close, rng
from tests.nn.parity import torch_state_dict

torch = pytest.importorskip("torch")
from tests.nn.torch_models import TorchVGG, torch_resnet  # noqa: E402

CASES = {
    "resnet8": (lambda: nn.models.resnet8(), lambda: torch_resnet((1, 1, 1))),
    "resnet20": (lambda: nn.models.resnet20(), lambda: torch_resnet((3, 3, 3))),
    "resnet8_B": (lambda: nn.models.resnet8(option="B"), lambda: torch_resnet((1, 1, 1), option="B")),
    "resnet_1ch_5cls": (lambda: nn.models.ResNet((1, 2, 1), 5, 1), lambda: torch_resnet((1, 2, 1), 5, 1)),
    "vgg_small": (lambda: nn.models.vgg_small(), lambda: TorchVGG(nn.models.VGG_CONFIGS["small"])),
    "vgg_nobn": (lambda: nn.models.VGG((8, "M", 16), 4, 1, batch_norm=False),
                 lambda: TorchVGG((8, "M", 16), 4, 1, batch_norm=False)),
}


def _randomize_buffers(model, seed):
    """Non-trivial BatchNorm statistics, so eval mode checks the running-statistics path."""
    generator = rng(seed)
    for name, b in model.named_buffers():
        if name.endswith("running_mean"):
            b[...] = generator.standard_normal(b.shape) * 0.1
        elif name.endswith("running_var"):
            b[...] = generator.uniform(0.5, 1.5, b.shape)


@pytest.mark.parametrize("name", CASES)
def test_state_dict_keys_shapes_and_logits_match_torch(name):
    build, build_torch = CASES[name]
    np.random.seed(0)
    torch.manual_seed(0)
    mine, theirs = build().double(), build_torch().double()
    ours_sd, their_sd = mine.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(their_sd), f"expected {name}'s state_dict keys in torch's order"
    for key, value in their_sd.items():
        assert ours_sd[key].shape == tuple(value.shape), f"expected {key} of shape {tuple(value.shape)}"
    _randomize_buffers(mine, 1)
    channels = mine.state_dict()[next(iter(ours_sd))].shape[1]
    x = rng(2).standard_normal((3, channels, 32, 32))
    # agrad -> torch
    theirs.load_state_dict(torch_state_dict(mine.state_dict()))
    for mode in ("eval", "train"):
        getattr(mine, mode)()
        getattr(theirs, mode)()
        expected = theirs(torch.from_numpy(x)).detach().numpy()
        assert_close(mine(ag.Tensor(x)), expected, f"{name} logits in {mode} mode vs torch", 1e-9, 1e-10)
    # torch -> agrad, into a freshly initialised model
    np.random.seed(5)
    again = build().double()
    again.load_state_dict(theirs.state_dict())
    again.eval()
    theirs.eval()
    assert_close(again(ag.Tensor(x)), theirs(torch.from_numpy(x)).detach().numpy(),
                 f"{name} logits after loading torch's weights", 1e-9, 1e-10)


def test_resnet20_float32_step_and_parameter_count():
    np.random.seed(0)
    model = nn.models.resnet20()
    assert sum(p.size for p in model.parameters()) == 269_722, "expected ResNet-20's 0.27M parameters"
    x = ag.Tensor(rng(3).standard_normal((2, 3, 32, 32)).astype(np.float32), requires_grad=False)
    loss = nn.CrossEntropyLoss()(model(x), np.array([1, 7]))
    loss.backward()
    assert loss.dtype == np.float32 and all(p.grad.dtype == np.float32 for p in model.parameters()), \
        "expected float32 throughout"
    assert all(p.has_grad for p in model.parameters()), "expected every parameter to receive a gradient"


def test_model_argument_errors():
    with pytest.raises(ValueError, match="VGG: unknown config 'huge'"):
        nn.models.VGG("huge")
    with pytest.raises(ValueError, match="VGG: config entries must be positive ints or 'M', got 0"):
        nn.models.VGG((0, "M"))
    with pytest.raises(ValueError, match="ResNet: option must be 'A'"):
        nn.models.ResNet(option="C")
    with pytest.raises(ValueError, match=r"ResNet: num_blocks must be three positive ints, got \(1, 1\)"):
        nn.models.ResNet((1, 1))
