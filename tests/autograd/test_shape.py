"""Shape ops and indexing: finite differences, the lesson's exercises 2.1 and 2.2, errors."""

import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, rng


def _weighted(fn, out_shape_seed=9):
    def loss(*xs):
        out = fn(*xs)
        return ag.sum(out * rng(out_shape_seed).standard_normal(out.shape))
    return loss


CASES = {
    "reshape": (lambda x: ag.reshape(x, (4, -1)), (2, 3, 2)),
    "method reshape": (lambda x: x.reshape(3, 4), (2, 6)),
    "transpose": (lambda x: ag.transpose(x, (2, 0, 1)), (2, 3, 4)),
    "T": (lambda x: x.T, (2, 3)),
    "swapaxes": (lambda x: ag.swapaxes(x, 0, 2), (2, 3, 4)),
    "expand_dims": (lambda x: ag.expand_dims(x, (0, 2)), (2, 3)),
    "squeeze": (lambda x: ag.squeeze(x, 1), (2, 1, 3)),
    "broadcast_to": (lambda x: ag.broadcast_to(x, (4, 2, 3)), (2, 1)),
    "flatten": (lambda x: ag.flatten(x, 1), (2, 3, 4)),
    "pad": (lambda x: ag.pad(x, ((1, 2), (0, 1))), (2, 3)),
    "slice": (lambda x: x[1:, ::2], (3, 5)),
    "int and None": (lambda x: x[1, None, ..., -1], (3, 4, 5)),
    "repeated ints": (lambda x: x[[0, 0, 2, 0]], (3, 2)),
    "mask": (lambda x: x[x.value > 0], (4, 3)),
    "tuple of arrays": (lambda x: x[np.array([0, 1, 1]), np.array([2, 2, 2])], (2, 3)),
    "array and slice": (lambda x: x[:, [1, 1, 0]], (2, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_shape_op_gradients(name):
    fn, shape = CASES[name]
    assert ag.gradcheck(_weighted(fn), ag.Tensor(rng(1).standard_normal(shape)))


def test_concatenate_stack_split_gradients():
    a, b = ag.Tensor(rng(1).standard_normal((2, 3))), ag.Tensor(rng(2).standard_normal((2, 1)))
    assert ag.gradcheck(_weighted(lambda a, b: ag.concatenate([a, b, a], axis=1)), a, b)
    c = ag.Tensor(rng(3).standard_normal((2, 3)))
    assert ag.gradcheck(_weighted(lambda a, c: ag.stack([a, c], axis=1)), a, c)
    pieces = ag.split(ag.Tensor(np.arange(6.0)), 3)
    assert [p.value.tolist() for p in pieces] == [[0, 1], [2, 3], [4, 5]]
    x = ag.Tensor(rng(4).standard_normal((2, 5)))
    assert ag.gradcheck(lambda x: ag.sum(ag.split(x, [1, 3], axis=1)[1] ** 2), x)


def test_reshape_backward_lesson_exercise_2_1():
    x = ag.Tensor(rng(0).standard_normal((2, 3)))
    y = ag.reshape(x, (3, 2))
    y.backward(np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(x.grad, np.arange(6.0).reshape(2, 3),
                                  err_msg="expected the gradient reshaped back to the old shape")


def test_repeated_indices_accumulate_lesson_exercise_2_2():
    z = ag.Tensor(np.zeros((3, 4)))
    targets = np.array([1, 1, 3])
    picked = z[np.array([0, 0, 2]), targets]   # row 0 column 1 twice
    picked.sum().backward()
    expected = np.zeros((3, 4))
    expected[0, 1] = 2.0
    expected[2, 3] = 1.0
    np.testing.assert_array_equal(z.grad, expected, err_msg="expected duplicates to add up, not overwrite")


def test_indexing_matches_torch():
    torch = pytest.importorskip("torch")
    idx = np.array([0, 2, 2, 1])
    check_against_torch(lambda x: x[idx, 1:], lambda x: x[torch.tensor(idx), 1:], rng(5).standard_normal((3, 4)))


def test_index_with_an_integer_tensor():
    x = ag.Tensor(np.arange(4.0))
    out = x[ag.Tensor(np.array([3, 3]))]
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 0, 2])


def test_transpose_of_a_vector_by_one_int_axis_as_numpy():
    x = ag.Tensor(np.arange(3.0))
    for out in (x.transpose(0), ag.transpose(x, -1), x.transpose((0,))):
        np.testing.assert_array_equal(out.value, np.arange(3.0),
                                      err_msg="expected transpose(0) of a vector to be itself")
    with pytest.raises(ValueError, match="not a permutation"):
        ag.transpose(ag.Tensor(np.ones((2, 3))), 0)


def test_concatenate_matches_torch():
    torch = pytest.importorskip("torch")
    check_against_torch(lambda a, b: ag.concatenate([a, b], axis=0), lambda a, b: torch.cat([a, b], dim=0),
                        rng(1).standard_normal((2, 3)), rng(2).standard_normal((1, 3)))


@pytest.mark.parametrize("call, message", [
    (lambda x: ag.reshape(x, (4, 2)), r"reshape: cannot reshape shape \(2, 3\) into \(4, 2\)"),
    (lambda x: ag.concatenate([x, ag.Tensor(np.ones((3, 3)))], axis=1), r"concatenate: shapes \(2, 3\), \(3, 3\)"),
    (lambda x: ag.transpose(x, (0, 0)), "not a permutation"),
    (lambda x: ag.squeeze(x, 0), "axis 0 has length 2"),
    (lambda x: ag.pad(x, -1), "non-negative"),
    (lambda x: ag.pad(x, ((1, 1), (1, 1), (1, 1))), "does not fit a 2-d input"),
    (lambda x: ag.split(x, 4, axis=1), "4 sections"),
    (lambda x: ag.stack([x, ag.Tensor(np.ones(3))]), "same shape"),
    (lambda x: ag.broadcast_to(x, (3, 3)), r"broadcast_to: shape \(2, 3\)"),
])
def test_bad_shapes_name_the_op_and_values(call, message):
    with pytest.raises(ValueError, match=message):
        call(ag.Tensor(np.ones((2, 3))))


# -- PyTorch's names: view, view_as, permute, unsqueeze, ag.cat, ag.permute -------------------------
TORCH_NAMED = {
    "view(3, -1)": (lambda x: x.view(3, -1), (2, 6)),
    "view((4, 3))": (lambda x: x.view((4, 3)), (2, 6)),
    "view(-1)": (lambda x: x.view(-1), (2, 3, 2)),
    "permute(2, 0, 1)": (lambda x: x.permute(2, 0, 1), (2, 3, 4)),
    "permute((1, 2, 0))": (lambda x: x.permute((1, 2, 0)), (2, 3, 4)),
    "permute(-1, 0, 1)": (lambda x: x.permute(-1, 0, 1), (2, 3, 4)),
    "permute(1, 0)": (lambda x: x.permute(1, 0), (2, 3)),
    "unsqueeze(0)": (lambda x: x.unsqueeze(0), (2, 3)),
    "unsqueeze(2)": (lambda x: x.unsqueeze(2), (2, 3)),
    "unsqueeze(-1)": (lambda x: x.unsqueeze(-1), (2, 3)),
    "unsqueeze(-3)": (lambda x: x.unsqueeze(-3), (2, 3)),
}


@pytest.mark.parametrize("name", sorted(TORCH_NAMED))
def test_torch_named_shape_methods_match_torch(name):
    fn, shape = TORCH_NAMED[name]
    check_against_torch(fn, fn, rng(21).standard_normal(shape))  # the same call on both libraries


def test_view_as_matches_torch():
    check_against_torch(lambda a, b: a.view_as(b) * b, lambda a, b: a.view_as(b) * b,
                        rng(22).standard_normal((2, 6)), rng(23).standard_normal((3, 4)))
    assert ag.Tensor(np.ones(6)).view_as(np.ones((3, 2))).shape == (3, 2), "expected an array's shape to do"


@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_cat_matches_torch(dim):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda a, b: ag.cat([a, b, a], dim=dim), lambda a, b: torch.cat([a, b, a], dim=dim),
                        rng(24).standard_normal((2, 3)), rng(25).standard_normal((2, 3)))
    check_against_torch(lambda a, b: ag.cat((a, b)), lambda a, b: torch.cat((a, b)),  # default dim=0
                        rng(26).standard_normal((1, 3)), rng(27).standard_normal((2, 3)))


def test_permute_function_matches_torch():
    torch = pytest.importorskip("torch")
    check_against_torch(lambda x: ag.permute(x, (1, 2, 0)), lambda x: torch.permute(x, (1, 2, 0)),
                        rng(28).standard_normal((2, 3, 4)))
    check_against_torch(lambda x: ag.permute(x, [-1, 0]), lambda x: torch.permute(x, [-1, 0]),
                        rng(29).standard_normal((2, 3)))


Y = ag.Tensor(np.ones((2, 3)))


@pytest.mark.parametrize("where, error, call", [
    ("Tensor.view: cannot reshape shape (2, 3) into (4,)", ValueError, lambda: Y.view(4)),
    ("Tensor.view: shape must be an int or a tuple of ints", TypeError, lambda: Y.view("23")),
    ("Tensor.view: only one size can be -1", ValueError, lambda: Y.view(-1, -1)),
    ("Tensor.view_as: other must be a Tensor or an array", TypeError, lambda: Y.view_as((3, 2))),
    ("Tensor.view_as: cannot reshape shape (2, 3) into (4,)", ValueError, lambda: Y.view_as(np.ones(4))),
    ("Tensor.permute: dims must be ints", TypeError, lambda: Y.permute(0, 1.0)),
    ("Tensor.permute: dims (0,) must list each axis", ValueError, lambda: Y.permute(0)),
    ("Tensor.permute: dims (0, 2) must list each axis", ValueError, lambda: Y.permute(0, 2)),
    ("Tensor.permute: dims (1, -1) repeat an axis", ValueError, lambda: Y.permute(1, -1)),
    ("Tensor.unsqueeze: dim must be an int", TypeError, lambda: Y.unsqueeze((0, 1))),
    ("Tensor.unsqueeze: dim 3 is out of range", ValueError, lambda: Y.unsqueeze(3)),
    ("Tensor.unsqueeze: dim -4 is out of range", ValueError, lambda: Y.unsqueeze(-4)),
    ("cat: dim must be an int", TypeError, lambda: ag.cat([Y, Y], dim="0")),
    ("cat: dim 2 is out of range", ValueError, lambda: ag.cat([Y, Y], dim=2)),
    ("cat: shapes (2, 3), (3, 2) do not match off dim 0", ValueError, lambda: ag.cat([Y, Y.T])),
    ("cat: tensors must be a list or tuple", TypeError, lambda: ag.cat(Y)),
    ("cat: needs at least one tensor", ValueError, lambda: ag.cat([])),
    ("permute: dims must be a tuple or list of ints", TypeError, lambda: ag.permute(Y, 1)),
    ("permute: dims (0, 0) repeat an axis", ValueError, lambda: ag.permute(Y, (0, 0))),
    ("permute: x must be", TypeError, lambda: ag.permute("ab", (0,))),
], ids=lambda v: v if isinstance(v, str) else None)
def test_bad_torch_named_calls_name_the_method_and_argument(where, error, call):
    with pytest.raises(error) as caught:
        call()
    assert where in str(caught.value), f"expected the {error.__name__} to say {where!r}, got {str(caught.value)!r}"
