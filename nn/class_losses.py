"""The classification losses as functions (re-exported by ``nn.functional``): ``cross_entropy``
and ``nll_loss``, PyTorch's signatures, over log-probabilities on the class axis 1 (axis 0 for
one unbatched sample).

Each is one fused op whose backward, written below it, is the closed-form gradient (softmax
minus one-hot for cross-entropy). Integer class targets are checked: a wrong shape, an
out-of-range class or a float target raises ValueError naming the op and the offending values.
"""

import numpy as np

from autograd.engine import primal
from autograd.ops import dual
from autograd.ops.reduce import log_softmax as _log_softmax
from autograd.tensor import Tensor, as_array, as_tensor
from nn.loss_functions import _reduce, _upstream, check_reduction
from nn.soft_cross_entropy import is_probability_target, soft_cross_entropy

# the closures work on Tensor gradients too (engine.primal): twice differentiable
TWICE_DIFFERENTIABLE = {"cross_entropy", "nll_loss"}


def _class_targets(op, x, target, ignore_index):
    """Check integer class targets for input x: (N, C, *d) -> target (N, *d); (C,) -> target ()."""
    if x.ndim == 0:
        raise ValueError(f"{op}: input needs a class axis, got a 0-d input")
    values = target.value if isinstance(target, Tensor) else np.asarray(target)
    if values.dtype.kind not in "iu":
        hint = (f" (or, for class probabilities, a float target of the input's shape {x.shape}, got "
                f"{values.shape})" if values.dtype.kind == "f" and op == "cross_entropy" else "")
        raise ValueError(f"{op}: target must hold integer class indices, got dtype {values.dtype}{hint}")
    expected = () if x.ndim == 1 else (x.shape[0], *x.shape[2:])
    if values.shape != expected:
        raise ValueError(f"{op}: input of shape {x.shape} needs a target of shape {expected}, got {values.shape}")
    classes = x.shape[0 if x.ndim == 1 else 1]
    bad = ((values < 0) | (values >= classes)) & (values != ignore_index)
    if bad.any():
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{op}: target {int(values[position])} at position {position} is not a class index "
                         f"in [0, {classes}) nor ignore_index={ignore_index}")
    keep = values != ignore_index
    return np.where(keep, values, 0), keep


def _class_weights(weight, classes, x, op):
    if weight is None:
        return None
    values = as_array(weight, op, "weight").astype(x.dtype, copy=False)
    if values.shape != (classes,):
        raise ValueError(f"{op}: weight must have shape ({classes},), one per class, got {values.shape}")
    return values


def _per_class(values, class_axis, ndim):
    """A (C,) array shaped to broadcast along the class axis of an ndim-d input."""
    shape = [1] * ndim
    shape[class_axis] = -1
    return values.reshape(shape)


