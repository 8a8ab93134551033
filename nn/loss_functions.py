"""The pointwise losses as functions (re-exported by ``nn.functional``), PyTorch's signatures:
``mse_loss``, ``binary_cross_entropy`` and ``binary_cross_entropy_with_logits``; and the
reductions every loss shares (the classification losses are in ``nn.class_losses``).

Each loss is one fused op: the forward computes the per-element losses and reduces them
('mean' | 'sum' | 'none'); the backward, written below it, is the loss's closed-form gradient
(sigmoid minus target for BCE with logits), so a loss adds a single node to the graph. Targets
are checked: a wrong shape or a target outside [0, 1] raises ValueError naming the op and the
offending values.
"""

import numpy as np
from scipy import special

from autograd.engine import primal
from autograd.ops import dual
from autograd.ops.elementwise import abs as _abs
from autograd.ops.elementwise import maximum as _maximum
from autograd.ops.elementwise import relu as _relu
from autograd.ops.elementwise import sigmoid as _sigmoid
from autograd.tensor import Tensor, as_array, as_tensor, constant

_REDUCTIONS = ("mean", "sum", "none")

# the losses whose closures work on Tensor gradients too (engine.primal): twice differentiable.
# Their partial derivatives are written with primal(x) and primal(t), so they are recomputed from
# the graph's tensors inside ag.grad(..., create_graph=True) and are arrays otherwise.
TWICE_DIFFERENTIABLE = {"_pointwise_loss"}



def check_reduction(reduction, op):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(per_element, reduction, divisor):
    if reduction == "none":
        return per_element
    total = np.sum(per_element)
    if reduction == "sum":
        return total
    with np.errstate(invalid="ignore", divide="ignore"):  # nothing to average: NaN, as torch
        return total / divisor


def _upstream(g, reduction, shape, divisor):
    """The output gradient spread over the per-element losses."""
    if reduction == "none":
        return g
    if reduction == "mean":
        if divisor == 0:  # every target ignored: the loss is NaN, the gradient zero (as torch)
            return np.zeros(shape, dtype=g.dtype)
        g = g / divisor
    return dual.broadcast_to(g, shape)


def _pointwise_loss(op, x, t, per_element, weight, reduction, d_input, d_target):
    """The output node of a loss computed element by element from input x and target t.

    per_element: the losses, x's shape; weight: None or an array that scales them. The backward
    scales the upstream gradient the same way and multiplies it by the loss's own partial
    derivatives, ``d_input()`` and ``d_target()`` (each x's shape), called only when needed.
    """
    if weight is not None:
        per_element = per_element * weight
    divisor = x.dtype.type(x.value.size)
    output = Tensor(_reduce(per_element, reduction, divisor), inputs=(x, t), op=op)

    def _backward():
        g = _upstream(output.grad, reduction, x.shape, divisor)
        if weight is not None:
            g = g * weight
        if x.requires_grad:
            x.accumulate_grad(g * d_input())
        if t.requires_grad:
            t.accumulate_grad(g * d_target())

    output._backward = _backward
    return output


def _float_target(target, x, op):
    """The target as a Tensor of x's shape and (unless it requires grad) x's dtype."""
    if isinstance(target, Tensor) and target.requires_grad:
        t = target
    else:
        values = target.value if isinstance(target, Tensor) else np.asarray(target)
        if values.dtype.kind not in "biuf":
            raise ValueError(f"{op}: target must be numeric, got dtype {values.dtype}")
        t = constant(values.astype(x.dtype, copy=False))
    if t.shape != x.shape:
        raise ValueError(f"{op}: target shape {t.shape} must equal the input shape {x.shape}")
    return t


def _elementwise_weight(weight, x, op, name="weight"):
    if weight is None:
        return None
    values = as_array(weight, op, name).astype(x.dtype, copy=False)
    try:
        return np.broadcast_to(values, x.shape)
    except ValueError:
        raise ValueError(f"{op}: {name} of shape {values.shape} does not broadcast to the input shape "
                         f"{x.shape}") from None


def _check_probability_range(values, what, op):
    outside = ~((values >= 0) & (values <= 1))
    if outside.any():
        position = tuple(int(i) for i in np.argwhere(outside)[0])
        raise ValueError(f"{op}: every {what} must be between 0 and 1, got {values[position]} at "
                         f"position {position}")


