"""The activation functions of ``nn.functional``: ``leaky_relu``, ``elu``, ``gelu``, ``silu``,
``hardtanh``, ``softplus`` (PyTorch's definitions, including the gradient at the kinks).

Each is one graph node: the forward in NumPy and, right below it, the backward as
``output.grad * f'(x)``. Any shape in and out; float32 stays float32.
"""

import math
import numbers

import numpy as np
from scipy import special

from autograd.tensor import Tensor, as_tensor


def _number(value, name, function):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{function}: {name} must be a real number, got {value!r}")
    return float(value)


def _unary(x, value, derivative, op):
    """The node y = f(x) with dy/dx = ``derivative()`` (computed only when backward runs)."""
    output = Tensor(value.astype(x.dtype, copy=False), inputs=(x,), op=op)

    def _backward():
        x.accumulate_grad((output.grad * derivative()).astype(x.dtype, copy=False))

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
                  lambda: np.where(positive, x.dtype.type(1), slope), "leaky_relu")


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
    return _unary(x, np.where(positive, x.value, negative_part),
                  lambda: np.where(positive, x.dtype.type(1), negative_part + alpha), "elu")


def gelu(input, approximate="none"):
    """x Phi(x) with Phi the standard normal CDF (``approximate='none'``), or Hendrycks and
    Gimpel's 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) with ``approximate='tanh'``."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    x = as_tensor(input, "gelu", "input")
    v = x.value
    if approximate == "none":
        cdf = 0.5 * (1 + special.erf(v * (1 / math.sqrt(2))))
        return _unary(x, v * cdf, lambda: cdf + v * np.exp(-0.5 * v * v) * (1 / math.sqrt(2 * math.pi)), "gelu")
    k = math.sqrt(2 / math.pi)
    inner = k * (v + 0.044715 * v * v * v)
    t = np.tanh(inner)
    return _unary(x, 0.5 * v * (1 + t),
                  lambda: 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k * (1 + 3 * 0.044715 * v * v), "gelu")


def silu(input, inplace=False):
    """x sigmoid(x) (also called swish); the gradient is s (1 + x (1 - s)).

    Elementwise: any shape in, the same shape out. inplace=False is accepted for PyTorch
    compatibility and ignored (agrad never overwrites a graph value).
    """
    x = as_tensor(input, "silu", "input")
    s = special.expit(x.value)
    return _unary(x, x.value * s, lambda: s * (1 + x.value * (1 - s)), "silu")


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
    return _unary(x, np.clip(x.value, low, high), lambda: (x.value > low) & (x.value < high), "hardtanh")


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
    return _unary(x, value, lambda: np.where(linear, 1, special.expit(scaled)), "softplus")
