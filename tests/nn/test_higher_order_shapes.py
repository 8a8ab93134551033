"""batch_norm (training), dropout, dropout2d and every loss of nn.functional differentiated three
times against torch.autograd.grad(create_graph=True), float64, over hypothesis shapes and every
option: affine or not, (N, C), (N, C, L) and (N, C, H, W); p in (0, 0.3, 0.5) and evaluation; each
reduction, class weights, ignore_index, label smoothing, class-index and class-probability
targets, pos_weight. test_higher_order.py holds one fixed case per op; this file varies them.

torch's fused batch_norm is right twice but not three times in training (see
test_higher_order.py), so its third derivative is checked against torch's composition of the
same formula. Dropout's mask is agrad's own draw, read back from its forward (the input has no
zeros) and handed to torch as x * mask / (1 - p).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from nn import functional as F
from tests.autograd.higher_order import check_higher_order
from tests.helpers import rng

torch = pytest.importorskip("torch")
TF = torch.nn.functional
EXAMPLES = settings(max_examples=25, deadline=None)
REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def normal(shape, seed=0):
    return rng(seed).standard_normal(shape)


def away_from_zero(shape, seed=0):
    """Normal values pushed at least 0.5 away from 0: a dropped element is the only zero."""
    values = normal(shape, seed)
    return values + np.where(values < 0, -0.5, 0.5)


def probabilities(shape, seed=0):
    return 1 / (1 + np.exp(-normal(shape, seed)))


def class_probabilities(shape, seed=0):
    values = np.exp(normal(shape, seed))
    return values / values.sum(axis=0 if len(shape) == 1 else 1, keepdims=True)


@st.composite
def class_shapes(draw, unbatched=True):
    """(N, C, *d) with up to two spatial axes, or (C,) for one unbatched sample."""
    classes = draw(st.integers(2, 4))
    if unbatched and draw(st.booleans()):
        return (classes,)
    spatial = draw(st.lists(st.integers(1, 3), max_size=2))
    return (draw(st.integers(1, 4)), classes, *spatial)


# -- batch_norm in training mode ------------------------------------------------------------------
@st.composite
def batch_norm_shapes(draw):
    spatial = draw(st.sampled_from([(), (2,), (1, 2), (2, 3), (3, 1)]))
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, 3)), *spatial)
    return shape if np.prod(shape) // shape[1] > 1 else (shape[0] + 1, *shape[1:])  # training needs 2 per channel


def composed_batch_norm(x, w, b, affine):
    axes = (0, *range(2, x.ndim))
    centered = x - x.mean(dim=axes, keepdim=True)
    y = centered * ((centered * centered).mean(dim=axes, keepdim=True) + 1e-5) ** -0.5
    stat = (1, -1, *(1,) * (x.ndim - 2))
    if "weight" in affine:
        y = y * w.reshape(stat)
    return y + b.reshape(stat) if "bias" in affine else y


@EXAMPLES
@given(shape=batch_norm_shapes(), affine=st.sampled_from([(), ("weight",), ("bias",), ("weight", "bias")]),
       running=st.booleans())
def test_batch_norm_training_three_times_against_torch(shape, affine, running):
    channels = shape[1]
    stats = (normal(channels, 3), np.abs(normal(channels, 4)) + 0.5) if running else (None, None)
    mine, theirs = [None if s is None else s.copy() for s in stats], [None if s is None else torch.tensor(s)
                                                                       for s in stats]

    def pick(w, b):
        return (w if "weight" in affine else None), (b if "bias" in affine else None)

    # squared, so that every order reaches the weight and the bias again
    def ours(x, w, b):
        return F.batch_norm(x, *mine, *pick(w, b), training=True) ** 2

    def fused(x, w, b):
        w, b = pick(w, b)
        if w is None and b is not None:  # torch's fused double backward needs a weight beside a bias
            w = torch.ones(channels, dtype=torch.float64)
        return TF.batch_norm(x, *theirs, w, b, training=True) ** 2

    arrays = normal(shape), normal(channels, 1), normal(channels, 2)
    op = f"batch_norm(training=True, affine={affine}, running stats={running})"
    check_higher_order(ours, fused, *arrays, orders=2, op=op)
    if running:  # each side's forward has run once
        for m, t in zip(mine, theirs, strict=True):
            np.testing.assert_allclose(m, t.numpy(), rtol=1e-12,
                                       err_msg=f"expected {op}'s running statistics to match torch's")
    check_higher_order(ours, lambda x, w, b: composed_batch_norm(x, w, b, affine) ** 2, *arrays,
                       op=f"{op} against torch's composition")


# -- dropout and dropout2d ------------------------------------------------------------------------
@EXAMPLES
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple), p=st.sampled_from([0, 0.3, 0.5]),
       seed=st.integers(0, 2**16))
def test_dropout_three_times_against_torch_with_agrads_mask(shape, p, seed):
    x = away_from_zero(shape)
    np.random.seed(seed)
    mask = F.dropout(ag.Tensor(x), p).value != 0
    np.random.seed(seed)  # the same draw again inside the check
    check_higher_order(lambda x: F.dropout(x, p) ** 3, lambda x: (x * torch.tensor(mask) / (1 - p)) ** 3, x,
                       op=f"dropout(p={p})")
    check_higher_order(lambda x: F.dropout(x, p, training=False) ** 3, lambda x: x**3, x,
                       op=f"dropout(p={p}, training=False)")


@EXAMPLES
@given(shape=st.tuples(*[st.integers(1, 3)] * 4), p=st.sampled_from([0, 0.3, 0.5]), seed=st.integers(0, 2**16))
def test_dropout2d_three_times_against_torch_with_agrads_mask(shape, p, seed):
    x = away_from_zero(shape)
    np.random.seed(seed)
    mask = F.dropout2d(ag.Tensor(x), p).value != 0
    assert (mask == mask[:, :, :1, :1]).all(), f"expected dropout2d(p={p}) to drop whole channels of {shape}"
    np.random.seed(seed)
    check_higher_order(lambda x: F.dropout2d(x, p) ** 3, lambda x: (x * torch.tensor(mask) / (1 - p)) ** 3, x,
                       op=f"dropout2d(p={p})")
    check_higher_order(lambda x: F.dropout2d(x, p, training=False) ** 3, lambda x: x**3, x,
                       op=f"dropout2d(p={p}, training=False)")


@EXAMPLES
@given(shape=st.tuples(*[st.integers(1, 3)] * 3), p=st.sampled_from([0.3, 0.5]), seed=st.integers(0, 2**16))
def test_dropout2d_of_a_3d_input_drops_whole_rows_three_times_against_torch(shape, p, seed):
    x = away_from_zero(shape)
    np.random.seed(seed)
    with pytest.warns(UserWarning, match="channel-wise 1D dropout"):  # torch's (N, C, L) reading
        mask = F.dropout2d(ag.Tensor(x), p).value != 0
        assert (mask == mask[:, :, :1]).all(), f"expected dropout2d(p={p}) to drop whole rows of {shape}"
        np.random.seed(seed)
        check_higher_order(lambda x: F.dropout2d(x, p) ** 3, lambda x: (x * torch.tensor(mask) / (1 - p)) ** 3, x,
                           op=f"dropout2d(p={p}) of (N, C, L)")


def test_dropout_in_evaluation_returns_its_input():
    x = ag.Tensor(normal((2, 3, 2, 2)))
    for dropout in (F.dropout, F.dropout2d):
        assert dropout(x, 0.5, training=False) is x, f"expected {dropout.__name__}(training=False) to be the identity"


# -- the pointwise losses: mse_loss, binary_cross_entropy, binary_cross_entropy_with_logits --------
SHAPES = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@EXAMPLES
@given(shape=SHAPES, reduction=REDUCTIONS)
def test_mse_loss_three_times_against_torch(shape, reduction):
    # tanh of the input, so that the third derivative is not zero; the target is differentiated too
    check_higher_order(lambda x, t: F.mse_loss(ag.tanh(x), t, reduction=reduction),
                       lambda x, t: TF.mse_loss(torch.tanh(x), t, reduction=reduction),
                       normal(shape), normal(shape, 1), op=f"mse_loss(reduction={reduction!r})")


@EXAMPLES
@given(shape=SHAPES, reduction=REDUCTIONS, weighted=st.booleans())
def test_binary_cross_entropy_three_times_against_torch(shape, reduction, weighted):
    weight = np.abs(normal(shape[-1:], 2)) + 0.5 if weighted else None

    def theirs(x, t):
        return TF.binary_cross_entropy(torch.sigmoid(x), t, weight=None if weight is None else torch.tensor(weight),
                                       reduction=reduction)

    check_higher_order(lambda x, t: F.binary_cross_entropy(ag.sigmoid(x), t, weight=weight, reduction=reduction),
                       theirs, normal(shape), probabilities(shape, 1),
                       op=f"binary_cross_entropy(reduction={reduction!r}, weight={weight})")


@EXAMPLES
@given(shape=SHAPES, reduction=REDUCTIONS, weighted=st.booleans(), positive=st.booleans())
def test_binary_cross_entropy_with_logits_three_times_against_torch(shape, reduction, weighted, positive):
    weight = np.abs(normal(shape, 2)) + 0.5 if weighted else None
    pos_weight = np.abs(normal(shape[-1:], 3)) + 0.5 if positive else None

    def theirs(x, t):
        return TF.binary_cross_entropy_with_logits(
            x * x, t, weight=None if weight is None else torch.tensor(weight), reduction=reduction,
            pos_weight=None if pos_weight is None else torch.tensor(pos_weight))

    check_higher_order(lambda x, t: F.binary_cross_entropy_with_logits(x * x, t, weight=weight, reduction=reduction,
                                                                       pos_weight=pos_weight),
                       theirs, normal(shape), probabilities(shape, 1),
                       op=f"binary_cross_entropy_with_logits(reduction={reduction!r}, weight={weight}, "
                          f"pos_weight={pos_weight})")


# -- the classification losses: cross_entropy (class indices, class probabilities), nll_loss ------
@st.composite
def class_targets(draw, shape, reduction):
    """(labels, ignore_index): integer labels for input ``shape`` and an ignore_index that is one
    of the classes or torch's default -100. Every label may be ignored except for 'mean' (a NaN
    loss, 0/0)."""
    labels = rng(draw(st.integers(0, 2**16))).integers(0, shape[0 if len(shape) == 1 else 1],
                                                       () if len(shape) == 1 else (shape[0], *shape[2:]))
    ignore_index = draw(st.sampled_from([-100, int(labels.flat[0])]))
    if reduction == "mean" and (labels == ignore_index).all():
        ignore_index = -100
    return labels, ignore_index


@EXAMPLES
@given(shape=class_shapes(), data=st.data(), reduction=REDUCTIONS, weighted=st.booleans(),
       label_smoothing=st.sampled_from([0.0, 0.2]))
def test_cross_entropy_with_class_indices_three_times_against_torch(shape, data, reduction, weighted,
                                                                    label_smoothing):
    labels, ignore_index = data.draw(class_targets(shape, reduction))
    weight = np.abs(normal(shape[0 if len(shape) == 1 else 1], 2)) + 0.5 if weighted else None
    options = {"ignore_index": ignore_index, "reduction": reduction, "label_smoothing": label_smoothing}

    def theirs(x):
        return TF.cross_entropy(x * x, torch.tensor(labels), weight=None if weight is None else torch.tensor(weight),
                                **options)

    check_higher_order(lambda x: F.cross_entropy(x * x, labels, weight=weight, **options), theirs, normal(shape),
                       op=f"cross_entropy(labels={labels.tolist()}, weight={weight}, {options})")


@EXAMPLES
@given(shape=class_shapes(), reduction=REDUCTIONS, weighted=st.booleans(),
       label_smoothing=st.sampled_from([0.0, 0.2]))
def test_cross_entropy_with_class_probabilities_three_times_against_torch(shape, reduction, weighted,
                                                                          label_smoothing):
    weight = np.abs(normal(shape[0 if len(shape) == 1 else 1], 2)) + 0.5 if weighted else None
    options = {"reduction": reduction, "label_smoothing": label_smoothing}
    axis = 0 if len(shape) == 1 else 1

    # the target is a softmax of a differentiated input, so its derivatives are checked too
    def ours(x, t):
        return F.cross_entropy(x * x, ag.softmax(t, axis=axis), weight=weight, **options)

    def theirs(x, t):
        return TF.cross_entropy(x * x, torch.softmax(t, axis), weight=None if weight is None else torch.tensor(weight),
                                **options)

    check_higher_order(ours, theirs, normal(shape), normal(shape, 1),
                       op=f"cross_entropy(probability target, weight={weight}, {options})")
    fixed = class_probabilities(shape, 3)
    check_higher_order(lambda x: F.cross_entropy(x * x, fixed, weight=weight, **options),
                       lambda x: TF.cross_entropy(x * x, torch.tensor(fixed),
                                                  weight=None if weight is None else torch.tensor(weight), **options),
                       normal(shape), op=f"cross_entropy(constant probability target, weight={weight}, {options})")


@EXAMPLES
@given(shape=class_shapes(), data=st.data(), reduction=REDUCTIONS, weighted=st.booleans())
def test_nll_loss_three_times_against_torch(shape, data, reduction, weighted):
    labels, ignore_index = data.draw(class_targets(shape, reduction))
    weight = np.abs(normal(shape[0 if len(shape) == 1 else 1], 2)) + 0.5 if weighted else None
    axis = 0 if len(shape) == 1 else 1

    def theirs(x):
        return TF.nll_loss(torch.log_softmax(x * x, axis), torch.tensor(labels),
                           weight=None if weight is None else torch.tensor(weight), ignore_index=ignore_index,
                           reduction=reduction)

    check_higher_order(lambda x: F.nll_loss(ag.log_softmax(x * x, axis=axis), labels, weight=weight,
                                            ignore_index=ignore_index, reduction=reduction),
                       theirs, normal(shape),
                       op=f"nll_loss(labels={labels.tolist()}, weight={weight}, ignore_index={ignore_index}, "
                          f"reduction={reduction!r})")