def mse_loss(input, target, reduction="mean"):
    """Mean squared error (x - y)^2. input, target: the same shape (a mismatch is an error, not
    a silent broadcast). Gradient: 2 (x - y) / count for 'mean'.

    reduction: 'mean' (the default) averages, 'sum' adds, 'none' returns the per-element losses (input's shape).
    """
    check_reduction(reduction, "mse_loss")
    x = as_tensor(input, "mse_loss", "input")
    t = _float_target(target, x, "mse_loss")
    diff = x.value - t.value

    def d_input():
        return 2 * (primal(x) - primal(t))

    return _pointwise_loss("mse_loss", x, t, diff * diff, None, reduction, d_input, lambda: -d_input())


def _larger(a, bound):
    """max(a, bound) elementwise, for an array or a Tensor."""
    return np.maximum(a, bound) if type(a) is not Tensor else _maximum(a, bound)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-(y log x + (1 - y) log(1 - x)) for probabilities x in [0, 1] (e.g. after sigmoid).

    input, target: the same shape, both in [0, 1]; weight: broadcasts to the input. Each log is
    clamped at -100 (PyTorch's rule) so x = 0 or 1 gives a large finite loss. Gradient:
    (x - y) / max(x (1 - x), 1e-12), PyTorch's clamped form.

    reduction: 'mean' (the default) averages the losses, 'sum' adds them, 'none' returns them
    unreduced. weight=None (the default) weighs every element 1.
    """
    op = "binary_cross_entropy"
    check_reduction(reduction, op)
    x = as_tensor(input, "binary_cross_entropy", "input")
    t = _float_target(target, x, op)
    _check_probability_range(x.value, "input value", op)
    _check_probability_range(t.value, "target value", op)
    w = _elementwise_weight(weight, x, op)
    with np.errstate(divide="ignore"):
        log_x = np.maximum(np.log(x.value), -100)
        log_1mx = np.maximum(np.log1p(-x.value), -100)
    per_element = -(t.value * log_x + (1 - t.value) * log_1mx)

    def d_input():
        probability = primal(x)
        return (probability - primal(t)) / _larger(probability * (1 - probability), 1e-12)

    def d_target():
        probability = primal(x)
        if probability is x.value:
            return log_1mx - log_x
        return _larger(dual.log(1 - probability), -100) - _larger(dual.log(probability), -100)

    return _pointwise_loss(op, x, t, per_element, w, reduction, d_input, d_target)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(x) computed from the logits x, stable for any size:
    max(x, 0) - x y + log(1 + exp(-|x|)); with pos_weight p (broadcast over the last axis):
    (1 - y) x + (1 + (p - 1) y) softplus(-x).

    input, target: the same shape, target in [0, 1]. Gradient: sigmoid(x) - y without
    pos_weight; (1 - y) - (1 + (p - 1) y) sigmoid(-x) with it.

    reduction: 'mean' (the default) averages the losses, 'sum' adds them, 'none' returns them
    unreduced. weight=None and pos_weight=None (the defaults)
    weigh every element 1.
    """
    op = "binary_cross_entropy_with_logits"
    check_reduction(reduction, op)
    x = as_tensor(input, "binary_cross_entropy_with_logits", "input")
    t = _float_target(target, x, op)
    _check_probability_range(t.value, "target value", op)
    w = _elementwise_weight(weight, x, op)
    p = _elementwise_weight(pos_weight, x, op, "pos_weight")
    softplus_neg = np.log1p(np.exp(-np.abs(x.value))) + np.maximum(-x.value, 0)
    positive_scale = 1 if p is None else 1 + (p - 1) * t.value
    per_element = (1 - t.value) * x.value + positive_scale * softplus_neg

    def d_input():
        scale = 1 if p is None else 1 + (p - 1) * primal(t)
        logits = primal(x)
        sigmoid_neg = special.expit(-logits) if logits is x.value else _sigmoid(-logits)
        return (1 - primal(t)) - scale * sigmoid_neg

    def d_target():
        logits = primal(x)
        if p is None:
            return -logits
        softplus = softplus_neg if logits is x.value else dual.log(1 + dual.exp(-_abs(logits))) + _relu(-logits)
        return -logits + (p - 1) * softplus

    return _pointwise_loss(op, x, t, per_element, w, reduction, d_input, d_target)
