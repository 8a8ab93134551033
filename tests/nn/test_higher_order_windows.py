"""The window ops of nn.functional differentiated three times against torch (float64) over pairwise
grids of their options: conv2d (stride, padding, dilation, groups, bias, an unbatched image),
conv_transpose2d (output_padding too), max_pool2d with ties (dilation, ceil_mode), avg_pool2d
(ceil_mode, count_include_pad, divisor_override), unfold and fold.

A max-pool window with a tie sends its gradient to one element, the first largest in the
window's row-major order, as torch's CPU kernel does (not split, unlike ``amax``): the test data
are small integers so that most windows tie. test_higher_order.py holds one case per op.
"""

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.autograd.higher_order import check_higher_order
from tests.autograd.pairwise import case_id, pairwise_cases
from tests.helpers import rng

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def pair(v):
    return v if isinstance(v, tuple) else (v, v)


def normal(*shape, seed=0):
    return rng(seed).standard_normal(shape)


def ties(*shape, seed=0):
    return rng(seed).integers(-2, 3, shape).astype(np.float64)


CONV = {
    "size": [(7, 6), (5, 8)],
    "kernel": [(3, 3), (2, 3), (1, 1)],
    "stride": [1, 2, (1, 2)],
    "padding": [0, 1, (2, 1), "same"],
    "dilation": [1, 2, (2, 1)],
    "groups": [1, 2],
    "bias": [True, False],
}


def _conv_valid(case):
    if case["padding"] == "same":
        return case["stride"] == 1  # torch refuses 'same' with a stride
    return all((i + 2 * p - d * (k - 1) - 1) // s + 1 >= 1 for i, k, s, p, d in zip(
        case["size"], case["kernel"], *(pair(case[n]) for n in ("stride", "padding", "dilation"))))


@pytest.mark.usefixtures("each_kernel")
@pytest.mark.parametrize("case", pairwise_cases(CONV, _conv_valid), ids=case_id)
def test_conv2d_three_times_against_torch(case):
    groups = case["groups"]
    options = {name: case[name] for name in ("stride", "padding", "dilation")} | {"groups": groups}
    arrays = [normal(2, 2 * groups, *case["size"]), normal(2 * groups, 2, *case["kernel"], seed=1)]
    if case["bias"]:
        arrays.append(normal(2 * groups, seed=2))
    # squared, so that the second and third derivatives reach through both x and w
    check_higher_order(lambda x, w, b=None: F.conv2d(x, w, b, **options) ** 2,
                       lambda x, w, b=None: TF.conv2d(x, w, b, **options) ** 2, *arrays)


def test_conv2d_of_an_unbatched_image_three_times_against_torch():
    check_higher_order(lambda x, w: F.conv2d(x * x, w, stride=2, padding=1) ** 2,
                       lambda x, w: TF.conv2d(x * x, w, stride=2, padding=1) ** 2,
                       normal(3, 5, 5), normal(4, 3, 3, 3, seed=1))


TRANSPOSE = {
    "size": [(3, 4), (4, 2)],
    "kernel": [(3, 3), (2, 3)],
    "stride": [1, 2, (2, 1)],
    "padding": [0, 1],
    "output_padding": [0, 1],
    "dilation": [1, 2],
    "groups": [1, 2],
    "bias": [True, False],
}


def _transpose_valid(case):
    for i, k, s, p, e, d in zip(case["size"], case["kernel"], *(pair(case[n]) for n in (
            "stride", "padding", "output_padding", "dilation"))):
        if e >= max(s, d) or (i - 1) * s - 2 * p + d * (k - 1) + e + 1 < 1:
            return False
    return True


