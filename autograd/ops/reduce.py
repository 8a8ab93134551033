"""Reductions (sum, mean, max, min, var, logsumexp) and softmax / log_softmax.

``axis`` is None (every axis), an int or a tuple; ``keepdims`` keeps reduced axes as length
1. A reduction's backward re-inserts the reduced axes and broadcasts the gradient back over
them (the lesson's ``np.expand_dims(output.grad, axis=axis)``). The closures work on arrays
and, inside ``ag.grad(..., create_graph=True)``, on Tensors (``engine.primal``, ``ops.dual``).
"""

import numpy as np

from autograd.engine import primal
from autograd.ops import dual
from autograd.ops.args import check_bool, check_int, floating
from autograd.ops.axes import normalize_axes, normalize_axis
from autograd.ops.keywords import DIM, DIMS, VAR, torch_keywords
from autograd.scalar import Scalar
from autograd.tensor import Tensor, as_array, constant

TWICE_DIFFERENTIABLE = True  # every closure below works on Tensor gradients too


def _input(x, axis, op, keepdims=False):
    """``x`` as a Tensor and its reduced axes. A Scalar is its own reduction (no axis)."""
    if not isinstance(x, Tensor):
        x = constant(x, op=op, name="x")
    if keepdims is not False:
        check_bool(keepdims, op, "keepdims")
    return x, normalize_axes(axis, x.ndim, op)


def _scalar_reduction(x, axis, op):
    if axis is not None:
        raise ValueError(f"{op}: a Scalar has no axes, got axis={axis!r}")
    return x


def _kept(g, axes, keepdims):
    """The output gradient with the reduced axes present again as length 1."""
    return g if keepdims else dual.expand_dims(g, axes)


@torch_keywords(**DIMS)
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis``. x: any shape -> x's shape without ``axis`` (or with 1s: keepdims).
    axis=None (the default) reduces over every axis; keepdims=False (the default) drops the
    reduced axes, True keeps them as 1s.
    """
    if isinstance(x, Scalar):
        return _scalar_reduction(x, axis, "sum")
    x, axes = _input(x, axis, "sum", keepdims)
    output = Tensor(np.sum(x.value, axis=axes, keepdims=keepdims), inputs=(x,), op="sum")

    def _backward():
        x.accumulate_grad(dual.broadcast_to(_kept(output.grad, axes, keepdims), x.shape))

    output._backward = _backward
    return output


@torch_keywords(**DIMS)
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``, shaped like ``sum``; each input element gets 1/count of the output gradient.
    axis=None (the default) reduces over every axis; keepdims=False (the default) drops the
    reduced axes, True keeps them as 1s.
    """
    if isinstance(x, Scalar):
        return _scalar_reduction(x, axis, "mean")
    x, axes = _input(x, axis, "mean", keepdims)
    if x.value.dtype.kind != "f":
        x = constant(x.value.astype(np.float64))
    count = int(np.prod([x.shape[a] for a in axes]))
    if count == 0:
        raise ValueError(f"mean: nothing to average over axis {axis!r} of shape {x.shape}")
    output = Tensor(np.mean(x.value, axis=axes, keepdims=keepdims), inputs=(x,), op="mean")

    def _backward():
        x.accumulate_grad(dual.broadcast_to(_kept(output.grad, axes, keepdims) / count, x.shape))

    output._backward = _backward
    return output


@torch_keywords(**DIMS)
def max(x, axis=None, keepdims=False):
    """Largest element over ``axis``, shaped like ``sum``.
    axis=None (the default) reduces over every axis; keepdims=False (the default) drops the
    reduced axes, True keeps them as 1s.

    Tie policy (PyTorch's ``amax``): when several elements share the maximum, the gradient is
    split evenly among them, so ``max([1, 3, 3])`` sends 0.5 to each 3.

    The values only, like NumPy and ``torch.amax``: torch's ``x.max(dim)`` returns (values, indices),
    agrad's does not; ``argmax(x, axis)`` gives the indices.
    """
    if isinstance(x, Scalar):
        return _scalar_reduction(x, axis, "max")
    return _extreme(x, axis, keepdims, np.max, "max")


@torch_keywords(**DIMS)
def min(x, axis=None, keepdims=False):
    """Smallest element over ``axis``, shaped like ``sum``; ties split the gradient evenly (PyTorch's ``amin``).
    The values only, as ``max`` (not torch's (values, indices) of ``x.min(dim)``).
    axis=None (the default) reduces over every axis; keepdims=False (the default) drops the
    reduced axes, True keeps them as 1s.
    """
    if isinstance(x, Scalar):
        return _scalar_reduction(x, axis, "min")
    return _extreme(x, axis, keepdims, np.min, "min")


def _extreme(x, axis, keepdims, reducer, op):
    x, axes = _input(x, axis, op, keepdims)
    if any(x.shape[a] == 0 for a in axes):
        raise ValueError(f"{op}: empty axis {axis!r} in shape {x.shape}")
    output = Tensor(reducer(x.value, axis=axes, keepdims=keepdims), inputs=(x,), op=op)

    def _backward():
        is_extreme = x.value == _kept(output.value, axes, keepdims)
        ties = is_extreme.sum(axis=axes, keepdims=True).astype(x.dtype)
        x.accumulate_grad(is_extreme * (_kept(output.grad, axes, keepdims) / ties))

    output._backward = _backward
    return output


