"""Activation layers (elementwise, any shape in and out): ``ReLU``, ``Tanh``, ``Sigmoid``,
``LeakyReLU``, ``ELU``, ``GELU``, ``SiLU``, ``Hardtanh``, ``Softplus``, and ``Softmax`` /
``LogSoftmax`` along one axis. PyTorch's names, arguments and defaults; the arithmetic is in
``nn.functional``."""

import warnings

import numpy as np

from autograd.ops import elementwise
from nn import activation_functions as A
from nn import functional as F
from nn.module import Module


class ReLU(Module):
    """max(x, 0). ``inplace`` is accepted for PyTorch compatibility and ignored: agrad never
    overwrites a value the backward pass may need.

    Elementwise: any shape in, the same shape out.
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return elementwise.relu(x)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Tanh(Module):
    """tanh(x), elementwise: any shape in, the same shape out."""

    def forward(self, x):
        return elementwise.tanh(x)


class Sigmoid(Module):
    """1 / (1 + exp(-x)), without overflow for any x; elementwise: any shape in, the same shape out."""

    def forward(self, x):
        return elementwise.sigmoid(x)


class LeakyReLU(Module):
    """x where x > 0, else negative_slope * x. Elementwise: any shape in, the same shape out.

    Defaults negative_slope=0.01; inplace=False is accepted for PyTorch compatibility and ignored
    (agrad never overwrites a value the backward pass may need).
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        A._number(negative_slope, "negative_slope", "LeakyReLU")
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, x):
        return A.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """x where x > 0, else alpha (exp(x) - 1) (Clevert et al., 2015). Elementwise: any shape in,
    the same shape out.

    Defaults alpha=1.0; inplace=False is accepted for PyTorch compatibility and ignored (agrad
    never overwrites a value the backward pass may need).
    """

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        A._number(alpha, "alpha", "ELU")
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, x):
        return A.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """x Phi(x) (``approximate='none'``, the default) or its tanh approximation
    (``approximate='tanh'``). Elementwise: any shape in, the same shape out."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return A.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x sigmoid(x) (swish). Elementwise: any shape in, the same shape out.

    inplace=False is accepted for PyTorch compatibility and ignored (agrad never overwrites a
    value the backward pass may need).
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return A.silu(x)


class Hardtanh(Module):
    """x clipped to [min_val, max_val]. Elementwise: any shape in, the same shape out.

    Defaults min_val=-1.0, max_val=1.0; inplace=False is accepted for PyTorch compatibility and
    ignored (agrad never overwrites a value the backward pass may need).
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if A._number(min_val, "min_val", "Hardtanh") > A._number(max_val, "max_val", "Hardtanh"):
            raise ValueError(f"Hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, x):
        return A.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class Softplus(Module):
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold (defaults beta=1.0,
    threshold=20.0). Elementwise: any shape in, the same shape out."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        A._number(beta, "beta", "Softplus")
        A._number(threshold, "threshold", "Softplus")
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        return A.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


def _implicit_dim(ndim, layer):
    """PyTorch's legacy choice when ``dim=None``: axis 0 for 0-, 1- and 3-d input, else axis 1."""
    warnings.warn(f"Implicit dimension choice for {layer} has been deprecated. Change the call to include dim=X "
                  "as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


class Softmax(Module):
    """exp(x) / sum(exp(x)) along ``dim``: x of any shape -> the same shape, each slice along
    ``dim`` summing to 1. Pass ``dim``: the default ``dim=None`` is PyTorch's deprecated guess
    (axis 0 for 0-, 1- and 3-d input, else axis 1, with a UserWarning)."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        dim = _implicit_dim(np.ndim(getattr(x, "value", x)), "Softmax") if self.dim is None else self.dim
        return F.softmax(x, dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """x - logsumexp(x) along ``dim``: log-probabilities for ``NLLLoss``; x of any shape -> the
    same shape. Pass ``dim``: the default ``dim=None`` is PyTorch's deprecated guess (axis 0 for
    0-, 1- and 3-d input, else axis 1, with a UserWarning)."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        dim = _implicit_dim(np.ndim(getattr(x, "value", x)), "LogSoftmax") if self.dim is None else self.dim
        return F.log_softmax(x, dim)

    def extra_repr(self):
        return f"dim={self.dim}"
