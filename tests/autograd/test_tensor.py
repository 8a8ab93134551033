"""ag.Tensor: construction, dtypes, the grad invariant, properties, operators."""

import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, rng


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


# -- PyTorch's names: clamp, clone, abs(x), dim(), numel(), size(), requires_grad_(), ag.zeros, ... ----
def test_clamp_matches_torch_including_the_bounds_themselves():
    data = np.array([[-2.0, -1.0, 0.0], [0.5, 1.0, 3.0]])  # -1 and 1 sit exactly on the bounds
    check_against_torch(lambda x: x.clamp(-1.0, 1.0), lambda x: x.clamp(-1.0, 1.0), data)
    check_against_torch(lambda x: x.clamp(min=0.0), lambda x: x.clamp(min=0.0), data)
    check_against_torch(lambda x: x.clamp(max=0.5), lambda x: x.clamp(max=0.5), data)
    check_against_torch(lambda x: x.clamp_min(-1.0), lambda x: x.clamp_min(-1.0), data)
    check_against_torch(lambda x: x.clamp_max(1.0), lambda x: x.clamp_max(1.0), data)


def test_clone_is_a_copy_whose_gradient_flows_back_as_torchs():
    torch = pytest.importorskip("torch")
    data = rng(31).standard_normal((2, 3))
    check_against_torch(lambda x: x.clone() * x, lambda x: x.clone() * x, data)
    check_against_torch(lambda x: ag.clone(x) ** 2, lambda x: torch.clone(x) ** 2, data)
    constant = ag.Tensor(np.zeros(3), requires_grad=False)
    copy = constant.clone()
    copy[0] = 5.0
    assert constant.value[0] == 0.0, "expected clone() to own its memory: writing into it left the original"
    assert ag.Tensor(np.ones(2, np.float32)).clone().dtype == np.float32, "expected clone to keep the dtype"


def test_builtin_abs_matches_torch():
    check_against_torch(lambda x: abs(x) * x, lambda x: abs(x) * x, rng(32).standard_normal((3, 4)))


def test_dim_numel_and_size_as_torch_and_numpy():
    torch = pytest.importorskip("torch")
    data = np.zeros((2, 3))
    x, theirs = ag.Tensor(data), torch.tensor(data)
    assert (x.dim(), x.numel()) == (theirs.dim(), theirs.numel()) == (2, 6), "expected torch's dim() and numel()"
    assert x.size == data.size == 6 and x.size + 1 == 7, "expected x.size to stay NumPy's element count"
    assert x.size() == tuple(theirs.size()) == (2, 3), "expected x.size() to be torch's shape"
    for d in (0, 1, -1, -2):
        assert x.size(d) == theirs.size(d), f"expected x.size({d}) to be torch's {theirs.size(d)}"
    assert type(x.size * 2) is int and type(x.numel()) is int, "expected arithmetic to give plain ints"
    assert ag.Tensor(1.0).size() == () and ag.Tensor(1.0).size == 1
    import pickle

    assert type(pickle.loads(pickle.dumps(x.size))) is int, "expected a pickled size to be a plain int"


@pytest.mark.parametrize("d", [2, -3, 10])
def test_size_of_a_missing_dim_is_an_index_error_like_torch(d):
    torch = pytest.importorskip("torch")
    with pytest.raises(IndexError):
        torch.zeros(2, 3).size(d)
    with pytest.raises(IndexError, match=rf"Tensor.size: dim {d} is out of range for a 2-d tensor"):
        ag.Tensor(np.zeros((2, 3))).size(d)


def test_requires_grad_as_torch():
    torch = pytest.importorskip("torch")
    x = ag.Tensor(np.ones(3), requires_grad=False)
    assert x.requires_grad_() is x and x.requires_grad, "expected requires_grad_() to switch a leaf on, in place"
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0], err_msg="expected the gradient to reach it")
    assert not x.requires_grad_(False).requires_grad, "expected requires_grad_(False) to switch a leaf off"
    y = ag.Tensor(np.ones(3)) * 2
    assert y.requires_grad_(True) is y, "expected a no-op on a result that requires grad, as torch"
    theirs = torch.ones(3, requires_grad=True) * 2
    with pytest.raises(RuntimeError):
        theirs.requires_grad_(False)
    with pytest.raises(RuntimeError, match=r"Tensor\.requires_grad_: only a leaf's"):
        y.requires_grad_(False)