@torch_keywords(**VAR)
def var(x, axis=None, keepdims=False, ddof=0):
    """Variance over ``axis``, NumPy's definition: sum((x - mean)^2) / (count - ddof); shaped like ``sum``.
    axis=None (the default) reduces over every axis; keepdims=False (the default) drops the
    reduced axes, True keeps them as 1s.

    ddof=0 (the default) is the biased estimate BatchNorm uses; ddof=1 is torch.var's default, which
    agrad does not copy: pass ``correction=1`` (torch's name for ddof) or ``unbiased=True`` (ddof=1;
    False is ddof=0) to get it.
    """
    if isinstance(x, Scalar):
        raise TypeError("var: works on Tensors, not on a single Scalar")
    x, axes = _input(x, axis, "var", keepdims)
    ddof = check_int(ddof, "var", "ddof", minimum=0)
    count = int(np.prod([x.shape[a] for a in axes]))
    if count - ddof <= 0:
        raise ValueError(f"var: {count} element(s) over axis {axis!r} with ddof={ddof}")
    centered = x.value - np.mean(x.value, axis=axes, keepdims=True)
    value = np.sum(centered * centered, axis=axes, keepdims=keepdims) / (count - ddof)
    output = Tensor(value, inputs=(x,), op="var")

    def _backward():
        # the mean's own dependence on x cancels out: the centered values sum to zero
        values = primal(x)
        x_centered = centered if values is x.value else values - values.mean(axis=axes, keepdims=True)
        x.accumulate_grad(_kept(output.grad, axes, keepdims) * x_centered * (2 / (count - ddof)))

    output._backward = _backward
    return output


def _logsumexp_kept(values, axes):
    """log(sum(exp(values))) over ``axes`` with keepdims, shifted by the max so that logits
    of any magnitude stay finite. Over an empty axis the sum is 0 and the result -inf (PyTorch's)."""
    shift = np.max(values, axis=axes, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(shift), shift, 0)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the answer over nothing
        return shift + np.log(np.sum(np.exp(values - shift), axis=axes, keepdims=True))


@torch_keywords(**DIMS)
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis``, shaped like ``sum``, finite for logits of any size.
    axis=None (the default) reduces over every axis; keepdims=False (the default) drops the
    reduced axes, True keeps them as 1s.
    """
    if isinstance(x, Scalar):
        return _scalar_reduction(x, axis, "logsumexp")
    x, axes = _input(x, axis, "logsumexp", keepdims)
    x = floating(x)
    lse = _logsumexp_kept(x.value, axes)
    output = Tensor(lse if keepdims else np.squeeze(lse, axes), inputs=(x,), op="logsumexp")

    def _backward():
        softmax_x = dual.exp(primal(x) - _kept(primal(output), axes, keepdims))
        x.accumulate_grad(_kept(output.grad, axes, keepdims) * softmax_x)

    output._backward = _backward
    return output


@torch_keywords(**DIM)
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along one ``axis`` (default -1, the last), stable for any logits; same shape as x."""
    x, _ = _input(x, None, "softmax")
    x = floating(x)
    axis = normalize_axis(axis, x.ndim, "softmax")
    # initial=-inf: an empty axis has no max, and its softmax is empty (as PyTorch)
    shifted = np.exp(x.value - np.max(x.value, axis=axis, keepdims=True, initial=-np.inf))
    output = Tensor(shifted / np.sum(shifted, axis=axis, keepdims=True), inputs=(x,), op="softmax")

    def _backward():
        g, s = output.grad, primal(output)
        x.accumulate_grad(s * (g - (g * s).sum(axis=axis, keepdims=True)))

    output._backward = _backward
    return output


@torch_keywords(**DIM)
def log_softmax(x, axis=-1):
    """x - logsumexp(x) along one ``axis`` (default -1, the last): same shape as x, finite even for logits of 1e8."""
    x, _ = _input(x, None, "log_softmax")
    x = floating(x)
    axis = normalize_axis(axis, x.ndim, "log_softmax")
    output = Tensor(x.value - _logsumexp_kept(x.value, (axis,)), inputs=(x,), op="log_softmax")

    def _backward():
        g = output.grad
        x.accumulate_grad(g - dual.exp(primal(output)) * g.sum(axis=axis, keepdims=True))

    output._backward = _backward
    return output


@torch_keywords(**DIMS)
def argmax(x, axis=None, keepdims=False):
    """Index of the largest element over ``axis``: a plain integer array (not differentiable), shaped
    like ``sum``. axis=None (the default) gives the flat index; keepdims=False (the default) drops
    the reduced axes, True keeps them as 1s.
    """
    values = as_array(x, "argmax", "x")
    check_bool(keepdims, "argmax", "keepdims")
    if axis is not None:
        axis = normalize_axis(axis, values.ndim, "argmax")
    if (values.size == 0 if axis is None else values.shape[axis] == 0):
        where = "an empty input" if axis is None else f"the empty axis {axis}"
        raise ValueError(f"argmax: no largest element in {where} (shape {values.shape})")
    return np.argmax(values, axis=axis, keepdims=keepdims)
