"""Pooling with every PyTorch option (dilation, ceil_mode, return_indices, count_include_pad,
divisor_override) and max_unpool2d, against PyTorch and finite differences."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import assert_close, check_against_torch, rng

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@st.composite
def pool_settings(draw, with_dilation):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3))) if with_dilation else (1, 1)
    reach = [d * (k - 1) + 1 - 2 * p for d, k, p in zip(dilation, kernel, padding)]
    size = (draw(st.integers(max(1, reach[0]), 10)), draw(st.integers(max(1, reach[1]), 10)))
    return dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=draw(st.booleans())), dilation, size


@settings(max_examples=40, deadline=None)
@given(pool_settings(with_dilation=True))
def test_max_pool2d_with_every_option_matches_torch(drawn):
    options, dilation, size = drawn
    x = rng(1).standard_normal((2, 3, *size))
    # a dilated window can fall wholly on padding: its max is -inf in both, but PyTorch's backward
    # then writes outside the input (it corrupted the heap in a sweep); agrad sends it nowhere
    assume(np.isfinite(F.max_pool2d(x, dilation=dilation, **options).value).all())
    check_against_torch(lambda x: F.max_pool2d(x, dilation=dilation, **options),
                        lambda x: TF.max_pool2d(x, dilation=dilation, **options), x)
    _, indices = F.max_pool2d(x, dilation=dilation, return_indices=True, **options)
    _, expected = TF.max_pool2d(torch.tensor(x), dilation=dilation, return_indices=True, **options)
    np.testing.assert_array_equal(indices, expected.numpy(), err_msg=f"expected torch's indices for {options}")


@settings(max_examples=40, deadline=None)
@given(pool_settings(with_dilation=False), st.booleans(), st.sampled_from([None, 1, 4, -3]))
def test_avg_pool2d_with_every_option_matches_torch(drawn, count_include_pad, divisor_override):
    options, _, size = drawn
    options.update(count_include_pad=count_include_pad, divisor_override=divisor_override)
    x = rng(2).standard_normal((2, 3, *size))
    check_against_torch(lambda x: F.avg_pool2d(x, **options), lambda x: TF.avg_pool2d(x, **options), x)


def test_ties_send_the_gradient_to_the_first_maximum_as_torch():
    x = np.zeros((1, 1, 4, 4))
    check_against_torch(lambda x: F.max_pool2d(x, 3, 1, dilation=1, ceil_mode=True),
                        lambda x: TF.max_pool2d(x, 3, 1, ceil_mode=True), x)


def test_new_options_pass_gradcheck_in_float64():
    x = ag.Tensor(rng(3).standard_normal((1, 2, 7, 6)))
    weights = rng(4).standard_normal((1, 2, 4, 4))
    ag.gradcheck(lambda x: (F.max_pool2d(x, 3, 2, 1, dilation=2, ceil_mode=True) * weights[:, :, :3, :3]).sum(), x)
    ag.gradcheck(lambda x: (F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False) * weights).sum(), x)


def test_max_unpool2d_puts_the_maxima_back_as_torch():
    x = rng(4).standard_normal((2, 3, 7, 7))
    pooled, indices = F.max_pool2d(x, 2, return_indices=True)
    _, indices_torch = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    check_against_torch(lambda p: F.max_unpool2d(p, indices, 2, output_size=(7, 7)),
                        lambda p: TF.max_unpool2d(p, indices_torch, 2, output_size=(7, 7)), pooled.value)
    layers = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    out, where = layers[0](x[0])
    assert layers[1](out, where, output_size=(7, 7)).shape == (3, 7, 7), "expected an unbatched image back"


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.max_unpool2d(np.ones((1, 1, 3, 3)), np.full((1, 1, 3, 3), 37), 2), ValueError,
     r"max_unpool2d: index 37 is outside the 6x6 output \(pass output_size"),
    (lambda: F.max_unpool2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2), int), 2), ValueError,
     "max_unpool2d: indices must be integers of the input's shape"),
    (lambda: F.max_pool2d(np.ones((1, 1, 4, 4)), 3, padding=2), ValueError, "max_pool2d: padding"),
    (lambda: F.max_pool2d(np.ones((1, 1, 2, 2)), 2, dilation=3), ValueError, "max_pool2d: input 2x2 is smaller"),
    (lambda: F.max_pool2d(np.ones((1, 1, 4, 4)), 2, ceil_mode=1), TypeError, "max_pool2d: ceil_mode must be True"),
    (lambda: F.avg_pool2d(np.ones((1, 1, 4, 4)), 2, divisor_override=0), ValueError,
     "avg_pool2d: divisor_override must be a nonzero int"),
])
def test_bad_pooling_options_name_the_function(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_plain_case_is_autograd_s_own_op():
    x = ag.Tensor(rng(5).standard_normal((1, 1, 4, 4)))
    assert F.max_pool2d(x, 2).op == "max_pool2d" and F.avg_pool2d(x, 2).op == "avg_pool2d", \
        "expected the default options to take autograd's fused ops"
    assert_close(F.max_pool2d(x, 2, ceil_mode=True).value, ag.max_pool2d(x, 2).value, "ceil_mode on a fitting size")


@pytest.mark.parametrize("options", [dict(ceil_mode=True), dict(return_indices=True), dict(dilation=2)])
@pytest.mark.parametrize("fill", ["nan", "-inf", "int"])
def test_the_new_paths_pick_the_max_by_torch_s_rules(options, fill):
    """Padding never wins (an all -inf window picks its first real element), a NaN window its last
    NaN, integers stay integers: as PyTorch and as the plain path's fast kernel."""
    x = rng(6).standard_normal((1, 2, 5, 5))
    if fill == "nan":
        x[0, 0, 0, 0] = x[0, 0, 1, 1] = x[0, 1, 2, 3] = np.nan
    elif fill == "-inf":
        x[:, :, :3, :3] = -np.inf
    else:
        x = np.arange(50).reshape(1, 2, 5, 5)
    ours = F.max_pool2d(x, 3, 1, 1, **options)
    theirs = TF.max_pool2d(torch.tensor(x), 3, 1, 1, **options)
    if options.get("return_indices"):
        np.testing.assert_array_equal(ours[1], theirs[1].numpy(), err_msg="expected torch's indices")
        ours, theirs = ours[0], theirs[0]
    assert ours.dtype == theirs.numpy().dtype, f"expected {theirs.dtype}, got {ours.dtype}"
    np.testing.assert_array_equal(ours.value, theirs.numpy(), err_msg="expected torch's maxima")
    if fill != "int":
        values_only = {**options, "return_indices": False}
        check_against_torch(lambda x: F.max_pool2d(x, 3, 1, 1, **values_only),
                            lambda x: TF.max_pool2d(x, 3, 1, 1, **values_only), x)


