"""max_pool2d and avg_pool2d: values and gradients against PyTorch over a pairwise grid (overlapping
and padded pools), ties, -inf padding, finite differences, float32, lesson 9's MaxPool2d, bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd.ops.pool import avg_pool2d, max_pool2d
from nn.lesson_layers import BatchedMaxPool2d, NaiveMaxPool2d
from tests.autograd.pairwise import case_id, pairwise_cases
from tests.helpers import check_against_torch, rng

PARAMETERS = {
    "batch": [1, 2],
    "size": [(7, 9), (8, 6)],
    "kernel": [2, 3, (2, 3), (3, 1)],
    "stride": [None, 1, 2, (2, 1), 3],
    "padding": [0, 1, (1, 0)],
}


def _valid(case):
    kernel = case["kernel"] if isinstance(case["kernel"], tuple) else (case["kernel"],) * 2
    padding = case["padding"] if isinstance(case["padding"], tuple) else (case["padding"],) * 2
    return all(2 * p <= k for p, k in zip(padding, kernel))


GRID = pairwise_cases(PARAMETERS, _valid)
POOLS = {"max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d}


@pytest.mark.parametrize("name", sorted(POOLS))
@pytest.mark.parametrize("case", GRID, ids=case_id)
@pytest.mark.usefixtures("each_kernel")
def test_pool_matches_torch(name, case):
    torch = pytest.importorskip("torch")
    x = rng(0).standard_normal((case["batch"], 3, *case["size"]))
    args = (case["kernel"], case["stride"], case["padding"])
    check_against_torch(lambda x: POOLS[name](x, *args), lambda x: getattr(torch.nn.functional, name)(x, *args), x,
                        rtol=1e-12, atol=1e-14)


@st.composite
def pool_geometries(draw):
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = draw(st.tuples(st.integers(0, kernel[0] // 2), st.integers(0, kernel[1] // 2)))
    size = [draw(st.integers(max(1, k - 2 * p), 7)) for k, p in zip(kernel, padding)]
    return (draw(st.integers(1, 2)), draw(st.integers(1, 2)), *size), (kernel, stride, padding)


@given(pool_geometries(), st.sampled_from(sorted(POOLS)), st.sampled_from(ag.available_kernels()))
def test_pool_random_geometry_matches_torch(geometry, name, kernels):
    torch = pytest.importorskip("torch")
    shape, args = geometry
    x = rng(0).standard_normal(shape)
    with ag.use_kernels(kernels):
        check_against_torch(lambda x: POOLS[name](x, *args), lambda x: getattr(torch.nn.functional, name)(x, *args),
                            x, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kernel, stride", [(2, None), (3, 1), (2, 1), ((3, 2), (1, 2))])
def test_max_pool_ties_send_the_gradient_to_the_first_maximum(kernel, stride):
    torch = pytest.importorskip("torch")
    x = rng(1).integers(0, 2, (2, 2, 6, 7)).astype(float)  # many equal values in each window
    check_against_torch(lambda x: max_pool2d(x, kernel, stride),
                        lambda x: torch.nn.functional.max_pool2d(x, kernel, stride), x, rtol=0, atol=0)


@pytest.mark.parametrize("shape, kernel, stride", [
    ((2, 3, 8, 6), 2, None),  # windows tile the input exactly: every element gets its plane's value
    ((2, 3, 8, 6), (2, 3), (2, 3)),
    ((2, 3, 9, 7), 2, None),  # a last row and column no window covers
    ((2, 3, 8, 8), 2, 3),  # gaps between windows
])
@pytest.mark.usefixtures("each_kernel")
def test_max_pool_non_overlapping_backward_matches_torch(shape, kernel, stride):
    torch = pytest.importorskip("torch")
    x = rng(8).integers(0, 3, shape).astype(float)  # ties too
    check_against_torch(lambda x: max_pool2d(x, kernel, stride),
                        lambda x: torch.nn.functional.max_pool2d(x, kernel, stride), x, rtol=0, atol=0)


def test_max_pool_ties_by_hand():
    x = ag.Tensor(np.array([[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 0.0, 0.0]]]]))
    out = max_pool2d(x, 2)
    out.backward(np.array([[[[10.0, 20.0]]]]))
    np.testing.assert_array_equal(out.value, [[[[3.0, 3.0]]]], err_msg="expected the window maxima")
    np.testing.assert_array_equal(x.grad, [[[[0, 10, 20, 0], [0, 0, 0, 0]]]],
                                  err_msg="expected each gradient on the first maximum, in row-major order")


def test_max_pool_pads_with_minus_infinity():
    x = ag.Tensor(-1.0 - rng(2).random((1, 2, 4, 5)))  # all negative: a zero padding would win
    out = max_pool2d(x, 2, padding=1)
    assert (out.value < 0).all(), "expected the padding never to be the maximum"
    out.backward(np.ones(out.shape))
    assert x.grad.sum() == out.size, "expected every output's gradient to reach a real input element"


@pytest.mark.parametrize("kernel, stride, padding", [
    (2, 1, 1), (3, 1, 1), (2, None, 0), (3, 2, 1), ((3, 2), 1, (1, 0)),
])
@pytest.mark.usefixtures("each_kernel")
def test_max_pool_non_finite_inputs_match_torch(kernel, stride, padding):
    """All -inf windows send their gradient to the first real element, never to a padding cell;
    a window holding NaN outputs NaN and sends its gradient to its last NaN (PyTorch's kernel)."""
    torch = pytest.importorskip("torch")
    choices = np.array([-np.inf, -np.inf, np.nan, 0.0, 1.0])  # ties of -inf, NaNs, ties of finite values
    x = rng(9).choice(choices, size=(2, 3, 5, 6))
    x[0, 0] = -np.inf  # a whole plane of -inf: every window is all -inf
    a = ag.Tensor(x.copy())
    out = max_pool2d(a, kernel, stride, padding)
    upstream = rng(10).standard_normal(out.shape)
    out.backward(upstream)
    t = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.max_pool2d(t, kernel, stride, padding)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(out.value, expected.detach().numpy(),
                                  err_msg="expected torch's maxima (NaN where a window holds NaN)")
    np.testing.assert_allclose(a.grad, t.grad.numpy(), rtol=1e-12, atol=1e-12,
                               err_msg="expected each gradient on the element torch picks")


def test_avg_pool_counts_the_padding():
    out = avg_pool2d(np.ones((1, 1, 2, 2)), 2, padding=1)
    np.testing.assert_array_equal(out.value, np.full((1, 1, 2, 2), 0.25),
                                  err_msg="expected count_include_pad=True: 1 real value / 4")


@pytest.mark.parametrize("name", sorted(POOLS))
@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 1, 1), ((2, 3), (1, 2), (1, 0))])
@pytest.mark.usefixtures("each_kernel")
def test_pool_finite_differences(name, kernel, stride, padding):
    x = ag.Tensor(rng(3).permutation(2 * 2 * 5 * 6).reshape(2, 2, 5, 6) / 7.0)  # distinct values: no ties
    weights = rng(4).standard_normal(POOLS[name](x, kernel, stride, padding).shape)
    assert ag.gradcheck(lambda x: ag.sum(POOLS[name](x, kernel, stride, padding) * weights), x)


