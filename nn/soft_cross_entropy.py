"""``cross_entropy`` against class probabilities (soft targets, e.g. mixup or distillation):
PyTorch's rule when the target is a float array of the input's shape.

loss per sample = -sum_c w_c q_c log softmax(x)_c, with q = (1 - e) p + e / C for label
smoothing e; 'mean' divides the sum by the number of samples (N times the spatial size), not
by the weights, as torch does for probability targets.
"""

import numpy as np

from autograd.engine import primal
from autograd.ops import dual
from autograd.ops.reduce import log_softmax
from autograd.tensor import Tensor, as_tensor

TWICE_DIFFERENTIABLE = True  # the closure works on Tensor gradients too (engine.primal)


def is_probability_target(x, target):
    """Whether ``target`` holds class probabilities for ``x`` (a float array of its shape)."""
    values = target.value if isinstance(target, Tensor) else np.asarray(target)
    return values.dtype.kind == "f" and values.shape == x.shape


def soft_cross_entropy(x, target, class_weight, ignore_index, reduction, label_smoothing, reduce, upstream):
    """x: (N, C, *d) or (C,) logits (a Tensor); target: probabilities of the same shape.
    ``class_weight``: (C,) array or None; ``reduce`` / ``upstream``: nn.loss_functions' helpers."""
    op = "cross_entropy"
    if ignore_index >= 0:
        raise ValueError(f"{op}: ignore_index ({ignore_index}) is not supported for floating point "
                         "(class probability) targets")
    t = as_tensor(target)
    axis = 0 if x.ndim == 1 else 1
    classes = x.shape[axis]
    probabilities = t.value.astype(x.dtype, copy=False)
    if label_smoothing > 0:
        probabilities = probabilities * (1 - label_smoothing) + label_smoothing / classes
    weight_shape = [1] * x.ndim
    weight_shape[axis] = classes
    scale = 1.0 if class_weight is None else class_weight.reshape(weight_shape)
    shift = np.max(x.value, axis=axis, keepdims=True)
    shifted = x.value - np.where(np.isfinite(shift), shift, 0)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    weighted = probabilities * scale
    per_sample = (-np.sum(weighted * log_probs, axis=axis)).astype(x.dtype, copy=False)
    count = x.dtype.type(x.value.size // classes if classes else 0)
    output = Tensor(reduce(per_sample, reduction, count), inputs=(x, t), op=op)

    def _backward():
        row = dual.expand_dims(upstream(output.grad, reduction, per_sample.shape, count), (axis,))
        logits = primal(x)
        if logits is x.value:  # a first-order pass: the forward's arrays
            q, lp = weighted, log_probs
        else:  # recomputed from the graph's tensors, so that they can be differentiated again
            q = primal(t).astype(x.dtype)
            if label_smoothing > 0:
                q = q * (1 - label_smoothing) + label_smoothing / classes
            q, lp = q * scale, log_softmax(logits, axis)
        if x.requires_grad:
            a = q * row
            x.accumulate_grad((dual.exp(lp) * a.sum(axis=axis, keepdims=True) - a).astype(x.dtype))
        if t.requires_grad:
            factor = 1 - label_smoothing
            t.accumulate_grad((-factor * scale * lp * row).astype(t.dtype))

    output._backward = _backward
    return output