@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_zeros_and_ones_as_torch(name):
    torch = pytest.importorskip("torch")
    for ours, theirs in [(getattr(ag, name)(2, 3), getattr(torch, name)(2, 3)),
                         (getattr(ag, name)((4,)), getattr(torch, name)((4,))),
                         (getattr(ag, name)(()), getattr(torch, name)(()))]:
        assert ours.shape == tuple(theirs.shape), f"expected {name}'s shape {tuple(theirs.shape)}"
        assert ours.dtype == np.float32 and theirs.dtype == torch.float32, "expected torch's float32 default"
        assert not ours.requires_grad and not theirs.requires_grad, "expected torch's requires_grad=False"
        np.testing.assert_array_equal(ours.value, theirs.numpy(), err_msg=f"expected torch.{name}'s values")
    w = getattr(ag, name)(2, dtype=np.float64, requires_grad=True)
    (w * w).sum().backward()
    assert w.dtype == np.float64 and w.grad.shape == (2,), "expected a float64 leaf that takes a gradient"


@pytest.mark.parametrize("name", ["zeros_like", "ones_like"])
def test_zeros_like_and_ones_like_as_torch(name):
    torch = pytest.importorskip("torch")
    for data in (np.arange(6.0).reshape(2, 3), np.arange(4, dtype=np.int64), np.ones(2, np.float32)):
        ours, theirs = getattr(ag, name)(ag.Tensor(data)), getattr(torch, name)(torch.tensor(data))
        assert ours.dtype == data.dtype and str(theirs.dtype) == f"torch.{data.dtype}", "expected x's dtype kept"
        np.testing.assert_array_equal(ours.value, theirs.numpy(), err_msg=f"expected torch.{name}'s values")
        assert not ours.requires_grad, "expected requires_grad=False by default, as torch"
    assert getattr(ag, name)(np.ones((2, 2)), dtype=np.float32).dtype == np.float32, "expected dtype= to win"


A = ag.Tensor(np.ones((2, 3)))


@pytest.mark.parametrize("where, error, call", [
    ("Tensor.clamp: give at least one of min and max", ValueError, lambda: A.clamp()),
    ("Tensor.clamp: min must be", TypeError, lambda: A.clamp("a")),
    ("Tensor.clamp_min: min must be", TypeError, lambda: A.clamp_min(None)),
    ("Tensor.clamp_max: max must be", TypeError, lambda: A.clamp_max("1")),
    ("Tensor.size: dim must be an int", TypeError, lambda: A.size(1.0)),
    ("Tensor.requires_grad_: requires_grad must be True or False", TypeError, lambda: A.requires_grad_(1)),
    ("Tensor.requires_grad_: only a floating tensor", TypeError, lambda: ag.Tensor([1, 2]).requires_grad_()),
    ("zeros: shape must hold ints", TypeError, lambda: ag.zeros(2, 3.0)),
    ("ones: sizes in shape must be non-negative", ValueError, lambda: ag.ones(-1)),
    ("zeros: dtype 'floaty' is not a NumPy dtype", TypeError, lambda: ag.zeros(2, dtype="floaty")),
    ("ones: give a shape", TypeError, lambda: ag.ones()),
    ("ones: only a floating dtype can require grad", TypeError, lambda: ag.ones(2, dtype=np.int64, requires_grad=True)),
    ("zeros_like: requires_grad must be True or False", TypeError, lambda: ag.zeros_like(A, requires_grad=None)),
    ("ones_like: x must be", TypeError, lambda: ag.ones_like("ab")),
    ("clone: x must be", TypeError, lambda: ag.clone(None)),
], ids=lambda v: v if isinstance(v, str) else None)
def test_bad_torch_named_calls_name_the_method_and_argument(where, error, call):
    with pytest.raises(error) as caught:
        call()
    assert where in str(caught.value), f"expected the {error.__name__} to say {where!r}, got {str(caught.value)!r}"
