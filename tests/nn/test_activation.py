"""The activation functions and layers (LeakyReLU, ELU, GELU, SiLU, Hardtanh, Softplus, Softmax,
LogSoftmax) against torch in float64, by finite differences, and in float32."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_against_torch, rng

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# (agrad function, torch function): the kinks (0, the clip ends, softplus's threshold) are in the data
CASES = {
    "leaky_relu": (lambda x: F.leaky_relu(x), lambda x: TF.leaky_relu(x)),
    "leaky_relu_0.2": (lambda x: F.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2)),
    "elu": (lambda x: F.elu(x), lambda x: TF.elu(x)),
    "elu_0.5": (lambda x: F.elu(x, alpha=0.5), lambda x: TF.elu(x, alpha=0.5)),
    "gelu": (lambda x: F.gelu(x), lambda x: TF.gelu(x)),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh")),
    "silu": (lambda x: F.silu(x), lambda x: TF.silu(x)),
    "hardtanh": (lambda x: F.hardtanh(x), lambda x: TF.hardtanh(x)),
    "hardtanh_range": (lambda x: F.hardtanh(x, -0.5, 2.0), lambda x: TF.hardtanh(x, -0.5, 2.0)),
    "softplus": (lambda x: F.softplus(x), lambda x: TF.softplus(x)),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0), lambda x: TF.softplus(x, 2.0, 3.0)),
}


def _inputs():
    x = rng(0).standard_normal((4, 5)) * 3
    x[0, :5] = [0.0, -1.0, 1.0, -0.5, 2.0]  # kinks and clip ends exactly
    x[1, :3] = [1.5, 30.0, -40.0]  # at softplus's scaled threshold, and far out
    return x


@pytest.mark.parametrize("name", CASES)
def test_activation_matches_torch_float64(name):
    ours, theirs = CASES[name]
    check_against_torch(ours, theirs, _inputs(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", CASES)
def test_activation_gradcheck_and_float32(name):
    ours, theirs = CASES[name]
    smooth = rng(1).uniform(0.1, 0.4, (3, 4)) * np.sign(rng(2).standard_normal((3, 4)))  # away from kinks
    assert ag.gradcheck(lambda x: (ours(x) * smooth).sum(), ag.Tensor(smooth.copy())), f"{name}: gradcheck"
    x32 = ag.Tensor(_inputs().astype(np.float32))
    y = ours(x32)
    y.sum().backward()
    assert y.dtype == np.float32 and x32.grad.dtype == np.float32, f"expected {name} float32 in, float32 out"
    expected = theirs(torch.from_numpy(_inputs().astype(np.float32))).numpy()
    np.testing.assert_allclose(y.value, expected, rtol=1e-5, atol=1e-6, err_msg=f"expected {name} float32 = torch")


LAYERS = [
    (nn.LeakyReLU(0.1), torch.nn.LeakyReLU(0.1)), (nn.ELU(0.7), torch.nn.ELU(0.7)), (nn.GELU(), torch.nn.GELU()),
    (nn.GELU("tanh"), torch.nn.GELU("tanh")), (nn.SiLU(), torch.nn.SiLU()),
    (nn.Hardtanh(-2, 0.5), torch.nn.Hardtanh(-2, 0.5)), (nn.Softplus(0.5, 10), torch.nn.Softplus(0.5, 10)),
    (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)), (nn.LogSoftmax(dim=-1), torch.nn.LogSoftmax(dim=-1)),
    (nn.Softmax(dim=0), torch.nn.Softmax(dim=0)),
]


@pytest.mark.parametrize(("mine", "theirs"), LAYERS, ids=lambda m: repr(m))
def test_layers_match_torch_and_print_like_it(mine, theirs):
    x = rng(3).standard_normal((3, 4, 2)) * 2
    check_against_torch(mine, theirs, x, rtol=1e-10, atol=1e-12)
    assert repr(mine) == repr(theirs), f"expected torch's repr {theirs!r}"


def test_softmax_without_dim_uses_torchs_legacy_choice_with_a_warning():
    x = rng(4).standard_normal((2, 3, 4, 5))
    for layer, reference in ((nn.Softmax(), torch.nn.Softmax()), (nn.LogSoftmax(), torch.nn.LogSoftmax())):
        with pytest.warns(UserWarning, match="Implicit dimension"):
            ours = layer(ag.Tensor(x)).value
        with pytest.warns(UserWarning):
            expected = reference(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(ours, expected, rtol=1e-12, err_msg="expected softmax over axis 1 for 4-d input")


def test_bad_arguments_name_the_function():
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        F.gelu(ag.Tensor(np.zeros(2)), approximate="erf")
    with pytest.raises(ValueError, match="GELU: approximate"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match=r"hardtanh: min_val \(2\) cannot be greater than max_val \(1\)"):
        F.hardtanh(ag.Tensor(np.zeros(2)), 2, 1)
    with pytest.raises(TypeError, match="LeakyReLU: negative_slope must be a real number, got 'a'"):
        nn.LeakyReLU("a")
    with pytest.raises(TypeError, match="softplus: beta must be a real number"):
        F.softplus(ag.Tensor(np.zeros(2)), beta=None)


def test_elu_and_softplus_stay_finite_and_quiet_for_large_inputs():
    x = ag.Tensor(np.array([-1e4, -50.0, 50.0, 1e4], dtype=np.float32))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for fn in (F.elu, F.softplus, F.silu, F.gelu):
            y = fn(x)
            y.sum().backward()
            assert np.isfinite(y.value).all() and np.isfinite(x.grad).all(), f"expected {fn.__name__} finite"
            x.zero_grad()
