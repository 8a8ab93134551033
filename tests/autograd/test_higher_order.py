"""ag.grad and gradients of gradients: PyTorch's semantics, second and third derivatives of every
op against torch.autograd.grad(create_graph=True), Scalars, DeZero's examples, and the clear
error of an op whose backward is written on arrays."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

import autograd as ag
from tests.autograd.higher_order import check_higher_order
from tests.helpers import rng

torch = pytest.importorskip("torch")


def data(*shape, seed=0, low=None):
    values = rng(seed).standard_normal(shape)
    return np.abs(values) + low if low is not None else values


# -- ag.grad's contract ---------------------------------------------------------------------------
def test_grad_returns_a_tuple_in_input_order_and_leaves_every_grad_alone():
    x, w = ag.Tensor(data(3)), ag.Tensor(data(3, seed=1))
    x.grad = np.full(3, 7.0)
    y = (x * w).sum()
    gw, gx = ag.grad(y, [w, x])
    np.testing.assert_allclose(gx.value, w.value, err_msg="expected d(x.w)/dx = w")
    np.testing.assert_allclose(gw.value, x.value, err_msg="expected d(x.w)/dw = x")
    np.testing.assert_array_equal(x.grad, np.full(3, 7.0), err_msg="expected x.grad untouched by ag.grad")
    assert not w.has_grad, "expected w.grad still empty after ag.grad"
    assert not gx.requires_grad, "expected a constant gradient without create_graph"


def test_unused_input_raises_naming_it_unless_allow_unused():
    x, z = ag.Tensor(data(2)), ag.Tensor(data(2), label="z")
    y = (x * x).sum()
    with pytest.raises(ValueError, match=r"inputs\[1\] \('z'\) is not used"):
        ag.grad(y, [x, z])
    _, gz = ag.grad(y, [x, z], allow_unused=True)
    assert gz is None, "expected None for an unused input with allow_unused=True"


def test_non_scalar_output_needs_grad_outputs_as_backward():
    x = ag.Tensor(data(3))
    with pytest.raises(ag.BackwardError, match="single-element"):
        ag.grad(x * 2, x)
    (g,) = ag.grad(x * 2, x, grad_outputs=np.arange(3.0))
    np.testing.assert_allclose(g.value, 2 * np.arange(3.0), err_msg="expected the vector-Jacobian product")


def test_bad_arguments_name_grad_and_the_argument():
    x = ag.Tensor(data(2))
    with pytest.raises(TypeError, match=r"grad: outputs\[0\]"):
        ag.grad([3.0], x)
    with pytest.raises(ValueError, match=r"grad: inputs\[0\] does not require grad"):
        ag.grad((x * 2).sum(), ag.Tensor(data(2), requires_grad=False))
    with pytest.raises(ValueError, match="grad_outputs"):
        ag.grad(x * 2, x, grad_outputs=np.ones(5))


def test_several_outputs_add_up_and_an_intermediate_input_works():
    x = ag.Tensor(data(3))
    h = x * x
    y1, y2 = h.sum(), (h * 3).sum()
    (gx,) = ag.grad([y1, y2], x)
    np.testing.assert_allclose(gx.value, 8 * x.value, err_msg="expected 2x + 6x from both outputs")
    (gh,) = ag.grad(y1 + y2, h)
    np.testing.assert_allclose(gh.value, np.full(3, 4.0), err_msg="expected d/dh = 1 + 3")


# -- elementwise ops and broadcasting, over hypothesis shapes --------------------------------------
UNARY = {
    "exp": (ag.exp, torch.exp, None),
    "log": (ag.log, torch.log, 0.5),
    "sqrt": (ag.sqrt, torch.sqrt, 0.5),
    "tanh": (ag.tanh, torch.tanh, None),
    "sigmoid": (ag.sigmoid, torch.sigmoid, None),
    "relu": (ag.relu, torch.relu, None),
    "abs": (ag.abs, torch.abs, None),
    "neg": (ag.neg, torch.neg, None),
    "clip": (lambda x: ag.clip(x, -0.5, 0.7), lambda x: torch.clamp(x, -0.5, 0.7), None),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_three_times_against_torch(name):
    ours, theirs, low = UNARY[name]
    check_higher_order(lambda x: ours(x) * x, lambda x: theirs(x) * x, data(2, 3, low=low))


BINARY = {
    "add": (lambda a, b: (a + b) * a, lambda a, b: (a + b) * a),
    "sub": (lambda a, b: (a - b) * b, lambda a, b: (a - b) * b),
    "mul": (lambda a, b: a * b * b, lambda a, b: a * b * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "power": (lambda a, b: a**b, lambda a, b: a**b),
    "maximum": (lambda a, b: ag.maximum(a, b) * a, lambda a, b: torch.maximum(a, b) * a),
    "minimum": (lambda a, b: ag.minimum(a, b) * b, lambda a, b: torch.minimum(a, b) * b),
    "where": (lambda a, b: ag.where(a.value > 1.0, a * a, b * a), lambda a, b: torch.where(a > 1.0, a * a, b * a)),
}

shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=4, deadline=None)
@given(shapes=shapes)
def test_binary_ops_broadcast_three_times_against_torch(name, shapes):
    ours, theirs = BINARY[name]
    a_shape, b_shape = shapes.input_shapes
    check_higher_order(ours, theirs, data(*a_shape, low=0.5), data(*b_shape, seed=1, low=0.5))


def test_maximum_at_ties_splits_every_order_as_torch():
    a = np.array([1.0, 2.0, 3.0])
    check_higher_order(lambda x, y: ag.maximum(x, y) * x * y, lambda x, y: torch.maximum(x, y) * x * y,
                       a, np.array([1.0, 0.0, 3.0]))


# -- reductions, softmax ----------------------------------------------------------------------------
REDUCTIONS = {
    "sum": (lambda x: (x.sum(axis=1) ** 2), lambda x: x.sum(dim=1) ** 2),
    "mean": (lambda x: x.mean(axis=(0, 2), keepdims=True) ** 3, lambda x: x.mean(dim=(0, 2), keepdim=True) ** 3),
    "var": (lambda x: x.var(axis=1) * x.sum(axis=1), lambda x: x.var(dim=1, unbiased=False) * x.sum(dim=1)),
    "var_ddof": (lambda x: x.var(ddof=1) ** 2, lambda x: x.var() ** 2),
    "logsumexp": (lambda x: ag.logsumexp(x, axis=-1), lambda x: torch.logsumexp(x, dim=-1)),
    "logsumexp_all": (lambda x: ag.logsumexp(x) * ag.logsumexp(x, axis=0, keepdims=True).sum(),
                      lambda x: torch.logsumexp(x.flatten(), 0) * torch.logsumexp(x, 0, keepdim=True).sum()),
    "softmax": (lambda x: ag.softmax(x, axis=1), lambda x: torch.softmax(x, dim=1)),
    "log_softmax": (lambda x: ag.log_softmax(x, axis=-1), lambda x: torch.log_softmax(x, dim=-1)),
    "max": (lambda x: x.max(axis=1) * x.sum(axis=1), lambda x: x.amax(dim=1) * x.sum(dim=1)),
    "min": (lambda x: x.min() * x.sum(), lambda x: x.amin() * x.sum()),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reductions_three_times_against_torch(name):
    ours, theirs = REDUCTIONS[name]
    check_higher_order(ours, theirs, data(2, 3, 4))


def test_max_and_min_ties_split_every_order_as_torch():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]])
    check_higher_order(lambda t: t.max(axis=1) * t.sum(axis=1), lambda t: t.amax(dim=1) * t.sum(dim=1), x)
    check_higher_order(lambda t: t.min(axis=1) ** 2 * t.sum(), lambda t: t.amin(dim=1) ** 2 * t.sum(), x)


# -- shape ops and indexing -------------------------------------------------------------------------
SHAPES = {
    "reshape": (lambda x: x.reshape(4, 6) ** 2, lambda x: x.reshape(4, 6) ** 2),
    "transpose": (lambda x: x.transpose(2, 0, 1) * x.transpose(2, 0, 1), lambda x: x.permute(2, 0, 1) ** 2),
    "swapaxes": (lambda x: x.swapaxes(0, 2) ** 3, lambda x: x.transpose(0, 2) ** 3),
    "broadcast_to": (lambda x: ag.broadcast_to(x[:, :1], (2, 3, 4)) ** 2, lambda x: x[:, :1].expand(2, 3, 4) ** 2),
    "expand_squeeze": (lambda x: ag.squeeze(ag.expand_dims(x, 1) ** 2), lambda x: x.unsqueeze(1).squeeze() ** 2),
    "pad": (lambda x: ag.pad(x, 1) ** 2, lambda x: torch.nn.functional.pad(x, (1, 1) * 3) ** 2),
    "concatenate": (lambda x: ag.concatenate([x, x * x], axis=1) ** 2, lambda x: torch.cat([x, x * x], 1) ** 2),
    "stack": (lambda x: ag.stack([x, x * x], axis=2) ** 2, lambda x: torch.stack([x, x * x], 2) ** 2),
    "split": (lambda x: ag.split(x, 2, axis=2)[1] ** 3, lambda x: torch.split(x, 2, dim=2)[1] ** 3),
    "slice": (lambda x: x[:, 1:, ::2] ** 3, lambda x: x[:, 1:, ::2] ** 3),
    "repeated_index": (lambda x: x[np.array([0, 1, 1, 0])] ** 3, lambda x: x[torch.tensor([0, 1, 1, 0])] ** 3),
    "mask": (lambda x: x[x.value > 0] ** 3, lambda x: x[x > 0] ** 3),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shape_ops_and_indexing_three_times_against_torch(name):
    ours, theirs = SHAPES[name]
    check_higher_order(ours, theirs, data(2, 3, 4))


@settings(max_examples=6, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(signature="(n,k),(k,m)->(n,m)", max_dims=4,
                                                max_side=3))
def test_matmul_with_batch_broadcasting_three_times_against_torch(shapes):
    a_shape, b_shape = shapes.input_shapes
    check_higher_order(lambda a, b: (a @ b) ** 2, lambda a, b: (a @ b) ** 2, data(*a_shape), data(*b_shape, seed=1))


def test_matmul_of_vectors_three_times_against_torch():
    check_higher_order(lambda a, b: (a @ b) ** 2, lambda a, b: (a @ b) ** 2, data(3), data(3, 2, seed=1))
    check_higher_order(lambda a, b: (a @ b) ** 2, lambda a, b: (a @ b) ** 2, data(2, 3), data(3, seed=1))


# -- conv, pool, fold --------------------------------------------------------------------------------
CONV_CASES = [
    dict(stride=1, padding=0, dilation=1, groups=1, bias=True),
    dict(stride=2, padding=1, dilation=1, groups=2, bias=False),
    dict(stride=(1, 2), padding=(2, 1), dilation=2, groups=1, bias=True),
    dict(stride=1, padding="same", dilation=1, groups=4, bias=True),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=lambda case: "-".join(f"{k}{v}" for k, v in case.items()))
def test_conv2d_three_times_against_torch(case):
    case = dict(case)
    bias = case.pop("bias")
    groups = case["groups"]
    arrays = [data(2, 4, 6, 7), data(4, 4 // groups, 3, 3, seed=1)] + ([data(4, seed=2)] if bias else [])

    def ours(x, w, b=None):
        return ag.conv2d(x, w, b, **case) ** 2

    def theirs(x, w, b=None):
        return torch.nn.functional.conv2d(x, w, b, **case) ** 2

    check_higher_order(ours, theirs, *arrays)


def test_conv_transpose2d_three_times_against_torch():
    check_higher_order(lambda x, w: ag.conv_transpose2d(x, w, stride=2, padding=1) ** 2,
                       lambda x, w: torch.nn.functional.conv_transpose2d(x, w, stride=2, padding=1) ** 2,
                       data(1, 2, 4, 4), data(2, 3, 3, 3, seed=1))


POOLS = {
    "max_pool2d": (lambda x: ag.max_pool2d(x * x, 2) ** 2, lambda x: torch.nn.functional.max_pool2d(x * x, 2) ** 2),
    "max_pool2d_overlap": (lambda x: ag.max_pool2d(x * x, 3, stride=2, padding=1) ** 2,
                           lambda x: torch.nn.functional.max_pool2d(x * x, 3, stride=2, padding=1) ** 2),
    "avg_pool2d": (lambda x: ag.avg_pool2d(x * x, 3, stride=2, padding=1) ** 2,
                   lambda x: torch.nn.functional.avg_pool2d(x * x, 3, stride=2, padding=1) ** 2),
    "unfold": (lambda x: ag.unfold(x * x, 3, padding=1, stride=2) ** 2,
               lambda x: torch.nn.functional.unfold(x * x, 3, padding=1, stride=2) ** 2),
    "fold": (lambda x: ag.fold(ag.unfold(x, 2) ** 2, (6, 6), 2) ** 2,
             lambda x: torch.nn.functional.fold(torch.nn.functional.unfold(x, 2) ** 2, (6, 6), 2) ** 2),
}


@pytest.mark.parametrize("name", sorted(POOLS))
def test_pooling_and_folding_three_times_against_torch(name):
    ours, theirs = POOLS[name]
    check_higher_order(ours, theirs, data(2, 2, 6, 6))


def test_gradient_penalty_through_a_small_cnn_against_torch():
    """|d loss / d input|^2 backpropagated to the weights (WGAN-GP's penalty)."""
    x, w1, w2 = data(2, 1, 6, 6), data(3, 1, 3, 3, seed=1), data(4, 27, seed=2) * 0.2

    def ours(x, w1, w2):
        h = ag.max_pool2d(ag.tanh(ag.conv2d(x, w1, padding=1)), 2)
        loss = ag.log_softmax(h.reshape(2, 27) @ w2.T, axis=1)[:, 0].sum()
        (gx,) = ag.grad(loss, x, create_graph=True)
        return (gx * gx).sum()

    def theirs(x, w1, w2):
        h = torch.nn.functional.max_pool2d(torch.tanh(torch.nn.functional.conv2d(x, w1, padding=1)), 2)
        loss = torch.log_softmax(h.reshape(2, 27) @ w2.T, dim=1)[:, 0].sum()
        (gx,) = torch.autograd.grad(loss, x, create_graph=True)
        return (gx * gx).sum()

    check_higher_order(ours, theirs, x, w1, w2, orders=1)


# -- Scalars and DeZero's examples -------------------------------------------------------------------
def test_scalar_second_derivative_with_one_engine():
    x = ag.Scalar(2.0)
    y = x * x * x + 2 * x.exp()
    (dy,) = ag.grad(y, x, create_graph=True)
    assert isinstance(dy, ag.Scalar), "expected a Scalar gradient for a Scalar input"
    (d2y,) = ag.grad(dy, x)
    assert abs(d2y.value - (6 * 2.0 + 2 * np.exp(2.0))) < 1e-12, "expected 6x + 2e^x"
    assert x.grad == 0.0, "expected x.grad untouched"


def test_dezero_tanh_up_to_the_fourth_derivative_at_one():
    x = ag.Scalar(1.0)
    xt = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y, yt = x.tanh(), torch.tanh(xt)
    for order in range(1, 5):
        (y,) = ag.grad(y, x, create_graph=True)
        (yt,) = torch.autograd.grad(yt, xt, create_graph=True)
        assert abs(y.value - yt.item()) < 1e-12, f"expected tanh's derivative {order} at 1.0 to be {yt.item()}"
    # the same on a Tensor
    x = ag.Tensor(np.array(1.0))
    y = ag.tanh(x)
    for _ in range(4):
        (y,) = ag.grad(y, x, create_graph=True)
    assert abs(y.item() - yt.item()) < 1e-12, "expected the Tensor's 4th derivative to match too"


def test_dezero_newtons_method_on_x4_minus_2x2():
    """DeZero step 33: from x = 2, Newton's method reaches the minimum x = 1 in 7 steps."""
    x = ag.Scalar(2.0)
    path = []
    for _ in range(10):
        y = x**4 - 2 * x**2
        (gx,) = ag.grad(y, x, create_graph=True)
        (gx2,) = ag.grad(gx, x)
        x = ag.Scalar(x.value - gx.value / gx2.value)
        path.append(x.value)
    np.testing.assert_allclose(path[:3], [1.4545454545454546, 1.1510467893775467, 1.0253259289766978],
                               err_msg="expected DeZero's first Newton steps")
    assert path[6] == 1.0, "expected x = 1.0 exactly after 7 steps, as DeZero prints"


# -- an op written the lessons' way ------------------------------------------------------------------
def lesson_cube(x):
    """x^3 with the lessons' closure: ``input.grad += ...`` on arrays."""
    output = ag.Tensor(x.value**3, op="lesson_cube", inputs=[x], label="cube")

    def _backward():
        x.grad += output.grad * 3 * x.value**2

    output._backward = _backward
    return output


def test_lesson_style_op_keeps_first_order_in_backward_and_grad():
    x = ag.Tensor(np.array([1.0, 2.0]))
    y = (lesson_cube(x) * 2).sum()
    y.backward()
    np.testing.assert_allclose(x.grad, [6.0, 24.0], err_msg="expected 6x^2 from backward()")
    (g,) = ag.grad(y, x)
    np.testing.assert_allclose(g.value, [6.0, 24.0], err_msg="expected 6x^2 from ag.grad")
    (g,) = ag.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.value, [6.0, 24.0], err_msg="expected the right first order with create_graph")


