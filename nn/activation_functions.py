"""The activation functions of ``nn.functional``: ``leaky_relu``, ``elu``, ``gelu``, ``silu``,
``hardtanh``, ``softplus`` (PyTorch's definitions, including the gradient at the kinks).

Each is one graph node: the forward in NumPy and, right below it, the backward as
``output.grad * f'(x)``, with f' written on ``v = primal(x)`` (an array, or the Tensor x inside
``ag.grad(..., create_graph=True)``: then f' is differentiated too). Any shape in and out;
float32 stays float32. ``gelu`` (exact) is differentiable once: its f'' needs the normal density's
derivative, which has no op here, so a second derivative through it raises naming it.
"""

import math
import numbers

import numpy as np
from scipy import special

from autograd.engine import primal
from autograd.ops import dual
from autograd.tensor import Tensor, as_tensor

TWICE_DIFFERENTIABLE = {"_unary", "_erf"}  # their closures work on Tensor gradients too


def _number(value, name, function):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{function}: {name} must be a real number, got {value!r}")
    return float(value)


def _unary(x, value, derivative, op):
    """The node y = f(x) with dy/dx = ``derivative(primal(x))`` (computed only when backward runs)."""
    output = Tensor(value.astype(x.dtype, copy=False), inputs=(x,), op=op)

    def _backward():
        x.accumulate_grad((output.grad * derivative(primal(x))).astype(x.dtype, copy=False))

    output._backward = _backward
    return output


def _erf(x):
    """erf elementwise, for gelu's derivative: scipy's on an array, a node on a Tensor (the
    gradient of a gradient through exact gelu); d erf / dx = 2 / sqrt(pi) e^(-x^2)."""
    if type(x) is not Tensor:
        return special.erf(x)
    output = Tensor(special.erf(x.value), inputs=(x,), op="erf")

    def _backward():
        u = primal(x)
        x.accumulate_grad(output.grad * dual.exp(-(u * u)) * (2 / math.sqrt(math.pi)))

    output._backward = _backward
    return output


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, else negative_slope * x. The gradient at 0 is ``negative_slope`` (torch).

    Elementwise: any shape in, the same shape out. Defaults negative_slope=0.01; inplace=False
    is accepted for PyTorch compatibility and ignored (agrad never overwrites a graph value).
    """
    slope = _number(negative_slope, "negative_slope", "leaky_relu")
    x = as_tensor(input, "leaky_relu", "input")
    positive = x.value > 0
    slope = x.dtype.type(slope)
    return _unary(x, np.where(positive, x.value, x.value * slope),
                  lambda v: np.where(positive, x.dtype.type(1), slope), "leaky_relu")


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha (e^x - 1); the gradient there is alpha e^x (alpha at 0, torch).

    Elementwise: any shape in, the same shape out. Defaults alpha=1.0; inplace=False is accepted
    for PyTorch compatibility and ignored (agrad never overwrites a graph value).
    """
    alpha = _number(alpha, "alpha", "elu")
    x = as_tensor(input, "elu", "input")
    positive = x.value > 0
    alpha = x.dtype.type(alpha)
    negative_part = alpha * np.expm1(np.minimum(x.value, 0))  # min: no overflow warning for large x

    def derivative(v):
        if v is x.value:
            return np.where(positive, x.dtype.type(1), negative_part + alpha)
        return dual.where(positive, x.dtype.type(1), alpha * dual.exp(dual.where(positive, 0, v)))

    return _unary(x, np.where(positive, x.value, negative_part), derivative, "elu")


def gelu(input, approximate="none"):
    """x Phi(x) with Phi the standard normal CDF (``approximate='none'``), or Hendrycks and
    Gimpel's 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) with ``approximate='tanh'``."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    x = as_tensor(input, "gelu", "input")
    v = x.value
    if approximate == "none":
        cdf = 0.5 * (1 + special.erf(v * (1 / math.sqrt(2))))

        def exact_derivative(u):  # Phi(u) + u phi(u)
            cdf_u = cdf if u is v else 0.5 * (1 + _erf(u * (1 / math.sqrt(2))))
            return cdf_u + u * dual.exp(-0.5 * u * u) * (1 / math.sqrt(2 * math.pi))

        return _unary(x, v * cdf, exact_derivative, "gelu")
    k = math.sqrt(2 / math.pi)
    inner = k * (v + 0.044715 * v * v * v)
    t = np.tanh(inner)

    def derivative(u):
        th = t if u is v else dual.tanh(k * (u + 0.044715 * u * u * u))
        return 0.5 * (1 + th) + 0.5 * u * (1 - th * th) * k * (1 + 3 * 0.044715 * u * u)

    return _unary(x, 0.5 * v * (1 + t), derivative, "gelu")


def silu(input, inplace=False):
    """x sigmoid(x) (also called swish); the gradient is s (1 + x (1 - s)).

    Elementwise: any shape in, the same shape out. inplace=False is accepted for PyTorch
    compatibility and ignored (agrad never overwrites a graph value).
    """
    x = as_tensor(input, "silu", "input")
    s = special.expit(x.value)

    def derivative(v):
        sv = s if v is x.value else dual.sigmoid(v)
        return sv * (1 + v * (1 - sv))

    return _unary(x, x.value * s, derivative, "silu")


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clipped to [min_val, max_val]. The gradient is 1 strictly inside and 0 at and beyond the
    ends (torch's hardtanh; ``clip`` passes it at the ends).

    Elementwise: any shape in, the same shape out. Defaults min_val=-1.0, max_val=1.0;
    inplace=False is accepted for PyTorch compatibility and ignored (agrad never overwrites a
    graph value).
    """
    low = _number(min_val, "min_val", "hardtanh")
    high = _number(max_val, "max_val", "hardtanh")
    if low > high:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    x = as_tensor(input, "hardtanh", "input")
    return _unary(x, np.clip(x.value, low, high), lambda v: (x.value > low) & (x.value < high), "hardtanh")


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (for stability, as
    torch); the gradient is sigmoid(beta x) (1 above the threshold)."""
    beta = _number(beta, "beta", "softplus")
    threshold = _number(threshold, "threshold", "softplus")
    x = as_tensor(input, "softplus", "input")
    scaled = x.value * x.dtype.type(beta)
    linear = scaled > threshold
    # logaddexp(0, z) = log(1 + e^z) without overflow
    value = np.where(linear, x.value, np.logaddexp(0, scaled) / x.dtype.type(beta))

    def derivative(v):
        return np.where(linear, 1, special.expit(scaled)) if v is x.value else dual.where(
            linear, 1, dual.sigmoid(v * x.dtype.type(beta)))

    return _unary(x, value, derivative, "softplus")
