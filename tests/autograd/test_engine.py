"""The shared backward engine: iterative walk, accumulation, grad mode, custom ops."""

import gc
import weakref

import numpy as np
import pytest

import autograd as ag
from autograd import engine


@pytest.mark.parametrize("kind", ["scalar", "tensor"])
def test_chain_of_100k_ops_backpropagates_without_recursion(kind):
    x = ag.Scalar(1.0) if kind == "scalar" else ag.Tensor(np.ones(2))
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    root = y if kind == "scalar" else y.sum()
    root.backward()
    np.testing.assert_array_equal(x.grad, np.ones(()) if kind == "scalar" else np.ones(2),
                                  err_msg="expected the gradient 1 through 200k nodes")


def test_topological_order_puts_inputs_first():
    a = ag.Scalar(1.0)
    b = a * 2
    c = b + a
    order = engine.topological_order(c)
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.inputs:
            assert position[id(parent)] < position[id(node)], "expected inputs before outputs"
    assert order[-1] is c


@pytest.mark.parametrize("kind", ["scalar", "tensor"])
def test_a_node_used_twice_accumulates(kind):
    a = ag.Scalar(3.0) if kind == "scalar" else ag.Tensor(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert float(a.grad) == 4.0, "expected b = a + a; c = b + b to give dc/da = 4"


@pytest.mark.parametrize("kind", ["scalar", "tensor"])
def test_backward_twice_accumulates_leaves_like_pytorch(kind):
    x = ag.Scalar(2.0) if kind == "scalar" else ag.Tensor(2.0)
    h = x * x
    y = h * 3.0
    y.backward()
    y.backward()
    assert float(x.grad) == 24.0, "expected two passes to give 2 * dy/dx = 2 * 12"
    x.zero_grad()
    y.backward()
    assert float(x.grad) == 12.0, "expected zero_grad to clear, then one pass gives 12"


def test_backward_twice_matches_torch_accumulation():
    torch = pytest.importorskip("torch")
    x = ag.Tensor(np.array([1.0, -2.0, 3.0]))
    y = (ag.exp(x) * x).sum()
    y.backward()
    y.backward()
    xt = torch.tensor([1.0, -2.0, 3.0], dtype=torch.double, requires_grad=True)
    yt = (torch.exp(xt) * xt).sum()
    yt.backward(retain_graph=True)
    yt.backward()
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), err_msg="expected torch's accumulated grad")


def test_non_scalar_backward_needs_grad():
    y = ag.Tensor(np.ones(3)) * 2
    with pytest.raises(ValueError, match=r"\(3,\)"):
        y.backward()
    with pytest.raises(RuntimeError):  # PyTorch's exception type works too
        y.backward()


def test_backward_with_explicit_grad():
    x = ag.Tensor(np.array([1.0, 2.0, 3.0]))
    y = x * x
    y.backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -6.0], err_msg="expected g * 2x")
    with pytest.raises(ValueError, match=r"\(2,\)"):
        y.backward(np.ones(2))


def test_backward_on_a_constant_raises():
    with pytest.raises(ValueError, match="does not require grad"):
        ag.Tensor(np.ones(()), requires_grad=False).backward()


def test_no_grad_records_nothing():
    x = ag.Tensor(np.ones(3))
    with ag.no_grad():
        y = ag.exp(x) * 2
        lesson_style = ag.Tensor(np.log(x.value), inputs=[x], op="log")
    assert not y.requires_grad and y.inputs == (), "expected no inputs recorded under no_grad"
    assert not lesson_style.requires_grad and lesson_style.inputs == ()
    assert ag.is_grad_enabled(), "expected grad mode restored after the block"


def test_no_grad_as_decorator_and_nesting():
    @ag.no_grad()
    def predict(x):
        with ag.enable_grad():
            inner = x * 2
        return x * 3, inner

    outer, inner = predict(ag.Tensor(np.ones(2)))
    assert not outer.requires_grad and inner.requires_grad
    assert ag.is_grad_enabled()


def test_lesson_style_user_op_plugs_into_the_engine():
    def log(input):
        output = ag.Tensor(np.log(input.value), inputs=[input], op="log")

        def _backward():
            input.grad += output.grad / input.value
            return None

        output._backward = _backward
        return output

    z = ag.Tensor(np.array([0.5, 1.0, 2.0]), label="z")
    loss = ag.sum(log(ag.exp(z) * 3.0) * z)   # d/dz [z (z + log 3)] = 2z + log 3
    loss.backward()
    np.testing.assert_allclose(z.grad, 2 * z.value + np.log(3.0), rtol=1e-12,
                               err_msg="expected the user op's gradient to flow through")


@pytest.mark.parametrize("style", ["library", "lesson"])
def test_a_dropped_tensor_graph_is_freed_at_once_without_the_cycle_collector(style):
    def lesson_square(input):
        output = ag.Tensor(input.value ** 2, inputs=[input], op="square")

        def _backward():
            input.grad += 2 * input.value * output.grad

        output._backward = _backward
        return output

    square = lesson_square if style == "lesson" else (lambda t: t * t)
    x = ag.Tensor(np.arange(3.0))
    gc.disable()
    try:
        hidden = square(ag.exp(x))
        loss = ag.sum(hidden)
        loss.backward()
        assert type(hidden) is ag.Tensor, "expected the op to return the tensor itself, not a proxy"
        hidden_ref, loss_ref = weakref.ref(hidden), weakref.ref(loss)
        del hidden, loss
        assert hidden_ref() is None and loss_ref() is None, "expected the graph freed by reference counting"
    finally:
        gc.enable()
    np.testing.assert_allclose(x.grad, 2 * np.exp(2 * x.value), rtol=1e-12, err_msg="expected d/dx sum(exp(x)^2)")


def test_constants_get_no_gradient_work():
    x = ag.Tensor(np.ones(3))
    c = ag.Tensor(np.full(3, 2.0), requires_grad=False)
    (x * c + c).sum().backward()
    assert c._grad is None, "expected no gradient allocated for an input that needs none"
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])


def test_intermediate_grads_are_kept_for_inspection():
    x = ag.Tensor(np.array([1.0, 2.0]))
    h = x * 3
    h.sum().backward()
    np.testing.assert_array_equal(h.grad, [1.0, 1.0])
