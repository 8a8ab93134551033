"""``ag.Scalar``: one Python float and its gradient, micrograd's value.

Each operator builds the output node and, right below it, the closure that sends the output's
gradient back to the inputs: the chain rule next to the arithmetic. Plain numbers mixed in
(``2 * x``, ``1 + s``) become constant leaves, as in micrograd, so they appear in drawn graphs.
"""

import math
import numbers

import numpy as np

from autograd import engine
from autograd.engine import primal

# the closures compute with primal(...): in ag.grad(..., create_graph=True) they build a graph
TWICE_DIFFERENTIABLE = True


def _nan_or(pick, a, b):
    """pick(a, b) (Python's max or min), NaN if either is NaN: Python's own answer depends on the order."""
    return math.nan if math.isnan(a) or math.isnan(b) else pick(a, b)


def _no_backward():
    return None


class Scalar:
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

    # -- gradient storage (the engine's node protocol) ------------------------------------
    @property
    def grad(self):
        """d(root)/d(self), a float: 0.0 until a ``backward()`` adds into it; setting it stores a float."""
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = float(value)

    @property
    def data(self):
        """micrograd's name for ``value``."""
        return self.value

    @data.setter
    def data(self, value):
        self.value = float(value)

    def _reset_grad(self):
        self._grad = 0.0

    # -- the engine's protocol for ag.grad (see Tensor) ---------------------------------------
    def _grad_state(self):
        return self._grad

    def _set_grad_state(self, state):
        self._grad = state

    def _grad_as_plain(self):
        g = self._grad
        return g.value if type(g) is Scalar else g

    def _add_untracked_grad(self, g, node, upstream):
        parents = tuple(s for s in (upstream, *node.inputs) if type(s) is Scalar)
        marked = Scalar(g, f"backward of {node.op or 'op'}", engine.not_twice_differentiable(node), parents)
        self._grad = self._grad + marked

    def _itself(self):
        return self

    def _seed_grad(self, seed):
        self._grad += seed

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """d self / d every node below it, accumulated into their ``.grad``.

        The arguments are PyTorch's, as for ``Tensor.backward``: gradient=None (the seed, 1.0),
        retain_graph=None (the graph is kept anyway), create_graph=False (True: the ``.grad``s
        are Scalars that can be differentiated again), inputs=None (every node; or only these
        Scalars' ``.grad``s are added to).
        """
        from autograd import gradients  # it imports this module

        gradients.backward(self, gradient, retain_graph, create_graph, inputs)

    def zero_grad(self):
        """Reset ``grad`` to 0.0 (gradients accumulate across ``backward()`` calls)."""
        self._grad = 0.0

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

    # -- comparisons and conversions (not differentiable) --------------------------------
    def __float__(self):
        return self.value

    def __lt__(self, other):
        return self.value < _plain(other)

    def __le__(self, other):
        return self.value <= _plain(other)

    def __gt__(self, other):
        return self.value > _plain(other)

    def __ge__(self, other):
        return self.value >= _plain(other)

    __hash__ = object.__hash__

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Scalar(value={self.value:.6g}, grad={self._grad:.6g}{label})"


def _plain(x):
    return x.value if isinstance(x, Scalar) else x


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
