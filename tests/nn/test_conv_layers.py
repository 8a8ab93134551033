"""Conv2d, MaxPool2d and AvgPool2d modules against torch, and lesson 6's worked example."""

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import assert_close, check_against_torch, rng
from tests.nn.parity import check_module_against_torch

CONV_CASES = [
    dict(in_channels=1, out_channels=6, kernel_size=5, padding=2),
    dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1),
    dict(in_channels=2, out_channels=3, kernel_size=(3, 2), stride=(1, 2), padding=(0, 1), dilation=2),
    dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, bias=False),
    dict(in_channels=4, out_channels=4, kernel_size=3, groups=4, padding="same"),
    dict(in_channels=2, out_channels=3, kernel_size=4, padding="same"),
    dict(in_channels=2, out_channels=3, kernel_size=(2, 3), dilation=(2, 1), padding="same"),
    dict(in_channels=2, out_channels=3, kernel_size=3, padding="valid"),
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's own note
@pytest.mark.parametrize("settings", CONV_CASES, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_conv2d_matches_torch_float64(settings):
    torch = pytest.importorskip("torch")
    x = rng(1).standard_normal((2, settings["in_channels"], 9, 8))
    check_module_against_torch(nn.Conv2d(**settings).double(), torch.nn.Conv2d(**settings).double(), x)


def test_conv2d_float32_and_unbatched_input():
    torch = pytest.importorskip("torch")
    layer = nn.Conv2d(3, 5, 3, padding=1)
    assert layer.weight.dtype == np.float32 and layer.weight.shape == (5, 3, 3, 3) and layer.bias.shape == (5,)
    x = rng(2).standard_normal((3, 7, 7)).astype(np.float32)
    out, _ = check_module_against_torch(layer, torch.nn.Conv2d(3, 5, 3, padding=1), x, rtol=1e-4, atol=1e-5)
    assert out.shape == (5, 7, 7) and out.dtype == np.float32, "expected an unbatched output, float32 kept"


def test_conv2d_init_bounds_and_parameter_shapes():
    np.random.seed(1)
    layer = nn.Conv2d(8, 16, 3, groups=2)
    assert layer.weight.shape == (16, 4, 3, 3)
    bound = 1 / math.sqrt(4 * 9)
    assert np.abs(layer.weight.value).max() <= bound and np.abs(layer.bias.value).max() <= bound
    assert np.abs(layer.weight.value).max() > 0.9 * bound


def test_conv2d_argument_errors():
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="strided"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="'full'"):
        nn.Conv2d(1, 1, 3, padding="full")
    with pytest.raises(ValueError, match="kernel_size"):
        nn.Conv2d(1, 1, 0)
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(1, 1, 3, padding_mode="reflect")
    layer = nn.Conv2d(3, 2, 3)
    with pytest.raises(ValueError, match=r"input has 1 channels .* expected in_channels=3"):
        layer(np.zeros((2, 1, 5, 5), dtype=np.float32))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\) or \(C, H, W\), got shape \(5, 5\)"):
        layer(np.zeros((5, 5), dtype=np.float32))


@pytest.mark.parametrize("kind", ["MaxPool2d", "AvgPool2d"])
@pytest.mark.parametrize("args", [(2,), (3, 1), (3, 2, 1), ((2, 3), (2, 1))])
def test_pooling_matches_torch(kind, args):
    torch = pytest.importorskip("torch")
    x = rng(3).standard_normal((2, 3, 8, 7))
    check_against_torch(getattr(nn, kind)(*args), getattr(torch.nn, kind)(*args), x)
    unbatched = getattr(nn, kind)(*args)(x[0])
    assert_close(unbatched, getattr(torch.nn, kind)(*args)(torch.tensor(x[0])).numpy(), f"unbatched {kind}")


def test_pooling_keeps_float32_with_every_option():
    x = rng(4).standard_normal((1, 2, 5, 5)).astype(np.float32)
    for layer in [nn.MaxPool2d(2), nn.AvgPool2d(2), nn.MaxPool2d(2, ceil_mode=True, dilation=2),
                  nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)]:
        assert layer(x).dtype == np.float32, f"expected {layer} to keep float32"
    with pytest.raises(TypeError, match="MaxPool2d: ceil_mode must be True or False"):
        nn.MaxPool2d(2, ceil_mode="yes")
    with pytest.raises(ValueError, match="AvgPool2d: divisor_override must be a nonzero int"):
        nn.AvgPool2d(2, divisor_override=0)


def test_functional_reexports_the_autograd_ops():
    from autograd.ops import fold
    assert F.unfold is fold.unfold and F.fold is fold.fold


def test_lesson6_putting_all_together_on_nn_layers():
    """Lesson 6's last example, written as in the lesson: blur and vertical-edge filters over a
    2-channel 3x3 image, then a 2x2 max pool. The lesson's Conv2d has no bias."""
    x = np.array([
        [[1, 2, 3],
         [4, 5, 6],
         [7, 8, 9]],

        [[11, 12, 13],
         [14, 15, 16],
         [17, 18, 19]],
    ], dtype=float)
    conv = nn.Conv2d(in_channels=2, out_channels=2, kernel_size=2, stride=1, padding=0, bias=False)
    blur = np.array([[1, 1],
                     [1, 1]])
    vertical = np.array([[-1, 1],
                         [-1, 1]])
    for c in range(conv.in_channels):
        conv.weight[0, c] = blur
        conv.weight[1, c] = vertical
    pool = nn.MaxPool2d(kernel_size=2, stride=2)
    y_conv = conv.forward(x)
    y_pool = pool.forward(y_conv)
    np.testing.assert_array_equal(y_conv.value, [[[64, 72], [88, 96]], [[4, 4], [4, 4]]],
                                  err_msg="expected the lesson's 'After Conv2d' output")
    np.testing.assert_array_equal(y_pool.value, [[[96]], [[4]]], err_msg="expected the lesson's 'After MaxPool2d'")
    y_pool.sum().backward()
    assert conv.weight.grad.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(conv.weight.grad[0, 0], [[5, 6], [8, 9]],
                                  err_msg="expected the gradient from the max (bottom-right) window only")


def test_conv_module_gradcheck_float64_through_same_padding():
    layer = nn.Conv2d(2, 2, 4, padding="same").double()  # even kernel: the extra pad row/column path
    x = ag.Tensor(rng(5).standard_normal((2, 5, 5)))
    weights = rng(6).standard_normal((2, 5, 5))
    assert ag.gradcheck(lambda x: (layer(x) * weights).sum(), x)
