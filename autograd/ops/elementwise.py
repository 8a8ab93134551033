"""Elementwise ops: arithmetic with broadcasting, and the unary functions.

Each op builds ``out`` and, right below it, the ``_backward`` closure that adds
``out.grad * d out / d input`` into each input that requires grad. Binary ops broadcast like
NumPy and sum each input's gradient back to its own shape (``unbroadcast``). The unary
functions also take an ``ag.Scalar`` and then return one.

The closures compute with ``output.grad``, ``primal(...)`` of the values they need and
``autograd.ops.dual``: on arrays in a first-order pass, on Tensors (recorded, so differentiable
again) inside ``ag.grad(..., create_graph=True)``. One formula for every order.
"""

import numpy as np
from scipy import special

from autograd.engine import primal
from autograd.ops import dual
from autograd.ops.args import floating, number_or_array
from autograd.ops.broadcast import unbroadcast
from autograd.scalar import Scalar
from autograd.tensor import Tensor, as_array, as_tensor, constant

TWICE_DIFFERENTIABLE = True  # every closure below works on Tensor gradients too


def _operands(a, b, op):
    """Both operands as Tensors; a plain number takes the other operand's dtype. ``op`` names
    the function in the error for an operand that is not numbers."""
    if isinstance(a, Tensor):
        return a, (b if isinstance(b, Tensor) else constant(b, like=a, op=op, name="b"))
    if isinstance(b, Tensor):
        return constant(a, like=b, op=op, name="a"), b
    return constant(a, op=op, name="a"), constant(b, op=op, name="b")


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
    """a + b. Elementwise; a and b (Tensors, arrays or numbers) broadcast together,
    the output has the broadcast shape.
    Backward: each side gets the output gradient, summed over the axes it was broadcast along.
    """
    a, b = _operands(a, b, "add")
    output = Tensor(_apply("add", np.add, a, b), inputs=(a, b), op="+")

    def _backward():
        if a.requires_grad:
            a.accumulate_grad(unbroadcast(output.grad, a.shape))
        if b.requires_grad:
            b.accumulate_grad(unbroadcast(output.grad, b.shape))

    output._backward = _backward
    return output


def sub(a, b):
    """a - b. Elementwise; a and b (Tensors, arrays or numbers) broadcast together,
    the output has the broadcast shape.
    Backward: a gets the output gradient, b its negative (each summed to its own shape).
    """
    a, b = _operands(a, b, "sub")
    output = Tensor(_apply("sub", np.subtract, a, b), inputs=(a, b), op="-")

    def _backward():
        if a.requires_grad:
            a.accumulate_grad(unbroadcast(output.grad, a.shape))
        if b.requires_grad:
            b.accumulate_grad(unbroadcast(-output.grad, b.shape))

    output._backward = _backward
    return output


def mul(a, b):
    """a * b. Elementwise; a and b (Tensors, arrays or numbers) broadcast together,
    the output has the broadcast shape.
    Backward: da = g b, db = g a (each summed to its own shape).
    """
    a, b = _operands(a, b, "mul")
    output = Tensor(_apply("mul", np.multiply, a, b), inputs=(a, b), op="*")

    def _backward():
        if a.requires_grad:
            a.accumulate_grad(unbroadcast(output.grad * primal(b), a.shape))
        if b.requires_grad:
            b.accumulate_grad(unbroadcast(output.grad * primal(a), b.shape))

    output._backward = _backward
    return output


def div(a, b):
    """a / b (true division). Elementwise; a and b (Tensors, arrays or numbers) broadcast together,
    the output has the broadcast shape.
    Backward: da = g / b, db = -g a / b^2.
    """
    a, b = _operands(a, b, "div")
    output = Tensor(_apply("div", np.true_divide, a, b), inputs=(a, b), op="/")

    def _backward():
        grad_over_b = output.grad / primal(b)
        if a.requires_grad:
            a.accumulate_grad(unbroadcast(grad_over_b, a.shape))
        if b.requires_grad:
            b.accumulate_grad(unbroadcast(-grad_over_b * primal(output), b.shape))

    output._backward = _backward
    return output


