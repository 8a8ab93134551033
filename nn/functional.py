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
from nn.class_losses import cross_entropy, nll_loss
from nn.loss_functions import binary_cross_entropy, binary_cross_entropy_with_logits, mse_loss
from nn.normalization_functions import batch_norm, group_norm, layer_norm
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
TWICE_DIFFERENTIABLE = {"linear", "dropout", "dropout2d"}


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