def _one_hot(labels, classes, axis, ndim):
    """Booleans of the input's shape: True at each target's class (class axis ``axis``)."""
    return np.expand_dims(labels, axis) == _per_class(np.arange(classes), axis, ndim)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits against class indices: -log softmax(x)[y] (or against class
    probabilities: a float ``target`` of the input's shape, see ``nn.soft_cross_entropy``).

    input: (N, C), (N, C, *d) or (C,); target: integers (N,), (N, *d) or () (array or Tensor).
    weight: optional (C,) class weights; targets equal to ``ignore_index`` count for nothing.
    With label_smoothing e the target is (1 - e) one-hot + e/C uniform. 'mean' divides by the
    total weight of the counted targets (their number without ``weight``), as torch.
    Finite for logits of any size (log-softmax is shifted by the max). Gradient: for each sample,
    softmax(x) * sum(a) - a, where a is the target distribution times its weight.

    reduction: 'mean' (the default), 'sum', or 'none' (one loss per target: (N,) or (N, *d)); weight=None
    (the default) weighs every class 1, ignore_index=-100 (the default) ignores no real class. label_smoothing=0.0
    (the default) is the plain one-hot target.
    """
    op = "cross_entropy"
    check_reduction(reduction, op)
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing!r}")
    x = as_tensor(input, "cross_entropy", "input")
    if is_probability_target(x, target):
        class_weight = _class_weights(weight, x.shape[0 if x.ndim == 1 else 1], x, op)
        return soft_cross_entropy(x, target, class_weight, ignore_index, reduction, label_smoothing, _reduce,
                                  _upstream)
    labels, keep = _class_targets(op, x, target, ignore_index)
    axis = 0 if x.ndim == 1 else 1
    classes = x.shape[axis]
    class_weight = _class_weights(weight, classes, x, op)
    shift = np.max(x.value, axis=axis, keepdims=True)
    shifted = x.value - np.where(np.isfinite(shift), shift, 0)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    one_hot = _one_hot(labels, classes, axis, x.ndim)
    target_weight = keep.astype(x.dtype) if class_weight is None else class_weight[labels] * keep
    # np.where, not products with 0: a -inf log-probability (a masked logit) of a class that is not
    # the target, or of an ignored target's stand-in class 0, must not make 0 * -inf = NaN
    picked = np.where(keep, np.sum(np.where(one_hot, log_probs, 0), axis=axis), 0)
    per_element = -(1 - label_smoothing) * target_weight * picked
    if label_smoothing > 0:
        spread = log_probs if class_weight is None else log_probs * _per_class(class_weight, axis, x.ndim)
        per_element = per_element - (label_smoothing / classes) * np.where(keep, np.sum(spread, axis=axis), 0)
    per_element = per_element.astype(x.dtype, copy=False)
    divisor = x.dtype.type(np.sum(target_weight))
    output = Tensor(_reduce(per_element, reduction, divisor), inputs=(x,), op=op)

    def _backward():
        # the target distribution a (times its weights) is linear in the upstream gradient:
        # a = spread * row, with spread built from the labels alone; dx = row (softmax(x) sum(spread) - spread)
        row = dual.expand_dims(_upstream(output.grad, reduction, labels.shape, divisor) * keep, (axis,))
        spread = one_hot * ((1 - label_smoothing) * target_weight.reshape(row.shape)).astype(x.dtype)
        if label_smoothing > 0:
            smooth = 1 if class_weight is None else _per_class(class_weight, axis, x.ndim)
            spread = spread + ((label_smoothing / classes) * smooth)
        logits = primal(x)
        probabilities = np.exp(log_probs) if logits is x.value else dual.exp(_log_softmax(logits, axis))
        x.accumulate_grad(row * (probabilities * np.sum(spread, axis=axis, keepdims=True) - spread))

    output._backward = _backward
    return output


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood: -w[y] * x[y], with x log-probabilities (e.g. log_softmax).

    Shapes, ``weight``, ``ignore_index`` and 'mean' as in ``cross_entropy``.

    reduction: 'mean' (the default), 'sum', or 'none' (one loss per target: (N,) or (N, *d)); weight=None
    (the default) weighs every class 1, ignore_index=-100 (the default) ignores no real class.
    """
    op = "nll_loss"
    check_reduction(reduction, op)
    x = as_tensor(input, "nll_loss", "input")
    labels, keep = _class_targets(op, x, target, ignore_index)
    axis = 0 if x.ndim == 1 else 1
    class_weight = _class_weights(weight, x.shape[axis], x, op)
    target_weight = keep.astype(x.dtype) if class_weight is None else class_weight[labels] * keep
    labels_kept = np.expand_dims(labels, axis)
    # an ignored target's stand-in class 0 may hold -inf: 0 * -inf would be NaN
    picked = np.where(keep, np.squeeze(np.take_along_axis(x.value, labels_kept, axis), axis), 0)
    per_element = (-target_weight * picked).astype(x.dtype, copy=False)
    divisor = x.dtype.type(np.sum(target_weight))
    output = Tensor(_reduce(per_element, reduction, divisor), inputs=(x,), op=op)

    def _backward():
        row = _upstream(output.grad, reduction, labels.shape, divisor) * target_weight
        picked = np.zeros(x.shape, dtype=x.dtype)  # one-hot of the labels (linear in the gradient)
        np.put_along_axis(picked, labels_kept, 1, axis)
        x.accumulate_grad(picked * dual.expand_dims(-row, (axis,)))

    output._backward = _backward
    return output
