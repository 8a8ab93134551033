"""conv2d: values and every gradient against PyTorch over a pairwise grid, finite differences,
float32, the lessons' worked examples, and every bad argument."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd.ops.conv import conv2d
from autograd.ops.pool import max_pool2d
from nn.lesson_layers import BatchedConv2d, Lesson6Conv2d, Lesson6MaxPool2d, NaiveConv2d
from tests.autograd.pairwise import case_id, pairwise_cases
from tests.helpers import check_against_torch, rng

# -- the grid: every pair of parameter values appears in at least one case ---------------------
PARAMETERS = {
    "batch": [1, 3],
    "size": [(7, 9), (8, 6)],
    "kernel": [(3, 3), (2, 3), (3, 1), (1, 1)],
    "stride": [1, 2, 3, (1, 2)],
    "padding": [0, 1, 2, "same", (2, 1)],
    "dilation": [1, 2, (2, 1)],
    "groups": ["1", "2", "depthwise"],
    "bias": [True, False],
}


def _valid(case):
    if case["padding"] == "same" and case["stride"] != 1:
        return False
    pads = {0: (0, 0), 1: (1, 1), 2: (2, 2), (2, 1): (2, 1)}.get(case["padding"], (0, 0))
    dilation = case["dilation"] if isinstance(case["dilation"], tuple) else (case["dilation"],) * 2
    return all(d * (k - 1) + 1 <= n + 2 * p
               for d, k, n, p in zip(dilation, case["kernel"], case["size"], pads))


GRID = pairwise_cases(PARAMETERS, _valid)


def _arrays(case, seed=0):
    c_in, c_out, groups = {"1": (4, 6, 1), "2": (4, 6, 2), "depthwise": (4, 8, 4)}[case["groups"]]
    generator = rng(seed)
    x = generator.standard_normal((case["batch"], c_in, *case["size"]))
    w = generator.standard_normal((c_out, c_in // groups, *case["kernel"]))
    b = generator.standard_normal(c_out) if case["bias"] else None
    return x, w, b, groups


def _check_case(case, seed=0):
    torch = pytest.importorskip("torch")
    x, w, b, groups = _arrays(case, seed)
    kwargs = dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"], groups=groups)
    if b is None:
        check_against_torch(lambda x, w: conv2d(x, w, **kwargs),
                            lambda x, w: torch.nn.functional.conv2d(x, w, **kwargs), x, w, rtol=1e-10, atol=1e-12)
    else:
        check_against_torch(lambda x, w, b: conv2d(x, w, b, **kwargs),
                            lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kwargs), x, w, b,
                            rtol=1e-10, atol=1e-12)


def test_grid_covers_every_pair():
    assert 10 < len(GRID) < 60, f"expected a few dozen cases, got {len(GRID)}"
    names = list(PARAMETERS)
    for a, b in itertools.combinations(names, 2):
        for value_a, value_b in itertools.product(PARAMETERS[a], PARAMETERS[b]):
            possible = any(_valid(dict(zip(names, values)) | {a: value_a, b: value_b})
                           for values in itertools.product(*PARAMETERS.values()))
            covered = any(case[a] == value_a and case[b] == value_b for case in GRID)
            assert covered or not possible, f"expected a case with {a}={value_a!r} and {b}={value_b!r}"


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("case", GRID, ids=case_id)
@pytest.mark.usefixtures("each_kernel")
def test_conv2d_matches_torch(case):
    _check_case(case)


@st.composite
def conv_geometries(draw):
    groups = draw(st.sampled_from([1, 2, 3]))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    sizes = st.integers(1, 3)
    kernel, stride, dilation = (draw(st.tuples(sizes, sizes)) for _ in range(3))
    padding = draw(st.one_of(st.tuples(st.integers(0, 2), st.integers(0, 2)), st.just("same")))
    if padding == "same":
        stride = (1, 1)
    span = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    pads = [d * (k - 1) // 2 for d, k in zip(dilation, kernel)] if padding == "same" else padding
    height = draw(st.integers(max(1, span[0] - 2 * pads[0]), 8))
    width = draw(st.integers(max(1, span[1] - 2 * pads[1]), 8))
    shape = (draw(st.integers(1, 3)), c_in, height, width)
    return shape, (c_out, c_in // groups, *kernel), dict(stride=stride, padding=padding, dilation=dilation,
                                                         groups=groups)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@given(conv_geometries(), st.booleans(), st.sampled_from(ag.available_kernels()))
def test_conv2d_random_geometry_matches_torch(geometry, with_bias, kernels):
    torch = pytest.importorskip("torch")
    shape, w_shape, kwargs = geometry
    x, w, b = rng(0).standard_normal(shape), rng(1).standard_normal(w_shape), rng(2).standard_normal(w_shape[0])
    with ag.use_kernels(kernels):
        _check_random_geometry(torch, x, w, b if with_bias else None, kwargs)


def _check_random_geometry(torch, x, w, b, kwargs):
    if b is not None:
        check_against_torch(lambda x, w, b: conv2d(x, w, b, **kwargs),
                            lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kwargs), x, w, b,
                            rtol=1e-10, atol=1e-12)
    else:
        check_against_torch(lambda x, w: conv2d(x, w, **kwargs),
                            lambda x, w: torch.nn.functional.conv2d(x, w, **kwargs), x, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kwargs", [
    dict(stride=2, padding=1),
    dict(padding="same", dilation=2),
    dict(stride=(1, 2), padding=(2, 0), groups=2),
    dict(groups=4),  # depthwise
    dict(padding="valid", dilation=(1, 2)),
])
@pytest.mark.usefixtures("each_kernel")
def test_conv2d_finite_differences(kwargs):
    x = ag.Tensor(rng(1).standard_normal((2, 4, 5, 6)))
    w = ag.Tensor(rng(2).standard_normal((4, 4 // kwargs.get("groups", 1), 3, 2)))
    b = ag.Tensor(rng(3).standard_normal(4))
    weights = rng(4).standard_normal(conv2d(x, w, b, **kwargs).shape)
    assert ag.gradcheck(lambda x, w, b: ag.sum(conv2d(x, w, b, **kwargs) * weights), x, w, b)


def test_conv2d_1x1_finite_differences():
    x, w, b = (ag.Tensor(rng(i).standard_normal(s)) for i, s in enumerate([(2, 4, 3, 5), (6, 2, 1, 1), (6,)]))
    kwargs = dict(stride=(1, 2), padding=(0, 1), groups=2)
    weights = rng(4).standard_normal(conv2d(x, w, b, **kwargs).shape)
    assert ag.gradcheck(lambda x, w, b: ag.sum(conv2d(x, w, b, **kwargs) * weights), x, w, b)


@pytest.mark.parametrize("c_out, kwargs", [
    (4, dict(padding=1)), (4, dict(stride=2)), (4, dict()), (6, dict(padding=2)),  # padded GEMM rows
    (8, dict()), (12, dict()), (16, dict(padding=1)), (6, dict(padding=1, groups=3)),
    (2, dict(kernel=1)), (4, dict(kernel=1, stride=2, padding=1)),
])
@pytest.mark.usefixtures("each_kernel")
def test_conv2d_float32_stays_float32(c_out, kwargs, handed_gradient_dtypes):
    kwargs = dict(kwargs)
    kernel = kwargs.pop("kernel", 3)
    x = ag.Tensor(rng(0).standard_normal((2, 3, 7, 7)).astype(np.float32))
    w = ag.Tensor(rng(1).standard_normal((c_out, 3 // kwargs.get("groups", 1), kernel, kernel)).astype(np.float32))
    b = ag.Tensor(rng(2).standard_normal(c_out).astype(np.float32))
    out = conv2d(x, w, b, **kwargs)
    assert out.dtype == np.float32, f"expected float32 output, got {out.dtype}"
    out.backward(np.ones(out.shape, dtype=np.float32))
    assert set(handed_gradient_dtypes) == {np.dtype(np.float32)} and len(handed_gradient_dtypes) >= 3, (
        f"expected float32 gradients from the op, got {handed_gradient_dtypes}")


def test_conv2d_mixed_dtypes_promote_as_numpy_does():
    x, w = np.zeros((1, 2, 5, 5), np.float32), np.zeros((3, 2, 3, 3), np.float32)
    assert conv2d(x, w.astype(np.float64)).dtype == np.float64, "expected float32 and float64 to give float64"
    assert conv2d(x, w, np.zeros(3)).dtype == np.float64, "expected a float64 bias to promote too"
    assert conv2d(x.astype(int), w.astype(int)).dtype == np.float64, "expected integers alone computed in float64"


def test_conv2d_input_without_grad_only_feeds_the_weight():
    torch = pytest.importorskip("torch")
    x_np, w_np = rng(0).standard_normal((3, 2, 6, 5)), rng(1).standard_normal((4, 2, 3, 3))
    x, w = ag.Tensor(x_np, requires_grad=False), ag.Tensor(w_np)
    conv2d(x, w, padding=1).backward(np.ones((3, 4, 6, 5)))
    tw = torch.tensor(w_np, requires_grad=True)
    torch.nn.functional.conv2d(torch.tensor(x_np), tw, padding=1).sum().backward()
    np.testing.assert_allclose(w.grad, tw.grad.numpy(), rtol=1e-10, err_msg="expected torch's weight gradient")
    assert x._grad is None, "expected no gradient for an input that does not require it"


@pytest.mark.parametrize("c_out, padding, stride", [(6, 2, 1), (16, 0, 1), (2, 1, 1), (16, 1, 2)])
@pytest.mark.usefixtures("each_kernel")
def test_conv2d_empty_batch_gives_empty_output_and_zero_gradients(c_out, padding, stride):
    # padded GEMM rows, dX by kernel rows and the strided col2im with N = 0 (the flipped kernel is a forward)
    x = ag.Tensor(np.zeros((0, 6, 14, 14), np.float32))
    w, b = ag.Tensor(rng(0).standard_normal((c_out, 6, 5, 5)).astype(np.float32)), ag.Tensor(np.ones(c_out, np.float32))
    out = conv2d(x, w, b, stride=stride, padding=padding)
    out.sum().backward()
    size = (14 + 2 * padding - 5) // stride + 1
    assert out.shape == (0, c_out, size, size), "expected an empty batch of feature maps"
    assert x.grad.shape == x.shape and not w.grad.any() and not b.grad.any(), "expected zero weight and bias gradients"


def test_conv2d_under_no_grad_records_nothing():
    with ag.no_grad():
        out = conv2d(ag.Tensor(np.ones((1, 1, 3, 3))), ag.Tensor(np.ones((1, 1, 2, 2))))
    assert not out.requires_grad and out.inputs == (), "expected a constant result"


# -- the lessons' worked examples -------------------------------------------------------------
LESSON6_X = np.array([[[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                      [[11, 12, 13], [14, 15, 16], [17, 18, 19]]], dtype=float)
BLUR = np.array([[1, 1], [1, 1]])
VERTICAL = np.array([[-1, 1], [-1, 1]])


@pytest.mark.usefixtures("each_kernel")
def test_lesson6_putting_all_together():
    conv = Lesson6Conv2d(in_channels=2, out_channels=2, kernel_size=2, stride=1, padding=0)
    for c in range(conv.in_channels):
        conv.weight[0, c] = BLUR
        conv.weight[1, c] = VERTICAL
    pool = Lesson6MaxPool2d(kernel_size=2, stride=2)
    y_conv = conv.forward(LESSON6_X)
    y_pool = pool.forward(y_conv[None])  # MaxPool2d takes a batch (N, C, H, W)
    printed_conv = [[[64, 72], [88, 96]], [[4, 4], [4, 4]]]
    printed_pool = [[[96]], [[4]]]
    np.testing.assert_array_equal(y_conv, printed_conv, err_msg="expected the lesson's printed Conv2d output")
    np.testing.assert_array_equal(y_pool[0], printed_pool, err_msg="expected the lesson's printed MaxPool2d output")

    ours = conv2d(ag.Tensor(LESSON6_X[None]), ag.Tensor(conv.weight))
    np.testing.assert_array_equal(ours.value[0], printed_conv, err_msg="expected agrad's conv2d to print the same")
    np.testing.assert_array_equal(max_pool2d(ours, 2, 2).value[0], printed_pool,
                                  err_msg="expected agrad's max_pool2d to print the same")


def test_lecture08_exercise3_with_conv2d():
    X = np.arange(80).reshape(2, 2, 4, 5)
    kernel = np.zeros((1, 2, 2, 2))
    kernel[0, 0] = [[0, -1], [2, 0]]  # 2 x lower left - 1 x top right, second channel ignored
    X_convolved = conv2d(X, kernel).value[:, 0]
    assert X_convolved.shape == (2, 3, 4), f"expected (2, 3, 4), got {X_convolved.shape}"
    np.testing.assert_array_equal(X_convolved[0], [[9, 10, 11, 12], [14, 15, 16, 17], [19, 20, 21, 22]],
                                  err_msg="expected the lecture's first map")


def test_lesson001_sobel_x_at_the_top_left():
    image = rng(0).integers(0, 3, (5, 5)).astype(float)
    image[:3, :3] = [[1, 2, 0], [0, 1, 2], [2, 0, 1]]  # the lesson's top-left patch
    sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
    by_hand = (1 * -1) + (2 * 0) + (0 * 1) + (0 * -2) + (1 * 0) + (2 * 2) + (2 * -1) + (0 * 0) + (1 * 1)
    out = conv2d(image[None, None], sobel_x[None, None]).value
    assert out.shape == (1, 1, 3, 3), f"expected a 3x3 output (5 - 3 + 1), got {out.shape}"
    assert out[0, 0, 0, 0] == by_hand == 2, f"expected 2 at position (0, 0), got {out[0, 0, 0, 0]}"


@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), (2, 1), (3, 2)])
def test_lesson9_naive_and_batched_conv2d_agree_with_agrad(stride, padding):
    x_np, w_np = rng(0).standard_normal((3, 2, 7, 6)), rng(1).standard_normal((4, 2, 3, 2))
    dY = rng(2).standard_normal(conv2d(x_np, w_np, stride=stride, padding=padding).shape)
    naive, batched = NaiveConv2d(w_np, stride, padding), BatchedConv2d(w_np, stride, padding)
    y_naive, y_batched = naive.forward(x_np), batched.forward(x_np)
    dx_naive, dx_batched = naive.backward(dY), batched.backward(dY)
    np.testing.assert_allclose(y_batched, y_naive, rtol=1e-12, err_msg="expected batched == naive forward")
    np.testing.assert_allclose(dx_batched, dx_naive, rtol=1e-12, atol=1e-12, err_msg="expected the same dX")
    np.testing.assert_allclose(batched.grad_weight, naive.grad_weight, rtol=1e-12, err_msg="expected the same dW")

    x, w = ag.Tensor(x_np), ag.Tensor(w_np)
    out = conv2d(x, w, stride=stride, padding=padding)
    out.backward(dY)
    np.testing.assert_allclose(out.value, y_batched, rtol=1e-12, err_msg="expected agrad's forward")
    np.testing.assert_allclose(x.grad, dx_batched, rtol=1e-12, atol=1e-12, err_msg="expected agrad's dX")
    np.testing.assert_allclose(w.grad, batched.grad_weight, rtol=1e-12, err_msg="expected agrad's dW")


# -- bad input ------------------------------------------------------------------------------
X4 = np.zeros((2, 4, 6, 6))
W4 = np.zeros((6, 4, 3, 3))
BAD = [
    (dict(x=np.zeros((4, 6, 6))), r"input must be 4-D \(N, C, H, W\), got shape \(4, 6, 6\)"),
    (dict(weight=np.zeros((6, 4, 3))), r"weight must be 4-D.*\(6, 4, 3\)"),
    (dict(weight=np.zeros((6, 3, 3, 3))), r"input has 4 channels but the weight \(6, 3, 3, 3\) expects 3"),
    (dict(weight=np.zeros((6, 1, 3, 3)), groups=3), "groups=3 must divide in_channels 4"),
    (dict(weight=np.zeros((5, 2, 3, 3)), groups=2), "groups=2 must divide out_channels 5"),
    (dict(groups=0), "groups must be an int >= 1, got 0"),
    (dict(groups=1.0), "groups must be an int >= 1, got 1.0"),
    (dict(weight=np.zeros((6, 4, 7, 3))), "kernel height 7 .* larger than the padded input height 6"),
    (dict(dilation=3), r"kernel height 3 \(dilation 3, spanning 7\) is larger than the padded input height 6"),
    (dict(stride=0), "stride must be >= 1, got 0"),
    (dict(stride=(1, -2)), r"stride must be >= 1, got \(1, -2\)"),
    (dict(dilation=0), "dilation must be >= 1, got 0"),
    (dict(padding=-1), "padding must be >= 0, got -1"),
    (dict(stride=1.5), "stride must be an int or a pair of ints, got 1.5"),
    (dict(padding=(1, 2, 3)), r"padding must be an int or a pair of ints, got \(1, 2, 3\)"),
    (dict(dilation=True), "dilation must be an int or a pair of ints, got True"),
    (dict(padding="full"), "padding must be an int, a pair, 'valid' or 'same', got 'full'"),
    (dict(padding="same", stride=2), r"padding='same' needs stride 1, got stride=\(2, 2\)"),
    (dict(bias=np.zeros(5)), r"bias must have shape \(6,\) for 6 output channels, got \(5,\)"),
]


@pytest.mark.parametrize("change, message", BAD, ids=[m for _, m in BAD])
def test_conv2d_bad_arguments_name_the_value(change, message):
    args = dict(x=X4, weight=W4) | change
    with pytest.raises(ValueError, match=message) as error:
        conv2d(args.pop("x"), args.pop("weight"), **args)
    assert str(error.value).startswith("conv2d:"), f"expected the op's name first, got {error.value}"


@pytest.mark.usefixtures("each_kernel")
def test_conv_of_no_images_matches_torch():
    torch = pytest.importorskip("torch")
    x, w, b = rng(0).standard_normal((0, 2, 5, 5)), rng(1).standard_normal((3, 2, 3, 3)), rng(2).standard_normal(3)
    check_against_torch(lambda x, w, b: conv2d(x, w, b, padding=1),
                        lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=1), x, w, b)
    check_against_torch(lambda x, w: ag.conv_transpose2d(x, w), torch.nn.functional.conv_transpose2d,
                        rng(3).standard_normal((0, 3, 4, 4)), w)


@pytest.mark.parametrize("call, message", [
    (lambda: conv2d(np.ones((2, 2, 5, 5)), np.ones((0, 2, 3, 3))), r"conv2d: weight \(0, 2, 3, 3\) has no output"),
    (lambda: ag.conv_transpose2d(np.ones((2, 2, 5, 5)), np.ones((2, 0, 3, 3))), "conv_transpose2d: weight"),
])
def test_convolutions_without_channels_are_refused_by_name(call, message):
    # PyTorch refuses no output channels too. No *input* channels is an empty sum (the output is the
    # bias): tests/autograd/test_bad_input.py differentiates it.
    with pytest.raises(ValueError, match=message):
        call()
