"""``nn.functional``: the layers and losses as plain functions (``import nn.functional as F``).

Each fused op computes its forward in NumPy and writes its backward right below it, so a layer
is one graph node rather than a chain of small ones (fewer passes over memory, and the classic
formulas in one place). Convolution and pooling are autograd's own ops, here also taking an
unbatched (C, H, W) input as PyTorch's functions do, and pooling with all of PyTorch's options
(``nn.pool_functions``).
"""

import warnings

import numpy as np

from autograd.engine import primal
from autograd.ops import conv as _conv
from autograd.ops.elementwise import relu, sigmoid, tanh
from autograd.ops.fold import fold, unfold
from autograd.ops.reduce import log_softmax as _log_softmax
from autograd.ops.reduce import softmax as _softmax
from autograd.tensor import Tensor, as_tensor
from nn.activation_functions import elu, gelu, hardtanh, leaky_relu, silu, softplus
from nn.loss_functions import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)
from nn.normalization_functions import _normalize, _normalized_grad, group_norm, layer_norm
from nn.pool_functions import avg_pool2d, max_pool2d, max_unpool2d
from nn.resampling_functions import _unbatched, adaptive_avg_pool2d, adaptive_max_pool2d, interpolate

__all__ = [
    "adaptive_avg_pool2d", "adaptive_max_pool2d", "avg_pool2d", "batch_norm", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "conv2d", "conv_transpose2d", "cross_entropy", "dropout", "dropout2d",
    "elu", "fold", "gelu", "group_norm", "hardtanh", "interpolate", "layer_norm", "leaky_relu", "linear",
    "log_softmax", "max_pool2d", "max_unpool2d", "mse_loss", "nll_loss", "relu", "sigmoid", "silu", "softmax",
    "softplus", "tanh", "unfold",
]

# the ops whose closures work on Tensor gradients too (engine.primal): twice differentiable
TWICE_DIFFERENTIABLE = {"linear", "dropout", "dropout2d", "batch_norm"}


