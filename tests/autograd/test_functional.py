"""ag.functional (jacobian, hessian, vjp, hvp) against torch.autograd.functional: values, shapes
and nesting; and gradgradcheck against finite differences."""

import numpy as np
import pytest

import autograd as ag
from autograd import functional as F
from tests.helpers import assert_close, rng

torch = pytest.importorskip("torch")
TF = torch.autograd.functional


def ours(x, w):
    return ag.tanh(x @ w).sum(axis=0) * x[0, 0]


def theirs(x, w):
    return torch.tanh(x @ w).sum(dim=0) * x[0, 0]


def arrays(seed=0):
    random = rng(seed)
    return random.standard_normal((2, 3)), random.standard_normal((3, 4))


def to_torch(*values):
    return tuple(torch.tensor(v) for v in values)


def assert_nested_close(mine, expected, what):
    if isinstance(expected, tuple):
        assert isinstance(mine, tuple) and len(mine) == len(expected), f"expected {what} nested as torch's"
        for i, (m, e) in enumerate(zip(mine, expected, strict=True)):
            assert_nested_close(m, e, f"{what}[{i}]")
        return
    assert isinstance(mine, ag.Tensor), f"expected {what} to be a Tensor"
    assert mine.shape == tuple(expected.shape), f"expected {what} of shape {tuple(expected.shape)}, got {mine.shape}"
    assert_close(mine.value, expected.numpy(), what)


def test_jacobian_of_one_and_of_several_inputs_as_torch():
    x, w = arrays()
    assert_nested_close(F.jacobian(lambda x: ours(x, ag.Tensor(w)), ag.Tensor(x)),
                        TF.jacobian(lambda x: theirs(x, torch.tensor(w)), torch.tensor(x)), "jacobian")
    assert_nested_close(F.jacobian(ours, (ag.Tensor(x), ag.Tensor(w))), TF.jacobian(theirs, to_torch(x, w)),
                        "jacobian of two inputs")
    pair = (lambda x, w: (ours(x, w), (x * x).sum()), lambda x, w: (theirs(x, w), (x * x).sum()))
    assert_nested_close(F.jacobian(pair[0], (ag.Tensor(x), ag.Tensor(w))), TF.jacobian(pair[1], to_torch(x, w)),
                        "jacobian of two outputs and two inputs")


def test_hessian_of_one_and_of_several_inputs_as_torch():
    x, w = arrays(1)

    def loss(x, w):
        return (ours(x, w) ** 2).sum()

    def torch_loss(x, w):
        return (theirs(x, w) ** 2).sum()

    assert_nested_close(F.hessian(lambda x: loss(x, ag.Tensor(w)), ag.Tensor(x)),
                        TF.hessian(lambda x: torch_loss(x, torch.tensor(w)), torch.tensor(x)), "hessian")
    assert_nested_close(F.hessian(loss, (ag.Tensor(x), ag.Tensor(w))), TF.hessian(torch_loss, to_torch(x, w)),
                        "hessian blocks")


def test_vjp_and_hvp_as_torch():
    x, w = arrays(2)
    v = rng(3).standard_normal(4)
    assert_nested_close(F.vjp(ours, (ag.Tensor(x), ag.Tensor(w)), v), TF.vjp(theirs, to_torch(x, w), torch.tensor(v)),
                        "vjp")

    def loss(x, w):
        return (ours(x, w) ** 2).sum()

    def torch_loss(x, w):
        return (theirs(x, w) ** 2).sum()

    vx, vw = rng(4).standard_normal(x.shape), rng(5).standard_normal(w.shape)
    assert_nested_close(F.hvp(loss, (ag.Tensor(x), ag.Tensor(w)), (vx, vw)),
                        TF.hvp(torch_loss, to_torch(x, w), to_torch(vx, vw)), "hvp")


def test_hvp_of_a_small_mlp_matches_the_full_hessian():
    import nn

    data = rng(6).standard_normal((4, 3))
    shapes = [(5, 3), (5,), (1, 5), (1,)]  # nn.Linear(3, 5), Tanh, nn.Linear(5, 1)
    values = tuple(ag.Tensor(rng(10 + i).standard_normal(shape)) for i, shape in enumerate(shapes))

    def loss(w1, b1, w2, b2):
        h = ag.tanh(nn.functional.linear(ag.Tensor(data), w1, b1))
        return (nn.functional.linear(h, w2, b2) ** 2).mean()

    vectors = tuple(rng(7 + i).standard_normal(v.shape) for i, v in enumerate(values))
    _, products = F.hvp(loss, values, vectors)
    blocks = F.hessian(loss, values)
    for i, product in enumerate(products):
        expected = sum(np.tensordot(blocks[i][j].value, vectors[j], axes=vectors[j].ndim) for j in range(len(values)))
        assert_close(product.value, expected, f"H v for parameter {i} from the full Hessian")


def test_functional_bad_arguments_name_the_function():
    with pytest.raises(TypeError, match="jacobian: func must return"):
        F.jacobian(lambda x: 3.0, ag.Tensor(np.ones(2)))
    with pytest.raises(ValueError, match="hvp: func must return a single Tensor with a single element"):
        F.hvp(lambda x: x * 2, ag.Tensor(np.ones(2)), np.ones(2))
    with pytest.raises(ValueError, match=r"vjp: v has shape \(3,\), expected \(2,\)"):
        F.vjp(lambda x: x * 2, ag.Tensor(np.ones(2)), np.ones(3))


# -- gradgradcheck ---------------------------------------------------------------------------------
def test_gradgradcheck_passes_for_library_ops():
    x, w = arrays(8)
    assert ag.gradgradcheck(lambda x, w: ag.softmax(ag.tanh(x @ w), axis=1), ag.Tensor(x), ag.Tensor(w))
    assert ag.gradgradcheck(lambda s: s.tanh() * s.exp(), ag.Scalar(0.4))
    assert ag.gradgradcheck(lambda x: ag.max_pool2d(ag.conv2d(x, ag.Tensor(np.ones((2, 1, 2, 2)))) ** 2, 2),
                            ag.Tensor(rng(9).standard_normal((1, 1, 5, 5))))


def test_gradgradcheck_names_input_and_element_of_a_wrong_second_derivative():
    def wrong_square(x):
        """x^2 whose backward uses a value detached from x: right once, wrong twice."""
        output = ag.Tensor(x.value**2, inputs=(x,), op="wrong_square")

        def _backward():
            x.accumulate_grad(output.grad * 2 * ag.Tensor(x.value, requires_grad=False))

        output._backward = _backward
        return output

    import autograd.ops.elementwise.unary as module

    wrong_square.__globals__["TWICE_DIFFERENTIABLE"] = True  # claims to be twice differentiable
    try:
        with pytest.raises(ag.GradcheckError, match=r"gradgradcheck: input 0 \('x'\), element \(0,\)"):
            ag.gradgradcheck(wrong_square, ag.Tensor(np.array([1.0, 2.0]), label="x"))
    finally:
        del wrong_square.__globals__["TWICE_DIFFERENTIABLE"]
    assert module.TWICE_DIFFERENTIABLE is True, "expected the library's flag untouched"
