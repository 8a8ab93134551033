"""LayerNorm, GroupNorm and Dropout2d against torch (float64 values and every gradient), by
finite differences, and their float32 behaviour."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import assert_close, rng
from tests.nn.parity import check_module_against_torch

torch = pytest.importorskip("torch")


def _randomize(layer, seed):
    for p in layer.parameters():
        p.value[...] = rng(seed).standard_normal(p.shape)
    return layer


@given(lead=st.lists(st.integers(1, 3), min_size=1, max_size=2), normalized=st.lists(st.integers(1, 4), min_size=1,
       max_size=2), affine=st.booleans(), bias=st.booleans(), seed=st.integers(0, 100))
def test_layer_norm_matches_torch_float64(lead, normalized, affine, bias, seed):
    mine = _randomize(nn.LayerNorm(normalized, elementwise_affine=affine, bias=bias).double(), seed)
    theirs = torch.nn.LayerNorm(normalized, elementwise_affine=affine, bias=bias).double()
    x = rng(seed).standard_normal((*lead, *normalized)) * 3 + 1
    check_module_against_torch(mine, theirs, x, rtol=1e-8, atol=1e-10)
    assert list(mine.state_dict()) == list(theirs.state_dict()), "expected torch's state_dict keys"


@given(n=st.integers(1, 3), groups=st.sampled_from([1, 2, 3, 6]), spatial=st.lists(st.integers(1, 4), max_size=2),
       affine=st.booleans(), seed=st.integers(0, 100))
def test_group_norm_matches_torch_float64(n, groups, spatial, affine, seed):
    if n * 6 // groups * np.prod(spatial, dtype=int) == 1:
        with pytest.raises(ValueError, match="group_norm: expected more than 1 value"):
            nn.GroupNorm(groups, 6)(np.zeros((n, 6, *spatial)))
        return
    mine = _randomize(nn.GroupNorm(groups, 6, affine=affine).double(), seed)
    theirs = torch.nn.GroupNorm(groups, 6, affine=affine).double()
    x = rng(seed).standard_normal((n, 6, *spatial)) * 2 - 1
    check_module_against_torch(mine, theirs, x, rtol=1e-8, atol=1e-10)
    assert list(mine.state_dict()) == list(theirs.state_dict()), "expected torch's state_dict keys"


def test_norm_functions_gradcheck():
    x = ag.Tensor(rng(0).standard_normal((2, 4, 3)))
    w, b = ag.Tensor(rng(1).standard_normal((4, 3))), ag.Tensor(rng(2).standard_normal((4, 3)))
    weights = rng(3).standard_normal((2, 4, 3))
    assert ag.gradcheck(lambda x, w, b: (F.layer_norm(x, (4, 3), w, b) * weights).sum(), x, w, b)
    gw, gb = ag.Tensor(rng(4).standard_normal(4)), ag.Tensor(rng(5).standard_normal(4))
    assert ag.gradcheck(lambda x, w, b: (F.group_norm(x, 2, w, b) * weights).sum(), x, gw, gb)


def test_norms_keep_float32_and_match_torch():
    x = rng(6).standard_normal((4, 6, 5, 5)).astype(np.float32)
    for mine, theirs in ((nn.LayerNorm([5, 5]), torch.nn.LayerNorm([5, 5])),
                         (nn.GroupNorm(3, 6), torch.nn.GroupNorm(3, 6))):
        out, _ = check_module_against_torch(mine, theirs, x, rtol=1e-4, atol=1e-5)
        assert out.dtype == np.float32 and mine.weight.grad.dtype == np.float32, "expected float32 throughout"
    layer = nn.LayerNorm(5, elementwise_affine=False)
    assert layer(ag.Tensor(x)).dtype == np.float32 and not list(layer.parameters())


def test_norm_errors_name_the_layer_and_shape():
    with pytest.raises(ValueError, match=r"layer_norm: input of shape \(2, 3\) does not end in normalized_shape"):
        nn.LayerNorm(4)(np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"GroupNorm: num_channels \(5\) must be divisible by num_groups \(2\)"):
        nn.GroupNorm(2, 5)
    with pytest.raises(ValueError, match=r"GroupNorm: expected input \(N, 4, \*\), got shape \(2, 3, 5\)"):
        nn.GroupNorm(2, 4)(np.zeros((2, 3, 5), dtype=np.float32))
    with pytest.raises(ValueError, match=r"layer_norm: weight has shape \(3,\), expected \(4,\)"):
        F.layer_norm(ag.Tensor(np.zeros((2, 4))), 4, np.ones(3))


def test_dropout2d_drops_whole_channels_and_scales_the_rest():
    np.random.seed(0)
    x = ag.Tensor(np.ones((8, 16, 3, 3), dtype=np.float32))
    layer = nn.Dropout2d(0.25)
    y = layer(x)
    per_channel = y.value.reshape(8, 16, 9)
    assert (per_channel.min(axis=2) == per_channel.max(axis=2)).all(), "expected each channel all kept or all zero"
    assert set(np.unique(y.value)) == {0.0, np.float32(1 / 0.75)}, "expected zeros and survivors scaled by 1/(1-p)"
    dropped = (per_channel[:, :, 0] == 0).mean()
    assert 0.1 < dropped < 0.4, f"expected about a quarter of the channels dropped, got {dropped}"
    upstream = rng(7).standard_normal(y.shape).astype(np.float32)
    y.backward(upstream)
    assert_close(x.grad, upstream * y.value, "Dropout2d's gradient = upstream * mask")
    assert y.dtype == np.float32
    layer.eval()
    assert layer(x) is x, "expected eval mode to pass the input through"
    assert repr(layer) == repr(torch.nn.Dropout2d(0.25))
    with pytest.warns(UserWarning, match="interpreted as shape"):
        three = F.dropout2d(ag.Tensor(np.ones((2, 5, 7))), 0.5)
    assert (three.value.min(axis=2) == three.value.max(axis=2)).all(), "expected (N, C, L) channels dropped whole"
    with pytest.raises(ValueError, match=r"dropout probability has to be between 0 and 1, but got 1\.5"):
        nn.Dropout2d(1.5)
    with pytest.raises(ValueError, match=r"dropout2d: expected input"):
        F.dropout2d(ag.Tensor(np.ones((2, 3))))
