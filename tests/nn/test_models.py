"""LeNet5, SmallCNN, MLP: shapes, torch's state_dict keys, weights moving both ways, training."""

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import assert_close, rng
from tests.nn.parity import torch_state_dict


def torch_lenet5():
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    class TorchLeNet5(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
                                           tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2))
            self.classifier = tnn.Sequential(tnn.Flatten(), tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84),
                                             tnn.ReLU(), tnn.Linear(84, 10))

        def forward(self, x):
            return self.classifier(self.features(x))

    return TorchLeNet5()


def torch_small_cnn():
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    class TorchSmallCNN(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(tnn.Conv2d(1, 16, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                                           tnn.Conv2d(16, 32, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2))
            self.classifier = tnn.Sequential(tnn.Flatten(), tnn.Linear(128, 64), tnn.ReLU(), tnn.Linear(64, 10))

        def forward(self, x):
            return self.classifier(self.features(x))

    return TorchSmallCNN()


def torch_mlp():
    torch = pytest.importorskip("torch")
    tnn = torch.nn
    return tnn.Sequential(tnn.Flatten(), tnn.Linear(64, 32), tnn.ReLU(), tnn.Linear(32, 16), tnn.ReLU(),
                          tnn.Linear(16, 10))


MODELS = [
    (nn.LeNet5, torch_lenet5, (3, 1, 28, 28)),
    (nn.SmallCNN, torch_small_cnn, (3, 1, 8, 8)),
    (lambda: nn.MLP(64, 32, 16, 10), torch_mlp, (3, 1, 8, 8)),
]


@pytest.mark.parametrize("make, make_torch, shape", MODELS, ids=["LeNet5", "SmallCNN", "MLP"])
def test_same_keys_and_shapes_as_torch(make, make_torch, shape):
    mine, theirs = make(), make_torch()
    assert list(mine.state_dict()) == list(theirs.state_dict()), "expected torch's state_dict keys, in order"
    for key, value in theirs.state_dict().items():
        assert mine.state_dict()[key].shape == tuple(value.shape), f"expected {key} of torch's shape"
        assert mine.state_dict()[key].dtype == np.float32, f"expected {key} to be float32"
    assert sum(p.size for p in mine.parameters()) == sum(p.numel() for p in theirs.parameters())
    out = mine(rng(0).standard_normal(shape).astype(np.float32))
    assert out.shape == (shape[0], 10) and out.dtype == np.float32, "expected float32 logits end to end"


@pytest.mark.parametrize("make, make_torch, shape", MODELS, ids=["LeNet5", "SmallCNN", "MLP"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weights_move_both_ways_with_identical_outputs(make, make_torch, shape, dtype):
    torch = pytest.importorskip("torch")
    tolerance = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
    x = rng(1).standard_normal(shape).astype(dtype)
    torch_dtype = torch.float64 if dtype == np.float64 else torch.float32

    # torch -> agrad: torch tensors load directly
    theirs = make_torch().to(torch_dtype)
    mine = make().to(dtype)
    mine.load_state_dict(theirs.state_dict())
    expected = theirs(torch.tensor(x)).detach().numpy()
    assert_close(mine(x), expected, "agrad output with torch's weights", **tolerance)

    # agrad -> torch: NumPy arrays become torch tensors
    mine = make().to(dtype)
    theirs = make_torch().to(torch_dtype)
    theirs.load_state_dict(torch_state_dict(mine.state_dict()))
    x_ag = ag.Tensor(x)
    out = mine(x_ag)
    x_torch = torch.tensor(x, requires_grad=True)
    out_torch = theirs(x_torch)
    assert_close(out, out_torch.detach().numpy(), "torch output with agrad's weights", **tolerance)
    target = np.array([3, 1, 7])
    nn.CrossEntropyLoss()(out, target).backward()
    torch.nn.CrossEntropyLoss()(out_torch, torch.tensor(target)).backward()
    torch_grads = dict(theirs.named_parameters())
    for name, p in mine.named_parameters():
        assert_close(p.grad, torch_grads[name].grad.numpy(), f"gradient of {name} vs torch", **tolerance)
    assert_close(x_ag.grad, x_torch.grad.numpy(), "input gradient vs torch", **tolerance)


def test_small_cnn_learns_a_tiny_batch_in_float32():
    np.random.seed(0)
    model = nn.SmallCNN()
    x = rng(2).standard_normal((16, 1, 8, 8)).astype(np.float32)
    y = np.arange(16) % 10
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(40):
        model.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        losses.append(loss.item())
        for p in model.parameters():
            p.value -= 0.3 * p.grad
    assert losses[-1] < 0.2 * losses[0], f"expected plain SGD to fit 16 samples, {losses[0]:.3f} -> {losses[-1]:.3f}"
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_models_document_and_check_their_inputs():
    assert "28" in nn.LeNet5.__doc__ and "8, 8" in nn.SmallCNN.__doc__
    assert nn.SmallCNN(num_classes=3)(np.zeros((2, 1, 8, 8), dtype=np.float32)).shape == (2, 3)
    mlp = nn.MLP(10, 4)
    assert [type(m).__name__ for m in mlp] == ["Flatten", "Linear"] and mlp(np.ones((2, 10))).shape == (2, 4)
    assert isinstance(nn.MLP(4, 8, 3, activation=nn.Tanh)[2], nn.Tanh)
    with pytest.raises(ValueError, match="MLP"):
        nn.MLP(10)
    with pytest.raises(ValueError, match="MLP"):
        nn.MLP(10, 0, 3)