@pytest.mark.parametrize("name", sorted(POOLS))
@pytest.mark.parametrize("stride", [None, 1])
@pytest.mark.usefixtures("each_kernel")
def test_pool_float32_stays_float32(name, stride, handed_gradient_dtypes):
    x = ag.Tensor(rng(5).standard_normal((2, 3, 6, 6)).astype(np.float32))
    out = POOLS[name](x, 2, stride, 1)
    assert out.dtype == np.float32, f"expected float32 output, got {out.dtype}"
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert set(handed_gradient_dtypes) == {np.dtype(np.float32)}, (
        f"expected a float32 gradient from the op, got {handed_gradient_dtypes}")


def test_avg_pool_of_integers_is_float64():
    out = avg_pool2d(np.arange(16).reshape(1, 1, 4, 4), 2)
    assert out.dtype == np.float64 and out.value[0, 0, 0, 0] == 2.5, "expected the float mean of 0, 1, 4, 5"


@pytest.mark.parametrize("stride", [2, 1, 3])
def test_lesson9_naive_and_batched_max_pool_agree_with_agrad(stride):
    x_np = rng(6).standard_normal((3, 2, 7, 8))
    naive, batched = NaiveMaxPool2d(2, stride), BatchedMaxPool2d(2, stride)
    y_naive, y_batched = naive.forward(x_np), batched.forward(x_np)
    dY = rng(7).standard_normal(y_naive.shape)
    np.testing.assert_array_equal(y_batched, y_naive, err_msg="expected batched == naive forward")
    np.testing.assert_array_equal(batched.backward(dY), naive.backward(dY), err_msg="expected the same dX")

    x = ag.Tensor(x_np)
    out = max_pool2d(x, 2, stride)
    out.backward(dY)
    np.testing.assert_array_equal(out.value, y_batched, err_msg="expected agrad's forward")
    np.testing.assert_allclose(x.grad, batched.backward(dY), rtol=1e-15, err_msg="expected agrad's dX")


