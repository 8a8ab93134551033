"""autograd's ops differentiated three times against torch.autograd.grad(create_graph=True), float64,
over hypothesis shapes: broadcasting of several inputs and Python numbers, reductions over any
axes (ties included), shape ops on drawn axes, indexing with drawn repeated indices, softmax on
any axis. test_higher_order.py holds one fixed case per op; this file varies the shapes and axes.

Where torch has two behaviours agrad follows one: ``Tensor.max(axis)`` and ``min`` are torch's
``amax``/``amin`` (ties share the gradient evenly), not ``torch.max(x, dim)`` (whose gradient goes
to the one index it returns); ``maximum``/``minimum`` at a tie send half to each side, as torch's.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from tests.autograd.higher_order import check_higher_order
from tests.helpers import rng

torch = pytest.importorskip("torch")
EXAMPLES = settings(max_examples=12, deadline=None)


def normal(shape, seed=0):
    return rng(seed).standard_normal(shape)


def ties(shape, seed=0):
    """Small integers as floats: most reductions and comparisons over them tie."""
    return rng(seed).integers(-2, 3, shape).astype(np.float64)


def shapes(min_dims=1, max_dims=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=3)


@st.composite
def shape_and_axes(draw, min_dims=1):
    """(shape, axis, axes): ``axis`` as agrad takes it (None, an int, maybe negative, or a tuple)
    and ``axes`` the same axes as the tuple of non-negative ints torch takes."""
    shape = draw(shapes(min_dims))
    ndim = len(shape)
    axis = draw(st.none() | st.integers(-ndim, ndim - 1)
                | st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple))
    if axis is None:
        axes = tuple(range(ndim))
    elif isinstance(axis, int):
        axes = (axis % ndim,)
    else:
        axes = axis
    return shape, axis, axes


# -- elementwise ops: three broadcast inputs, Python numbers on either side -----------------------
def expression(lib):
    """One expression using every elementwise op, in agrad (lib=ag) or torch."""
    exp, log, tanh, sigmoid = lib.exp, lib.log, lib.tanh, lib.sigmoid
    sqrt, relu, abs_ = lib.sqrt, lib.relu, lib.abs
    clip = ag.clip if lib is ag else torch.clamp

    def f(a, b, c):
        return (tanh(a) * b + exp(b - c) / (1 + sigmoid(c)) - sqrt(a * a + 1) * log(abs_(b) + 1)
                + relu(a - c) ** 2 + clip(b, -0.5, 0.5) * c - 2.0**a / (c * c + 1) + (1.0 - b) * -a)

    return f


@EXAMPLES
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3))
def test_every_elementwise_op_broadcast_over_three_inputs(shapes):
    arrays = [normal(shape, seed) for seed, shape in enumerate(shapes.input_shapes)]
    check_higher_order(expression(ag), expression(torch), *arrays)


@EXAMPLES
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3))
def test_power_division_and_where_broadcast(shapes):
    a, b, c = (np.abs(normal(shape, seed)) + 0.5 for seed, shape in enumerate(shapes.input_shapes))
    condition = normal(shapes.input_shapes[2], seed=5) > 0

    def ours(a, b, c):
        return ag.where(condition, a**b, c / a) * b**2.5

    def theirs(a, b, c):
        return torch.where(torch.tensor(condition), a**b, c / a) * b**2.5

    check_higher_order(ours, theirs, a, b, c)


@EXAMPLES
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
def test_maximum_and_minimum_broadcast_with_ties(shapes):
    a, b = (ties(shape, seed) for seed, shape in enumerate(shapes.input_shapes))
    check_higher_order(lambda a, b: ag.maximum(a, b) * ag.minimum(a, b) * a,
                       lambda a, b: torch.maximum(a, b) * torch.minimum(a, b) * a, a, b)


# -- reductions over drawn axes ---------------------------------------------------------------------
@EXAMPLES
@given(case=shape_and_axes(), keepdims=st.booleans())
def test_sum_mean_and_var_over_any_axes(case, keepdims):
    shape, axis, axes = case
    count = int(np.prod([shape[a] for a in axes]))
    ddof = 1 if count > 1 else 0

    def ours(x):
        return (x.sum(axis=axis, keepdims=keepdims) ** 2 * x.mean(axis=axis, keepdims=keepdims)
                + x.var(axis=axis, keepdims=keepdims, ddof=ddof) ** 2)

    def theirs(x):
        return (x.sum(dim=axes, keepdim=keepdims) ** 2 * x.mean(dim=axes, keepdim=keepdims)
                + x.var(dim=axes, keepdim=keepdims, correction=ddof) ** 2)

    check_higher_order(ours, theirs, normal(shape))


@EXAMPLES
@given(case=shape_and_axes(), keepdims=st.booleans())
def test_max_and_min_with_ties_over_any_axes(case, keepdims):
    shape, axis, axes = case

    def ours(x):
        return x.max(axis=axis, keepdims=keepdims) * x.min(axis=axis, keepdims=keepdims) ** 2 * (x * x).sum()

    def theirs(x):
        return x.amax(dim=axes, keepdim=keepdims) * x.amin(dim=axes, keepdim=keepdims) ** 2 * (x * x).sum()

    check_higher_order(ours, theirs, ties(shape))


@EXAMPLES
@given(case=shape_and_axes(), keepdims=st.booleans(), tied=st.booleans())
def test_logsumexp_over_any_axes(case, keepdims, tied):
    shape, axis, axes = case
    x = ties(shape) if tied else normal(shape) * 3
    check_higher_order(lambda x: ag.logsumexp(x * x, axis=axis, keepdims=keepdims) ** 2,
                       lambda x: torch.logsumexp(x * x, dim=axes, keepdim=keepdims) ** 2, x)


@EXAMPLES
@given(shape=shapes(), data=st.data())
def test_softmax_and_log_softmax_on_any_axis(shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    check_higher_order(lambda x: ag.softmax(x * x, axis=axis) * ag.log_softmax(x, axis=axis),
                       lambda x: torch.softmax(x * x, dim=axis) * torch.log_softmax(x, dim=axis), normal(shape))


# -- shape ops on drawn axes --------------------------------------------------------------------------
@EXAMPLES
@given(shape=shapes(), data=st.data())
def test_reshape_transpose_swapaxes_and_flatten(shape, data):
    ndim = len(shape)
    order = data.draw(st.permutations(range(ndim)), label="axes")
    a1, a2 = data.draw(st.integers(0, ndim - 1), label="axis1"), data.draw(st.integers(0, ndim - 1), label="axis2")
    start = data.draw(st.integers(0, ndim - 1), label="start_dim")
    end = data.draw(st.integers(start, ndim - 1), label="end_dim")

    def ours(x):
        moved = ag.transpose(x, order).reshape(shape[::-1]) * ag.swapaxes(x, a1, a2).reshape(-1)[::-1].reshape(
            shape[::-1])
        return ag.flatten(moved, start, end) ** 2

    def theirs(x):
        moved = x.permute(*order).reshape(shape[::-1]) * x.transpose(a1, a2).reshape(-1).flip(0).reshape(shape[::-1])
        return moved.flatten(start, end) ** 2

    check_higher_order(ours, theirs, normal(shape))


@EXAMPLES
@given(shape=shapes(max_dims=3), data=st.data())
def test_expand_dims_squeeze_broadcast_to_and_pad(shape, data):
    ndim = len(shape)
    new_axis = data.draw(st.integers(0, ndim), label="new axis")
    target = tuple(data.draw(st.integers(1, 3)) if side == 1 else side for side in shape)
    target = (2, *target)
    widths = [tuple(data.draw(st.integers(0, 2), label="pad") for _ in range(2)) for _ in range(ndim)]
    torch_widths = [w for pair in reversed(widths) for w in pair]  # torch: the last axis first

    def ours(x):
        grown = ag.squeeze(ag.expand_dims(x, new_axis) ** 2, new_axis)
        return ag.broadcast_to(grown, target) * ag.pad(x, widths).sum() + ag.pad(x * x, widths).sum()

    def theirs(x):
        grown = (x.unsqueeze(new_axis) ** 2).squeeze(new_axis)
        pad = torch.nn.functional.pad
        return grown.expand(*target) * pad(x, torch_widths).sum() + pad(x * x, torch_widths).sum()

    check_higher_order(ours, theirs, normal(shape))


@EXAMPLES
@given(shape=shapes(), data=st.data())
def test_concatenate_stack_and_split_on_any_axis(shape, data):
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    cut = data.draw(st.integers(0, shape[axis]), label="cut")

    def ours(x, y):
        joined = ag.concatenate([x, x * y, y], axis=axis)
        first, rest = ag.split(ag.stack([x, y * y], axis=axis), [1], axis=axis)
        low, high = ag.split(x * y, [cut], axis=axis)
        return (joined**2).sum() * first + rest.sum() * (low**3).sum() - (high**2).sum()

    def theirs(x, y):
        joined = torch.cat([x, x * y, y], dim=axis)
        first, rest = torch.split(torch.stack([x, y * y], dim=axis), [1, 1], dim=axis)
        low, high = torch.split(x * y, [cut, shape[axis] - cut], dim=axis)
        return (joined**2).sum() * first + rest.sum() * (low**3).sum() - (high**2).sum()

    check_higher_order(ours, theirs, normal(shape), normal(shape, seed=1))


@EXAMPLES
@given(shape=shapes(max_dims=3), data=st.data())
def test_indexing_with_repeated_indices_on_any_axis(shape, data):
    """Integer arrays on one axis, on the first two together, and a 2-d index array: repeats add up."""
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    count = data.draw(st.integers(1, 5), label="how many")
    picks = np.array(data.draw(st.lists(st.integers(0, shape[axis] - 1), min_size=count, max_size=count)))
    rows = np.array(data.draw(st.lists(st.integers(0, shape[0] - 1), min_size=count, max_size=count)))
    grid = picks.reshape(-1, 1)  # a 2-d index: the output gains an axis
    lead = (slice(None),) * axis
    pairs = None
    if len(shape) > 1:
        pairs = np.array(data.draw(st.lists(st.integers(0, shape[1] - 1), min_size=count, max_size=count)))

    def pick(x, tensor):
        index = tensor if tensor is not None else (lambda a: a)
        out = (x[(*lead, index(picks))] ** 3).sum() * x[(*lead, index(grid))] ** 2
        out = out.sum() + (x[index(rows)] * x[index(rows)] ** 2).sum()
        if pairs is not None:
            out = out + (x[index(rows), index(pairs)] ** 3).sum()
        return out

    check_higher_order(lambda x: pick(x, None), lambda x: pick(x, torch.tensor), normal(shape))


@EXAMPLES
@given(shape=shapes(), threshold=st.floats(-1, 1))
def test_boolean_mask_and_slices(shape, threshold):
    x = normal(shape)
    mask = x > threshold
    steps = tuple(slice(None, None, 2) if i % 2 else slice(1, None) for i in range(len(shape)))

    def ours(t):
        return (t[mask] ** 3).sum() * t[steps] ** 2

    def theirs(t):
        return (t[torch.tensor(mask)] ** 3).sum() * t[steps] ** 2

    check_higher_order(ours, theirs, x)
