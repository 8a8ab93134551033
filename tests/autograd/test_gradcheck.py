"""gradcheck itself: it passes correct gradients and catches a wrong one precisely."""

import numpy as np
import pytest

import autograd as ag


def _square_with_wrong_backward(x):
    out = ag.Tensor(x.value**2, inputs=[x], op="bad_square")

    def _backward():
        x.grad += 3 * x.value * out.grad   # should be 2x

    out._backward = _backward
    return out


def test_gradcheck_passes_a_correct_op():
    assert ag.gradcheck(lambda x: ag.sum(x**2), ag.Tensor(np.array([1.0, -2.0]))) is True


def test_gradcheck_names_input_element_and_values():
    x = ag.Tensor(np.array([[1.0, 2.0]]), label="x")
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(lambda x: ag.sum(_square_with_wrong_backward(x)), x)
    message = str(info.value)
    assert "input 0 ('x')" in message and "element (0, 0)" in message, message
    assert "analytic gradient 3" in message and "numeric 2" in message, message


def test_gradcheck_works_in_float64_and_leaves_inputs_alone():
    x = ag.Tensor(np.array([0.1, 0.2], np.float32))
    assert ag.gradcheck(lambda x: ag.sum(ag.exp(x)), x)
    assert x.dtype == np.float32 and x._grad is None, "expected the caller's tensor untouched"


def test_gradcheck_skips_constants_and_checks_scalars():
    c = ag.Tensor(np.array([1.0, 2.0]), requires_grad=False)
    x = ag.Tensor(np.array([3.0, 4.0]))
    assert ag.gradcheck(lambda c, x: ag.sum(c * x * x), c, x)
    assert ag.gradcheck(lambda s: s * s + 1, ag.Scalar(1.5))


def test_gradcheck_needs_a_scalar_output():
    with pytest.raises(ValueError, match="single-element"):
        ag.gradcheck(lambda x: x * 2, ag.Tensor(np.ones(3)))
