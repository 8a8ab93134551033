"""ag.Tensor: construction, dtypes, the grad invariant, properties, operators."""

import numpy as np
import pytest

import autograd as ag


def test_value_and_grad_have_the_same_shape_and_dtype():
    for dtype in (np.float32, np.float64):
        x = ag.Tensor(np.ones((2, 3), dtype))
        assert x.grad.shape == x.value.shape and x.grad.dtype == dtype, "expected the lesson's invariant"
        (x * 2).sum().backward()
        assert x.grad.shape == (2, 3) and x.grad.dtype == dtype


def test_float32_stays_float32_through_ops():
    x = ag.Tensor(np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32))
    w = ag.Tensor(np.ones((3, 2), np.float32))
    y = ag.log_softmax(ag.tanh(x @ w * 2.0 + 1) ** 2 / 3, axis=1)
    loss = -ag.mean(y[np.arange(4), np.array([0, 1, 0, 1])]) + ag.var(x) + ag.max(x)
    assert loss.dtype == np.float32, "expected no silent upcast to float64"
    loss.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_python_numbers_and_lists_follow_numpy():
    assert ag.Tensor(2.5).dtype == np.float64
    assert ag.Tensor([1, 2]).dtype == np.array([1, 2]).dtype
    assert not ag.Tensor([1, 2]).requires_grad, "expected integer tensors never to require grad"
    assert not ag.Tensor(np.array([True])).requires_grad


@pytest.mark.parametrize("bad", ["abc", np.array(["a"]), [object()], {"a": 1}, None])
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="Tensor"):
        ag.Tensor(bad)


def test_properties():
    x = ag.Tensor(np.arange(6.0).reshape(2, 3))
    assert (x.shape, x.ndim, x.size, x.dtype) == ((2, 3), 2, 6, np.float64)
    assert x.T.shape == (3, 2)
    assert ag.Tensor(3.0).item() == 3.0
    assert x.numpy() is x.value
    assert len(x) == 2
    d = x.detach()
    assert not d.requires_grad and d.value is x.value
    assert x.data is x.value


def test_item_of_many_elements_is_a_value_error():
    with pytest.raises(ValueError, match=r"\(2,\)"):
        ag.Tensor([1.0, 2.0]).item()


def test_reflected_operators_with_numbers_and_arrays():
    x = ag.Tensor(np.array([1.0, 2.0]))
    array = np.array([3.0, 4.0])
    for result, expected in [
        (2 + x, [3, 4]), (2 - x, [1, 0]), (2 * x, [2, 4]), (2 / x, [2, 1]), (2**x, [2, 4]),
        (array + x, [4, 6]), (array * x, [3, 8]), (array - x, [2, 2]), (array / x, [3, 2]),
    ]:
        assert isinstance(result, ag.Tensor), "expected a Tensor, not an object array"
        np.testing.assert_allclose(result.value, expected)
    m = np.ones((2, 2)) @ ag.Tensor(np.ones(2))
    assert isinstance(m, ag.Tensor) and m.shape == (2,)


def test_comparisons_return_plain_boolean_arrays():
    x = ag.Tensor(np.array([1.0, 2.0, 3.0]))
    mask = x > 1.5
    assert isinstance(mask, np.ndarray) and mask.dtype == bool
    np.testing.assert_array_equal(x == ag.Tensor([1.0, 0.0, 3.0]), [True, False, True])
    assert {x: 1}[x] == 1, "expected tensors to stay hashable"


def test_numpy_ufuncs_refuse_tensors_instead_of_dropping_the_graph():
    with pytest.raises(TypeError):
        np.exp(ag.Tensor(np.ones(2)))


def test_grad_setter_and_zero_grad():
    x = ag.Tensor(np.ones(3))
    x.grad = np.array([1.0, 2.0, 3.0])
    x.grad += 1
    np.testing.assert_array_equal(x.grad, [2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=r"\(2,\)"):
        x.grad = np.ones(2)
    x.zero_grad()
    np.testing.assert_array_equal(x.grad, np.zeros(3))


def test_a_passed_on_gradient_is_never_written_through():
    x = ag.Tensor(np.ones(2))
    h = x + 0.0          # add hands its output gradient on without copying
    h.sum().backward()
    x.grad += 5           # the user's in-place edit must not reach h.grad
    np.testing.assert_array_equal(h.grad, [1.0, 1.0])


def test_setitem_on_a_leaf_and_refused_on_results():
    w = ag.Tensor(np.zeros((2, 2, 2, 2)))   # the lesson's conv.weight[0, c] = blur
    w[0, 1] = np.array([[1, 1], [1, 1]])
    assert w.value[0, 1].sum() == 4
    with pytest.raises(RuntimeError, match="in-place"):
        (w * 2)[0] = 1.0


def test_repr_names_op_and_dtype():
    x = ag.Tensor(np.ones(2, np.float32), label="x")
    assert "float32" in repr(x) and "label='x'" in repr(x)
    assert "op='*'" in repr(x * 2)


def test_transpose_with_two_axes_swaps_them_like_torch():
    m = ag.Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.transpose(0, 1).value, m.value.T, err_msg="expected torch's x.transpose(0, 1)")
    x = ag.Tensor(np.ones((2, 3, 4)))
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert x.transpose(2, 0, 1).shape == (4, 2, 3), "expected NumPy's permutation form to keep working"
    assert x.transpose((1, 2, 0)).shape == (3, 4, 2)


def test_backward_on_an_integer_tensor_says_why():
    with pytest.raises(ValueError, match="integer/bool data"):
        (ag.Tensor([1, 2, 3]) * 2).sum().backward()
