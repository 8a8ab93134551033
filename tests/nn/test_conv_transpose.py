"""nn.ConvTranspose2d and nn.models.ConvAutoencoder against torch (they run once autograd has the
``ag.conv_transpose2d`` op), and the layer's construction-time checks."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
from tests.helpers import assert_close, rng
from tests.nn.parity import check_module_against_torch, torch_state_dict

torch = pytest.importorskip("torch")


@given(c_in=st.sampled_from([2, 4]), c_out=st.sampled_from([2, 6]), k=st.integers(1, 4), stride=st.integers(1, 3),
       padding=st.integers(0, 2), dilation=st.integers(1, 2), groups=st.sampled_from([1, 2]), bias=st.booleans(),
       extra=st.integers(0, 2), size=st.integers(2, 5), seed=st.integers(0, 50))
def test_conv_transpose2d_layer_matches_torch_float64(c_in, c_out, k, stride, padding, dilation, groups, bias, extra,
                                                      size, seed):
    output_padding = min(extra, max(stride, dilation) - 1)
    if (size - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1 < 1:
        return
    args = (c_in, c_out, k, stride, padding, output_padding, groups, bias, dilation)
    mine, theirs = nn.ConvTranspose2d(*args).double(), torch.nn.ConvTranspose2d(*args).double()
    x = rng(seed).standard_normal((2, c_in, size, size + 1))
    check_module_against_torch(mine, theirs, x, rtol=1e-9, atol=1e-10, seed=seed)


def test_conv_transpose2d_float32_unbatched_and_output_size():
    mine, theirs = nn.ConvTranspose2d(3, 5, 3, stride=2, padding=1), torch.nn.ConvTranspose2d(3, 5, 3, stride=2,
                                                                                                  padding=1)
    theirs.load_state_dict(torch_state_dict(mine.state_dict()))
    x = rng(1).standard_normal((3, 4, 4)).astype(np.float32)
    out = mine(ag.Tensor(x), output_size=(8, 8))
    expected = theirs(torch.from_numpy(x)[None], output_size=(8, 8))[0].detach().numpy()
    assert out.shape == (5, 8, 8) and out.dtype == np.float32, "expected an unbatched float32 (5, 8, 8) output"
    assert_close(out, expected, "ConvTranspose2d with output_size vs torch", 1e-5, 1e-5)
    with pytest.raises(ValueError, match=r"requested an output size of \(9, 9\), but valid sizes"):
        mine(ag.Tensor(x), output_size=(9, 9))


def test_conv_autoencoder_matches_torch_and_reconstructs_the_input_shape():
    from tests.nn.torch_models import TorchAutoencoder

    mine, theirs = nn.models.ConvAutoencoder(1).double(), TorchAutoencoder(1).double()
    assert [(k, v.shape) for k, v in mine.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()], "expected torch's keys and shapes"
    x = rng(2).uniform(0, 1, (2, 1, 28, 28))
    out, _ = check_module_against_torch(mine, theirs, x, rtol=1e-9, atol=1e-10)
    assert out.shape == x.shape, "expected the reconstruction to have the input's shape"


def test_conv_transpose2d_layer_init_keys_and_errors():
    np.random.seed(0)
    layer = nn.ConvTranspose2d(8, 6, (3, 2), stride=2, groups=2)
    reference = torch.nn.ConvTranspose2d(8, 6, (3, 2), stride=2, groups=2)
    assert [(k, v.shape) for k, v in layer.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in reference.state_dict().items()], "expected torch's (C_in, C_out/g, kH, kW)"
    bound = 1 / math.sqrt(3 * 3 * 2)  # fan_in = weight.shape[1] * kH * kW, as torch counts it
    assert np.abs(layer.weight.value).max() <= bound and np.abs(layer.weight.value).max() > 0.8 * bound, \
        "expected U(-1/sqrt(fan_in), 1/sqrt(fan_in)) filling its range"
    assert np.abs(layer.bias.value).max() <= bound and layer.weight.dtype == np.float32
    assert repr(layer) == repr(reference), f"expected torch's repr {reference!r}"
    assert nn.ConvTranspose2d(2, 2, 3, bias=False).bias is None
    with pytest.raises(ValueError, match=r"output_padding .* must be smaller than either stride"):
        nn.ConvTranspose2d(2, 2, 3, stride=1, output_padding=1)
    with pytest.raises(ValueError, match=r"ConvTranspose2d: in_channels \(3\) and out_channels \(4\) must both be "
                                         r"divisible by groups \(2\)"):
        nn.ConvTranspose2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"ConvTranspose2d: kernel_size must be >= 1, got 0"):
        nn.ConvTranspose2d(2, 2, 0)
    with pytest.raises(ValueError, match="expected in_channels=2"):
        nn.ConvTranspose2d(2, 2, 3)(np.zeros((1, 3, 4, 4), dtype=np.float32))