def test_lesson_style_op_raises_naming_itself_on_a_second_derivative():
    x = ag.Tensor(np.array([1.0, 2.0]))
    y = (lesson_cube(ag.tanh(x)) * 2).sum()
    (g,) = ag.grad(y, x, create_graph=True)
    with pytest.raises(RuntimeError, match=r"op 'lesson_cube' \('cube'\) has a backward written on arrays"):
        ag.grad(g.sum(), x)


def test_scalar_lesson_style_op_raises_on_a_second_derivative():
    def square(s):
        out = ag.Scalar(s.value**2, "lesson_square", inputs=[s])

        def _backward():
            s.grad += 2 * s.value * out.grad

        out._backward = _backward
        return out

    x = ag.Scalar(3.0)
    (g,) = ag.grad(square(x), x, create_graph=True)
    assert g.value == 6.0, "expected the first derivative 2x"
    with pytest.raises(RuntimeError, match="lesson_square"):
        ag.grad(g, x)


def test_draw_graph_draws_a_gradients_graph():
    """DeZero step 35's picture: the graph of tanh's second derivative, made of tanh, * and - nodes."""
    pytest.importorskip("graphviz")
    from tests.autograd.draw.dot_parse import Dot

    x = ag.Scalar(1.0, label="x")
    (dy,) = ag.grad(x.tanh(), x, create_graph=True)
    (d2y,) = ag.grad(dy, x, create_graph=True)
    dot = Dot(ag.draw_graph(d2y).source)
    labels = " ".join(node.get("label", "") for node in dot.nodes.values())
    assert "tanh" in labels and "*" in labels, f"expected tanh and * nodes in the gradient's graph, got {labels}"
    assert len(dot.nodes) > 10, f"expected the second derivative's graph to have many nodes, got {len(dot.nodes)}"