def power(a, b):
    """a ** b. Elementwise; a and b (Tensors, arrays or numbers) broadcast together,
    the output has the broadcast shape.
    d/da = b a^(b-1); d/db = a^b log(a), taken as 0 where a == 0 and b >= 0
    (PyTorch's convention, so ``0 ** 2`` has a finite exponent gradient).
    """
    a, b = _operands(a, b, "power")
    output = Tensor(_apply("power", np.power, a, b), inputs=(a, b), op="**")

    def _backward():
        g = output.grad
        if a.requires_grad:
            # where the exponent is 0 the base gradient is 0, also at a base of 0 (as torch): the
            # base is taken as 1 there, so no 0 ** -1 appears (nor in a higher derivative)
            base = dual.where(b.value == 0, 1, primal(a))
            with np.errstate(divide="ignore", invalid="ignore"):
                local = primal(b) * base ** (primal(b) - 1)
            a.accumulate_grad(unbroadcast(g * local, a.shape))
        if b.requires_grad:
            base_is_zero = (a.value == 0) & (b.value >= 0)
            log_a = dual.log(dual.where(base_is_zero, 1, primal(a)))
            b.accumulate_grad(unbroadcast(g * primal(output) * log_a, b.shape))

    output._backward = _backward
    return output


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
    """select(a, b) elementwise; the gradient goes to the side that ``wins``, half to each at a tie
    (and to both where a NaN makes every comparison false, as PyTorch)."""
    a, b = _operands(a, b, op)
    output = Tensor(_apply(op, select, a, b), inputs=(a, b), op=op)

    def _backward():
        # PyTorch's rule: a side gets g unless the other side wins, half of it at a tie; so an
        # operand that is NaN (no comparison holds) passes the gradient to both sides
        g = output.grad
        shared = dual.where(a.value == b.value, g * 0.5, g)
        if a.requires_grad:
            a.accumulate_grad(unbroadcast(dual.where(wins(b.value, a.value), 0, shared), a.shape))
        if b.requires_grad:
            b.accumulate_grad(unbroadcast(dual.where(wins(a.value, b.value), 0, shared), b.shape))

    output._backward = _backward
    return output


def where(condition, a, b):
    """``a`` where ``condition`` holds, else ``b``, elementwise: all three broadcast together and the
    output has their broadcast shape. The gradient goes to the side that was chosen.
    """
    condition = as_array(condition, "where", "condition")
    if condition.dtype != bool:
        condition = condition != 0  # NumPy's rule for a numeric condition: nonzero holds
    a, b = _operands(a, b, "where")
    try:
        value = np.where(condition, a.value, b.value)
    except ValueError:
        raise ValueError(
            f"where: shapes {condition.shape}, {a.shape} and {b.shape} cannot be broadcast together"
        ) from None
    output = Tensor(value, inputs=(a, b), op="where")

    def _backward():
        g = output.grad
        if a.requires_grad:
            a.accumulate_grad(unbroadcast(dual.where(condition, g, 0), a.shape))
        if b.requires_grad:
            b.accumulate_grad(unbroadcast(dual.where(condition, 0, g), b.shape))

    output._backward = _backward
    return output


# -- unary functions ----------------------------------------------------------------------
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
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"astype: dtype {dtype!r} is not a NumPy dtype") from None
    if dtype.kind not in "biuf":
        raise TypeError(f"astype: dtype must be a bool, integer or floating dtype, got {dtype}")
    if x.dtype == dtype:
        return x
    output = Tensor(x.value.astype(dtype), inputs=(x,), op=f"astype({dtype})")

    def _backward():
        x.accumulate_grad(output.grad.astype(x.dtype))

    output._backward = _backward
    return output
