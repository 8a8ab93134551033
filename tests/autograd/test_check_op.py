"""ag.check_op: a student's op checked on drawn inputs; planted bugs fail with the smallest case."""

import numpy as np
import pytest

import autograd as ag

pytest.importorskip("hypothesis")


def _op(forward, backward, inputs, op="op"):
    output = ag.Tensor(forward, inputs=inputs, op=op)
    output._backward = lambda: backward(output)
    return output


def exp(x):
    def backward(out):
        x.grad += out.grad * out.value
    return _op(np.exp(x.value), backward, [x], "exp")


def exp_wrong_backward(x):
    def backward(out):
        x.grad += out.grad * x.value  # d/dx e^x is not x
    return _op(np.exp(x.value), backward, [x], "exp")


def exp_assigns(x):
    def backward(out):
        x.grad = out.grad * out.value  # = in place of +=
    return _op(np.exp(x.value), backward, [x], "exp")


def mul(a, b):
    def backward(out):
        a.grad += ag.unbroadcast(out.grad * b.value, a.shape)
        b.grad += ag.unbroadcast(out.grad * a.value, b.shape)
    return _op(a.value * b.value, backward, [a, b], "*")


def mul_without_unbroadcast(a, b):
    def backward(out):
        a.grad += out.grad * b.value
        b.grad += out.grad * a.value
    return _op(a.value * b.value, backward, [a, b], "*")


def reshape_assigns(x, shape):
    def backward(out):
        x.grad = np.reshape(out.grad, x.shape)
    return _op(np.reshape(x.value, shape), backward, [x], "reshape")


def getitem_without_add_at(x, index):
    def backward(out):
        grad = np.zeros_like(x.value)
        grad[index] += out.grad  # repeated indices count once
        x.grad += grad
    return _op(np.array(x.value[index]), backward, [x], "[]")


@pytest.mark.parametrize(("fn", "reference", "kind"), [
    (exp, ag.exp, "unary"), (mul, ag.mul, "binary"), (ag.tanh, ag.tanh, "unary"), (ag.sum, ag.sum, "reduce"),
    (ag.reshape, ag.reshape, "reshape"), (ag.getitem, ag.getitem, "index"), (ag.add, None, "binary"),
])
def test_correct_ops_pass_quietly(fn, reference, kind):
    library = fn.__module__.startswith("autograd")  # the library's own ops: not a student's, on purpose
    assert ag.check_op(fn, reference, kind, max_examples=15, own_backward=not library) is None


@pytest.mark.parametrize(("fn", "reference", "kind", "fragments"), [
    (exp_wrong_backward, ag.exp, "unary", ["check_op(exp_wrong_backward)", "input shape", "input 0, element",
                                           "analytic gradient", "numeric"]),
    (exp_assigns, ag.exp, "unary", ["used twice", "+="]),
    (reshape_assigns, ag.reshape, "reshape", ["used twice", "+="]),
    (mul_without_unbroadcast, ag.mul, "binary", ["input shapes", "backward raised ValueError"]),
    (getitem_without_add_at, ag.getitem, "index", ["arguments np.array([0, 0])", "input 0, element (0,)"]),
])
def test_planted_bugs_fail_with_the_smallest_case(fn, reference, kind, fragments):
    with pytest.raises(AssertionError) as caught:
        ag.check_op(fn, reference, kind)
    message = str(caught.value)
    missing = [fragment for fragment in fragments if fragment not in message]
    assert not missing, f"expected the message to name {missing}, got: {message}"


def _scalar_sigmoid(u, assign=False):
    import math

    out = ag.Scalar(1.0 / (1.0 + math.exp(-u.value)), inputs=[u], op="sigmoid")

    def backward():
        if assign:
            u.grad = out.grad * out.value * (1.0 - out.value)
        else:
            u.grad += out.grad * out.value * (1.0 - out.value)
    out._backward = backward
    return out


def test_scalar_ops_are_checked_too():
    assert ag.check_op(_scalar_sigmoid, ag.sigmoid, "scalar", max_examples=15) is None
    with pytest.raises(AssertionError, match=r"used twice.*\+="):
        ag.check_op(lambda u: _scalar_sigmoid(u, assign=True), ag.sigmoid, "scalar", name="sigmoid")


def test_wrong_forward_names_the_element():
    with pytest.raises(AssertionError, match=r"output element \(\) is .* the reference gives"):
        ag.check_op(lambda x: ag.exp(x) + 1.0, ag.exp, name="shifted_exp", own_backward=False)


def test_a_student_versions_placeholder_passes_through():
    def exp_todo(x):
        raise NotImplementedError()
    with pytest.raises(NotImplementedError):
        ag.check_op(exp_todo, ag.exp)


def test_not_a_tensor_is_reported():
    with pytest.raises(AssertionError, match=r"expected the op to return an ag\.Tensor, got (ndarray|float64)"):
        ag.check_op(lambda x: np.exp(x.value), ag.exp, name="raw")


@pytest.mark.parametrize(("kwargs", "error", "fragment"), [
    ({"student_fn": 3}, TypeError, "student_fn must be a function"),
    ({"student_fn": exp, "reference": "ag.exp"}, TypeError, "reference must be a function"),
    ({"student_fn": exp, "kind": "ternary"}, ValueError, "kind must be one of"),
    ({"student_fn": exp, "low": 2.0, "high": 1.0}, ValueError, "low < high"),
    ({"student_fn": exp, "max_examples": 0}, ValueError, "max_examples must be a positive int"),
])
def test_bad_arguments_are_clear_errors(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        ag.check_op(**kwargs)


@pytest.mark.parametrize("delegate, kind, reference", [
    (lambda x: ag.exp(x), "unary", ag.exp),
    (lambda x, y: x * y, "binary", ag.mul),
    (lambda x, index: x[index], "index", ag.getitem),
    (lambda u: u.sigmoid(), "scalar", ag.sigmoid),
])
def test_returning_the_library_s_op_is_refused(delegate, kind, reference):
    with pytest.raises(AssertionError, match=r"the result is the output of agrad's own .* write its _backward"):
        ag.check_op(delegate, reference, kind=kind, name="delegate")
    ag.check_op(delegate, reference, kind=kind, own_backward=False, max_examples=3)  # composed on purpose: fine