BAD = [
    (dict(x=np.zeros((3, 6, 6))), r"input must be 4-D \(N, C, H, W\), got shape \(3, 6, 6\)"),
    (dict(kernel_size=0), "kernel_size must be >= 1, got 0"),
    (dict(kernel_size=2.5), "kernel_size must be an int or a pair of ints, got 2.5"),
    (dict(stride=0), "stride must be >= 1, got 0"),
    (dict(stride=(1, 2, 3)), r"stride must be an int or a pair of ints, got \(1, 2, 3\)"),
    (dict(padding=-1), "padding must be >= 0, got -1"),
    (dict(padding=2), "padding 2 must be at most half the kernel size 3"),
    (dict(kernel_size=2, padding=(0, 2)), r"padding \(0, 2\) must be at most half the kernel size 2"),
    (dict(kernel_size=7), "kernel height 7 .* larger than the padded input height 6"),
]


@pytest.mark.parametrize("name", sorted(POOLS))
@pytest.mark.parametrize("change, message", BAD, ids=[m for _, m in BAD])
def test_pool_bad_arguments_name_the_value(name, change, message):
    args = dict(x=np.zeros((1, 2, 6, 6)), kernel_size=3) | change
    with pytest.raises(ValueError, match=message) as error:
        POOLS[name](args.pop("x"), args.pop("kernel_size"), **args)
    assert str(error.value).startswith(f"{name}:"), f"expected the op's name first, got {error.value}"


@pytest.mark.usefixtures("each_kernel")
@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 1, 1), ((2, 3), (1, 2), (1, 0))])
def test_the_pool_backward_ops_pass_finite_differences(kernel, stride, padding):
    # each pool's backward is an op of its own (so it can be differentiated again): check it
    from autograd.geometry import WindowGeometry
    from autograd.ops import pool as pool_ops
    from autograd.ops.conv_args import pool_args

    x = rng(20).standard_normal((2, 2, 6, 7))
    geom = WindowGeometry(x.shape, *pool_args(x.shape, kernel, stride, padding, "max_pool2d"))
    _, max_idx = ag.kernels.current().max_pool2d(x, geom)
    dy = ag.Tensor(rng(21).standard_normal((2, 2, geom.H_out, geom.W_out)))
    probe_x, probe_y = rng(22).standard_normal(x.shape), rng(23).standard_normal(dy.shape)
    ag.gradcheck(lambda dy: ag.sum(pool_ops._route_to_argmax(dy, max_idx, geom) * probe_x), dy)
    ag.gradcheck(lambda dx: ag.sum(pool_ops._read_at_argmax(dx, max_idx, geom) * probe_y), ag.Tensor(x))
    ag.gradcheck(lambda dy: ag.sum(pool_ops._spread_over_windows(dy, geom) * probe_x), dy)
