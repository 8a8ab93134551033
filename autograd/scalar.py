"""``ag.Scalar``: one Python float and its gradient, micrograd's value.

Each operator builds the output node and, right below it, the closure that sends the output's
gradient back to the inputs: the chain rule next to the arithmetic. Plain numbers mixed in
(``2 * x``, ``1 + s``) become constant leaves, as in micrograd, so they appear in drawn graphs.
The gradient storage, ``backward()`` and the conversions are in ``scalar_node.py``.
"""

import math
import numbers

import numpy as np

from autograd.engine import primal
from autograd.scalar_node import ScalarNode

# the closures compute with primal(...): in ag.grad(..., create_graph=True) they build a graph
TWICE_DIFFERENTIABLE = True


def _nan_or(pick, a, b):
    """pick(a, b) (Python's max or min), NaN if either is NaN: Python's own answer depends on the order."""
    return math.nan if math.isnan(a) or math.isnan(b) else pick(a, b)


def _no_backward():
    return None


class Scalar(ScalarNode):
    """A differentiable Python float (double precision).

    ``value`` (alias ``data``) is the number, ``grad`` the accumulated d(root)/d(self),
    starting at 0.0. ``inputs``, ``op`` and ``label`` describe the graph.
    """

    __slots__ = ("__weakref__", "_backward", "_grad", "inputs", "label", "op", "value")

    def __init__(self, value, op="", _backward=_no_backward, inputs=(), label=""):
        if isinstance(value, Scalar):
            value = value.value
        elif isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        if isinstance(value, (str, bytes)) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"Scalar: value must be a real number, got {type(value).__name__} {value!r}"
            )
        self.value = float(value)
        self._grad = 0.0
        self._backward = _backward
        self.inputs = tuple(inputs)
        self.op = op
        self.label = label

    # -- arithmetic ---------------------------------------------------------------------
    def __add__(self, other):
        other = _as_scalar(other)
        out = Scalar(self.value + other.value, "+", inputs=(self, other))

        def _backward():
            self._grad += out._grad
            other._grad += out._grad

        out._backward = _backward
        return out

    def __sub__(self, other):
        other = _as_scalar(other)
        out = Scalar(self.value - other.value, "-", inputs=(self, other))

        def _backward():
            self._grad += out._grad
            other._grad -= out._grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _as_scalar(other)
        out = Scalar(self.value * other.value, "*", inputs=(self, other))

        def _backward():
            self._grad += primal(other) * out._grad
            other._grad += primal(self) * out._grad

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = _as_scalar(other)
        if other.value == 0.0:
            raise ZeroDivisionError(f"Scalar division: {self.value!r} / 0.0")
        out = Scalar(self.value / other.value, "/", inputs=(self, other))

        def _backward():
            self._grad += out._grad / primal(other)
            other._grad -= out._grad * primal(out) / primal(other)

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, Scalar) or not isinstance(exponent, numbers.Real):
            raise TypeError(
                f"Scalar ** exponent: the exponent must be a plain number, got "
                f"{type(exponent).__name__} (write ag.exp(y * ag.log(x)) for x ** y)"
            )
        out = Scalar(self.value**exponent, f"**{exponent:g}", inputs=(self,))

        def _backward():
            self._grad += exponent * primal(self) ** (exponent - 1) * out._grad

        out._backward = _backward
        return out

    def __rpow__(self, base):
        if not isinstance(base, numbers.Real) or base <= 0:
            raise ValueError(f"number ** Scalar: the base must be a positive number, got {base!r}")
        out = Scalar(base**self.value, f"{base:g}**", inputs=(self,))

        def _backward():
            self._grad += primal(out) * math.log(base) * out._grad

        out._backward = _backward
        return out

    def __neg__(self):
        out = Scalar(-self.value, "neg", inputs=(self,))

        def _backward():
            self._grad -= out._grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return _as_scalar(other) + self

    def __rsub__(self, other):
        return _as_scalar(other) - self

    def __rmul__(self, other):
        return _as_scalar(other) * self

    def __rtruediv__(self, other):
        return _as_scalar(other) / self

    # -- functions ----------------------------------------------------------------------
    def exp(self):
        """e^self, a new Scalar. Backward: d/dself = e^self."""
        out = Scalar(math.exp(self.value), "exp", inputs=(self,))

        def _backward():
            self._grad += primal(out) * out._grad

        out._backward = _backward
        return out

    def log(self):
        """The natural logarithm of self (which must be > 0), a new Scalar. Backward: 1 / self."""
        if self.value <= 0.0:
            raise ValueError(f"Scalar.log: the value must be positive, got {self.value!r}")
        out = Scalar(math.log(self.value), "log", inputs=(self,))

        def _backward():
            self._grad += out._grad / primal(self)

        out._backward = _backward
        return out

    def sqrt(self):
        """The square root of self (which must be >= 0), a new Scalar. Backward: 1 / (2 sqrt(self))."""
        if self.value < 0.0:
            raise ValueError(f"Scalar.sqrt: the value must be >= 0, got {self.value!r}")
        out = Scalar(math.sqrt(self.value), "sqrt", inputs=(self,))

        def _backward():
            self._grad += 0.5 / primal(out) * out._grad

        out._backward = _backward
        return out

    def abs(self):
        """|self|, a new Scalar; the gradient at 0 is 0 (as PyTorch)."""
        out = Scalar(abs(self.value), "abs", inputs=(self,))

        def _backward():
            sign = (self.value > 0.0) - (self.value < 0.0)
            self._grad += sign * out._grad

        out._backward = _backward
        return out

    def relu(self):
        """max(self, 0), a new Scalar; the gradient at 0 is 0, and a NaN passes through with its
        gradient (as PyTorch)."""
        out = Scalar(0.0 if self.value <= 0.0 else self.value, "relu", inputs=(self,))

        def _backward():
            if not self.value <= 0.0:
                self._grad += out._grad

        out._backward = _backward
        return out

    def tanh(self):
        """tanh(self), a new Scalar. Backward: 1 - tanh(self)^2."""
        out = Scalar(math.tanh(self.value), "tanh", inputs=(self,))

        def _backward():
            self._grad += (1.0 - primal(out) * primal(out)) * out._grad

        out._backward = _backward
        return out

    def sigmoid(self):
        # the branch keeps exp() from overflowing for large |x|
        """1 / (1 + e^-self), a new Scalar, without overflow for any value. Backward: s (1 - s)."""
        x = self.value
        value = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        out = Scalar(value, "sigmoid", inputs=(self,))

        def _backward():
            self._grad += primal(out) * (1.0 - primal(out)) * out._grad

        out._backward = _backward
        return out

    def maximum(self, other):
        """max(self, other); at a tie each side gets half the gradient (as torch.maximum)."""
        other = _as_scalar(other)
        out = Scalar(_nan_or(max, self.value, other.value), "maximum", inputs=(self, other))

        def _backward():  # a side gets the gradient unless the other wins (so both, beside a NaN)
            share = 0.5 if self.value == other.value else 1.0
            if not other.value > self.value:
                self._grad += share * out._grad
            if not self.value > other.value:
                other._grad += share * out._grad

        out._backward = _backward
        return out

    def minimum(self, other):
        """min(self, other); at a tie each side gets half the gradient (as torch.minimum)."""
        other = _as_scalar(other)
        out = Scalar(_nan_or(min, self.value, other.value), "minimum", inputs=(self, other))

        def _backward():  # a side gets the gradient unless the other wins (so both, beside a NaN)
            share = 0.5 if self.value == other.value else 1.0
            if not other.value < self.value:
                self._grad += share * out._grad
            if not self.value < other.value:
                other._grad += share * out._grad

        out._backward = _backward
        return out

    def clip(self, min=None, max=None):
        """The value limited to [min, max]; the gradient passes where min <= value <= max."""
        low = -math.inf if min is None else _bound(min, "min")
        high = math.inf if max is None else _bound(max, "max")
        out = Scalar(low if self.value < low else high if self.value > high else self.value, "clip", inputs=(self,))

        def _backward():
            if low <= self.value <= high:
                self._grad += out._grad

        out._backward = _backward
        return out

def _bound(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Scalar.clip: {name} must be a real number, got {type(value).__name__} {value!r}")
    return float(value)


def _as_scalar(x):
    if isinstance(x, Scalar):
        return x
    if isinstance(x, numbers.Real):
        return Scalar(x)
    raise TypeError(f"Scalar arithmetic with {type(x).__name__} {x!r} is not supported")
