"""``nn.functional``: the layers and losses as plain functions (``import nn.functional as F``).

Each fused op computes its forward in NumPy and writes its backward right below it, so a layer
is one graph node rather than a chain of small ones (fewer passes over memory, and the classic
formulas in one place). Convolution and pooling are autograd's own ops, re-exported here.
"""

import numpy as np

from autograd.ops.conv import conv2d
from autograd.ops.elementwise import relu, sigmoid, tanh
from autograd.ops.fold import fold, unfold
from autograd.ops.pool import avg_pool2d, max_pool2d
from autograd.ops.reduce import log_softmax as _log_softmax
from autograd.ops.reduce import softmax as _softmax
from autograd.tensor import Tensor, as_tensor
from nn.loss_functions import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)

__all__ = [
    "avg_pool2d", "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "conv2d",
    "cross_entropy", "dropout", "fold", "linear", "log_softmax", "max_pool2d", "mse_loss", "nll_loss",
    "relu", "sigmoid", "softmax", "tanh", "unfold",
]



def linear(input, weight, bias=None):
    """y = x W^T + b.

    input: (*, in_features); weight: (out_features, in_features); bias: (out_features,) or None
    -> (*, out_features). Backward: dx = g W, dW = g^T x, db = sum of g over the leading axes.
    """
    x, weight = as_tensor(input, "linear", "input"), as_tensor(weight, "linear", "weight")
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got shape {weight.shape}")
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input of shape {x.shape} does not end in in_features={weight.shape[1]} "
                         f"(weight shape {weight.shape})")
    value = x.value @ weight.value.T
    inputs = (x, weight)
    if bias is not None:
        bias = as_tensor(bias, "linear", "bias")
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"linear: bias shape {bias.shape} should be ({weight.shape[0]},)")
        value += bias.value
        inputs = (x, weight, bias)
    output = Tensor(value, inputs=inputs, op="linear")

    def _backward():
        g = output.grad
        rows = g.reshape(-1, g.shape[-1])  # every leading axis acts as a batch axis
        if x.requires_grad:
            x.accumulate_grad(g @ weight.value)
        if weight.requires_grad:
            weight.accumulate_grad(rows.T @ x.value.reshape(-1, x.shape[-1]))
        if bias is not None and bias.requires_grad:
            bias.accumulate_grad(rows.sum(axis=0))

    output._backward = _backward
    return output


def softmax(input, dim):
    """exp(x) / sum(exp(x)) along ``dim`` (required: PyTorch's implicit choice is deprecated)."""
    return _softmax(input, dim)


def log_softmax(input, dim):
    """x - logsumexp(x) along ``dim``, finite for logits of any size."""
    return _log_softmax(input, dim)


def _plain(value):
    return value.value if isinstance(value, Tensor) else value


def check_batch_norm_options(eps, momentum, where):
    """eps >= 0 (a negative one can make var + eps negative: NaN outputs) and momentum None
    (a cumulative average, for the layer) or in [0, 1]."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating)) or not eps >= 0:
        raise ValueError(f"{where}: eps must be a non-negative number, got {eps!r}")
    if momentum is not None and (isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.floating))
                                 or not 0 <= momentum <= 1):
        raise ValueError(f"{where}: momentum must be None or a number in [0, 1], got {momentum!r}")


def check_dropout_probability(p):
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")


def dropout(input, p=0.5, training=True, inplace=False):
    """Inverted dropout: each element is zeroed with probability p and the survivors are scaled
    by 1/(1-p), so the expected value is unchanged and evaluation needs no rescaling.

    With ``training=False`` (or p=0) the input is returned as is. ``inplace`` is accepted for
    PyTorch compatibility and ignored (agrad never overwrites a graph value). Draws come from
    NumPy's global generator (``np.random.seed`` makes them reproducible).
    """
    check_dropout_probability(p)
    x = as_tensor(input, "dropout", "input")
    if not training or p == 0:
        return x
    keep = np.random.random_sample(x.shape) >= p
    scale = x.dtype.type(0.0 if p == 1 else 1.0 / (1.0 - p))
    mask = np.where(keep, scale, x.dtype.type(0))
    output = Tensor(x.value * mask, inputs=(x,), op="dropout")

    def _backward():
        x.accumulate_grad(output.grad * mask)

    output._backward = _backward
    return output


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    """Batch normalisation over every axis but the channel axis 1.

    input: (N, C) or (N, C, *spatial); running_mean, running_var: (C,) NumPy arrays or None;
    weight, bias: (C,) or None. Training normalises with the batch mean and biased variance and
    updates the running statistics in place: r <- (1 - momentum) r + momentum * stat, using the
    unbiased variance (PyTorch's rule). Evaluation normalises with the running statistics.
    Backward (training), with xhat the normalised input and dxhat = g * weight:
    dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps).
    """
    x = as_tensor(input, "batch_norm", "input")
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input (N, C) or (N, C, ...), got shape {x.shape}")
    channels = x.shape[1]
    for name, stat in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                       ("bias", bias)):
        if stat is not None and np.shape(stat.value if isinstance(stat, Tensor) else stat) != (channels,):
            raise ValueError(f"batch_norm: {name} has shape {np.shape(_plain(stat))}, the input {x.shape} "
                             f"has {channels} channels (axis 1)")
    check_batch_norm_options(eps, momentum, "batch_norm")
    axes = (0, *range(2, x.ndim))
    stat_shape = (1, channels) + (1,) * (x.ndim - 2)
    count = x.size // channels if channels else 0
    if training:
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input shape {x.shape}")
        mean = x.value.mean(axis=axes)
        centered = x.value - mean.reshape(stat_shape)
        var = np.mean(centered * centered, axis=axes)
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += momentum * mean
        if running_var is not None:
            running_var *= 1 - momentum
            running_var += (momentum * count / (count - 1)) * var
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation (training=False) needs running_mean and running_var")
        mean, var = running_mean, running_var
        centered = x.value - mean.reshape(stat_shape)
    inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False).reshape(stat_shape)
    normalized = centered * inv_std
    value = normalized
    inputs = [x]
    if weight is not None:
        weight = as_tensor(weight, "batch_norm", "weight")
        value = value * weight.value.reshape(stat_shape)
        inputs.append(weight)
    if bias is not None:
        bias = as_tensor(bias, "batch_norm", "bias")
        value = value + bias.value.reshape(stat_shape)
        inputs.append(bias)
    output = Tensor(value, inputs=tuple(inputs), op="batch_norm")

    def _backward():
        g = output.grad
        if weight is not None and weight.requires_grad:
            weight.accumulate_grad(np.sum(g * normalized, axis=axes))
        if bias is not None and bias.requires_grad:
            bias.accumulate_grad(np.sum(g, axis=axes))
        if x.requires_grad:
            d_normalized = g if weight is None else g * weight.value.reshape(stat_shape)
            if training:
                d_normalized = (d_normalized - np.mean(d_normalized, axis=axes, keepdims=True)
                                - normalized * np.mean(d_normalized * normalized, axis=axes, keepdims=True))
            x.accumulate_grad(d_normalized * inv_std)

    output._backward = _backward
    return output
