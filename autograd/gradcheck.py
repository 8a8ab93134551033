"""Finite-difference checking of first (``gradcheck``) and second (``gradgradcheck``) derivatives."""

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
            _compare("gradcheck", "gradient", i, x, flat, expected, numeric, atol, rtol)
    return True


def _float64_copy(x, position, where="gradcheck"):
    if isinstance(x, Scalar):
        return Scalar(x.value, label=x.label)
    if isinstance(x, Tensor):
        return Tensor(
            np.array(x.value, dtype=np.float64) if x.dtype.kind == "f" else x.value.copy(),
            label=x.label,
            requires_grad=x.requires_grad,
        )
    raise TypeError(f"{where}: input {position} must be a Tensor or Scalar, got {type(x).__name__}")


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


def gradgradcheck(fn, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Compare second derivatives of ``fn(*inputs)`` with central differences of its first ones.

    fn: a function of Tensors (or Scalars) returning a Tensor of any shape (or a Scalar). With
    fixed random vectors u (the output's shape) and v_j (each input's), the first derivative
    ``h(inputs) = sum_j <v_j, d<u, fn>/d input_j>`` is a number: its gradient from
    ``ag.grad(..., create_graph=True)`` then ``ag.grad`` is checked element by element in
    float64 against ``(h(x + eps) - h(x - eps)) / (2 eps)``, each h evaluated with first-order
    ``ag.grad``: ``|analytic - numeric| <= atol + rtol * |numeric|``. Defaults eps=1e-6,
    atol=1e-5, rtol=1e-3, seed=0 (the random vectors'). Returns True; on a mismatch raises
    ``GradcheckError`` naming the input, the element index and both values. The inputs are not
    modified (float64 copies are used).
    """
    from autograd.gradients import grad

    if not callable(fn):
        raise TypeError(f"gradgradcheck: fn must be a function of the inputs, got {type(fn).__name__}")
    if not inputs:
        raise ValueError("gradgradcheck: give at least one input")
    copies = [_float64_copy(x, position, "gradgradcheck") for position, x in enumerate(inputs)]
    checked = [x for x in copies if _requires_grad(x)]
    if not checked:
        raise ValueError("gradgradcheck: no input requires grad, there is nothing to check")
    random = np.random.default_rng(seed)
    output = fn(*copies)
    if not isinstance(output, (Tensor, Scalar)):
        raise ValueError(f"gradgradcheck: fn must return a Tensor or a Scalar, got {type(output).__name__}")
    u = random.standard_normal(output.shape) if isinstance(output, Tensor) else 1.0
    v = [random.standard_normal(x.shape) if isinstance(x, Tensor) else random.standard_normal() for x in checked]

    def first_derivative(create_graph):
        out = fn(*copies)
        grads = grad(out, checked, grad_outputs=u, create_graph=create_graph, allow_unused=True)
        total = 0.0
        for g, w in zip(grads, v, strict=True):
            if g is not None:
                total = total + ((g * w).sum() if isinstance(g, Tensor) else g * w)
        return total

    h = first_derivative(True)
    if isinstance(h, (Tensor, Scalar)) and (isinstance(h, Scalar) or h.requires_grad):
        analytic = grad(h, checked, allow_unused=True)
    else:
        analytic = (None,) * len(checked)

    def evaluate():
        h = first_derivative(False)
        return float(h.value if isinstance(h, Scalar) else np.asarray(getattr(h, "value", h)).reshape(-1)[0])

    for x, expected_all in zip(checked, analytic, strict=True):
        i = next(position for position, c in enumerate(copies) if c is x)
        expected_all = np.zeros(np.shape(x.value)) if expected_all is None else np.asarray(expected_all.value)
        size = np.size(x.value)
        for flat in range(size):
            numeric = _central_difference_of(evaluate, x, flat, eps)
            expected = expected_all.reshape(-1)[flat]
            _compare("gradgradcheck", "second derivative", i, x, flat, expected, numeric, atol, rtol)
    return True


def _compare(check, what, i, x, flat, expected, numeric, atol, rtol):
    """Raise GradcheckError naming input ``i`` and the element unless expected ~ numeric."""
    if abs(expected - numeric) <= atol + rtol * abs(numeric):
        return
    where = np.unravel_index(flat, x.shape) if isinstance(x, Tensor) else ()
    name = f"input {i}" + (f" ({x.label!r})" if x.label else "")
    raise GradcheckError(
        f"{check}: {name}, element {tuple(int(n) for n in where)}: analytic {what} {expected:.10g} but "
        f"numeric {numeric:.10g} (difference {abs(expected - numeric):.3g}, atol={atol}, rtol={rtol})"
    )


def _central_difference_of(evaluate, x, flat, eps):
    if isinstance(x, Scalar):
        original = x.value
        x.value = original + eps
        plus = evaluate()
        x.value = original - eps
        minus = evaluate()
        x.value = original
    else:
        view = x.value.reshape(-1)
        original = view[flat]
        view[flat] = original + eps
        plus = evaluate()
        view[flat] = original - eps
        minus = evaluate()
        view[flat] = original
    return (plus - minus) / (2 * eps)