@pytest.mark.parametrize("output_size, message", [
    ((8, 8), r"max_unpool2d: output_size \(8, 8\) is not a size max_pool2d .* \(each between 5 and 7\)"),
    ((1, 7, 7), r"max_unpool2d: output_size must be \(H_out, W_out\) or \(N, C, H_out, W_out\)"),
    (7, "max_unpool2d: output_size must be"),
])
def test_max_unpool2d_checks_output_size_as_torch(output_size, message):
    pooled, indices = F.max_pool2d(rng(7).standard_normal((1, 1, 7, 7)), 2, return_indices=True)
    assert F.max_unpool2d(pooled, indices, 2, output_size=(1, 1, 7, 7)).shape == (1, 1, 7, 7), \
        "expected (N, C, H, W) as the size"
    with pytest.raises(ValueError, match=message):
        F.max_unpool2d(pooled, indices, 2, output_size=output_size)


def test_every_pooling_option_is_twice_differentiable():
    x = ag.Tensor(rng(8).standard_normal((1, 2, 5, 5)))
    weights = rng(9).standard_normal((1, 2, 3, 3))
    ag.gradgradcheck(lambda x: (F.max_pool2d(x, 3, 2, 1, ceil_mode=True) ** 2 * weights).sum(), x)
    ag.gradgradcheck(lambda x: (F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False) ** 2
                                * weights).sum(), x)
    pooled, indices = F.max_pool2d(x.value, 2, return_indices=True)
    ag.gradgradcheck(lambda p: (F.max_unpool2d(p, indices, 2, output_size=(5, 5)) ** 3).sum(), ag.Tensor(pooled))
