"""``layer_norm`` and ``group_norm`` of ``nn.functional`` (PyTorch's definitions).

Both normalise groups of values with their own mean and biased variance, then scale and shift
per element (LayerNorm) or per channel (GroupNorm). Each is one graph node; with xhat the
normalised values of one group of m values and dxhat the gradient reaching xhat,
dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps), BatchNorm's formula.
The helpers work on arrays and on Tensors alike, so inside ``ag.grad(..., create_graph=True)``
the closures recompute xhat from ``primal(x)`` and the formula is differentiated again.
"""

import math
import numbers

import numpy as np

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
