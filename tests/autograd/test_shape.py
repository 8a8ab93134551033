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
