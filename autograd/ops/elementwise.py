"""Elementwise ops: arithmetic with broadcasting, and the unary functions.

Each op builds ``out`` and, right below it, the ``_backward`` closure that adds
``out.grad * d out / d input`` into each input that requires grad. Binary ops broadcast like
NumPy and sum each input's gradient back to its own shape (``unbroadcast``). The unary
functions also take an ``ag.Scalar`` and then return one.
"""

import numpy as np
from scipy import special

from autograd.ops.broadcast import unbroadcast
from autograd.scalar import Scalar
from autograd.tensor import Tensor, as_tensor, constant, make_result


def _operands(a, b):
    """Both operands as Tensors; a plain number takes the other operand's dtype."""
    if isinstance(a, Tensor):
        return a, (b if isinstance(b, Tensor) else constant(b, like=a))
    if isinstance(b, Tensor):
        return constant(a, like=b), b
    return constant(a), constant(b)


def _apply(op, ufunc, a, b):
    try:
        return ufunc(a.value, b.value)
    except ValueError as error:
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None
        raise ValueError(f"{op}: {error} (dtypes {a.dtype} and {b.dtype})") from None



# -- binary arithmetic --------------------------------------------------------------------
def add(a, b):
    a, b = _operands(a, b)
    out = make_result(_apply("add", np.add, a, b), "+", (a, b))

    def _backward():
        if a.requires_grad:
            a._accumulate(unbroadcast(out._grad, a.shape))
        if b.requires_grad:
            b._accumulate(unbroadcast(out._grad, b.shape))

    out._backward = _backward
    return out


def sub(a, b):
    a, b = _operands(a, b)
    out = make_result(_apply("sub", np.subtract, a, b), "-", (a, b))

    def _backward():
        if a.requires_grad:
            a._accumulate(unbroadcast(out._grad, a.shape))
        if b.requires_grad:
            b._accumulate(unbroadcast(-out._grad, b.shape))

    out._backward = _backward
    return out


def mul(a, b):
    a, b = _operands(a, b)
    out = make_result(_apply("mul", np.multiply, a, b), "*", (a, b))

    def _backward():
        if a.requires_grad:
            a._accumulate(unbroadcast(out._grad * b.value, a.shape))
        if b.requires_grad:
            b._accumulate(unbroadcast(out._grad * a.value, b.shape))

    out._backward = _backward
    return out


def div(a, b):
    a, b = _operands(a, b)
    out = make_result(_apply("div", np.true_divide, a, b), "/", (a, b))

    def _backward():
        grad_over_b = out._grad / b.value
        if a.requires_grad:
            a._accumulate(unbroadcast(grad_over_b, a.shape))
        if b.requires_grad:
            b._accumulate(unbroadcast(-grad_over_b * out.value, b.shape))

    out._backward = _backward
    return out


def power(a, b):
    """a ** b. d/da = b a^(b-1); d/db = a^b log(a), taken as 0 where a == 0 and b >= 0
    (PyTorch's convention, so ``0 ** 2`` has a finite exponent gradient)."""
    a, b = _operands(a, b)
    out = make_result(_apply("power", np.power, a, b), "**", (a, b))

    def _backward():
        g = out._grad
        if a.requires_grad:
            # where the exponent is 0 the base gradient is 0, also at a base of 0 (as torch)
            with np.errstate(divide="ignore", invalid="ignore"):
                local = b.value * a.value ** (b.value - 1)
            a._accumulate(unbroadcast(g * np.where(b.value == 0, 0, local), a.shape))
        if b.requires_grad:
            base_is_zero = (a.value == 0) & (b.value >= 0)
            log_a = np.log(np.where(base_is_zero, 1, a.value))
            b._accumulate(unbroadcast(g * out.value * log_a, b.shape))

    out._backward = _backward
    return out


def neg(x):
    if isinstance(x, Scalar):
        return -x
    x = as_tensor(x)
    out = make_result(-x.value, "neg", (x,))

    def _backward():
        x._accumulate(-out._grad)

    out._backward = _backward
    return out


def maximum(a, b):
    """Elementwise max; at a tie each side gets half the gradient (as torch.maximum)."""
    if isinstance(a, Scalar):
        return a.maximum(b)
    if isinstance(b, Scalar):
        return b.maximum(a)
    return _select("maximum", a, b, np.maximum, np.greater)


def minimum(a, b):
    """Elementwise min; at a tie each side gets half the gradient (as torch.minimum)."""
    if isinstance(a, Scalar):
        return a.minimum(b)
    if isinstance(b, Scalar):
        return b.minimum(a)
    return _select("minimum", a, b, np.minimum, np.less)


