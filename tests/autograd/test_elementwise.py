"""Elementwise ops: finite differences over broadcast shapes (hypothesis), torch parity."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import autograd as ag
from tests.helpers import check_against_torch, rng

# name -> (agrad function, torch function name, whether inputs must be positive)
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, False),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, False),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, False),
    "div": (lambda a, b: a / b, lambda a, b: a / b, True),
    "pow": (lambda a, b: a**b, lambda a, b: a**b, True),
    "maximum": (ag.maximum, lambda a, b: __import__("torch").maximum(a, b), False),
    "minimum": (ag.minimum, lambda a, b: __import__("torch").minimum(a, b), False),
}


def _data(shape, positive, seed):
    values = rng(seed).standard_normal(shape)
    return np.abs(values) + 0.5 if positive else values


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=3), seed=st.integers(0, 99))
def test_binary_op_gradients_on_broadcast_shapes(name, shapes, seed):
    fn, _, positive = BINARY[name]
    (shape_a, shape_b), _ = shapes
    a = ag.Tensor(_data(shape_a, positive, seed))
    b = ag.Tensor(_data(shape_b, positive, seed + 1))
    assert ag.gradcheck(lambda a, b: ag.sum(fn(a, b) * fn(a, b)), a, b)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_op_matches_torch(name):
    fn, torch_fn, positive = BINARY[name]
    check_against_torch(fn, torch_fn, _data((2, 1, 4, 5), positive, 0), _data((3, 1, 5), positive, 1))


def test_lesson_broadcast_example():
    X1 = ag.Tensor(rng(0).standard_normal((2, 3, 1, 5, 6)))
    X2 = ag.Tensor(rng(1).standard_normal((4, 1, 6)))
    out = X1 * X2
    assert out.shape == (2, 3, 4, 5, 6), "expected (2,3,1,5,6) * (4,1,6) -> (2,3,4,5,6)"
    out.sum().backward()
    full = (2, 3, 4, 5, 6)
    np.testing.assert_allclose(X1.grad, np.broadcast_to(X2.value, full).sum(axis=2, keepdims=True),
                               err_msg="expected X1's gradient summed over the broadcast axis 2")
    np.testing.assert_allclose(X2.grad, np.broadcast_to(X1.value, full).sum(axis=(0, 1, 3)).reshape(4, 1, 6),
                               err_msg="expected X2's gradient summed over axes 0, 1 and 3")


def test_unbroadcast_is_public_and_sums_back():
    g = np.ones((2, 3, 4, 5, 6))
    assert ag.unbroadcast(g, (4, 1, 6)).shape == (4, 1, 6)
    np.testing.assert_array_equal(ag.unbroadcast(g, (4, 1, 6)), np.full((4, 1, 6), 2 * 3 * 5))
    with pytest.raises(ValueError, match=r"\(4, 2, 6\)"):
        ag.unbroadcast(g, (4, 2, 6))


UNARY = {
    "exp": (ag.exp, "exp", False), "log": (ag.log, "log", True), "sqrt": (ag.sqrt, "sqrt", True),
    "abs": (ag.abs, "abs", False), "tanh": (ag.tanh, "tanh", False),
    "sigmoid": (ag.sigmoid, "sigmoid", False), "relu": (ag.relu, "relu", False),
    "neg": (lambda x: -x, "neg", False),
    "clip": (lambda x: ag.clip(x, -0.5, 0.7), "clamp", False),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (2, 1, 3)])
def test_unary_op_gradients(name, shape):
    fn, _, positive = UNARY[name]
    x = ag.Tensor(_data(shape, positive, 3))
    assert ag.gradcheck(lambda x: ag.sum(fn(x) * fn(x)), x)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_op_matches_torch(name):
    torch = pytest.importorskip("torch")
    fn, torch_name, positive = UNARY[name]
    torch_fn = (lambda x: torch.clamp(x, -0.5, 0.7)) if name == "clip" else getattr(torch, torch_name)
    check_against_torch(fn, torch_fn, _data((3, 4), positive, 5))


def test_relu_and_abs_gradient_at_zero_is_zero():
    x = ag.Tensor(np.zeros(3))
    (ag.relu(x) + ag.abs(x)).sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros(3), err_msg="expected PyTorch's 0 at the kink")


def test_maximum_ties_split_evenly():
    a, b = ag.Tensor(np.array([1.0, 2.0])), ag.Tensor(np.array([1.0, 3.0]))
    ag.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 0.0])
    np.testing.assert_array_equal(b.grad, [0.5, 1.0])


def test_where_routes_gradients():
    a, b = ag.Tensor(np.array([1.0, 2.0, 3.0])), ag.Tensor(np.array(10.0))
    out = ag.where(np.array([True, False, True]), a, b)
    np.testing.assert_array_equal(out.value, [1.0, 10.0, 3.0])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [1, 0, 1])
    assert b.grad == 1.0, "expected the broadcast scalar to collect its one use"
    assert ag.gradcheck(lambda a, b: ag.sum(ag.where(a.value > 0, a * a, b * a)),
                        ag.Tensor(rng(0).standard_normal((3, 2))), ag.Tensor(rng(1).standard_normal(2)))


def test_pow_with_tensor_exponent_at_zero_base():
    x = ag.Tensor(np.array([0.0, 2.0]))
    p = ag.Tensor(np.array([2.0, 3.0]))
    (x**p).sum().backward()
    assert np.isfinite(p.grad).all(), "expected 0 ** p to have a finite exponent gradient"


def test_sigmoid_is_stable_and_keeps_float32():
    x = ag.Tensor(np.array([-1000.0, 0.0, 1000.0], np.float32))
    y = ag.sigmoid(x)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.value, [0.0, 0.5, 1.0])


def test_broadcast_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"mul: shapes \(2, 3\) and \(4,\)"):
        ag.Tensor(np.ones((2, 3))) * ag.Tensor(np.ones(4))


def test_astype_is_differentiable():
    x = ag.Tensor(np.ones(3, np.float32))
    y = x.astype(np.float64) * 2
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32 and (x.grad == 2).all()


def test_power_zero_exponent_has_zero_base_gradient_even_at_zero():
    a = ag.Tensor(np.array([0.0, 1.0, -2.0]))
    (a**0).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 0.0, 0.0], err_msg="expected d(x^0)/dx = 0, also at x = 0 (torch)")


def test_integer_power_error_names_the_real_cause():
    with pytest.raises(ValueError, match="power: Integers to negative integer powers"):
        ag.Tensor([1, 2, 3]) ** -1


def test_zero_d_numpy_operands_keep_float32():
    x = ag.Tensor(np.ones(2, np.float32))
    for other in (np.float64(2.0), np.array(2.0), 2.0, 2):
        assert (x * other).dtype == np.float32, f"expected float32 * {type(other).__name__} to stay float32"
    assert (x * np.ones(2)).dtype == np.float64, "expected a float64 array operand to promote, as NumPy"


@pytest.mark.parametrize("op", ["maximum", "minimum", "relu"])
def test_a_nan_operand_passes_its_gradient_as_torch(op):
    torch = pytest.importorskip("torch")
    a = np.array([np.nan, 1.0, -1.0, 2.0, np.nan, 0.0])
    b = np.array([0.0, 1.0, 0.0, np.nan, np.nan, 0.0])
    arrays = (a,) if op == "relu" else (a, b)
    ours = [ag.Tensor(array.copy()) for array in arrays]
    getattr(ag, op)(*ours).sum().backward()
    theirs = [torch.tensor(array, requires_grad=True) for array in arrays]
    getattr(torch, op)(*theirs).sum().backward()
    for name, mine, reference in zip("ab", ours, theirs):
        np.testing.assert_array_equal(mine.grad, reference.grad.numpy(),
                                      err_msg=f"expected {op}'s gradient of {name} to pass NaN as torch does")