@pytest.mark.parametrize("case", pairwise_cases(TRANSPOSE, _transpose_valid), ids=case_id)
def test_conv_transpose2d_three_times_against_torch(case):
    groups = case["groups"]
    options = {name: case[name] for name in ("stride", "padding", "output_padding", "dilation")}
    options["groups"] = groups
    arrays = [normal(2, 2 * groups, *case["size"]), normal(2 * groups, 2, *case["kernel"], seed=1)]
    if case["bias"]:
        arrays.append(normal(2 * groups, seed=2))
    mine = lambda x, w, b=None: F.conv_transpose2d(x, w, b, **options) ** 2
    theirs = lambda x, w, b=None: TF.conv_transpose2d(x, w, b, **options) ** 2
    if pair(case["output_padding"]) == (0, 0):
        check_higher_order(mine, theirs, *arrays)
        return
    # torch 2.13 cannot differentiate its own conv_transpose2d a second time with output_padding
    # ("output_padding is not supported for non-transposed convolutions"): torch for the first
    # order, finite differences of agrad's first derivative for the second
    check_higher_order(mine, theirs, *arrays, orders=1)
    tensors = [ag.Tensor(a) for a in arrays]
    assert ag.gradgradcheck(lambda *t: mine(*t).sum(), *tensors), (
        f"expected agrad's second derivative of conv_transpose2d {options} to match finite differences")


MAX_POOL = {
    "kernel": [2, 3, (2, 3)],
    "stride": [None, 1, 2, (1, 2)],
    "padding": [0, 1],
    "dilation": [1, 2],
    "ceil_mode": [False, True],
}


def _pool_valid(case, size=(7, 6)):
    kernel, padding = pair(case["kernel"]), pair(case["padding"])
    dilation = pair(case.get("dilation", 1))
    return all(2 * p <= k and i + 2 * p >= d * (k - 1) + 1 for i, k, p, d in zip(size, kernel, padding, dilation))


@pytest.mark.parametrize("case", pairwise_cases(MAX_POOL, _pool_valid), ids=case_id)
def test_max_pool2d_with_ties_three_times_against_torch(case):
    options = dict(case)
    kernel = options.pop("kernel")
    # cubed: the third derivative is 6 routed back through the same (first) maximum of each window
    check_higher_order(lambda x: F.max_pool2d(x, kernel, **options) ** 3,
                       lambda x: TF.max_pool2d(x, kernel, **options) ** 3, ties(2, 2, 7, 6))


def test_max_pool2d_ties_go_to_the_first_maximum_as_torch():
    x = np.zeros((1, 1, 2, 2))
    check_higher_order(lambda x: F.max_pool2d(x, 2) ** 3, lambda x: TF.max_pool2d(x, 2) ** 3, x + 1.0)
    t = ag.Tensor(x + 1.0)
    (g,) = ag.grad(F.max_pool2d(t, 2).sum(), t)
    np.testing.assert_array_equal(g.value, [[[[1.0, 0.0], [0.0, 0.0]]]],
                                  err_msg="expected a tied window's gradient on its first element only")


AVG_POOL = {
    "kernel": [2, 3, (3, 2)],
    "stride": [None, 1, 2],
    "padding": [0, 1],
    "ceil_mode": [False, True],
    "count_include_pad": [True, False],
    "divisor_override": [None, 3],
}


@pytest.mark.parametrize("case", pairwise_cases(AVG_POOL, _pool_valid), ids=case_id)
def test_avg_pool2d_three_times_against_torch(case):
    options = dict(case)
    kernel = options.pop("kernel")
    check_higher_order(lambda x: F.avg_pool2d(x * x, kernel, **options) ** 2,
                       lambda x: TF.avg_pool2d(x * x, kernel, **options) ** 2, normal(2, 2, 7, 6))


FOLD = {
    "kernel": [2, (2, 3)],
    "dilation": [1, 2],
    "padding": [0, 1],
    "stride": [1, 2, (1, 2)],
}


@pytest.mark.parametrize("case", pairwise_cases(FOLD, lambda case: True), ids=case_id)
def test_unfold_and_fold_three_times_against_torch(case):
    """fold(unfold(x) ** 2): overlapping windows add up in fold, each element is copied many times by unfold."""
    options = dict(case)
    kernel = options.pop("kernel")

    def ours(x):
        return F.fold(F.unfold(x, kernel, **options) ** 2, (7, 6), kernel, **options) ** 2

    def theirs(x):
        return TF.fold(TF.unfold(x, kernel, **options) ** 2, (7, 6), kernel, **options) ** 2

    check_higher_order(ours, theirs, normal(2, 2, 7, 6))
