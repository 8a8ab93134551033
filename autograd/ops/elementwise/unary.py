"""Unary elementwise ops: neg, exp, log, sqrt, abs, tanh, sigmoid, relu, clip, astype and clone.

Each takes a Tensor (or array) and returns a Tensor of the same shape; the functions also take
an ``ag.Scalar`` and then return one. The ``_backward`` closure beside each forward multiplies
``output.grad`` by the local derivative, with ``primal(...)`` values so the same formula serves
``ag.grad(..., create_graph=True)``.
"""

import numpy as np
from scipy import special

from autograd.engine import primal
from autograd.ops.args import check_dtype, floating, number_or_array
from autograd.scalar import Scalar
from autograd.tensor import Tensor, as_tensor

TWICE_DIFFERENTIABLE = True  # every closure below works on Tensor gradients too


def neg(x):
    """-x, elementwise (same shape as x); a Scalar gives a Scalar."""
    if isinstance(x, Scalar):
        return -x
    x = as_tensor(x, "neg", "x")
    output = Tensor(-x.value, inputs=(x,), op="neg")

    def _backward():
        x.accumulate_grad(-output.grad)

    output._backward = _backward
    return output


def exp(x):
    """e^x, elementwise (same shape as x). Backward: dx = g e^x."""
    if isinstance(x, Scalar):
        return x.exp()
    x = as_tensor(x, "exp", "x")
    x = floating(x)
    output = Tensor(np.exp(x.value), inputs=(x,), op="exp")

    def _backward():
        x.accumulate_grad(output.grad * primal(output))

    output._backward = _backward
    return output


def log(x):
    """The natural logarithm, elementwise (same shape as x). Backward: dx = g / x."""
    if isinstance(x, Scalar):
        return x.log()
    x = as_tensor(x, "log", "x")
    x = floating(x)
    output = Tensor(np.log(x.value), inputs=(x,), op="log")

    def _backward():
        x.accumulate_grad(output.grad / primal(x))

    output._backward = _backward
    return output


def sqrt(x):
    """The square root, elementwise (same shape as x). Backward: dx = g / (2 sqrt(x))."""
    if isinstance(x, Scalar):
        return x.sqrt()
    x = as_tensor(x, "sqrt", "x")
    x = floating(x)
    output = Tensor(np.sqrt(x.value), inputs=(x,), op="sqrt")

    def _backward():
        x.accumulate_grad(output.grad * 0.5 / primal(output))

    output._backward = _backward
    return output


def abs(x):
    """|x|, elementwise (same shape as x); the gradient at 0 is 0 (as PyTorch)."""
    if isinstance(x, Scalar):
        return x.abs()
    x = as_tensor(x, "abs", "x")
    output = Tensor(np.abs(x.value), inputs=(x,), op="abs")

    def _backward():
        x.accumulate_grad(output.grad * np.sign(x.value))

    output._backward = _backward
    return output


def tanh(x):
    """tanh(x), elementwise (same shape as x). Backward: dx = g (1 - tanh(x)^2)."""
    if isinstance(x, Scalar):
        return x.tanh()
    x = as_tensor(x, "tanh", "x")
    x = floating(x)
    output = Tensor(np.tanh(x.value), inputs=(x,), op="tanh")

    def _backward():
        tanh_x = primal(output)
        x.accumulate_grad(output.grad * (1 - tanh_x * tanh_x))

    output._backward = _backward
    return output


def sigmoid(x):
    """1 / (1 + e^-x), elementwise (same shape as x), computed without overflow for any x."""
    if isinstance(x, Scalar):
        return x.sigmoid()
    x = as_tensor(x, "sigmoid", "x")
    x = floating(x)
    output = Tensor(special.expit(x.value), inputs=(x,), op="sigmoid")

    def _backward():
        sigmoid_x = primal(output)
        x.accumulate_grad(output.grad * sigmoid_x * (1 - sigmoid_x))

    output._backward = _backward
    return output


def relu(x):
    """max(x, 0), elementwise (same shape as x); the gradient at 0 is 0 (as PyTorch)."""
    if isinstance(x, Scalar):
        return x.relu()
    x = as_tensor(x, "relu", "x")
    output = Tensor(np.maximum(x.value, 0), inputs=(x,), op="relu")

    def _backward():
        x.accumulate_grad(output.grad * ~(x.value <= 0))  # not "> 0": a NaN passes its gradient, as PyTorch

    output._backward = _backward
    return output


def clip(x, min=None, max=None):
    """x limited to [min, max], elementwise (same shape as x). min=None and max=None (the defaults)
    leave that side open; the gradient passes where min <= x <= max, as torch.clamp.
    """
    if isinstance(x, Scalar):
        return x.clip(min, max)
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    x = as_tensor(x, "clip", "x")
    min, max = number_or_array(min, "clip", "min"), number_or_array(max, "clip", "max")
    try:
        value = np.clip(x.value, min, max)
    except ValueError:
        shapes = ", ".join(str(np.shape(v)) for v in (x.value, min, max) if v is not None)
        raise ValueError(f"clip: x, min and max of shapes {shapes} cannot be broadcast together") from None
    if value.shape != x.shape:
        raise ValueError(f"clip: min and max must broadcast to x's shape {x.shape}, not widen it to {value.shape}")
    output = Tensor(value, inputs=(x,), op="clip")

    def _backward():
        inside = np.ones(x.shape, dtype=bool)
        if min is not None:
            inside &= x.value >= min
        if max is not None:
            inside &= x.value <= max
        x.accumulate_grad(output.grad * inside)

    output._backward = _backward
    return output


def astype(x, dtype):
    """The same values as ``dtype``; the gradient is cast back to x's dtype."""
    x = as_tensor(x, "astype", "x")
    dtype = check_dtype(dtype, "astype")
    if x.dtype == dtype:
        return x
    output = Tensor(x.value.astype(dtype), inputs=(x,), op=f"astype({dtype})")

    def _backward():
        x.accumulate_grad(output.grad.astype(x.dtype))

    output._backward = _backward
    return output


def clone(x):
    """A copy of x in new memory (same shape and dtype), PyTorch's ``clone``: writing into one
    never changes the other, and the gradient passes through unchanged. A Tensor only (a Scalar
    holds an immutable float: it needs no copy)."""
    x = as_tensor(x, "clone", "x")
    output = Tensor(x.value.copy(), inputs=(x,), op="clone")

    def _backward():
        x.accumulate_grad(output.grad)

    output._backward = _backward
    return output