def _select(op, a, b, select, wins):
    """select(a, b) elementwise; the gradient goes to the side that ``wins``, half to each at a tie."""
    a, b = _operands(a, b)
    out = make_result(_apply(op, select, a, b), op, (a, b))

    def _backward():
        g = out._grad
        tie_share = np.where(a.value == b.value, g * 0.5, 0)
        if a.requires_grad:
            a._accumulate(unbroadcast(np.where(wins(a.value, b.value), g, tie_share), a.shape))
        if b.requires_grad:
            b._accumulate(unbroadcast(np.where(wins(b.value, a.value), g, tie_share), b.shape))

    out._backward = _backward
    return out


def where(condition, a, b):
    """``a`` where ``condition`` holds, else ``b`` (all three broadcast together)."""
    condition = np.asarray(condition.value if isinstance(condition, Tensor) else condition, bool)
    a, b = _operands(a, b)
    try:
        value = np.where(condition, a.value, b.value)
    except ValueError:
        raise ValueError(
            f"where: shapes {condition.shape}, {a.shape} and {b.shape} cannot be broadcast together"
        ) from None
    out = make_result(value, "where", (a, b))

    def _backward():
        g = out._grad
        if a.requires_grad:
            a._accumulate(unbroadcast(np.where(condition, g, 0), a.shape))
        if b.requires_grad:
            b._accumulate(unbroadcast(np.where(condition, 0, g), b.shape))

    out._backward = _backward
    return out


# -- unary functions ----------------------------------------------------------------------
def exp(x):
    if isinstance(x, Scalar):
        return x.exp()
    x = as_tensor(x)
    out = make_result(np.exp(x.value), "exp", (x,))

    def _backward():
        x._accumulate(out._grad * out.value)

    out._backward = _backward
    return out


def log(x):
    if isinstance(x, Scalar):
        return x.log()
    x = as_tensor(x)
    out = make_result(np.log(x.value), "log", (x,))

    def _backward():
        x._accumulate(out._grad / x.value)

    out._backward = _backward
    return out


def sqrt(x):
    if isinstance(x, Scalar):
        return x.sqrt()
    x = as_tensor(x)
    out = make_result(np.sqrt(x.value), "sqrt", (x,))

    def _backward():
        x._accumulate(out._grad * 0.5 / out.value)

    out._backward = _backward
    return out


def abs(x):
    """|x|; the gradient at 0 is 0 (as PyTorch)."""
    if isinstance(x, Scalar):
        return x.abs()
    x = as_tensor(x)
    out = make_result(np.abs(x.value), "abs", (x,))

    def _backward():
        x._accumulate(out._grad * np.sign(x.value))

    out._backward = _backward
    return out


def tanh(x):
    if isinstance(x, Scalar):
        return x.tanh()
    x = as_tensor(x)
    out = make_result(np.tanh(x.value), "tanh", (x,))

    def _backward():
        x._accumulate(out._grad * (1 - out.value * out.value))

    out._backward = _backward
    return out


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow for any x."""
    if isinstance(x, Scalar):
        return x.sigmoid()
    x = as_tensor(x)
    out = make_result(special.expit(x.value), "sigmoid", (x,))

    def _backward():
        x._accumulate(out._grad * out.value * (1 - out.value))

    out._backward = _backward
    return out


def relu(x):
    """max(x, 0); the gradient at 0 is 0 (as PyTorch)."""
    if isinstance(x, Scalar):
        return x.relu()
    x = as_tensor(x)
    out = make_result(np.maximum(x.value, 0), "relu", (x,))

    def _backward():
        x._accumulate(out._grad * (x.value > 0))

    out._backward = _backward
    return out


def clip(x, min=None, max=None):
    """x limited to [min, max] (either may be None); the gradient passes where
    min <= x <= max, as torch.clamp."""
    if isinstance(x, Scalar):
        return x.clip(min, max)
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    x = as_tensor(x)
    out = make_result(np.clip(x.value, min, max), "clip", (x,))

    def _backward():
        inside = np.ones(x.shape, dtype=bool)
        if min is not None:
            inside &= x.value >= min
        if max is not None:
            inside &= x.value <= max
        x._accumulate(out._grad * inside)

    out._backward = _backward
    return out


def astype(x, dtype):
    """The same values as ``dtype``; the gradient is cast back to x's dtype."""
    x = as_tensor(x)
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    out = make_result(x.value.astype(dtype), f"astype({dtype})", (x,))

    def _backward():
        x._accumulate(out._grad.astype(x.dtype))

    out._backward = _backward
    return out
