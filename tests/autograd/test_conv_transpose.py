"""conv_transpose2d against PyTorch over a pairwise grid (float64, values and every gradient), on
every kernel; and the ops conv2d's backward is written with (dX, dW), checked by finite differences."""

import numpy as np
import pytest

import autograd as ag
from autograd.geometry import WindowGeometry
from autograd.ops.conv import conv2d_input, conv2d_weight, conv_transpose2d
from tests.autograd.pairwise import case_id, pairwise_cases
from tests.helpers import check_against_torch, rng

PARAMETERS = {
    "size": [(3, 4), (5, 2)],
    "kernel": [(3, 3), (2, 3), (1, 1)],
    "stride": [1, 2, 3, (1, 2)],
    "padding": [0, 1, (2, 1)],
    "output_padding": [0, 1, (0, 2)],
    "dilation": [1, 2, (2, 1)],
    "groups": [1, 2],
    "bias": [True, False],
}


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


def _valid(case):
    sizes = []
    for i, k, s, p, e, d in zip(case["size"], case["kernel"], *(map(_pair, (case[n] for n in (
            "stride", "padding", "output_padding", "dilation"))))):
        if e >= max(s, d):
            return False
        sizes.append((i - 1) * s - 2 * p + d * (k - 1) + e + 1)
    return min(sizes) >= 1


GRID = pairwise_cases(PARAMETERS, _valid)


@pytest.mark.usefixtures("each_kernel")
@pytest.mark.parametrize("case", GRID, ids=case_id)
def test_conv_transpose2d_matches_torch(case):
    torch = pytest.importorskip("torch")
    groups = case["groups"]
    x = rng(0).standard_normal((2, 2 * groups, *case["size"]))
    w = rng(1).standard_normal((2 * groups, 3, *case["kernel"]))
    options = {name: case[name] for name in ("stride", "padding", "output_padding", "dilation")} | {"groups": groups}
    if case["bias"]:
        b = rng(2).standard_normal(3 * groups)
        check_against_torch(lambda x, w, b: conv_transpose2d(x, w, b, **options),
                            lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, **options), x, w, b,
                            rtol=1e-10, atol=1e-12)
    else:
        check_against_torch(lambda x, w: conv_transpose2d(x, w, **options),
                            lambda x, w: torch.nn.functional.conv_transpose2d(x, w, **options), x, w,
                            rtol=1e-10, atol=1e-12)


def test_grid_has_every_option():
    assert 10 < len(GRID) < 60, f"expected a few dozen cases, got {len(GRID)}"
    for name, values in PARAMETERS.items():
        for value in values:
            assert any(case[name] == value for case in GRID), f"expected a case with {name}={value!r}"


def test_conv_transpose2d_is_the_input_gradient_of_conv2d():
    x, w = rng(3).standard_normal((2, 3, 7, 6)), rng(4).standard_normal((4, 3, 3, 2))
    dy = rng(5).standard_normal((2, 4, 4, 4))
    x_t = ag.Tensor(x)
    ag.conv2d(x_t, w, stride=2, padding=1).backward(dy)
    # the output size (H_in - 1) s - 2 p + (k - 1) + output_padding + 1: 7 = 6 - 2 + 2 + 0 + 1, 6 = 6 - 2 + 1 + 0 + 1
    np.testing.assert_allclose(conv_transpose2d(dy, w, stride=2, padding=1).value, x_t.grad,
                               rtol=1e-12, err_msg="expected conv_transpose2d(dY, W) to be conv2d's dX")


def test_conv_transpose2d_float32_stays_float32():
    x = ag.Tensor(rng(6).standard_normal((1, 2, 4, 4)).astype(np.float32))
    w = ag.Tensor(rng(7).standard_normal((2, 3, 3, 3)).astype(np.float32))
    y = conv_transpose2d(x, w, stride=2)
    y.backward(np.ones(y.shape, dtype=np.float32))
    assert y.dtype == x.grad.dtype == w.grad.dtype == np.float32, "expected float32 values and gradients"


@pytest.mark.parametrize("call, message", [
    (lambda: conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((3, 1, 2, 2))), "input has 2 channels but the weight"),
    (lambda: conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((2, 1, 2, 2)), output_padding=1),
     "output_padding 1 must be smaller than either stride"),
    (lambda: conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((2, 1, 2, 2)), groups=3), "groups=3 must divide"),
    (lambda: conv_transpose2d(np.ones((1, 2, 1, 1)), np.ones((2, 1, 1, 1)), padding=1), "the output would be"),
    (lambda: conv_transpose2d(np.ones((1, 2, 3, 3)), np.ones((2, 1, 2, 2)), np.ones(2)),
     r"bias must have shape \(1,\)"),
    (lambda: conv_transpose2d(np.ones((2, 3, 3)), np.ones((2, 1, 2, 2))), "conv_transpose2d: input must be 4-D"),
])
def test_conv_transpose2d_bad_arguments_name_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- the backward's own ops: dX and dW of a convolution, each differentiable -----------------------
GEOMETRIES = [
    (WindowGeometry((2, 4, 6, 5), (3, 2), (1, 1), ((1, 1), (0, 1)), (1, 2)), 2),
    (WindowGeometry((1, 3, 7, 7), (3, 3), (2, 3), ((1, 1), (1, 1)), (1, 1)), 1),
    (WindowGeometry((2, 2, 4, 4), (1, 1), (2, 1), ((0, 0), (1, 1)), (1, 1)), 2),
]


@pytest.mark.usefixtures("each_kernel")
@pytest.mark.parametrize("geom, groups", GEOMETRIES)
def test_the_backward_ops_pass_finite_differences(geom, groups):
    c_out = 2 * groups
    x = rng(8).standard_normal(geom.shape)
    w = rng(9).standard_normal((c_out, geom.C // groups, *geom.kernel))
    dy = rng(10).standard_normal((geom.N, c_out, geom.H_out, geom.W_out))
    probe_x, probe_w = rng(11).standard_normal(geom.shape), rng(12).standard_normal(w.shape)
    ag.gradcheck(lambda dy, w: ag.sum(conv2d_input(dy, w, geom, groups) * probe_x), ag.Tensor(dy), ag.Tensor(w))
    ag.gradcheck(lambda x, dy: ag.sum(conv2d_weight(x, dy, geom, groups) * probe_w), ag.Tensor(x), ag.Tensor(dy))
