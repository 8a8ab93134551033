"""Linear, activations, Flatten, Identity, Sequential, Dropout and init against torch."""

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from nn import init
from tests.helpers import assert_close, check_against_torch, rng
from tests.nn.parity import check_module_against_torch


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (4,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch_float64(shape, bias):
    torch = pytest.importorskip("torch")
    layer = nn.Linear(4, 3, bias=bias).double()
    check_module_against_torch(layer, torch.nn.Linear(4, 3, bias=bias).double(), rng(1).standard_normal(shape))


def test_linear_float32_stays_float32_and_matches_torch():
    torch = pytest.importorskip("torch")
    layer = nn.Linear(6, 5)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    x = rng(2).standard_normal((8, 6)).astype(np.float32)
    check_module_against_torch(layer, torch.nn.Linear(6, 5), x, rtol=1e-5, atol=1e-6)


def test_linear_gradcheck_and_shape_errors():
    x = ag.Tensor(rng(3).standard_normal((3, 4)))
    w = ag.Tensor(rng(4).standard_normal((2, 4)))
    b = ag.Tensor(rng(5).standard_normal(2))
    weights = rng(6).standard_normal((3, 2))
    assert ag.gradcheck(lambda x, w, b: (F.linear(x, w, b) * weights).sum(), x, w, b)
    with pytest.raises(ValueError, match=r"linear: input of shape \(3, 5\) does not end in in_features=4"):
        nn.Linear(4, 2)(np.zeros((3, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="bias shape"):
        F.linear(x, w, np.zeros(3))
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(-1, 2)


def test_linear_init_follows_pytorch_bounds():
    np.random.seed(0)
    layer = nn.Linear(100, 300)
    bound = 1 / math.sqrt(100)
    for name, p in layer.named_parameters():
        assert np.abs(p.value).max() <= bound, f"expected {name} inside U(-1/sqrt(fan_in), 1/sqrt(fan_in))"
    assert np.abs(layer.weight.value).max() > 0.95 * bound, "expected the weight to fill the whole range"
    assert abs(layer.weight.value.std() - bound / math.sqrt(3)) < 0.02 * bound, "expected a uniform's std"
    np.random.seed(0)
    again = nn.Linear(100, 300)
    np.testing.assert_array_equal(again.weight.value, layer.weight.value,
                                  err_msg="expected np.random.seed to make initialisation reproducible")


def test_init_functions():
    w = nn.Parameter(np.zeros((64, 32, 3, 3), dtype=np.float32))
    assert init._calculate_fan_in_and_fan_out(w) == (32 * 9, 64 * 9)
    generator = np.random.default_rng(0)
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=generator)
    assert w.dtype == np.float32
    assert abs(w.value.std() - math.sqrt(2 / (64 * 9))) < 0.01
    init.xavier_uniform_(w)
    assert np.abs(w.value).max() <= math.sqrt(6 / (32 * 9 + 64 * 9))
    init.xavier_normal_(w, gain=init.calculate_gain("tanh"))
    init.constant_(w, 0.5)
    assert (w.value == 0.5).all()
    assert init.zeros_(w) is w and not w.value.any()
    assert init.ones_(w).value.all()
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(nn.Parameter(np.zeros(3)))
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_uniform_(w, mode="fan_avg")


@pytest.mark.parametrize("name", ["ReLU", "Tanh", "Sigmoid"])
def test_activations_match_torch(name):
    torch = pytest.importorskip("torch")
    x = rng(7).standard_normal((3, 4)) * 3
    module = getattr(nn, name)()
    check_against_torch(module, getattr(torch.nn, name)(), x)
    assert module(x.astype(np.float32)).dtype == np.float32


def test_functional_activations_softmax_and_dim():
    torch = pytest.importorskip("torch")
    x = rng(8).standard_normal((3, 5))
    check_against_torch(lambda t: F.softmax(t, dim=0), lambda t: torch.softmax(t, dim=0), x)
    check_against_torch(lambda t: F.log_softmax(t, 1), lambda t: torch.log_softmax(t, 1), x)
    check_against_torch(F.relu, torch.relu, x)
    check_against_torch(F.tanh, torch.tanh, x)
    check_against_torch(F.sigmoid, torch.sigmoid, x)
    with pytest.raises(TypeError):
        F.softmax(ag.Tensor(x))  # dim is required: torch's implicit choice is deprecated


def test_flatten_and_identity():
    torch = pytest.importorskip("torch")
    x = rng(9).standard_normal((2, 3, 4, 5))
    check_against_torch(nn.Flatten(), torch.nn.Flatten(), x)
    check_against_torch(nn.Flatten(0, 2), torch.nn.Flatten(0, 2), x)
    assert nn.Flatten()(x).shape == (2, 60)
    t = ag.Tensor(x)
    assert nn.Identity(54, unused="anything")(t) is t


def test_sequential_indexing_iteration_and_append():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and list(seq) == layers
    assert seq[0] is layers[0] and seq[-1] is layers[2]
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and list(tail) == layers[1:]
    assert list(tail._modules) == ["1", "2"], "expected a slice to keep the layers' names (torch's rule)"
    assert tail[0] is layers[1]
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    with pytest.raises(TypeError, match="integers or slices"):
        seq["0"]
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and list(seq._modules)[-1] == "3"
    seq[1] = nn.Tanh()
    assert isinstance(seq[1], nn.Tanh)
    with pytest.raises(TypeError, match="not a Module"):
        seq.append(lambda x: x)
    with pytest.raises(ValueError, match="already named"):
        tail.append(nn.ReLU())
    out = seq(np.ones((4, 2), dtype=np.float32))
    assert out.shape == (4, 1) and out.dtype == np.float32
    from collections import OrderedDict
    named = nn.Sequential(OrderedDict(fc=nn.Linear(2, 2), act=nn.ReLU()))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"]


def test_dropout_statistics_scaling_and_eval_identity():
    np.random.seed(0)
    layer = nn.Dropout(p=0.3)
    x = ag.Tensor(np.ones((400, 500), dtype=np.float32))
    y = layer(x)
    kept = y.value != 0
    assert y.dtype == np.float32
    assert abs(kept.mean() - 0.7) < 0.005, f"expected about 70% kept, got {kept.mean():.4f}"
    np.testing.assert_allclose(y.value[kept], 1 / 0.7, rtol=1e-6, err_msg="expected survivors scaled by 1/(1-p)")
    assert abs(y.value.mean() - 1) < 0.01, "expected the mean preserved (inverted dropout)"
    y.backward(np.full(y.shape, 2.0, dtype=np.float32))
    np.testing.assert_allclose(x.grad, np.where(kept, 2 / 0.7, 0), rtol=1e-6,
                               err_msg="expected the gradient to pass through the same mask")
    layer.eval()
    assert layer(x) is x, "expected dropout to be the identity in eval mode"
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    assert not F.dropout(x, 1.0).value.any(), "expected p=1 to zero everything"
    for bad in (-0.1, 1.5, "0.5", True):
        with pytest.raises(ValueError, match="between 0 and 1"):
            nn.Dropout(bad)
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25, inplace=False)"


def test_dropout_is_reproducible_with_numpy_seed():
    x = np.ones((10, 10))
    np.random.seed(3)
    first = F.dropout(x, 0.5).value
    np.random.seed(3)
    assert_close(F.dropout(x, 0.5).value, first, "the same mask after reseeding")
