"""``batch_norm``, ``layer_norm`` and ``group_norm`` of ``nn.functional`` (PyTorch's definitions).

Each normalises groups of values with their mean and biased variance (BatchNorm in evaluation:
its running statistics), then scales and shifts per channel (BatchNorm, GroupNorm) or per
element (LayerNorm). Each is one graph node; with xhat the
normalised values of one group of m values and dxhat the gradient reaching xhat,
dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps), BatchNorm's formula.
The helpers work on arrays and on Tensors alike, so inside ``ag.grad(..., create_graph=True)``
the closures recompute xhat from ``primal(x)`` and the formula is differentiated again.
"""

import math
import numbers

import numpy as np

from autograd import kernels
from autograd.engine import primal
from autograd.tensor import Tensor, as_tensor

TWICE_DIFFERENTIABLE = True  # the closures below work on Tensor gradients too (engine.primal)


def _normalize(values, axes, eps):
    """(xhat, inv_std) for ``values`` normalised over ``axes`` (both keep the reduced axes)."""
    mean = values.mean(axis=axes, keepdims=True)
    centered = values - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)
    if type(values) is Tensor:
        inv_std = (var + eps) ** -0.5
    else:
        inv_std = (1 / np.sqrt(var + eps)).astype(values.dtype, copy=False)
    return centered * inv_std, inv_std


def _normalized_grad(d_xhat, xhat, inv_std, axes):
    return (d_xhat - d_xhat.mean(axis=axes, keepdims=True)
            - xhat * (d_xhat * xhat).mean(axis=axes, keepdims=True)) * inv_std


