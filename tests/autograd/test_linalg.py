"""matmul: 1-D, 2-D, batched with broadcast batch axes; finite differences and torch."""

import pytest

import autograd as ag
from tests.helpers import check_against_torch, rng

SHAPES = [
    ((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((2, 1, 2, 3), (5, 3, 4)), ((3,), (2, 3, 4)), ((2, 2, 3), (3,)),
]


@pytest.mark.parametrize("shape_a, shape_b", SHAPES)
def test_matmul_gradients(shape_a, shape_b):
    a = ag.Tensor(rng(1).standard_normal(shape_a))
    b = ag.Tensor(rng(2).standard_normal(shape_b))
    out_shape = (a.value @ b.value).shape
    weights = rng(3).standard_normal(out_shape)
    assert ag.gradcheck(lambda a, b: ag.sum(ag.matmul(a, b) * weights), a, b)


@pytest.mark.parametrize("shape_a, shape_b", SHAPES)
def test_matmul_matches_torch(shape_a, shape_b):
    torch = pytest.importorskip("torch")
    a, b = rng(1).standard_normal(shape_a), rng(2).standard_normal(shape_b)
    check_against_torch(lambda a, b: a @ b, torch.matmul, a, b)


def test_matmul_dot_product_lecture_example():
    x = ag.Tensor([1.0, 2.0, 3.0], label="x")
    y = ag.Tensor([4.0, 5.0, 6.0], label="y")
    out = x @ y
    assert out.item() == 32.0
    out.backward()
    assert x.grad.tolist() == [4.0, 5.0, 6.0] and y.grad.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("shape_a, shape_b", [((2, 3), (4, 5)), ((3,), (4,)), ((2, 2, 3), (3, 3, 4))])
def test_misaligned_shapes_name_both(shape_a, shape_b):
    with pytest.raises(ValueError, match=rf"matmul: shapes \({shape_a[0]}"):
        ag.Tensor(rng(0).standard_normal(shape_a)) @ ag.Tensor(rng(0).standard_normal(shape_b))


def test_matmul_of_0d_is_a_value_error():
    with pytest.raises(ValueError, match="0-d"):
        ag.matmul(ag.Tensor(2.0), ag.Tensor([1.0]))
