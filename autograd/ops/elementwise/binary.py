"""Binary elementwise ops: arithmetic, maximum/minimum and where, broadcasting like NumPy.

Each op builds ``output`` and, right below it, the ``_backward`` closure that adds
``output.grad * d output / d input`` into each input that requires grad, summed back to that
input's own shape (``unbroadcast``) over the axes it was broadcast along.

The closures compute with ``output.grad``, ``primal(...)`` of the values they need and
``autograd.ops.dual``: on arrays in a first-order pass, on Tensors (recorded, so differentiable
again) inside ``ag.grad(..., create_graph=True)``. One formula for every order.
"""

import numpy as np

from autograd.engine import primal
from autograd.ops import dual
from autograd.ops.broadcast import unbroadcast
from autograd.scalar import Scalar
from autograd.tensor import Tensor, as_array, constant

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