def _affine_inputs(function, weight, bias, shape):
    inputs = []
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None:
            p = as_tensor(p)
            if p.shape != shape:
                raise ValueError(f"{function}: {name} has shape {p.shape}, expected {shape}")
            inputs.append(p)
        else:
            inputs.append(None)
    return inputs


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last ``len(normalized_shape)`` axes of each sample.

    input: (*, *normalized_shape); weight, bias: normalized_shape or None -> input's shape.
    y = (x - mean) / sqrt(var + eps) * weight + bias, with mean and biased var over those axes.
    """
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(int(n) for n in normalized_shape)
    x = as_tensor(input, "layer_norm", "input")
    k = len(normalized_shape)
    if k == 0 or x.shape[x.ndim - k:] != normalized_shape or x.ndim < k:
        raise ValueError(f"layer_norm: input of shape {x.shape} does not end in normalized_shape "
                         f"{normalized_shape}")
    weight, bias = _affine_inputs("layer_norm", weight, bias, normalized_shape)
    axes = tuple(range(x.ndim - k, x.ndim))
    lead = tuple(range(x.ndim - k))
    xhat, inv_std = _normalize(x.value, axes, eps)
    value = xhat if weight is None else xhat * weight.value
    if bias is not None:
        value = value + bias.value
    output = Tensor(value, inputs=tuple(t for t in (x, weight, bias) if t is not None), op="layer_norm")

    def _backward():
        g, values = output.grad, primal(x)
        # the forward's arrays in a first-order pass, recomputed from the graph's tensors otherwise
        x_hat, inv = (xhat, inv_std) if values is x.value else _normalize(values, axes, eps)
        if weight is not None and weight.requires_grad:
            weight.accumulate_grad((g * x_hat).sum(axis=lead))
        if bias is not None and bias.requires_grad:
            bias.accumulate_grad(g.sum(axis=lead))
        if x.requires_grad:
            d_xhat = g if weight is None else g * primal(weight)
            x.accumulate_grad(_normalized_grad(d_xhat, x_hat, inv, axes))

    output._backward = _backward
    return output


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the C channels into ``num_groups`` groups and normalise each group of each sample.

    input: (N, C, *) with C divisible by num_groups; weight, bias: (C,) or None -> input's shape.
    Statistics are over the C/num_groups channels of a group and all spatial positions:
    y = (x - mean) / sqrt(var + eps) * weight + bias, with the biased var. Default eps=1e-5.
    """
    x = as_tensor(input, "group_norm", "input")
    if x.ndim < 2:
        raise ValueError(f"group_norm: expected input (N, C, *), got shape {x.shape}")
    if isinstance(num_groups, bool) or not isinstance(num_groups, numbers.Integral) or num_groups < 1:
        raise ValueError(f"group_norm: num_groups must be a positive int, got {num_groups!r}")
    n, channels = x.shape[:2]
    if channels % num_groups:
        raise ValueError(f"group_norm: the input's {channels} channels are not divisible by "
                         f"num_groups={num_groups}")
    if n * (channels // num_groups) * math.prod(x.shape[2:]) == 1:  # PyTorch's check, kept for parity
        raise ValueError(f"group_norm: expected more than 1 value per channel when training, got input shape "
                         f"{x.shape} with num_groups={num_groups}")
    weight, bias = _affine_inputs("group_norm", weight, bias, (channels,))
    grouped_shape = (n, num_groups, channels // num_groups * math.prod(x.shape[2:]))
    xhat, inv_std = _normalize(x.value.reshape(grouped_shape), (2,), eps)
    xhat = xhat.reshape(x.shape)
    channel_shape = (1, channels) + (1,) * (x.ndim - 2)
    sum_axes = (0, *range(2, x.ndim))
    value = xhat if weight is None else xhat * weight.value.reshape(channel_shape)
    if bias is not None:
        value = value + bias.value.reshape(channel_shape)
    output = Tensor(value, inputs=tuple(t for t in (x, weight, bias) if t is not None), op="group_norm")

    def _backward():
        g, values = output.grad, primal(x)
        if values is x.value:  # the forward's arrays in a first-order pass
            x_hat, inv = xhat, inv_std
        else:  # recomputed from the graph's tensors, to be differentiated again
            x_hat, inv = _normalize(values.reshape(grouped_shape), (2,), eps)
            x_hat = x_hat.reshape(x.shape)
        if weight is not None and weight.requires_grad:
            weight.accumulate_grad((g * x_hat).sum(axis=sum_axes))
        if bias is not None and bias.requires_grad:
            bias.accumulate_grad(g.sum(axis=sum_axes))
        if x.requires_grad:
            d_xhat = g if weight is None else g * primal(weight).reshape(channel_shape)
            dx = _normalized_grad(d_xhat.reshape(grouped_shape), x_hat.reshape(grouped_shape), inv, (2,))
            x.accumulate_grad(dx.reshape(x.shape))

    output._backward = _backward
    return output


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
    count = x.value.size // channels if channels else 0
    kernel = kernels.current()
    if training:
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input shape {x.shape}")
        mean, var = kernel.batch_norm_statistics(x.value)
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
    inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
    if weight is not None:
        weight = as_tensor(weight, "batch_norm", "weight")
    if bias is not None:
        bias = as_tensor(bias, "batch_norm", "bias")
    xhat, value = kernel.batch_norm_normalize(x.value, np.asarray(mean, dtype=x.dtype), inv_std,
                                              None if weight is None else weight.value,
                                              None if bias is None else bias.value)
    output = Tensor(value, inputs=tuple(t for t in (x, weight, bias) if t is not None), op="batch_norm")

    def _backward():
        # with a = weight / sqrt(var + eps) per channel, the formula above is
        # dx = a * (g - mean(g) - xhat * mean(g * xhat)): the two means are the bias's and the
        # weight's gradients divided by the count, so each is summed once
        g = output.grad
        if type(g) is Tensor:  # inside ag.grad(..., create_graph=True)
            _batch_norm_backward_with_ops(g, x, weight, bias, training, axes, stat_shape, inv_std, mean, eps)
            return
        kernel = kernels.current()
        affine_grads = any(p is not None and p.requires_grad for p in (weight, bias))
        g_sum, g_xhat_sum = kernel.batch_norm_sums(g, xhat) if training or affine_grads else (None, None)
        if weight is not None and weight.requires_grad:
            weight.accumulate_grad(g_xhat_sum)
        if bias is not None and bias.requires_grad:
            bias.accumulate_grad(g_sum)
        if x.requires_grad:
            a = inv_std if weight is None else inv_std * weight.value
            means = (g_sum / count, g_xhat_sum / count) if training else (None, None)
            x.accumulate_grad(kernel.batch_norm_input_grad(g, xhat, a, *means))

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
        inv = inv_std.reshape(stat_shape)
        xhat = (values - np.reshape(mean, stat_shape).astype(x.dtype)) * inv
    if weight is not None and weight.requires_grad:
        weight.accumulate_grad((g * xhat).sum(axis=axes))
    if bias is not None and bias.requires_grad:
        bias.accumulate_grad(g.sum(axis=axes))
    if x.requires_grad:
        d_xhat = g if weight is None else g * primal(weight).reshape(stat_shape)
        # training: the statistics depend on x too (group_norm's formula); eval: a fixed affine map
        x.accumulate_grad(_normalized_grad(d_xhat, xhat, inv, axes) if training else d_xhat * inv)
