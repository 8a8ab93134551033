"""AdaptiveAvgPool2d, AdaptiveMaxPool2d and Upsample / interpolate against torch over hypothesis
geometries (float64 values and input gradients), by finite differences, and in float32."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import assert_close, check_against_torch, rng

torch = pytest.importorskip("torch")
TF = torch.nn.functional

sizes = st.integers(1, 9)


@given(h=sizes, w=sizes, oh=sizes, ow=st.one_of(sizes, st.none()), seed=st.integers(0, 50))
def test_adaptive_avg_pool_matches_torch(h, w, oh, ow, seed):
    x = rng(seed).standard_normal((2, 3, h, w))
    check_against_torch(lambda t: F.adaptive_avg_pool2d(t, (oh, ow)), lambda t: TF.adaptive_avg_pool2d(t, (oh, ow)),
                        x, rtol=1e-10, atol=1e-12, seed=seed)


@given(h=sizes, w=sizes, oh=sizes, ow=sizes, seed=st.integers(0, 50), ties=st.booleans())
def test_adaptive_max_pool_matches_torch_values_gradients_and_indices(h, w, oh, ow, seed, ties):
    x = rng(seed).standard_normal((2, 3, h, w))
    if ties:  # many equal values: the gradient must go to torch's choice (the first in row-major order)
        x = np.round(x)
    check_against_torch(lambda t: F.adaptive_max_pool2d(t, (oh, ow)), lambda t: TF.adaptive_max_pool2d(t, (oh, ow)),
                        x, rtol=1e-10, atol=1e-12, seed=seed)
    _, ours = F.adaptive_max_pool2d(ag.Tensor(x), (oh, ow), return_indices=True)
    _, theirs = TF.adaptive_max_pool2d(torch.from_numpy(x), (oh, ow), return_indices=True)
    np.testing.assert_array_equal(ours, theirs.numpy(), err_msg="expected torch's flat argmax indices")


def test_adaptive_pools_gradcheck_nondividing_sizes():
    x = ag.Tensor(rng(1).standard_normal((1, 2, 7, 5)))
    weights = rng(2).standard_normal((1, 2, 3, 4))
    assert ag.gradcheck(lambda x: (F.adaptive_avg_pool2d(x, (3, 4)) * weights).sum(), x)
    assert ag.gradcheck(lambda x: (F.adaptive_max_pool2d(x, (3, 4)) * weights).sum(), x)


@pytest.mark.parametrize("layer_args", [1, (2, 3), (None, 2), 5])
def test_adaptive_layers_match_torch_batched_unbatched_float32(layer_args):
    x = rng(3).standard_normal((2, 4, 6, 7)).astype(np.float32)
    for mine, theirs in ((nn.AdaptiveAvgPool2d(layer_args), torch.nn.AdaptiveAvgPool2d(layer_args)),
                         (nn.AdaptiveMaxPool2d(layer_args), torch.nn.AdaptiveMaxPool2d(layer_args))):
        for sample in (x, x[0]):
            ours = mine(ag.Tensor(sample))
            assert ours.dtype == np.float32, f"expected {mine!r} to keep float32"
            assert_close(ours, theirs(torch.from_numpy(sample)).numpy(), f"{mine!r} vs torch", 1e-6, 1e-6)
        assert repr(mine) == repr(theirs), f"expected torch's repr {theirs!r}"
    _, indices = nn.AdaptiveMaxPool2d(layer_args, return_indices=True)(ag.Tensor(x[0]))
    unbatched = F.adaptive_max_pool2d(ag.Tensor(x[0]), layer_args)
    assert unbatched.shape[0] == 4 and unbatched.ndim == 3, "expected the functional form to take (C, H, W) too"
    expected = torch.nn.AdaptiveMaxPool2d(layer_args, return_indices=True)(torch.from_numpy(x[0]))[1]
    np.testing.assert_array_equal(indices, expected.numpy(), err_msg="expected unbatched indices as torch's")


@given(h=st.integers(1, 6), w=st.integers(1, 6), oh=st.integers(1, 12), ow=st.integers(1, 12),
       mode=st.sampled_from(["nearest", "nearest-exact", "bilinear"]), align=st.booleans(), seed=st.integers(0, 50))
def test_interpolate_to_a_size_matches_torch(h, w, oh, ow, mode, align, seed):
    align_corners = align if mode == "bilinear" else None
    x = rng(seed).standard_normal((2, 2, h, w))
    check_against_torch(lambda t: F.interpolate(t, size=(oh, ow), mode=mode, align_corners=align_corners),
                        lambda t: TF.interpolate(t, size=(oh, ow), mode=mode, align_corners=align_corners),
                        x, rtol=1e-10, atol=1e-12, seed=seed)


@given(h=st.integers(1, 6), w=st.integers(1, 6), scale=st.sampled_from([0.5, 0.7, 1.5, 2, 2.5, 3]),
       mode=st.sampled_from(["nearest", "nearest-exact", "bilinear"]), align=st.booleans(), seed=st.integers(0, 50))
def test_interpolate_by_a_scale_factor_matches_torch(h, w, scale, mode, align, seed):
    if min(int(h * scale), int(w * scale)) < 1:
        return
    align_corners = align if mode == "bilinear" else None
    x = rng(seed).standard_normal((1, 3, h, w))
    check_against_torch(lambda t: F.interpolate(t, scale_factor=scale, mode=mode, align_corners=align_corners),
                        lambda t: TF.interpolate(t, scale_factor=scale, mode=mode, align_corners=align_corners),
                        x, rtol=1e-10, atol=1e-12, seed=seed)


def test_upsample_layer_float32_repr_and_gradcheck():
    x = rng(4).standard_normal((2, 3, 5, 4)).astype(np.float32)
    for kwargs in ({"scale_factor": 2}, {"size": (7, 9), "mode": "bilinear"},
                   {"scale_factor": 2, "mode": "bilinear", "align_corners": True}):
        mine, theirs = nn.Upsample(**kwargs), torch.nn.Upsample(**kwargs)
        out = mine(ag.Tensor(x))
        assert out.dtype == np.float32, "expected float32 in, float32 out"
        assert_close(out, theirs(torch.from_numpy(x)).numpy(), f"Upsample({kwargs}) vs torch", 1e-6, 1e-6)
    assert repr(nn.Upsample(scale_factor=2)) == repr(torch.nn.Upsample(scale_factor=2))
    t = ag.Tensor(rng(5).standard_normal((1, 1, 3, 4)))
    weights = rng(6).standard_normal((1, 1, 5, 7))
    assert ag.gradcheck(lambda t: (F.interpolate(t, size=(5, 7), mode="bilinear") * weights).sum(), t)


def test_resampling_errors_name_the_function_and_value():
    x = ag.Tensor(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match="interpolate: mode must be one of nearest, nearest-exact, bilinear, got"):
        F.interpolate(x, size=2, mode="cubic")
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        F.interpolate(x, size=2, align_corners=True)
    with pytest.raises(ValueError, match="give exactly one of size and scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match=r"adaptive_avg_pool2d: expected input \(N, C, H, W\) or \(C, H, W\), got"):
        F.adaptive_avg_pool2d(np.zeros((4, 4)), 2)
    with pytest.raises(ValueError, match=r"AdaptiveMaxPool2d: output_size must hold positive ints .* got 0"):
        nn.AdaptiveMaxPool2d(0)
    with pytest.raises(ValueError, match=r"interpolate: scale_factor must be a positive number or a pair, got -1"):
        F.interpolate(x, scale_factor=-1)
