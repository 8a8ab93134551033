"""unfold and fold: values and gradients against PyTorch, finite differences, float32, bad input."""

import numpy as np
import pytest

import autograd as ag
from autograd.ops.fold import fold, unfold
from tests.autograd.pairwise import case_id, pairwise_cases
from tests.helpers import check_against_torch, rng

PARAMETERS = {
    "batch": [1, 2],
    "size": [(7, 9), (6, 5)],
    "kernel_size": [2, (3, 2), (1, 3)],
    "dilation": [1, 2, (1, 2)],
    "padding": [0, 1, (2, 0)],
    "stride": [1, 2, (3, 1)],
}


def _valid(case):
    pair = lambda v: v if isinstance(v, tuple) else (v, v)
    return all(d * (k - 1) + 1 <= n + 2 * p for d, k, n, p in
               zip(pair(case["dilation"]), pair(case["kernel_size"]), case["size"], pair(case["padding"])))


GRID = pairwise_cases(PARAMETERS, _valid)


def _kwargs(case):
    return {name: case[name] for name in ("kernel_size", "dilation", "padding", "stride")}


@pytest.mark.parametrize("case", GRID, ids=case_id)
@pytest.mark.usefixtures("each_kernel")
def test_unfold_matches_torch(case):
    torch = pytest.importorskip("torch")
    x = rng(0).standard_normal((case["batch"], 3, *case["size"]))
    kwargs = _kwargs(case)
    check_against_torch(lambda x: unfold(x, **kwargs), lambda x: torch.nn.functional.unfold(x, **kwargs), x,
                        rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", GRID, ids=case_id)
@pytest.mark.usefixtures("each_kernel")
def test_fold_matches_torch(case):
    torch = pytest.importorskip("torch")
    kwargs = _kwargs(case)
    shape = torch.nn.functional.unfold(torch.zeros(case["batch"], 3, *case["size"]), **kwargs).shape
    columns = rng(1).standard_normal(tuple(shape))
    check_against_torch(lambda c: fold(c, case["size"], **kwargs),
                        lambda c: torch.nn.functional.fold(c, case["size"], **kwargs), columns, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=2),
    dict(kernel_size=(3, 2), dilation=(1, 2), padding=1, stride=2),
])
@pytest.mark.usefixtures("each_kernel")
def test_unfold_and_fold_finite_differences(kwargs):
    x = ag.Tensor(rng(2).standard_normal((2, 2, 5, 6)))
    out = unfold(x, **kwargs)
    weights = rng(3).standard_normal(out.shape)
    assert ag.gradcheck(lambda x: ag.sum(unfold(x, **kwargs) * weights), x)
    columns = ag.Tensor(rng(4).standard_normal(out.shape))
    image_weights = rng(5).standard_normal((2, 2, 5, 6))
    assert ag.gradcheck(lambda c: ag.sum(fold(c, (5, 6), **kwargs) * image_weights), columns)


def test_fold_undoes_unfold_when_windows_tile_the_image():
    x = rng(6).standard_normal((2, 3, 6, 4))
    back = fold(unfold(x, (3, 2), stride=(3, 2)), (6, 4), (3, 2), stride=(3, 2))
    np.testing.assert_array_equal(back.value, x, err_msg="expected non-overlapping windows to rebuild x exactly")


def test_unfold_and_fold_stay_float32(handed_gradient_dtypes):
    x = ag.Tensor(rng(7).standard_normal((1, 2, 5, 5)).astype(np.float32))
    cols = unfold(x, 2, padding=1)
    image = fold(cols, (5, 5), 2, padding=1)
    assert cols.dtype == image.dtype == np.float32, f"expected float32, got {cols.dtype} and {image.dtype}"
    image.backward(np.ones(image.shape, dtype=np.float32))
    assert set(handed_gradient_dtypes) == {np.dtype(np.float32)}, (
        f"expected float32 gradients from both ops, got {handed_gradient_dtypes}")


@pytest.mark.parametrize("call, message", [
    (lambda: unfold(np.zeros((2, 5, 5)), 2), r"unfold: input must be 4-D \(N, C, H, W\), got shape \(2, 5, 5\)"),
    (lambda: unfold(np.zeros((1, 1, 5, 5)), 6), "unfold: kernel height 6 .* larger than the padded input height 5"),
    (lambda: unfold(np.zeros((1, 1, 5, 5)), 3, dilation=0), "unfold: dilation must be >= 1, got 0"),
    (lambda: unfold(np.zeros((1, 1, 5, 5)), 3, stride=(1, 0)), r"unfold: stride must be >= 1, got \(1, 0\)"),
    (lambda: unfold(np.zeros((1, 1, 5, 5)), 3, padding=-1), "unfold: padding must be >= 0, got -1"),
    (lambda: unfold(np.zeros((1, 1, 5, 5)), "3"), "unfold: kernel_size must be an int or a pair of ints, got '3'"),
    (lambda: fold(np.zeros((8, 4)), (3, 3), 2), r"fold: input must be 3-D \(N, C\*kH\*kW, L\), got shape \(8, 4\)"),
    (lambda: fold(np.zeros((1, 6, 4)), (3, 3), 2), r"fold: input dimension 1 \(6\) must be divisible by kH\*kW = 2\*2"),
    (lambda: fold(np.zeros((1, 8, 5)), (3, 3), 2), r"fold: output_size .* 2\*2 = 4 windows, but the input has L = 5"),
    (lambda: fold(np.zeros((1, 4, 1)), (0, 3), 2), r"fold: output_size must be >= 1, got \(0, 3\)"),
    (lambda: fold(np.zeros((1, 4, 1)), (1, 3), 2), "fold: kernel height 2 .* larger than the padded input height 1"),
])
def test_unfold_and_fold_bad_arguments_name_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()
