"""Finite-difference gradient checking."""

import numpy as np

from autograd.engine import no_grad
from autograd.scalar import Scalar
from autograd.tensor import Tensor


class GradcheckError(AssertionError):
    """An analytic gradient disagreed with its finite-difference estimate."""


def gradcheck(fn, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Compare the backward gradients of ``fn(*inputs)`` with central differences.

    fn: a function of Tensors (or Scalars) returning a single-element Tensor (or a Scalar).
    Every input that requires grad is checked element by element in float64:
    ``|analytic - numeric| <= atol + rtol * |numeric|`` with
    ``numeric = (fn(x + eps) - fn(x - eps)) / (2 eps)``.
    Returns True; on a mismatch raises ``GradcheckError`` naming the input, the element
    index and both values. The inputs are not modified (float64 copies are used).
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function of the inputs, got {type(fn).__name__}")
    if not inputs:
        raise ValueError("gradcheck: give at least one input")
    copies = [_float64_copy(x, position) for position, x in enumerate(inputs)]
    checked = [i for i, x in enumerate(copies) if _requires_grad(x)]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, there is nothing to check")

    output = fn(*copies)
    _check_output(output)
    output.backward()
    analytic = {i: np.array(copies[i].grad, dtype=np.float64) for i in checked}

    for i in checked:
        x = copies[i]
        values = np.atleast_1d(x.value) if isinstance(x, Tensor) else None
        size = values.size if values is not None else 1
        for flat in range(size):
            numeric = _central_difference(fn, copies, x, flat, eps)
            expected = analytic[i].reshape(-1)[flat]
            if not abs(expected - numeric) <= atol + rtol * abs(numeric):
                where = np.unravel_index(flat, x.shape) if isinstance(x, Tensor) else ()
                name = f"input {i}" + (f" ({x.label!r})" if x.label else "")
                raise GradcheckError(
                    f"gradcheck: {name}, element {tuple(int(n) for n in where)}: analytic "
                    f"gradient {expected:.10g} but numeric {numeric:.10g} "
                    f"(difference {abs(expected - numeric):.3g}, atol={atol}, rtol={rtol})"
                )
    return True


def _float64_copy(x, position):
    if isinstance(x, Scalar):
        return Scalar(x.value, label=x.label)
    if isinstance(x, Tensor):
        return Tensor(
            np.array(x.value, dtype=np.float64) if x.dtype.kind == "f" else x.value.copy(),
            label=x.label,
            requires_grad=x.requires_grad,
        )
    raise TypeError(f"gradcheck: input {position} must be a Tensor or Scalar, got {type(x).__name__}")


def _requires_grad(x):
    return isinstance(x, Scalar) or x.requires_grad


def _check_output(output):
    if isinstance(output, Scalar):
        return
    if not isinstance(output, Tensor) or output.size != 1:
        shape = output.shape if isinstance(output, Tensor) else type(output).__name__
        raise ValueError(f"gradcheck: fn must return a single-element Tensor or a Scalar, got {shape}")


def _evaluate(fn, copies):
    with no_grad():
        output = fn(*copies)
    return float(output.value if isinstance(output, Scalar) else output.value.reshape(-1)[0])


def _central_difference(fn, copies, x, flat, eps):
    if isinstance(x, Scalar):
        original = x.value
        x.value = original + eps
        plus = _evaluate(fn, copies)
        x.value = original - eps
        minus = _evaluate(fn, copies)
        x.value = original
    else:
        view = x.value.reshape(-1)
        original = view[flat]
        view[flat] = original + eps
        plus = _evaluate(fn, copies)
        view[flat] = original - eps
        minus = _evaluate(fn, copies)
        view[flat] = original
    return (plus - minus) / (2 * eps)