def _batched_or_not(op, input, *args):
    output = _unbatched(op, input, *args)
    if output is not None:
        return output
    if getattr(input, "ndim", 4) != 4:
        raise ValueError(f"{op.__name__}: expected input (N, C, H, W) or (C, H, W), got shape {input.shape}")
    return op(input, *args)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``ag.conv2d`` that also takes one unbatched image, as PyTorch's ``F.conv2d`` does.

    input: (N, C_in, H, W) or (C_in, H, W); weight: (C_out, C_in/groups, kH, kW); bias: (C_out,)
    or None -> (N, C_out, H_out, W_out), or (C_out, H_out, W_out) for an unbatched input.
    Defaults (PyTorch's): bias=None, stride=1, padding=0 (an int, a pair, "valid" or "same"),
    dilation=1, groups=1.
    """
    return _batched_or_not(_conv.conv2d, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """``ag.conv_transpose2d`` that also takes one unbatched image, as PyTorch's does.

    input: (N, C_in, H_in, W_in) or (C_in, H_in, W_in); weight: (C_in, C_out/groups, kH, kW);
    bias: (C_out,) or None -> (N, C_out, H, W), or (C_out, H, W) unbatched, with
    H = (H_in - 1) sH - 2 pH + dH (kH - 1) + output_padding + 1. Defaults (PyTorch's):
    bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1.
    """
    return _batched_or_not(_conv.conv_transpose2d, input, weight, bias, stride, padding, output_padding,
                           groups, dilation)


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
            x.accumulate_grad(g @ primal(weight))
        if weight.requires_grad:
            weight.accumulate_grad(rows.T @ primal(x).reshape(-1, x.shape[-1]))
        if bias is not None and bias.requires_grad:
            bias.accumulate_grad(rows.sum(axis=0))

    output._backward = _backward
    return output


def softmax(input, dim):
    """exp(x) / sum(exp(x)) along ``dim`` (required: PyTorch's implicit choice is deprecated); same shape as x."""
    return _softmax(input, dim)


def log_softmax(input, dim):
    """x - logsumexp(x) along ``dim`` (required), finite for logits of any size; same shape as x."""
    return _log_softmax(input, dim)


def _plain(value):
    return value.value if isinstance(value, Tensor) else value


def _check_batch_norm_options(eps, momentum, where):
    """eps >= 0 (a negative one can make var + eps negative: NaN outputs) and momentum None
    (a cumulative average, for the layer) or in [0, 1]."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating)) or not eps >= 0:
        raise ValueError(f"{where}: eps must be a non-negative number, got {eps!r}")
    if momentum is not None and (isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.floating))
                                 or not 0 <= momentum <= 1):
        raise ValueError(f"{where}: momentum must be None or a number in [0, 1], got {momentum!r}")


def _check_dropout_probability(p):
    """ValueError unless ``p`` is a number in [0, 1] (shared by ``dropout`` and ``nn.Dropout``)."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")


def dropout(input, p=0.5, training=True, inplace=False):
    """Inverted dropout: each element is zeroed with probability p and the survivors are scaled
    by 1/(1-p), so the expected value is unchanged and evaluation needs no rescaling.

    With ``training=False`` (or p=0) the input is returned as is. ``inplace`` is accepted for
    PyTorch compatibility and ignored (agrad never overwrites a graph value). Draws come from
    NumPy's global generator (``np.random.seed`` makes them reproducible).

    Any shape in, the same shape out. Defaults: p=0.5, training=True, inplace=False.
    """
    _check_dropout_probability(p)
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


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel dropout: each whole feature map x[n, c] is zeroed with probability p and the
    others scaled by 1/(1-p). input: (N, C, H, W); a 3-d input is taken as (N, C, L), with a
    warning, as PyTorch does; any other number of axes raises ValueError. Same shape out.
    Draws come from NumPy's global generator, as ``dropout``'s.

    With ``training=False`` (or p=0) the input is returned as is. Defaults: p=0.5,
    training=True, inplace=False (accepted for PyTorch compatibility and ignored).
    """
    _check_dropout_probability(p)
    x = as_tensor(input, "dropout2d", "input")
    if x.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected input (N, C, H, W) or (N, C, L), got shape {x.shape}")
    if not training or p == 0:
        return x
    if x.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L)", UserWarning, stacklevel=2)
    keep = np.random.random_sample(x.shape[:2]) >= p
    scale = x.dtype.type(0.0 if p == 1 else 1.0 / (1.0 - p))
    mask = np.where(keep, scale, x.dtype.type(0)).reshape(x.shape[:2] + (1,) * (x.ndim - 2))
    output = Tensor(x.value * mask, inputs=(x,), op="dropout2d")

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
    _check_batch_norm_options(eps, momentum, "batch_norm")
    axes = (0, *range(2, x.ndim))
    stat_shape = (1, channels) + (1,) * (x.ndim - 2)
    count = x.size // channels if channels else 0
    if training:
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input shape {x.shape}")
        mean = x.value.mean(axis=axes)
        centered = x.value - mean.reshape(stat_shape)
        scratch = centered * centered  # reused below as the output's storage: one array fewer per call
        var = np.mean(scratch, axis=axes)
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
        scratch = None
    inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False).reshape(stat_shape)
    normalized = centered  # normalised in place: the centred values are not needed again
    normalized *= inv_std
    value = normalized
    inputs = [x]
    if weight is not None:
        weight = as_tensor(weight, "batch_norm", "weight")
        value = np.multiply(normalized, weight.value.reshape(stat_shape), out=scratch)
        inputs.append(weight)
    if bias is not None:
        bias = as_tensor(bias, "batch_norm", "bias")
        if value is normalized:
            value = normalized + bias.value.reshape(stat_shape)
        else:
            value += bias.value.reshape(stat_shape)
        inputs.append(bias)
    output = Tensor(value, inputs=tuple(inputs), op="batch_norm")

    def _backward():
        # with a = weight / sqrt(var + eps) per channel, the formula above is
        # dx = a * (g - mean(g) - xhat * mean(g * xhat)): the two means are the bias's and the
        # weight's gradients divided by the count, so each is summed once
        g = output.grad
        if type(g) is Tensor:  # inside ag.grad(..., create_graph=True)
            _batch_norm_backward_with_ops(g, x, weight, bias, training, axes, stat_shape, inv_std, mean, eps)
            return
        need_x = x.requires_grad
        need_weight = weight is not None and weight.requires_grad
        g_xhat = g * normalized if need_weight or (need_x and training) else None
        g_xhat_sum = None if g_xhat is None else np.sum(g_xhat, axis=axes)
        g_sum = np.sum(g, axis=axes) if (bias is not None and bias.requires_grad) or (need_x and training) else None
        if need_weight:
            weight.accumulate_grad(g_xhat_sum)
        if bias is not None and bias.requires_grad:
            bias.accumulate_grad(g_sum)
        if need_x:
            a = inv_std if weight is None else inv_std * weight.value.reshape(stat_shape)
            dx = g * a
            if training:
                np.multiply(normalized, -a * (g_xhat_sum / count).astype(x.dtype).reshape(stat_shape), out=g_xhat)
                dx += g_xhat
                dx -= a * (g_sum / count).astype(x.dtype).reshape(stat_shape)
            x.accumulate_grad(dx)

    output._backward = _backward
    return output


def _batch_norm_backward_with_ops(g, x, weight, bias, training, axes, stat_shape, inv_std, mean, eps):
    """batch_norm's backward formula (its docstring's) with ag ops on the graph's tensors, for a
    graph-creating pass: the normalised input and 1/sqrt(var + eps) are recomputed from primal(x)
    so that their dependence on x is differentiated too. The first-order pass runs the same
    formula on arrays, fused in place (the closure above)."""
    values = primal(x)
    if training:
        xhat, inv = _normalize(values, axes, eps)
    else:
        inv = inv_std
        xhat = (values - np.reshape(mean, stat_shape).astype(x.dtype)) * inv
    if weight is not None and weight.requires_grad:
        weight.accumulate_grad((g * xhat).sum(axis=axes))
    if bias is not None and bias.requires_grad:
        bias.accumulate_grad(g.sum(axis=axes))
    if x.requires_grad:
        d_xhat = g if weight is None else g * primal(weight).reshape(stat_shape)
        # training: the statistics depend on x too (group_norm's formula); eval: a fixed affine map
        x.accumulate_grad(_normalized_grad(d_xhat, xhat, inv, axes) if training else d_xhat * inv)
